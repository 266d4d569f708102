"""The stages as file-to-file steps: what the CLI and the Makefile run.

extract:  PDF            -> interim/fragments.parquet, interim/raw_footnotes.parquet
assemble: interim/       -> interim/initiatives.parquet, interim/footnotes.parquet
export:   interim/       -> processed/{initiatives,footnotes}.{parquet,csv}
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from . import assemble as assemble_mod
from . import extract as extract_mod
from .errors import InputError
from .metadata import FOOTNOTES, FRAGMENTS, INITIATIVES, RAW_FOOTNOTES
from .source import inspect_source
from .store import parquet_metadata, read_parquet, staged_dir, write_csv, write_parquet

Log = Callable[[str], None]
SOURCE_KEYS = ("source_file", "source_sha256", "source_title")


def _quiet(_: str) -> None:
    pass


def _read(path: Path) -> "tuple":
    if not path.exists():
        raise InputError(path, "missing; run the stage before this one first")
    return read_parquet(path), parquet_metadata(path)


def extract(pdf: Path, interim: Path, log: Log = _quiet, progress=None) -> None:
    started = time.perf_counter()
    source = inspect_source(pdf)
    log(source.describe())
    fragments, footnotes = extract_mod.extract(source.path, progress=progress)
    meta = {"source_file": source.path.name, "source_sha256": source.sha256, "source_title": source.title}
    with staged_dir(interim) as tmp:
        write_parquet(fragments, tmp / "fragments.parquet", FRAGMENTS, meta)
        write_parquet(footnotes, tmp / "raw_footnotes.parquet", RAW_FOOTNOTES, meta)
    log(f"extract: {len(fragments)} fragments, {len(footnotes)} footnotes "
        f"in {time.perf_counter() - started:.1f}s")


def assemble(interim: Path, log: Log = _quiet) -> None:
    fragments, meta = _read(interim / "fragments.parquet")
    raw_footnotes, _ = _read(interim / "raw_footnotes.parquet")
    initiatives, footnotes = assemble_mod.assemble(fragments, raw_footnotes)
    meta = {k: meta.get(k, "") for k in SOURCE_KEYS}
    with staged_dir(interim) as tmp:
        write_parquet(initiatives, tmp / "initiatives.parquet", INITIATIVES, meta)
        write_parquet(footnotes, tmp / "footnotes.parquet", FOOTNOTES, meta)
    log(f"assemble: {len(initiatives)} initiatives, {len(footnotes)} footnotes")


def export(interim: Path, out: Path, log: Log = _quiet) -> None:
    tables = {"initiatives": INITIATIVES, "footnotes": FOOTNOTES}
    frames = {name: _read(interim / f"{name}.parquet") for name in tables}
    with staged_dir(out) as tmp:
        for name, fields in tables.items():
            df, meta = frames[name]
            meta = {k: meta.get(k, "") for k in SOURCE_KEYS}
            write_parquet(df, tmp / f"{name}.parquet", fields, meta)
            write_csv(df, tmp / f"{name}.csv", fields)
    log(f"export: wrote {', '.join(tables)} to {out}")


def run(pdf: Path, out: Path, interim: Path, log: Log = _quiet, progress=None) -> None:
    extract(pdf, interim, log, progress)
    assemble(interim, log)
    export(interim, out, log)
