"""The quality report: every guess and gap of the run, as Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import QUALITY
from .plausibility import CHECKS as SUSPECT_CHECKS
from .release import QUALITY_JSON, QUALITY_MD

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
    "broken_link": "Footnote URLs that did not answer on the last link check (make links), per initiative",
}
LINK_CHECK = "broken_link"
COLUMNS = [f.name for f in QUALITY]


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
        if check == LINK_CHECK and not n:
            continue   # only a link check (`pipeline links`) adds these; none is no news without one
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
    (folder / QUALITY_MD).write_text(to_markdown(quality, title), encoding="utf-8")
    (folder / QUALITY_JSON).write_text(to_json(quality), encoding="utf-8")


# ---- broken links (from processed/link_status.parquet, written by `pipeline links`)

def link_items(link_status: pd.DataFrame, initiatives: pd.DataFrame, footnotes: pd.DataFrame) -> pd.DataFrame:
    """One quality item per initiative and broken URL. URLs are matched to this release's
    footnotes by their text, so a link_status of an earlier release names today's initiatives."""
    from .metadata import LINK_BROKEN

    broken = link_status[link_status["status"].isin(LINK_BROKEN)]
    by_url = {str(r["url"]): r for r in broken.to_dict("records")}
    names = dict(zip(initiatives["initiative_id"].astype("Int64"), initiatives["name"]))
    seen, rows = set(), []
    notes = footnotes.dropna(subset=["url"]).sort_values("number", kind="stable")
    for number, iid, url in zip(notes["number"], notes["initiative_id"], notes["url"]):
        r = by_url.get(str(url).strip())
        if r is None or (iid, r["url"]) in seen:
            continue
        seen.add((iid, r["url"]))
        since = r.get("failing_since")
        streak = r.get("consecutive_failures")
        history = (f"; failing since {since} ({int(streak)} checks)" if isinstance(since, str) and streak
                   and int(streak) > 1 else "")
        code = "" if pd.isna(r.get("http_status")) else f" {int(r['http_status'])}"
        error = "" if pd.isna(r.get("error")) else f": {r['error']}"
        rows.append({"check": LINK_CHECK, "initiative_id": None if pd.isna(iid) else int(iid),
                     "name": None if pd.isna(iid) else names.get(int(iid)),
                     "detail": f"footnote {int(number)}: {r['url']} — {r['status']}{code}{error}{history}"})
    return pd.DataFrame(rows, columns=COLUMNS)


def with_links(quality: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The quality items with the broken-link items of the last check in place of any earlier ones."""
    kept = quality[quality["check"] != LINK_CHECK]
    if not len(items):
        return kept.reset_index(drop=True)
    return pd.concat([kept, items.astype({"initiative_id": "Int64"})], ignore_index=True)


def refresh_links(out: Path, staged: Path, link_status: pd.DataFrame) -> None:
    """Rewrite the quality report of the release in `out` into `staged` with the broken links of `link_status`."""
    from .store import read_parquet

    from .release import meta_or_empty, read_quality

    quality = read_quality(out)
    if quality is None:
        raise InputError(Path(out) / QUALITY_JSON, "missing; run the pipeline (export) first")
    quality = quality.astype({"initiative_id": "Int64"})
    title = meta_or_empty(out).get("source_title", "")
    items = link_items(link_status, read_parquet(Path(out) / "initiatives.parquet"),
                       read_parquet(Path(out) / "footnotes.parquet"))
    write(with_links(quality, items), Path(staged), title)
