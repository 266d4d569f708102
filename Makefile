# Stages as file targets: make reruns only what changed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PDF    ?= raw/bilag3_initiativer_ensomhed.pdf
SRC    := $(wildcard pipeline/*.py) $(wildcard pipeline/reference_data/*.csv)
CLI    := $(PY) -m pipeline

.PHONY: setup schemas run extract assemble normalise export validate report diff links bench fuzz test clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

interim/fragments.parquet interim/raw_footnotes.parquet &: $(PDF) $(SRC) $(STAMP)
	$(CLI) extract --pdf $(PDF) --interim interim

interim/assembled.parquet interim/footnotes.parquet &: interim/fragments.parquet interim/raw_footnotes.parquet $(SRC)
	$(CLI) assemble --interim interim

interim/initiatives.parquet interim/quality.parquet &: interim/assembled.parquet interim/footnotes.parquet $(SRC)
	$(CLI) normalise --interim interim

processed/initiatives.parquet processed/quality_report.md &: interim/initiatives.parquet interim/quality.parquet $(SRC) $(wildcard raw/reviewed_suspects.csv)
	$(CLI) export --interim interim --out processed

extract: interim/fragments.parquet
assemble: interim/assembled.parquet
normalise: interim/initiatives.parquet
export: processed/initiatives.parquet
run: setup export
# always runs: validation is what CI and a release reviewer ask for
validate: setup processed/initiatives.parquet
	$(CLI) validate --out processed

# the report is written by export; this rewrites it alone
report: setup processed/initiatives.parquet
	$(CLI) report --out processed

NEW ?= processed
diff: setup
	@test -n "$(OLD)" || { echo "usage: make diff OLD=old/processed [NEW=processed] [JSON=changes.json]" >&2; exit 2; }
	$(CLI) diff $(OLD) $(NEW) $(if $(JSON),--json $(JSON))

# needs the network; a separate step, never part of run or test. It checks the release that is
# in processed/ as it is (no rebuild first: a release copied in without interim/ is checked too).
links: setup
	$(CLI) links --out processed

# the published schemas (schemas/*.schema.json, *.pandera.yaml) from pipeline/metadata.py; a test fails when stale
schemas: setup
	$(CLI) schemas --out schemas

bench: setup
	$(PY) bench/benchmark.py --out bench/results

# layout fuzzing: N seeded re-typesettings of the golden table, scored cell by cell (tests/fuzz);
# FUZZ_ARGS="--keep DIR --reuse" keeps the PDFs and scores kept ones again without typesetting
N ?= 40
START ?= 0
fuzz: setup
	$(PY) -m tests.fuzz.run --n $(N) --start $(START) --out tests/fuzz/results $(FUZZ_ARGS)

test: setup
	$(PY) -m pytest

clean:
	rm -rf interim/*.parquet
