"""A processed release folder as the later steps read it: release.json (parsed here and nowhere
else), the published tables and the quality items.

    read_meta(folder)        -> release.json as a dict ({} when the folder has none; InputError when unreadable)
    meta_or_empty(folder)    -> the same, {} also when unreadable (for labels, which must never stop a run)
    write_meta(folder, meta) -> writes release.json
    read_quality(folder)     -> the items of quality_report.json, or None when there is none
    load_release(folder)     -> Release: the published tables, the quality items and release.json
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import QUALITY, TABLES

# The files of a processed folder besides the tables (<table>.parquet, .csv), named here only.
RELEASE_JSON = "release.json"
QUALITY_JSON = "quality_report.json"
QUALITY_MD = "quality_report.md"
DATAPACKAGE_JSON = "datapackage.json"
CODEBOOK_MD = "codebook.md"
REPORT_HTML = "report.html"
EXPLORER_HTML = "explorer.html"
WORKBOOK_XLSX = "bilag3_initiativer.xlsx"
CHANGES_MD = "CHANGES.md"             # only against a previous release
LINK_STATUS_PARQUET = "link_status.parquet"   # only from `pipeline links`
LINK_STATUS_CSV = "link_status.csv"


def read_meta(folder: Path) -> dict:
    path = Path(folder) / RELEASE_JSON
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(path, f"not valid JSON ({e})") from None


def meta_or_empty(folder: Path) -> dict:
    try:
        return read_meta(folder)
    except (InputError, OSError):
        return {}


def write_meta(folder: Path, meta: dict) -> None:
    (Path(folder) / RELEASE_JSON).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")


def read_quality(folder: Path) -> pd.DataFrame | None:
    path = Path(folder) / QUALITY_JSON
    if not path.exists():
        return None
    try:
        items = json.loads(path.read_text(encoding="utf-8")).get("items", [])
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(path, f"not valid JSON ({e})") from None
    return pd.DataFrame(items, columns=[f.name for f in QUALITY])


@dataclass(frozen=True)
class Release:
    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame | None
    meta: dict


def load_release(folder: Path) -> Release:
    from .store import read_parquet

    folder = Path(folder)
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if not path.exists():
            raise InputError(path, "missing; run the pipeline first")
        tables[name] = read_parquet(path)
    return Release(tables, read_quality(folder), read_meta(folder))
