"""The whole run on the bundled PDF against the golden file (tests/golden/, see CORRECTIONS.md)."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.metadata import SOURCE_COLUMN_NAMES

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def norm(value) -> str:
    return "" if pd.isna(value) else " ".join(str(value).split())


@pytest.fixture(scope="module")
def run(processed):
    return processed["initiatives"], processed["footnotes"]


@pytest.fixture(scope="module")
def golden():
    read = lambda name: pd.read_csv(GOLDEN / name, dtype=str, keep_default_na=False)  # noqa: E731
    return read("initiatives.csv"), read("footnotes.csv")


def test_counts(run, golden):
    assert len(run[0]) == len(golden[0])
    assert len(run[1]) == len(golden[1])


def test_cells_match_golden(run, golden):
    got, want = run[0], golden[0]
    cols = ["section", *SOURCE_COLUMN_NAMES]
    mismatches = [(i + 1, c, norm(want.iloc[i][c]), norm(got.iloc[i][c]))
                  for i in range(min(len(got), len(want))) for c in cols
                  if norm(got.iloc[i][c]) != norm(want.iloc[i][c])]
    total = len(want) * len(SOURCE_COLUMN_NAMES)
    cell_errors = sum(1 for m in mismatches if m[1] != "section")
    accuracy = 1 - cell_errors / total
    print(f"\ncells equal to the golden file: {total - cell_errors}/{total} = {accuracy:.2%}")
    for m in mismatches[:20]:
        print("  initiative %s, %s:\n    want %r\n    got  %r" % m)
    assert not [m for m in mismatches if m[1] == "section"], "section mismatches"
    assert accuracy >= 0.995


def test_footnotes_match_golden(run, golden):
    got = run[1].astype(str).replace({"<NA>": "", "None": "", "nan": ""})
    want = golden[1]
    assert got["number"].tolist() == want["number"].tolist()
    for col in ["initiative_id", "column", "url"]:
        bad = [(n, w, g) for n, w, g in zip(want["number"], want[col], got[col]) if norm(w) != norm(g)]
        assert not bad, f"{col}: {bad[:10]}"
    text_bad = [(n, w, g) for n, w, g in zip(want["number"], want["text"], got["text"]) if norm(w) != norm(g)]
    print(f"\nfootnote texts equal: {len(want) - len(text_bad)}/{len(want)}")
    assert not text_bad, text_bad[:10]


def test_page_spans(run):
    initiatives = run[0]
    assert (initiatives["page_start"] <= initiatives["page_end"]).all()
    assert initiatives["initiative_id"].tolist() == list(range(1, len(initiatives) + 1))
