"""Reading and writing tables: typed Parquet (pyarrow) and Excel-friendly CSV.

Writes are all-or-nothing: a stage writes its files into a temporary folder
beside the target and moves each into place only when all were written, so a
failed run never leaves a half-written output behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .metadata import TYPES, Field

def arrow_type(f: Field) -> pa.DataType:
    t = pa.type_for_alias(TYPES[f.type].arrow)
    return pa.list_(t) if f.is_list else t


def typed(df: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """The frame's columns in metadata order with the metadata's pandas dtypes (lists stay lists)."""
    df = df[[f.name for f in fields]].copy()
    for f in fields:
        if not f.is_list:
            df[f.name] = df[f.name].astype(TYPES[f.type].pandas)
        else:
            df[f.name] = df[f.name].map(lambda v: list(v) if v is not None and not is_missing(v) else [])
    return df


def is_missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def arrow_schema(fields: tuple[Field, ...], metadata: dict[str, str] | None = None) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, arrow_type(f), nullable=True, metadata={"description": f.description})
         for f in fields],
        metadata={k: str(v) for k, v in (metadata or {}).items()},
    )


def write_parquet(df: pd.DataFrame, path: Path, fields: tuple[Field, ...], metadata: dict | None = None) -> None:
    meta = {"pipeline_version": __version__, **(metadata or {})}
    table = pa.Table.from_pandas(df[[f.name for f in fields]], schema=arrow_schema(fields, meta),
                                 preserve_index=False)
    # pandas' own schema blob would repeat what the field metadata says; leave it out
    table = table.replace_schema_metadata({k.encode(): str(v).encode() for k, v in meta.items()})
    pq.write_table(table, path, compression="zstd")


def write_csv(df: pd.DataFrame, path: Path, fields: tuple[Field, ...]) -> None:
    out = df[[f.name for f in fields]].copy()
    for f in fields:
        if f.is_list:
            out[f.name] = out[f.name].map(lambda v: "; ".join(map(str, v)) if v is not None else "")
    # utf-8 with BOM: Excel then shows æøå correctly
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def read_parquet(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas(types_mapper=_pandas_type)


def _pandas_type(t: pa.DataType):
    if pa.types.is_integer(t):
        return pd.Int64Dtype()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pd.StringDtype()
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    return None


def parquet_metadata(path: Path) -> dict[str, str]:
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


@contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """A temporary folder whose files replace those in `target` on success only."""
    target.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    try:
        yield tmp
        for f in sorted(tmp.iterdir()):
            os.replace(f, target / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
