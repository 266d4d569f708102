"""The published schemas in schemas/, generated from pipeline/metadata.py (`make schemas`).

For each published table:
- `<table>.schema.json`: a Frictionless Table Schema of the table's CSV: every field's type and
  description, and its constraints (required, unique, minimum/maximum, allowed values from the
  enum or the reference table); list columns are the CSV's joined text, their items unchecked here.
- `<table>.pandera.yaml`: the Pandera schema of the Parquet table as pipeline/schemas.py builds it,
  serialised by Pandera. Pandera serialises only its own registered checks; the plain-function
  checks (non-blank text, list items, whole-table rules) are listed in the file's header and
  applied by pipeline/schemas.py.

`write_all(folder)` writes them; `stale(folder)` names the files that differ from what the code
would write now (tests/test_table_schemas.py fails on any).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from .datapackage import field_descriptor
from .metadata import TABLES, Field

README = "README.md"
NOT_BLANK = r"[\s\S]*\S[\s\S]*"   # a Table Schema pattern matches the whole value, line breaks included


def table_schema(table: str) -> dict:
    """The Frictionless Table Schema of one published table's CSV."""
    from .schemas import allowed_values

    fields = []
    for f in TABLES[table]:
        out = field_descriptor(f, "csv")
        out["constraints"] = constraints(f, allowed_values(f))
        if not out["constraints"]:
            del out["constraints"]
        fields.append(out)
    schema = {"fields": fields, "missingValues": [""]}
    keys = [f.name for f in TABLES[table] if f.unique]
    if keys:
        schema["primaryKey"] = keys
    return schema


def constraints(f: Field, allowed: list[str] | None) -> dict:
    out: dict = {}
    if f.is_list:   # joined text in the CSV, empty for an empty list; its items' rules are Pandera's
        if f.min_items:
            out["required"] = True
        return out
    if not f.nullable or f.always_set:
        out["required"] = True
    if f.unique:
        out["unique"] = True
    if f.minimum is not None:
        out["minimum"] = f.minimum
    if f.maximum is not None:
        out["maximum"] = f.maximum
    if allowed is not None:
        out["enum"] = allowed
    if f.not_blank:
        out["pattern"] = NOT_BLANK
    return out


def pandera_yaml(table: str) -> str:
    """The Pandera schema of one published table, serialised, with the checks Pandera cannot serialise named."""
    from .schemas import schema

    s = schema(table)
    # a built-in check carries the statistics Pandera serialises; a plain function has none
    left_out = [c.name for col in s.columns.values() for c in col.checks if not c.statistics]
    left_out += [c.name for c in s.checks if not c.statistics]
    with warnings.catch_warnings():   # Pandera warns for each plain-function check it skips: listed below
        warnings.simplefilter("ignore", UserWarning)
        body = s.to_yaml()
    header = [f"# Pandera schema of {table} (Parquet), generated from pipeline/metadata.py by `make schemas`.",
              "# Checks applied by pipeline/schemas.py that Pandera cannot serialise (plain functions):"]
    header += [f"#   - {name}" for name in left_out] or ["#   (none)"]
    return "\n".join(header) + "\n" + body


def files() -> dict[str, str]:
    """File name -> text of every generated file."""
    out = {}
    for table in TABLES:
        out[f"{table}.schema.json"] = json.dumps(table_schema(table), ensure_ascii=False, indent=2) + "\n"
        out[f"{table}.pandera.yaml"] = pandera_yaml(table)
    return out


def write_all(folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale(folder: Path) -> list[str]:
    """Files of `folder` that differ from what the code writes now, are missing, or are no longer written."""
    folder = Path(folder)
    expected = files()
    out = [name for name, text in expected.items()
           if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]
    out += sorted(p.name for p in folder.glob("*") if p.is_file() and p.name not in expected and p.name != README)
    return out
