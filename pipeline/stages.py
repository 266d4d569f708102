"""The stages as file-to-file steps: what the CLI and the Makefile run.

extract:   PDF      -> interim/fragments.parquet, interim/raw_footnotes.parquet
assemble:  interim/ -> interim/assembled.parquet, interim/footnotes.parquet
normalise: interim/ -> interim/initiatives.parquet, interim/initiative_municipalities.parquet,
                       interim/initiative_intervention_types.parquet, interim/quality.parquet
export:    interim/ -> processed/<table>.parquet and .csv for every published table,
                       processed/quality_report.md and .json
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pandas as pd

from . import assemble as assemble_mod
from . import extract as extract_mod
from . import quality_report
from .errors import InputError
from .metadata import (ASSEMBLED, FOOTNOTES, FRAGMENTS, INITIATIVE_INTERVENTION_TYPES,
                       INITIATIVE_MUNICIPALITIES, INITIATIVES, QUALITY, RAW_FOOTNOTES, TABLES)
from .normalise import Params, normalise as normalise_fn
from .source import inspect_source
from .store import parquet_metadata, read_parquet, staged_dir, write_csv, write_parquet

Log = Callable[[str], None]
SOURCE_KEYS = ("source_file", "source_sha256", "source_title")


def _quiet(_: str) -> None:
    pass


def _read(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    if not path.exists():
        raise InputError(path, "missing; run the stage before this one first")
    return read_parquet(path), {k: v for k, v in parquet_metadata(path).items() if k in SOURCE_KEYS}


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
    with staged_dir(interim) as tmp:
        write_parquet(initiatives, tmp / "assembled.parquet", ASSEMBLED, meta)
        write_parquet(footnotes, tmp / "footnotes.parquet", FOOTNOTES, meta)
    log(f"assemble: {len(initiatives)} initiatives, {len(footnotes)} footnotes")


def normalise(interim: Path, log: Log = _quiet) -> None:
    initiatives, meta = _read(interim / "assembled.parquet")
    footnotes, _ = _read(interim / "footnotes.parquet")
    result = normalise_fn(initiatives, footnotes, Params.from_reference())
    with staged_dir(interim) as tmp:
        write_parquet(result.initiatives, tmp / "initiatives.parquet", INITIATIVES, meta)
        write_parquet(result.municipalities, tmp / "initiative_municipalities.parquet",
                      INITIATIVE_MUNICIPALITIES, meta)
        write_parquet(result.intervention_types, tmp / "initiative_intervention_types.parquet",
                      INITIATIVE_INTERVENTION_TYPES, meta)
        write_parquet(result.quality, tmp / "quality.parquet", QUALITY, meta)
    counts = result.quality["check"].value_counts()
    log("normalise: quality items " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "none"))


def export(interim: Path, out: Path, log: Log = _quiet) -> None:
    frames = {name: _read(interim / f"{name}.parquet") for name in TABLES}
    quality, meta = _read(interim / "quality.parquet")
    with staged_dir(out) as tmp:
        for name, fields in TABLES.items():
            df, table_meta = frames[name]
            write_parquet(df, tmp / f"{name}.parquet", fields, table_meta)
            write_csv(df, tmp / f"{name}.csv", fields)
        quality_report.write(quality, tmp, meta.get("source_title", ""))
    log(f"export: wrote {len(TABLES)} tables and the quality report to {out}")


def run(pdf: Path, out: Path, interim: Path, log: Log = _quiet, progress=None) -> None:
    extract(pdf, interim, log, progress)
    assemble(interim, log)
    normalise(interim, log)
    export(interim, out, log)
