"""A self-contained, searchable page of a processed release: processed/explorer.html.

`explorer_data` turns the processed tables into one JSON-ready dict (a pure function of DataFrames):
every initiative with its seven cells, normalised fields and footnotes, the facets with their values, and
column labels from pipeline/metadata.py. `render_explorer` puts it into the page template
(`explorer_template.html` beside this file: HTML, CSS and a script, nothing loaded from outside);
`write_explorer` reads the processed folder and writes the page. The same input gives the same bytes.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import INITIATIVES, PACKAGE, SOURCE_COLUMNS, VALUE_LABELS
from .links import has_working_link
from .normalise import has_documentation
from .release import EXPLORER_HTML, LINK_STATUS_PARQUET, RELEASE_JSON, read_meta
from .store import is_missing, read_parquet

TEMPLATE = Path(__file__).resolve().parent / "explorer_template.html"
INPUTS = ("initiatives.parquet", "footnotes.parquet", "initiative_municipalities.parquet", RELEASE_JSON)
LINK_STATUS = LINK_STATUS_PARQUET  # written by a link check when there is one: url -> status
YES_NO = {"yes": ("Ja", "yes"), "no": ("Nej", "no")}
# Facets in display order: key, Danish label, English label. A row's values for each come from `_facet_values`.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("section", "Sektion", "section"),
    ("intervention_types", "Interventionstype", "intervention type"),
    ("regions", "Region", "region (named, or of a named municipality)"),
    ("municipalities", "Kommune", "municipality"),
    ("geography_scope", "Geografisk rækkevidde", "geography scope"),
    ("delivery", "Hvordan man når ud", "delivery"),
    ("documented", "Dokumenteret evaluering", "documented evaluation"),
    ("linked", "Brugbart link", "working link"),
)


def _text(v) -> str | None:
    if v is None or (not isinstance(v, (list, tuple)) and is_missing(v)):
        return None
    s = str(v).strip()
    return s or None


def _list(v) -> list[str]:
    if v is None or (not hasattr(v, "__len__") and is_missing(v)):
        return []
    return [str(x) for x in v if x is not None and not is_missing(x)]


def _int(v) -> int | None:
    return None if v is None or is_missing(v) else int(v)


def search_fields() -> list[str]:
    """The columns the free-text search reads: every text and list-of-text column of the initiatives table."""
    return [f.name for f in INITIATIVES if f.type in ("string", "list<string>")]


def footnote_records(footnotes: pd.DataFrame, link_status: pd.DataFrame | None = None) -> dict[int, list[dict]]:
    """Per initiative id, its footnotes in number order: number, column, text, url, status (None unchecked)."""
    status: dict[str, str] = {}
    if link_status is not None and {"url", "status"} <= set(link_status.columns):
        status = {str(u): str(s) for u, s in zip(link_status["url"], link_status["status"])
                  if not is_missing(u) and not is_missing(s)}
    out: dict[int, list[dict]] = {}
    for r in footnotes.sort_values("number", kind="stable").to_dict("records"):
        iid = _int(r["initiative_id"])
        if iid is None:
            continue
        url = _text(r["url"])
        out.setdefault(iid, []).append({"number": int(r["number"]), "column": _text(r["column"]),
                                        "text": _text(r["text"]) or "", "url": url,
                                        "status": status.get(url) if url else None})
    return out


def _ordered(counts: Counter, first: list[str] | None = None) -> list[str]:
    """Values in the given order first, the rest most frequent first, ties by value."""
    first = [v for v in (first or []) if v in counts]
    rest = sorted((v for v in counts if v not in first), key=lambda v: (-counts[v], v))
    return first + rest


def explorer_data(initiatives: pd.DataFrame, footnotes: pd.DataFrame, municipalities: pd.DataFrame,
                  release: dict, link_status: pd.DataFrame | None = None) -> dict:
    """Everything the page shows, as plain JSON values, initiatives in document order."""
    initiatives = initiatives.sort_values("initiative_id", kind="stable").reset_index(drop=True)
    documented = has_documentation(initiatives).tolist()
    linked = has_working_link(initiatives, footnotes).tolist()
    region_of: dict[int, set[str]] = {}
    for iid, region in zip(municipalities["initiative_id"], municipalities["region"]):
        if not is_missing(iid) and not is_missing(region):
            region_of.setdefault(int(iid), set()).add(str(region))
    notes = footnote_records(footnotes, link_status)
    list_fields = [f.name for f in INITIATIVES if f.is_list]
    rows = []
    for rec, doc, link in zip(initiatives.to_dict("records"), documented, linked):
        iid = int(rec["initiative_id"])
        row: dict = {"id": iid}
        for f in INITIATIVES:
            if f.name == "initiative_id":
                continue
            v = rec.get(f.name)
            if f.name in list_fields:
                row[f.name] = _list(v)
            elif f.type == "integer":
                row[f.name] = _int(v)
            elif f.type == "boolean":
                row[f.name] = None if v is None or is_missing(v) else bool(v)
            else:
                row[f.name] = _text(v)
        named = row.get("regions") or []
        # a region counts when the geography names it or names one of its municipalities
        row["facet_regions"] = named + sorted(region_of.get(iid, set()) - set(named))
        row["documented"] = "yes" if doc else "no"
        row["linked"] = "yes" if link else "no"
        row["footnotes"] = notes.get(iid, [])
        rows.append(row)

    def values_of(row: dict, key: str) -> list[str]:
        v = row["facet_regions"] if key == "regions" else row.get(key)
        return [x for x in (v if isinstance(v, list) else [v]) if x]

    facets = []
    for key, da, en in FACETS:
        counts = Counter(x for row in rows for x in set(values_of(row, key)))
        if key == "section":
            order = list(dict.fromkeys(r["section"] for r in rows if r["section"]))
        elif key in VALUE_LABELS:
            order = _ordered(counts, list(VALUE_LABELS[key]))
        elif key in ("documented", "linked"):
            order = _ordered(counts, list(YES_NO))
        else:
            order = _ordered(counts)
        labels = VALUE_LABELS.get(key, YES_NO if key in ("documented", "linked") else {})
        facets.append({"key": key, "label": da, "label_en": en, "list": key not in ("section", "geography_scope",
                                                                                      "documented", "linked"),
                       "values": [{"value": v, "label": labels.get(v, (v, v))[0]} for v in order]})
    fields = {f.name: {"label": f.source_label or f.name, "description": f.description} for f in INITIATIVES}
    return {
        "title": release.get("source_title") or PACKAGE["source_title"],
        "release": {k: release.get(k) for k in ("source_file", "source_sha256", "pipeline_version")},
        "source_columns": [f.name for f in SOURCE_COLUMNS],
        "search_fields": search_fields(),
        "fields": fields,
        "value_labels": {k: {v: list(lab) for v, lab in d.items()} for k, d in VALUE_LABELS.items()},
        "facets": facets,
        "rows": rows,
    }


def _json_for_script(data: dict) -> str:
    """JSON that can stand inside <script>: no '<', '>' or '&' that could end or open a tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_explorer(data: dict, template: str | None = None) -> str:
    from html import escape
    page = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    head, mark, tail = page.partition("__DATA__")
    if not mark:
        raise ValueError("the explorer template has no __DATA__ placeholder")
    title = escape(data["title"])
    return head.replace("__TITLE__", title) + _json_for_script(data) + tail.replace("__TITLE__", title)


def _read_link_status(*folders: Path) -> pd.DataFrame | None:
    for folder in folders:
        path = Path(folder) / LINK_STATUS
        if path.exists():
            return pd.read_parquet(path)
    return None


def write_explorer(out: Path, previous: Path | None = None) -> Path:
    """Read the processed release in `out` and write `out/explorer.html`; return its path. Link statuses come
    from `link_status.parquet` in `out`, else in `previous` (the release being replaced), when there is one."""
    out = Path(out)
    for name in INPUTS:
        if not (out / name).exists():
            raise InputError(out / name, "missing; run the pipeline (export) first")
    data = explorer_data(read_parquet(out / "initiatives.parquet"), read_parquet(out / "footnotes.parquet"),
                         read_parquet(out / "initiative_municipalities.parquet"),
                         read_meta(out),
                         _read_link_status(out, *([previous] if previous else [])))
    path, tmp = out / EXPLORER_HTML, out / f".{EXPLORER_HTML}.tmp"
    tmp.write_text(render_explorer(data), encoding="utf-8", newline="\n")
    os.replace(tmp, path)  # never a half-written page
    return path
