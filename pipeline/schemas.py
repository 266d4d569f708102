"""Pandera schemas for every table at every stage boundary, made from pipeline/metadata.py.

Types and nullability come from the metadata; the rules that matter are added
here by table, each with a name that says what it demands, so a failed run
names the broken rule. `check_tables` validates lazily and returns every
failure (never only the first); cross-table rules are checked in plain code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import reference
from .errors import PipelineError
from .metadata import (ASSEMBLED, FOOTNOTES, FRAGMENTS, INITIATIVE_INTERVENTION_TYPES,
                       INITIATIVE_MUNICIPALITIES, INITIATIVES, QUALITY, RAW_FOOTNOTES,
                       SOURCE_COLUMN_NAMES, Field)
from .delivery import CATEGORIES as DELIVERY
from .normalise import url_problem
from .textjoin import markers

DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}
AGE_SOURCES = ["explicit", "section", "ambiguous"]
SCOPES = ["national", "regional", "municipal", "unspecified"]


class ValidationFailed(PipelineError):
    def __init__(self, where: str, failures: list[str]):
        self.failures = failures
        super().__init__(f"{where}: {len(failures)} failed check(s): " + "; ".join(failures))


def _rule(fn: Callable, name: str, element_wise: bool = False) -> pa.Check:
    return pa.Check(fn, name=name, element_wise=element_wise, ignore_na=True)


def _is_list_of(ok: Callable[[str], bool]) -> Callable:
    def check(v) -> bool:
        return isinstance(v, (list, tuple, np.ndarray)) and all(isinstance(x, str) and ok(x) for x in v)
    return check


def _not_blank(s: pd.Series) -> pd.Series:
    return s.str.strip().str.len() > 0


def _column_rules() -> dict[str, dict[str, list[pa.Check]]]:
    sections = list(reference.load("sections")["section"])
    codes = set(reference.load("municipalities")["municipality_code"])
    types = set(reference.load("intervention_types")["type"])
    text = lambda name: [_rule(_not_blank, f"{name} is not empty")]  # noqa: E731
    initiatives = {
        "initiative_id": [_rule(lambda s: s >= 1, "initiative_id >= 1")],
        "section": [_rule(lambda s: s.isin(sections), "section is one of the known sections")],
        "initiative": text("initiative"),
        "name": text("name"),
        "page_start": [_rule(lambda s: s >= 1, "page_start >= 1")],
        "age_min": [_rule(lambda s: s.between(0, 120), "age_min within 0-120")],
        "age_max": [_rule(lambda s: s.between(0, 120), "age_max within 0-120")],
        "age_source": [_rule(lambda s: s.isin(AGE_SOURCES), "age_source is explicit, section or ambiguous")],
        "geography_scope": [_rule(lambda s: s.isin(SCOPES), "geography_scope is a known scope")],
        "municipality_codes": [_rule(_is_list_of(lambda c: c in codes),
                                     "municipality codes are in the reference table", element_wise=True)],
        "delivery": [_rule(_is_list_of(lambda d: d in DELIVERY), "delivery values are known categories",
                           element_wise=True),
                     _rule(lambda v: len(v) > 0, "delivery names at least one category", element_wise=True)],
        "intervention_types": [_rule(_is_list_of(lambda t: t in types),
                                     "intervention types are in the vocabulary", element_wise=True)],
        "organisations": [_rule(_is_list_of(lambda o: bool(o.strip())), "organisations are non-empty text",
                                element_wise=True)],
    }
    return {
        "fragments": {
            "page": [_rule(lambda s: s >= 1, "page >= 1")],
            "kind": [_rule(lambda s: s.isin(["row", "section"]), "kind is row or section")],
            "section": [_rule(lambda s: s.isin(sections), "section is one of the known sections")],
        },
        "raw_footnotes": {
            "page": [_rule(lambda s: s >= 1, "page >= 1")],
            "number": [_rule(lambda s: s >= 1, "footnote number >= 1")],
            "text": text("footnote text"),
        },
        "assembled": {k: v for k, v in initiatives.items() if k in {f.name for f in ASSEMBLED}},
        "initiatives": initiatives,
        "footnotes": {
            "number": [_rule(lambda s: s >= 1, "footnote number >= 1")],
            "column": [_rule(lambda s: s.isin(SOURCE_COLUMN_NAMES), "column is one of the seven source columns")],
            "text": text("footnote text"),
        },
        "initiative_municipalities": {
            "municipality_code": [_rule(lambda s: s.isin(codes), "municipality code is in the reference table")],
        },
        "initiative_intervention_types": {
            "intervention_type": [_rule(lambda s: s.isin(types), "intervention type is in the vocabulary")],
            "label_en": text("label_en"),
        },
        "quality": {},
    }


def _ids_are_1_to_n(df: pd.DataFrame) -> bool:
    return df["initiative_id"].tolist() == list(range(1, len(df) + 1))


def _numbers_contiguous(df: pd.DataFrame) -> bool:
    return sorted(df["number"].dropna().astype(int)) == list(range(1, len(df) + 1))


def _ages_ordered(df: pd.DataFrame) -> pd.Series:
    both = df["age_min"].notna() & df["age_max"].notna()
    return ~both | (df["age_min"] <= df["age_max"])


def _pages_ordered(df: pd.DataFrame) -> pd.Series:
    return df["page_start"] <= df["page_end"]


TABLE_RULES: dict[str, list[pa.Check]] = {
    "assembled": [pa.Check(_ids_are_1_to_n, name="initiative_id is 1..n in document order"),
                  pa.Check(_pages_ordered, name="page_start <= page_end")],
    "initiatives": [pa.Check(_ids_are_1_to_n, name="initiative_id is 1..n in document order"),
                    pa.Check(_pages_ordered, name="page_start <= page_end"),
                    pa.Check(_ages_ordered, name="age_min <= age_max")],
    "footnotes": [pa.Check(_numbers_contiguous, name="footnote numbers are 1..N without gaps")],
}
UNIQUE: dict[str, list[str]] = {
    "assembled": ["initiative_id"], "initiatives": ["initiative_id"], "footnotes": ["number"],
}
NOT_NULL_EXTRA: dict[str, set[str]] = {
    # every footnote must be attributed to one initiative and column
    "footnotes": {"initiative_id", "column"},
}

FIELDS: dict[str, tuple[Field, ...]] = {
    "fragments": FRAGMENTS, "raw_footnotes": RAW_FOOTNOTES, "assembled": ASSEMBLED,
    "initiatives": INITIATIVES, "footnotes": FOOTNOTES,
    "initiative_municipalities": INITIATIVE_MUNICIPALITIES,
    "initiative_intervention_types": INITIATIVE_INTERVENTION_TYPES, "quality": QUALITY,
}


def schema(table: str) -> pa.DataFrameSchema:
    rules = _column_rules()[table]
    columns = {}
    for f in FIELDS[table]:
        unique = f.name in UNIQUE.get(table, [])
        if f.type.startswith("list<"):
            columns[f.name] = pa.Column(object, rules.get(f.name, []), nullable=False)
            continue
        nullable = f.nullable and f.name not in NOT_NULL_EXTRA.get(table, set())
        # section rows of the interim fragments have no cell text
        nullable = nullable or (table == "fragments" and f.type == "string")
        columns[f.name] = pa.Column(DTYPES[f.type], rules.get(f.name, []), nullable=nullable, unique=unique)
    return pa.DataFrameSchema(columns, checks=TABLE_RULES.get(table, []), strict=True, ordered=True, name=table)


def _describe(err: pa.errors.SchemaErrors, table: str) -> list[str]:
    out = []
    cases = err.failure_cases
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        where = f"{table}.{column}" if isinstance(column, str) and column != table else table
        examples = ", ".join(repr(v) for v in group["failure_case"].head(3).tolist())
        rule = "values are unique" if check == "field_uniqueness" else check
        out.append(f"{where}: {rule} ({len(group)} failing: {examples})")
    return out


def check_table(table: str, df: pd.DataFrame) -> list[str]:
    try:
        schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        return _describe(err, table)
    return []


def check_markers(fragments: pd.DataFrame, raw_footnotes: pd.DataFrame) -> list[str]:
    """Every marker in a cell has its footnote, and every footnote its marker."""
    found = {n for c in SOURCE_COLUMN_NAMES for text in fragments[c].dropna() for n in markers(text)}
    numbers = set(raw_footnotes["number"].dropna().astype(int))
    out = []
    if found - numbers:
        out.append(f"markers without a footnote: {sorted(found - numbers)[:10]}")
    if numbers - found:
        out.append(f"footnotes without a marker: {sorted(numbers - found)[:10]}")
    return out


def check_release(tables: dict[str, pd.DataFrame], quality: pd.DataFrame | None = None) -> list[str]:
    """The published tables, each by its schema and then against each other."""
    failures = [f for name, df in tables.items() for f in check_table(name, df)]
    ini, notes = tables["initiatives"], tables["footnotes"]
    ids = set(ini["initiative_id"].dropna().astype(int))
    for name in ("footnotes", "initiative_municipalities", "initiative_intervention_types"):
        stray = set(tables[name]["initiative_id"].dropna().astype(int)) - ids
        if stray:
            failures.append(f"{name}.initiative_id: refers to initiatives that do not exist ({sorted(stray)[:5]})")
    pairs = {(i, c) for i, codes in zip(ini["initiative_id"], ini["municipality_codes"]) for c in codes}
    tidy = set(zip(tables["initiative_municipalities"]["initiative_id"],
                   tables["initiative_municipalities"]["municipality_code"]))
    if pairs != tidy:
        failures.append("initiative_municipalities: does not match initiatives.municipality_codes")
    if quality is not None:
        listed = set(re.findall(r"footnote (\d+):", " ".join(
            quality.loc[quality["check"] == "unusable_url", "detail"].astype(str))))
        for number, url in zip(notes["number"], notes["url"]):
            if isinstance(url, str) and url_problem(url) and str(number) not in listed:
                failures.append(f"footnotes.url: footnote {number} does not parse and is not listed as unusable")
    return failures


def require(where: str, failures: list[str]) -> None:
    if failures:
        raise ValidationFailed(where, failures)
