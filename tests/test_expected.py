"""Normalised columns of the bundled PDF against the reviewed answers in tests/expected/ (see its README)."""

import json
from pathlib import Path

import pandas as pd
import pytest

EXPECTED = Path(__file__).resolve().parent / "expected" / "normalised.csv"


def cell(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(int(v)) if isinstance(v, float) else str(v)


@pytest.fixture(scope="module")
def pairs(processed):
    want = pd.read_csv(EXPECTED, dtype=str, keep_default_na=False)
    got = processed["initiatives"]
    assert len(got) == len(want)
    return list(zip(got.to_dict("records"), want.to_dict("records")))


def share(pairs, same, rows=None) -> float:
    rows = [p for p in pairs if rows is None or rows(p[1])]
    hits = [p for p in rows if same(*p)]
    misses = [g["initiative_id"] for g, w in rows if not same(g, w)]
    print(f"\n{len(hits)}/{len(rows)} = {len(hits) / len(rows):.1%}; differing initiatives: {misses}")
    return len(hits) / len(rows)


def test_intervention_types_all_equal(pairs):
    assert share(pairs, lambda g, w: " | ".join(g["intervention_types"]) == w["intervention_types"]) == 1.0


def test_age_bounds_of_unambiguous_rows(pairs):
    same = lambda g, w: (cell(g["age_min"]), cell(g["age_max"])) == (w["age_min"], w["age_max"])  # noqa: E731
    assert share(pairs, same, rows=lambda w: w["age_source"] != "ambiguous") >= 0.98


def test_municipality_sets(pairs):
    same = lambda g, w: set(g["municipality_codes"]) == set(w["municipality_codes"].split())  # noqa: E731
    assert share(pairs, same) >= 0.97


def test_organisations(pairs):
    same = lambda g, w: list(g["organisations"]) == [o for o in w["organisations"].split(" | ") if o]  # noqa: E731
    assert share(pairs, same) >= 0.95


def test_delivery(pairs):
    """delivery against the answer key read by hand (tests/expected/delivery.csv, see its README)."""
    want = pd.read_csv(EXPECTED.parent / "delivery.csv", dtype=str, keep_default_na=False)
    assert want["initiative_id"].tolist() == [str(g["initiative_id"]) for g, _ in pairs]
    keyed = [(g, {"delivery": d}) for (g, _), d in zip(pairs, want["delivery"])]
    assert share(keyed, lambda g, w: ";".join(g["delivery"]) == w["delivery"]) >= 0.97
    # online is "any remote delivery"
    assert all(bool(g["online"]) == bool(set(g["delivery"]) - {"in_person"}) for g, _ in pairs)


def test_every_ambiguous_or_unknown_value_is_in_the_quality_report(bundled_run, processed):
    quality = pd.DataFrame(json.loads((bundled_run / "quality_report.json").read_text(encoding="utf-8"))["items"])
    ambiguous = set(processed["initiatives"].query("age_source == 'ambiguous'")["initiative_id"])
    assert ambiguous == set(quality.query("check == 'ambiguous_age'")["initiative_id"])
    no_orgs = {i for i, o in zip(processed["initiatives"]["initiative_id"], processed["initiatives"]["organisations"])
               if len(o) == 0}
    assert no_orgs == set(quality.query("check == 'no_organisation'")["initiative_id"])
