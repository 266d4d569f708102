"""bilag3_initiativer.xlsx: read back with openpyxl against the Parquet tables, row for row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

from pipeline import workbook  # noqa: E402
from pipeline.metadata import TABLES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def book_path(bundled_run):
    path = bundled_run / workbook.FILENAME
    assert path.exists(), "export did not write the workbook"
    return path


@pytest.fixture(scope="module")
def book(book_path):
    return openpyxl.load_workbook(book_path)


def expected(field, v):
    if field.type.startswith("list<"):
        return "; ".join(str(x) for x in v) or None
    if v is None or pd.isna(v):
        return None
    if field.type == "integer":
        return int(v)
    if field.type == "boolean":
        return bool(v)
    return str(v)


def test_sheets_in_order(book):
    assert book.sheetnames == [workbook.ABOUT_SHEET, *TABLES, workbook.CODEBOOK_SHEET]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_row_for_row(book, bundled_run, table):
    fields = TABLES[table]
    df = pd.read_parquet(bundled_run / f"{table}.parquet")
    ws = book[table]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [f.name for f in fields]
    assert len(rows) - 1 == len(df)
    for got, (_, rec) in zip(rows[1:], df.iterrows()):
        assert list(got) == [expected(f, rec[f.name]) for f in fields]
    # types as Excel holds them: integers as numbers, booleans as booleans
    for c, f in enumerate(fields, start=1):
        values = [ws.cell(row=r, column=c).value for r in range(2, ws.max_row + 1)]
        values = [v for v in values if v is not None]
        if f.type == "integer":
            assert all(isinstance(v, int) for v in values), f.name
        elif f.type == "boolean":
            assert all(isinstance(v, bool) for v in values), f.name
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == ws.dimensions == f"A1:{ws.cell(row=1, column=len(fields)).column_letter}{len(df) + 1}"


def test_footnote_urls_are_hyperlinks_and_long_text_wraps(book, bundled_run):
    df = pd.read_parquet(bundled_run / "footnotes.parquet")
    ws = book["footnotes"]
    col = [f.name for f in TABLES["footnotes"]].index("url") + 1
    web = 0
    for r, url in enumerate(df["url"], start=2):
        cell = ws.cell(row=r, column=col)
        if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
            assert cell.hyperlink is not None and cell.hyperlink.target == url
            web += 1
        else:
            assert cell.hyperlink is None
    assert web > len(df) / 2
    content = [f.name for f in TABLES["initiatives"]].index("content") + 1
    init = book["initiatives"]
    assert init.cell(row=2, column=content).alignment.wrap_text
    letter = init.cell(row=1, column=content).column_letter
    assert init.column_dimensions[letter].width == workbook.WRAP_WIDTH
    first = init.cell(row=1, column=1).column_letter
    assert init.column_dimensions[first].width < workbook.WRAP_WIDTH


def test_about_sheet_and_codebook(book, bundled_run):
    release = json.loads((bundled_run / "release.json").read_text(encoding="utf-8"))
    about = dict(book[workbook.ABOUT_SHEET].iter_rows(min_row=2, values_only=True))
    assert about["sha256"] == release["source_sha256"]
    assert about["Kildefil (source file)"] == release["source_file"]
    assert about["Kildens dato (source date, from the PDF)"] == (release.get("source_date") or
                                                                "not recorded in the PDF")
    for name in TABLES:
        assert about[f"Ark {name} (rows)"] == release["counts"][name]
    code = list(book[workbook.CODEBOOK_SHEET].iter_rows(min_row=2, values_only=True))
    assert [(t, c) for t, c, *_ in code] == [(t, f.name) for t, fields in TABLES.items() for f in fields]
    assert all(desc for *_, desc in code)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    tables = {name: pd.DataFrame({f.name: pd.Series([], dtype=object) for f in fields})
              for name, fields in TABLES.items()}
    tables["footnotes"] = pd.DataFrame({"number": [1], "initiative_id": [1], "column": ["content"],
                                        "text": ["=HYPERLINK(\"http://x\")\x07"], "url": ["javascript:x"], "page": [1]})
    wb = workbook.build_workbook(tables, {})
    path = tmp_path / "t.xlsx"
    path.write_bytes(workbook.workbook_bytes(wb, workbook.FALLBACK_DATE))
    ws = openpyxl.load_workbook(path)["footnotes"]
    assert ws["D2"].value == "=HYPERLINK(\"http://x\")" and ws["D2"].data_type == "s"   # control char dropped
    assert ws["E2"].hyperlink is None


def test_same_input_same_bytes_in_a_fresh_process(book_path, bundled_run, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(bundled_run, folder)
    env = {**os.environ, "PYTHONHASHSEED": "999"}
    script = ("import sys, time; from pathlib import Path; from pipeline.workbook import write_workbook; "
              "time.sleep(1.1); write_workbook(Path(sys.argv[1]))")  # a later second: the clock must not show
    subprocess.run([sys.executable, "-c", script, str(folder)], cwd=ROOT, env=env, check=True, timeout=120)
    assert (folder / workbook.FILENAME).read_bytes() == book_path.read_bytes()
    props = openpyxl.load_workbook(book_path).properties
    assert props.created == props.modified == workbook._date(json.loads((bundled_run / "release.json").read_text()))
