"""Release: validation gates, tampered outputs, Data Package, deterministic bytes, nothing lost."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import stages
from pipeline.errors import PipelineError
from pipeline.metadata import TABLES
from pipeline.schemas import ValidationFailed
from pipeline.store import read_parquet, write_parquet
from tests.pdfmaker import Style, make_pdf

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def release(bundled_run, tmp_path):
    """A private copy of the bundled run's processed folder."""
    out = tmp_path / "processed"
    shutil.copytree(bundled_run, out)
    return out


def test_validate_passes_and_writes_report(release):
    result = cli("validate", "--out", release)
    assert result.returncode == 0, result.stderr
    report = json.loads((release / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["success"] and len(report["checks"]) > 20
    assert {c["tool"] for c in report["checks"]} == {"pandera", "great_expectations", "plausibility"}
    assert "Release validation" in (release / "reports" / "validation.html").read_text(encoding="utf-8")


def _dup_id(df):
    df.loc[1, "initiative_id"] = 1
    return df


def _age(df):
    df.loc[0, "age_min"] = -5
    return df


def _type(df):
    df.loc[0, "intervention_type"] = "Telepati"
    return df


def _orphan(df):
    df.loc[0, "initiative_id"] = pd.NA
    return df


@pytest.mark.parametrize("table, tamper, pandera_rule, gx_rule", [
    ("initiatives", _dup_id, "initiatives.initiative_id: values are unique",
     "expect_column_values_to_be_unique(initiative_id)"),
    ("initiatives", _age, "initiatives.age_min: age_min within 0-120", "expect_column_values_to_be_between(age_min)"),
    ("initiative_intervention_types", _type, "intervention type is in the vocabulary",
     "expect_column_values_to_be_in_set(intervention_type)"),
    ("footnotes", _orphan, "footnotes.initiative_id", "expect_column_values_to_not_be_null(initiative_id)"),
])
def test_tampered_output_fails_naming_the_rule(release, table, tamper, pandera_rule, gx_rule):
    from pipeline.validate import validate
    path = release / f"{table}.parquet"
    write_parquet(tamper(read_parquet(path)), path, TABLES[table])
    failed = validate(release).failed
    assert any(c.tool == "pandera" and pandera_rule in c.detail for c in failed), failed
    assert any(c.tool == "great_expectations" and c.name == gx_rule for c in failed), failed


def test_validate_cli_exits_non_zero_naming_failures(release):
    path = release / "initiatives.parquet"
    write_parquet(_age(read_parquet(path)), path, TABLES["initiatives"])
    result = cli("validate", "--out", release)
    assert result.returncode == 2
    assert "FAILED [pandera] initiatives: initiatives.age_min: age_min within 0-120" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")


def test_datapackage_is_valid(release):
    from frictionless import validate
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    from pipeline.datapackage import VIEWS
    assert len(package["resources"]) == 2 * len(TABLES) + len(VIEWS)
    assert all(f["description"] for r in package["resources"] if "schema" in r for f in r["schema"]["fields"])
    views = {r["path"]: r for r in package["resources"] if "schema" not in r}
    assert sorted(views) == sorted(name for name, *_ in VIEWS)      # the explorer and the workbook, with hashes
    assert all(r["bytes"] == (release / p).stat().st_size and r["hash"].startswith("sha256:") for p, r in views.items())
    codebook = (release / "codebook.md").read_text(encoding="utf-8")
    assert all(f"`{f.name}`" in codebook for fields in TABLES.values() for f in fields)


def test_parquet_types_and_metadata(release):
    import pyarrow.parquet as pq
    schema = pq.read_schema(release / "initiatives.parquet")
    assert str(schema.field("organisations").type) == "list<element: string>"
    assert str(schema.field("age_min").type) == "int64" and str(schema.field("online").type) == "bool"
    meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
    assert len(meta["source_sha256"]) == 64 and meta["source_title"].startswith("Bilag 3")
    csv = (release / "initiatives.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and "Ældre (65+)".encode() in csv


def test_same_input_gives_same_bytes(bundled, tmp_path):
    out, _ = bundled
    stages.run(ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf", tmp_path / "again", tmp_path / "interim")
    first = {k: v for k, v in snapshot(out).items() if not k.startswith("reports/")}
    assert snapshot(tmp_path / "again") == first


@pytest.fixture
def interim(bundled, tmp_path):
    copy = tmp_path / "interim"
    shutil.copytree(bundled[1], copy)
    return copy


def test_failed_export_leaves_release_untouched(release, interim):
    before = snapshot(release)
    path = interim / "initiatives.parquet"
    write_parquet(_dup_id(read_parquet(path)), path, TABLES["initiatives"])
    with pytest.raises(ValidationFailed, match="initiative_id"):
        stages.export(interim, release)
    assert snapshot(release) == before


def test_shrinking_release_stops_unless_allowed(release, interim):
    meta = json.loads((release / "release.json").read_text(encoding="utf-8"))
    meta["counts"]["initiatives"] = 1000
    (release / "release.json").write_text(json.dumps(meta), encoding="utf-8")
    before = snapshot(release)
    result = cli("--quiet", "export", "--out", release, "--interim", interim)
    assert result.returncode == 2 and "release shrank" in result.stderr and "left unchanged" in result.stderr
    assert snapshot(release) == before
    result = cli("--quiet", "export", "--out", release, "--interim", interim, "--allow-shrink")
    assert result.returncode == 0, result.stderr
    assert json.loads((release / "release.json").read_text(encoding="utf-8"))["counts"]["initiatives"] == 209


def test_header_with_other_columns_is_named(tmp_path):
    pdf = tmp_path / "changed.pdf"
    header = ("Initiativ og organisation", "Målgruppe", "Geografi", "Indsatsens indhold", "Målsætning",
              "Budget", "Dokumentation")
    make_pdf(pdf, [("row", ["A", "b", "c", "d", "e", "f", "g"])], {}, Style(header=header))
    out = tmp_path / "processed"
    result = cli("--quiet", "run", "--pdf", pdf, "--out", out, "--interim", tmp_path / "interim")
    assert result.returncode == 2
    assert "other columns than the seven expected" in result.stderr and "Budget" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_pipeline_error_is_a_single_line_for_validation_failures():
    err = ValidationFailed("export", ["a: x", "b: y"])
    assert isinstance(err, PipelineError) and "\n" not in str(err)
