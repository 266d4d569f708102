"""The quality report: every guess and gap of the run, as Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .plausibility import CHECKS as SUSPECT_CHECKS

CHECKS = {
    "ambiguous_age": "Target group ages that could not be read as one range (bounds left empty)",
    "unknown_place": "Capitalised words in the geography that the gazetteer does not know",
    "region_conflict": "Municipalities bracketed after a region they do not lie in",
    "no_organisation": "Initiatives whose first column names no organisation",
    "duplicate_name": "Names shared by several initiatives",
    "no_intervention_type": "Initiatives with an empty intervention type cell",
    "footnote_without_url": "Footnotes without a URL",
    "unusable_url": "Footnote URLs that are not web addresses (local files, no host)",
    "footnote_without_marker": "Footnotes whose marker was not found in any cell",
    "unknown_section": "Initiatives under a section the reference data does not list",
    **SUSPECT_CHECKS,
}


def to_json(quality: pd.DataFrame) -> str:
    items = [{k: (None if pd.isna(v) else (int(v) if k == "initiative_id" else v)) for k, v in row.items()}
             for row in quality.to_dict("records")]
    counts = quality["check"].value_counts().sort_index().to_dict()
    return json.dumps({"counts": {k: int(v) for k, v in counts.items()}, "items": items},
                      ensure_ascii=False, indent=2) + "\n"


def to_markdown(quality: pd.DataFrame, title: str = "") -> str:
    lines = ["# Quality report", ""]
    if title:
        lines += [f"Source: {title}", ""]
    lines += ["| check | items | what it means |", "|---|---:|---|"]
    for check, label in CHECKS.items():
        n = int((quality["check"] == check).sum())
        lines.append(f"| `{check}` | {n} | {label} |")
    for check in [c for c in quality["check"].unique() if c not in CHECKS]:
        lines.append(f"| `{check}` | {int((quality['check'] == check).sum())} | |")
    for check, group in quality.groupby("check", sort=False):
        lines += ["", f"## {check}", "", f"{CHECKS.get(check, '')}", "", "| initiative | name | detail |", "|---:|---|---|"]
        for row in group.itertuples():
            ident = "" if pd.isna(row.initiative_id) else str(int(row.initiative_id))
            name = "" if pd.isna(row.name) else str(row.name)
            lines.append(f"| {ident} | {_cell(name)} | {_cell(str(row.detail))} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(quality: pd.DataFrame, folder: Path, title: str = "") -> None:
    (folder / "quality_report.md").write_text(to_markdown(quality, title), encoding="utf-8")
    (folder / "quality_report.json").write_text(to_json(quality), encoding="utf-8")
