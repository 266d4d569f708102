"""Stage 5, validate: Pandera and Great Expectations over a processed release.

Entry point: `validate(out)` -> ValidationResult. It reads the published Parquet files,
runs the Pandera schemas and cross-table rules (pipeline/schemas.py) and a
Great Expectations suite (row counts against the previous release, required
columns, value sets, uniqueness, URL patterns, share of initiatives with a
link), checks that no suspect row (merged or split?, pipeline/plausibility.py) is left
unreviewed, and writes processed/reports/validation.html and validation.json.
Great Expectations is imported here only: it takes seconds to import.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import plausibility, schemas
from .links import has_working_link
from .metadata import TABLES, Field
from .release import load_release
from .settings import RELEASE, ReleaseSettings


@dataclass
class Check:
    tool: str
    table: str
    name: str
    success: bool
    detail: str = ""


@dataclass
class ValidationResult:
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.success]


def pandera_checks(tables: dict[str, pd.DataFrame], quality: pd.DataFrame | None) -> list[Check]:
    failures = schemas.check_release(tables, quality)
    checks = [Check("pandera", f.table, f.rule, False, f.detail) for f in failures]
    failed_tables = {c.table for c in checks}
    checks += [Check("pandera", t, f"{t} schema and cross-table rules", True) for t in tables if t not in failed_tables]
    return checks


def _suite_specs(tables: dict[str, pd.DataFrame], previous: dict[str, int], s: ReleaseSettings):
    """(table, expectation class name, kwargs) for every expectation of the suite."""
    specs = []
    for name, df in tables.items():
        before = previous.get(name)
        lo, hi = (int(before * (1 - s.row_count_band)), int(before * (1 + s.row_count_band)) + 1) if before else (1, None)
        specs.append((name, "ExpectTableRowCountToBeBetween", {"min_value": lo, "max_value": hi}))
        specs.append((name, "ExpectTableColumnsToMatchSet",
                      {"column_set": [f.name for f in TABLES[name]], "exact_match": True}))
    specs += [(name, expectation, kwargs) for name, fields in TABLES.items() for f in fields
              for expectation, kwargs in column_expectations(f)]
    specs.append(("initiative_links", "ExpectColumnMeanToBeBetween",
                  {"column": "has_usable_link", "min_value": s.min_share_with_link, "max_value": 1.0}))
    return specs


def column_expectations(f: Field) -> list[tuple[str, dict]]:
    """The expectations a field's constraints (pipeline/metadata.py) ask for. List columns are left to
    Pandera, which checks their items; GX compares scalars."""
    if f.is_list:
        return []
    out = []
    if f.unique:
        out.append(("ExpectColumnValuesToBeUnique", {"column": f.name}))
    if f.not_blank or f.always_set:
        out.append(("ExpectColumnValuesToNotBeNull", {"column": f.name}))
    allowed = schemas.allowed_values(f)
    if allowed is not None:
        out.append(("ExpectColumnValuesToBeInSet", {"column": f.name, "value_set": allowed}))
    if f.minimum is not None or f.maximum is not None:
        out.append(("ExpectColumnValuesToBeBetween", {"column": f.name, "min_value": f.minimum,
                                                       "max_value": f.maximum}))
    if f.pattern:
        out.append(("ExpectColumnValuesToMatchRegex", {"column": f.name, "regex": f.pattern,
                                                        "mostly": f.pattern_share}))
    return out


def _links(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per initiative: does any of its footnotes carry a usable web link?"""
    ini = tables["initiatives"]
    return pd.DataFrame({"initiative_id": ini["initiative_id"].astype(int),
                         "has_usable_link": has_working_link(ini, tables["footnotes"]).astype(float)})


def gx_checks(tables: dict[str, pd.DataFrame], previous: dict[str, int], s: ReleaseSettings = RELEASE) -> list[Check]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("processed")
    frames = {**tables, "initiative_links": _links(tables)}
    # GX compares plain Python values; give it object columns rather than nullable extension types
    frames = {k: v.astype(object).where(v.notna(), None) for k, v in frames.items()}
    suites: dict[str, object] = {}
    for table, expectation, kwargs in _suite_specs(tables, previous, s):
        if table not in suites:
            suites[table] = context.suites.add(gx.ExpectationSuite(name=table))
        suites[table].add_expectation(getattr(gx.expectations, expectation)(**kwargs))
    checks = []
    for table, suite in suites.items():
        batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=table))
        result = definition.run(batch_parameters={"dataframe": frames[table]})
        for r in result.results:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column")
            name = f"{cfg.type}" + (f"({column})" if column else "")
            observed = {k: r.result.get(k) for k in ("observed_value", "unexpected_count", "unexpected_percent")
                        if r.result.get(k) is not None}
            if r.result.get("partial_unexpected_list"):
                observed["examples"] = r.result["partial_unexpected_list"][:3]
            checks.append(Check("great_expectations", table, name, bool(r.success), json.dumps(observed, default=str,
                                                                                            ensure_ascii=False)))
    return checks


def suspect_check(quality: pd.DataFrame | None) -> Check:
    """Fails while the quality report holds a suspect row (merged or split?) nobody accepted."""
    if quality is None:
        return Check("plausibility", "quality_report", "no unreviewed suspect rows", False,
                     "quality_report.json missing")
    open_, suspects = plausibility.pending(quality), int(plausibility.is_suspect(quality).sum())
    detail = (plausibility.describe(open_) if len(open_)
              else f"{suspects} suspect item(s), all accepted on review" if suspects else "no suspect rows")
    return Check("plausibility", "quality_report", "no unreviewed suspect rows", open_.empty, detail)


def validate(out: Path) -> ValidationResult:
    release = load_release(out)
    report = ValidationResult(pandera_checks(release.tables, release.quality)
                    + gx_checks(release.tables, release.meta.get("previous_counts", {}))
                    + [suspect_check(release.quality)])
    folder = out / "reports"
    folder.mkdir(exist_ok=True)
    (folder / "validation.json").write_text(json.dumps(
        {"success": not report.failed, "checks": [c.__dict__ for c in report.checks]}, ensure_ascii=False, indent=2)
        + "\n", encoding="utf-8")
    (folder / "validation.html").write_text(to_html(report, release.meta), encoding="utf-8")
    return report


def to_html(report: ValidationResult, release: dict) -> str:
    rows = "\n".join(
        f"<tr class='{'ok' if c.success else 'fail'}'><td>{'✔' if c.success else '✘'}</td><td>{html.escape(c.tool)}</td>"
        f"<td>{html.escape(c.table)}</td><td>{html.escape(c.name)}</td><td><code>{html.escape(c.detail)}</code></td></tr>"
        for c in sorted(report.checks, key=lambda c: (c.success, c.table)))
    status = "all checks passed" if not report.failed else f"{len(report.failed)} of {len(report.checks)} checks failed"
    source = html.escape(f"{release.get('source_title', '')} ({release.get('source_file', '')}, sha256 "
                         f"{release.get('source_sha256', '')[:12]}…)")
    return f"""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Validering / Validation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
tr.fail{{background:#fde2e2}}tr.ok td:first-child{{color:#1a7f37}}tr.fail td:first-child{{color:#b42318}}
code{{white-space:pre-wrap;font-size:85%}}</style></head><body>
<h1>Validering af udgivelsen / Release validation</h1>
<p>{source}</p><p><strong>{status}</strong></p>
<table><tr><th></th><th>tool</th><th>table</th><th>check</th><th>observed</th></tr>
{rows}
</table></body></html>
"""
