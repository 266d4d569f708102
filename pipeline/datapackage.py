"""The Frictionless Data Package (datapackage.json) and the codebook, made from pipeline/metadata.py."""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .metadata import PACKAGE, TABLES, TYPES, Field
from .release import CODEBOOK_MD, DATAPACKAGE_JSON, EXPLORER_HTML, WORKBOOK_XLSX
from .source import sha256_of

# Files of the release made from the tables for people rather than programs: (file, format, mediatype, description)
VIEWS = (
    (EXPLORER_HTML, "html", "text/html",
     "One self-contained page to search and filter the initiatives, open each one with its cells and footnote "
     "links, and download the rows shown as CSV; opens offline."),
    (WORKBOOK_XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "The tables as an Excel workbook: an 'Om data' sheet, a sheet per table and the codebook."),
)


def field_descriptor(f: Field, fmt: str) -> dict:
    """A field of a Table Schema: for the CSV (list columns as joined text) or the Parquet file."""
    out = {"name": f.name, "description": f.description}
    if f.is_list and fmt == "csv":
        out.update(type="string", description=f"{f.description} In the CSV: the items joined with '; '.")
    else:
        out["type"] = TYPES[f.type].frictionless
    if not f.nullable and not f.is_list:
        out["constraints"] = {"required": True}
    return out


def package_descriptor(folder: Path, meta: dict[str, str]) -> dict:
    """The package for the tables in `folder`, with each file's size and sha256.

    The Parquet files are listed as files, not tables: frictionless reads
    Parquet through pandas, which turns nullable integers into floats and
    lists into arrays it cannot type, so it would reject correct data. Their
    schema is given all the same, and the files carry it themselves.
    """
    resources = []
    for name, fields in TABLES.items():
        for fmt in ("csv", "parquet"):
            path = folder / f"{name}.{fmt}"
            res = {
                "name": f"{name}-{fmt}",
                "type": "table" if fmt == "csv" else "file",
                "path": path.name,
                "format": fmt,
                "description": PACKAGE["tables"][name],
                "bytes": path.stat().st_size,
                "hash": f"sha256:{sha256_of(path)}",
                "schema": {"fields": [field_descriptor(f, fmt) for f in fields]},
            }
            if fmt == "csv":
                res.update(mediatype="text/csv", encoding="utf-8-sig")
            else:
                res.update(mediatype="application/vnd.apache.parquet")
            resources.append(res)
    for path_name, fmt, mediatype, description in VIEWS:
        path = folder / path_name
        if path.exists():
            resources.append({"name": path_name.replace(".", "-").replace("_", "-").lower(), "type": "file",
                              "path": path_name, "format": fmt, "mediatype": mediatype,
                              "description": description, "bytes": path.stat().st_size,
                              "hash": f"sha256:{sha256_of(path)}"})
    return {
        "name": PACKAGE["name"],
        "title": PACKAGE["title"],
        "description": PACKAGE["description"],
        "version": __version__,
        "licenses": PACKAGE["licenses"],
        "sources": [{"title": meta.get("source_title") or PACKAGE["source_title"],
                     "path": meta.get("source_file", ""),
                     "description": f"sha256 {meta.get('source_sha256', '')}"}],
        "resources": resources,
    }


def codebook(meta: dict[str, str]) -> str:
    lines = [f"# Codebook: {PACKAGE['title']}", "", PACKAGE["description"], "",
             f"Source: {meta.get('source_title') or PACKAGE['source_title']} "
             f"(`{meta.get('source_file', '')}`, sha256 `{meta.get('source_sha256', '')}`).", "",
             "Every table comes as Parquet (typed; list columns as lists) and as CSV (UTF-8 with BOM; "
             "list columns joined with '; ').", ""]
    for name, fields in TABLES.items():
        lines += [f"## {name}", "", PACKAGE["tables"][name], "", "| column | type | may be empty | description |",
                  "|---|---|---|---|"]
        for f in fields:
            lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.nullable else 'no'} | {f.description} |")
        lines.append("")
    return "\n".join(lines)


def write(folder: Path, meta: dict[str, str]) -> None:
    (folder / DATAPACKAGE_JSON).write_text(
        json.dumps(package_descriptor(folder, meta), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / CODEBOOK_MD).write_text(codebook(meta), encoding="utf-8")
