"""Pandera schemas for every table at every stage boundary, generated from pipeline/metadata.py.

Types, nullability and every column constraint (range, allowed values, reference table,
uniqueness, non-blank text, list items) come from the fields' definitions; each check is named
for what it demands, so a failed run names the broken rule. Whole-table rules are named in
metadata.TABLE_RULES and implemented here. `check_table` validates lazily and returns every
failure (never only the first); cross-table rules are checked in plain code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import reference
from .errors import PipelineError
from .links import url_problem
from .metadata import SOURCE_COLUMN_NAMES, STAGE_TABLES, TABLE_RULES, TYPES, Field
from .textjoin import markers


@dataclass(frozen=True)
class Failure:
    """One failed rule: the table, the rule ("table.column: what it demands") and the whole line with
    how many values fail and examples."""
    table: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return self.detail


def _failure(table: str, where: str, rule: str, observed: str = "") -> Failure:
    name = f"{where}: {rule}"
    return Failure(table, name, f"{name} ({observed})" if observed else name)


class ValidationFailed(PipelineError):
    def __init__(self, where: str, failures: list[Failure]):
        self.failures = failures
        super().__init__(f"{where}: {len(failures)} failed check(s): " + "; ".join(map(str, failures)))


def _rule(fn: Callable, name: str, element_wise: bool = False) -> pa.Check:
    return pa.Check(fn, name=name, element_wise=element_wise, ignore_na=True)


def _is_list_of(ok: Callable[[str], bool]) -> Callable:
    def check(v) -> bool:
        return isinstance(v, (list, tuple, np.ndarray)) and all(isinstance(x, str) and ok(x) for x in v)
    return check


def _not_blank(s: pd.Series) -> pd.Series:
    return s.str.strip().str.len() > 0


def allowed_values(f: Field) -> list[str] | None:
    """The values a field's enum or reference table allows, in their listed order; None when free."""
    if f.enum:
        return list(f.enum)
    if f.reference:
        return list(dict.fromkeys(reference.load(f.reference.table)[f.reference.column]))
    return None


def _values_rule(f: Field) -> str:
    words = f.name.replace("_", " ")
    if f.reference:
        return f"{words} is in {f.reference.label}"
    return f"{f.name} is one of {', '.join(f.enum)}"


def column_checks(f: Field) -> list[pa.Check]:
    """The checks a field's constraints in pipeline/metadata.py ask for, each named for the failure it reports.
    Built-in checks where Pandera has one (they serialise); the others are plain functions."""
    checks = []
    allowed = allowed_values(f)
    if f.is_list:
        if allowed is not None:
            ok = set(allowed)
            checks.append(_rule(_is_list_of(lambda v: v in ok), f"every item of {_values_rule(f)}",
                                element_wise=True))
        if f.not_blank:
            checks.append(_rule(_is_list_of(lambda v: bool(v.strip())), f"every item of {f.name} is non-empty text",
                                element_wise=True))
        if f.min_items:
            checks.append(_rule(lambda v, n=f.min_items: len(v) >= n, f"{f.name} has at least {f.min_items} item(s)",
                                element_wise=True))
        return checks
    if f.minimum is not None and f.maximum is not None:
        checks.append(pa.Check.in_range(f.minimum, f.maximum, name=f"{f.name} within {f.minimum}-{f.maximum}"))
    elif f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, name=f"{f.name} >= {f.minimum}"))
    elif f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, name=f"{f.name} <= {f.maximum}"))
    if allowed is not None:
        checks.append(pa.Check.isin(allowed, name=_values_rule(f)))
    if f.not_blank:
        checks.append(_rule(_not_blank, f"{f.name} is not empty"))
    return checks


def _ids_are_1_to_n(df: pd.DataFrame) -> bool:
    return df["initiative_id"].tolist() == list(range(1, len(df) + 1))


def _numbers_contiguous(df: pd.DataFrame) -> bool:
    return sorted(df["number"].dropna().astype(int)) == list(range(1, len(df) + 1))


def _ages_ordered(df: pd.DataFrame) -> pd.Series:
    both = df["age_min"].notna() & df["age_max"].notna()
    return ~both | (df["age_min"] <= df["age_max"])


def _pages_ordered(df: pd.DataFrame) -> pd.Series:
    return df["page_start"] <= df["page_end"]


# The whole-table rules that pipeline/metadata.py (TABLE_RULES) names.
RULE_FUNCTIONS: dict[str, Callable] = {
    "initiative_id is 1..n in document order": _ids_are_1_to_n,
    "page_start <= page_end": _pages_ordered,
    "age_min <= age_max": _ages_ordered,
    "footnote numbers are 1..N without gaps": _numbers_contiguous,
}


def schema(table: str) -> pa.DataFrameSchema:
    columns = {}
    for f in STAGE_TABLES[table]:
        if f.is_list:
            columns[f.name] = pa.Column(object, column_checks(f), nullable=False, description=f.description)
            continue
        columns[f.name] = pa.Column(TYPES[f.type].pandas, column_checks(f), nullable=f.nullable and not f.always_set,
                                    unique=f.unique, description=f.description)
    return pa.DataFrameSchema(columns, checks=[pa.Check(RULE_FUNCTIONS[r], name=r) for r in TABLE_RULES.get(table, ())],
                              strict=True, ordered=True, name=table)


def _check_name(table_schema: pa.DataFrameSchema, column, check: str, number) -> str:
    """The name a failed check was given (built-in checks report their own description instead)."""
    if check == "field_uniqueness":
        return "values are unique"
    if pd.isna(number):
        return check
    checks = table_schema.columns[column].checks if column in table_schema.columns else table_schema.checks
    return checks[int(number)].name or check


def _describe(err: pa.errors.SchemaErrors, table: str, table_schema: pa.DataFrameSchema) -> list[Failure]:
    out = []
    cases = err.failure_cases
    for (column, check, number), group in cases.groupby(["column", "check", "check_number"], dropna=False,
                                                        sort=False):
        where = f"{table}.{column}" if isinstance(column, str) and column != table else table
        examples = ", ".join(repr(v) for v in group["failure_case"].head(3).tolist())
        out.append(_failure(table, where, _check_name(table_schema, column, check, number),
                            f"{len(group)} failing: {examples}"))
    return out


def check_table(table: str, df: pd.DataFrame) -> list[Failure]:
    table_schema = schema(table)
    try:
        table_schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        return _describe(err, table, table_schema)
    return []


def check_markers(fragments: pd.DataFrame, raw_footnotes: pd.DataFrame) -> list[Failure]:
    """Every marker in a cell has its footnote, and every footnote its marker."""
    found = {n for c in SOURCE_COLUMN_NAMES for text in fragments[c].dropna() for n in markers(text)}
    numbers = set(raw_footnotes["number"].dropna().astype(int))
    out = []
    if found - numbers:
        out.append(Failure("fragments", "markers without a footnote",
                           f"markers without a footnote: {sorted(found - numbers)[:10]}"))
    if numbers - found:
        out.append(Failure("raw_footnotes", "footnotes without a marker",
                           f"footnotes without a marker: {sorted(numbers - found)[:10]}"))
    return out


def check_release(tables: dict[str, pd.DataFrame], quality: pd.DataFrame | None = None) -> list[Failure]:
    """The published tables, each by its schema and then against each other."""
    failures = [f for name, df in tables.items() for f in check_table(name, df)]
    ini, notes = tables["initiatives"], tables["footnotes"]
    ids = set(ini["initiative_id"].dropna().astype(int))
    for name in ("footnotes", "initiative_municipalities", "initiative_intervention_types"):
        stray = set(tables[name]["initiative_id"].dropna().astype(int)) - ids
        if stray:
            failures.append(_failure(name, f"{name}.initiative_id", "refers to initiatives that do not exist",
                                     str(sorted(stray)[:5])))
    pairs = {(i, c) for i, codes in zip(ini["initiative_id"], ini["municipality_codes"]) for c in codes}
    tidy = set(zip(tables["initiative_municipalities"]["initiative_id"],
                   tables["initiative_municipalities"]["municipality_code"]))
    if pairs != tidy:
        failures.append(_failure("initiative_municipalities", "initiative_municipalities",
                                 "does not match initiatives.municipality_codes"))
    if quality is not None:
        listed = set(re.findall(r"footnote (\d+):", " ".join(
            quality.loc[quality["check"] == "unusable_url", "detail"].astype(str))))
        for number, url in zip(notes["number"], notes["url"]):
            if isinstance(url, str) and url_problem(url) and str(number) not in listed:
                failures.append(_failure("footnotes", "footnotes.url",
                                         f"footnote {number} does not parse and is not listed as unusable"))
    return failures


def require(where: str, failures: list[Failure]) -> None:
    if failures:
        raise ValidationFailed(where, failures)
