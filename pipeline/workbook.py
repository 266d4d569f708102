"""The release as an Excel workbook: processed/bilag3_initiativer.xlsx.

A first sheet "Om data" (source, sha256, source date, row counts, licence), a sheet per published table with
the header frozen, an autofilter, column widths from the content and long text wrapped, list columns joined
with "; " as in the CSVs, footnote URLs as hyperlinks, and a "codebook" sheet from pipeline/metadata.py.
`build_workbook` is a function of the tables; `workbook_bytes` fixes what openpyxl stamps with the clock (the
document properties' dates, the zip entries' times), so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import PACKAGE, TABLES, Field
from .release import RELEASE_JSON, WORKBOOK_XLSX, read_meta
from .store import is_missing, read_parquet

FILENAME = WORKBOOK_XLSX
CODEBOOK_SHEET, ABOUT_SHEET = "codebook", "Om data"
# A date for the workbook's own properties when the source records none (the zip format starts in 1980).
FALLBACK_DATE = datetime(1980, 1, 1)
WRAP_WIDTH, MAX_WIDTH, MIN_WIDTH = 50, 60, 6
LONG_TEXT = 60  # characters: a column whose values run longer is wrapped at WRAP_WIDTH
URL_COLUMNS = frozenset({"url"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cannot hold


def _value(f: Field, v):
    """A cell as Excel holds it: lists joined with "; ", numbers as numbers, None for missing."""
    if f.is_list:
        items = [] if v is None or (not hasattr(v, "__len__") and is_missing(v)) else list(v)
        return "; ".join(str(x) for x in items if x is not None and not is_missing(x)) or None
    if v is None or is_missing(v):
        return None
    if f.type == "integer":
        return int(v)
    if f.type == "number":
        return float(v)
    if f.type == "boolean":
        return bool(v)
    return CONTROL.sub("", str(v))


def _set(cell, value) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula


def _sheet(wb, title: str, header: list[str], rows: list[list], wrap: set[int] | None = None,
           links: dict[int, int] | None = None) -> None:
    """A table sheet: bold frozen header, autofilter, widths from the content; `links` maps a column to
    itself when its http(s) values should be hyperlinks."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _set(ws.cell(row=r, column=c), value)
    wrap = set(wrap or ())
    for c in range(1, len(header) + 1):
        lengths = [len(header[c - 1])] + [len(str(row[c - 1])) for row in rows if row[c - 1] is not None]
        longest = max(lengths)
        if longest > LONG_TEXT:
            wrap.add(c)
        width = WRAP_WIDTH if c in wrap else min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(c)].width = width
    top_wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = top_wrap if cell.column in wrap else top
            if links and cell.column in links and isinstance(cell.value, str) \
                    and re.match(r"https?://", cell.value, re.I):
                cell.hyperlink = cell.value
                cell.style = "Hyperlink"
                cell.alignment = top_wrap if cell.column in wrap else top
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def build_workbook(tables: dict[str, pd.DataFrame], release: dict):
    """The workbook of a release (openpyxl Workbook): "Om data", a sheet per table in TABLES, "codebook"."""
    from openpyxl import Workbook

    wb = Workbook()
    about = wb.active
    about.title = ABOUT_SHEET
    _about(about, tables, release)
    for name, fields in TABLES.items():
        df = tables[name]
        header = [f.name for f in fields]
        rows = [[_value(f, rec.get(f.name)) for f in fields] for rec in df.to_dict("records")]
        links = {i: i for i, f in enumerate(fields, start=1) if f.name in URL_COLUMNS}
        _sheet(wb, name, header, rows, links=links)
    code_rows = [[name, f.name, f.type, "yes" if f.nullable else "no", f.source_label, f.description]
                 for name, fields in TABLES.items() for f in fields]
    _sheet(wb, CODEBOOK_SHEET, ["table", "column", "type", "may_be_empty", "source_label", "description"],
           code_rows, wrap={6})
    created = _date(release)
    wb.properties.creator = PACKAGE["name"]
    wb.properties.title = release.get("source_title") or PACKAGE["source_title"]
    wb.properties.created = wb.properties.modified = created
    return wb


def _date(release: dict) -> datetime:
    try:
        return datetime.strptime(str(release.get("source_date") or ""), "%Y-%m-%d")
    except ValueError:
        return FALLBACK_DATE


def _about(ws, tables: dict[str, pd.DataFrame], release: dict) -> None:
    from openpyxl.styles import Alignment, Font

    counts = release.get("counts") or {name: len(df) for name, df in tables.items()}
    lines = [
        ("Titel (title)", PACKAGE["title"]),
        ("Beskrivelse (description)", PACKAGE["description"]),
        ("Kilde (source)", release.get("source_title") or PACKAGE["source_title"]),
        ("Kildefil (source file)", release.get("source_file")),
        ("sha256", release.get("source_sha256")),
        ("Kildens dato (source date, from the PDF)", release.get("source_date") or "not recorded in the PDF"),
        ("Pipeline-version", release.get("pipeline_version")),
        ("Licens (licence)", "; ".join(lic["title"] for lic in PACKAGE["licenses"])),
        ("Lister (list columns)", 'Items joined with "; ", as in the CSV files; the Parquet files hold lists.'),
    ]
    lines += [(f"Ark {name} (rows)", int(counts.get(name, len(tables[name])))) for name in TABLES]
    lines += [(f"Ark {name}", PACKAGE["tables"][name]) for name in TABLES]
    lines.append((f"Ark {CODEBOOK_SHEET}", "Every column of every table: type, whether it may be empty, description."))
    ws.append(["Felt (field)", "Værdi (value)"])
    for key, value in lines:
        ws.append([key, value])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"


def workbook_bytes(wb, when: datetime) -> bytes:
    """The .xlsx bytes with every clock stamp set to `when`: the same workbook gives the same bytes."""
    raw = io.BytesIO()
    wb.save(raw)  # openpyxl sets the modified date to now here; it is put back below
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    return out.getvalue()


def write_workbook(out: Path) -> Path:
    """Read the processed release in `out` and write `out/bilag3_initiativer.xlsx`; return its path."""
    out = Path(out)
    paths = [out / f"{name}.parquet" for name in TABLES] + [out / RELEASE_JSON]
    for path in paths:
        if not path.exists():
            raise InputError(path, "missing; run the pipeline (export) first")
    tables = {name: read_parquet(out / f"{name}.parquet") for name in TABLES}
    release = read_meta(out)
    data = workbook_bytes(build_workbook(tables, release), _date(release))
    path, tmp = out / FILENAME, out / f".{FILENAME}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
