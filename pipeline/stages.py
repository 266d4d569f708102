"""The stages as file-to-file steps: what the CLI and the Makefile run.

extract:   PDF      -> interim/fragments.parquet, interim/raw_footnotes.parquet
assemble:  interim/ -> interim/assembled.parquet, interim/footnotes.parquet
normalise: interim/ -> interim/initiatives.parquet, interim/initiative_municipalities.parquet,
                       interim/initiative_intervention_types.parquet, interim/quality.parquet
export:    interim/ -> processed/<table>.parquet and .csv for every published table,
                       processed/quality_report.md and .json, release.json, datapackage.json, codebook.md,
                       report.html, explorer.html, bilag3_initiativer.xlsx, and CHANGES.md when a previous
                       release was there

Export also refuses rows that look merged or split (pipeline/plausibility.py) unless they
are accepted in the reviewed-suspects CSV or allowed.

Each stage checks what it is about to write against its Pandera schemas
(pipeline/schemas.py) and writes nothing when a check fails; it writes into
a temporary folder and moves the files into place only when all are written.
A stage whose inputs, code and outputs are as on its last run is skipped
(pipeline/cache.py) unless `force`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pandas as pd

from . import __version__
from . import assemble as assemble_mod
from . import extract as extract_mod
from . import cache, datapackage, quality_report
from . import diff as diff_mod
from .errors import InputError, PipelineError
from .metadata import (ASSEMBLED, FOOTNOTES, FRAGMENTS, INITIATIVE_INTERVENTION_TYPES,
                       INITIATIVE_MUNICIPALITIES, INITIATIVES, QUALITY, RAW_FOOTNOTES, TABLES)
from .normalise import Params, normalise_initiatives
from .release import (CODEBOOK_MD, DATAPACKAGE_JSON, EXPLORER_HTML, LINK_STATUS_PARQUET, QUALITY_JSON, QUALITY_MD,
                      RELEASE_JSON, REPORT_HTML, WORKBOOK_XLSX as WORKBOOK, read_meta, write_meta)
from .settings import DEFAULT_SETTINGS, RELEASE, ExtractSettings
from .source import inspect_source, pdf_date
from .store import parquet_metadata, read_parquet, staged_dir, write_csv, write_parquet

Log = Callable[[str], None]
SOURCE_KEYS = ("source_file", "source_sha256", "source_title", "source_date")


def _quiet(_: str) -> None:
    pass


def _read(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    if not path.exists():
        raise InputError(path, "missing; run the stage before this one first")
    return read_parquet(path), {k: v for k, v in parquet_metadata(path).items() if k in SOURCE_KEYS}


def _cached(stage: str, interim: Path, inputs: list[Path], outputs: list[Path], force: bool, log: Log,
            work: Callable[[], None], **params) -> None:
    started = time.perf_counter()
    print_ = cache.fingerprint(inputs, **params)
    if not force and cache.is_fresh(interim, stage, print_, outputs):
        log(f"{stage}: inputs and code unchanged, skipped (--force recomputes)")
        return
    work()
    cache.record(interim, stage, print_, outputs)
    log(f"{stage}: done in {time.perf_counter() - started:.1f}s")


def _interim(interim: Path, *names: str) -> list[Path]:
    return [interim / f"{n}.parquet" for n in names]


def extract(pdf: Path, interim: Path, log: Log = _quiet, progress=None, force: bool = False,
            settings: ExtractSettings = DEFAULT_SETTINGS) -> None:
    source = inspect_source(pdf)
    if not source.known:
        # an unknown file is announced as a new release only once it opens as a PDF
        extract_mod.check_readable(source.path)
    log(source.describe())
    _cached("extract", interim, [source.path], _interim(interim, "fragments", "raw_footnotes"), force, log,
            lambda: _extract(source, interim, log, progress, settings))


def _extract(source, interim: Path, log: Log, progress, settings: ExtractSettings) -> None:
    from . import schemas  # pandera: imported by the stages that run, not by skipped ones
    fragments, footnotes = extract_mod.extract(source.path, settings, progress=progress)
    schemas.require(f"extract of {source.path}", schemas.check_table("fragments", fragments)
                    + schemas.check_table("raw_footnotes", footnotes)
                    + schemas.check_markers(fragments, footnotes))
    meta = {"source_file": source.path.name, "source_sha256": source.sha256, "source_title": source.title,
            "source_date": pdf_date(source.path)}
    with staged_dir(interim) as tmp:
        write_parquet(fragments, tmp / "fragments.parquet", FRAGMENTS, meta)
        write_parquet(footnotes, tmp / "raw_footnotes.parquet", RAW_FOOTNOTES, meta)
    log(f"extract: {len(fragments)} fragments, {len(footnotes)} footnotes")


def assemble(interim: Path, log: Log = _quiet, force: bool = False) -> None:
    _cached("assemble", interim, _interim(interim, "fragments", "raw_footnotes"),
            _interim(interim, "assembled", "footnotes"), force, log, lambda: _assemble(interim, log))


def _assemble(interim: Path, log: Log) -> None:
    from . import schemas
    fragments, meta = _read(interim / "fragments.parquet")
    raw_footnotes, _ = _read(interim / "raw_footnotes.parquet")
    initiatives, footnotes = assemble_mod.assemble(fragments, raw_footnotes)
    schemas.require("assemble", schemas.check_table("assembled", initiatives)
                    + schemas.check_table("footnotes", footnotes))
    with staged_dir(interim) as tmp:
        write_parquet(initiatives, tmp / "assembled.parquet", ASSEMBLED, meta)
        write_parquet(footnotes, tmp / "footnotes.parquet", FOOTNOTES, meta)
    log(f"assemble: {len(initiatives)} initiatives, {len(footnotes)} footnotes")


def normalise(interim: Path, log: Log = _quiet, force: bool = False) -> None:
    _cached("normalise", interim, _interim(interim, "assembled", "footnotes"),
            _interim(interim, "initiatives", "initiative_municipalities", "initiative_intervention_types", "quality"),
            force, log, lambda: _normalise(interim, log))


def _normalise(interim: Path, log: Log) -> None:
    from . import schemas
    initiatives, meta = _read(interim / "assembled.parquet")
    footnotes, _ = _read(interim / "footnotes.parquet")
    result = normalise_initiatives(initiatives, footnotes, Params.from_reference())
    schemas.require("normalise", schemas.check_table("initiatives", result.initiatives)
                    + schemas.check_table("initiative_municipalities", result.municipalities)
                    + schemas.check_table("initiative_intervention_types", result.intervention_types))
    with staged_dir(interim) as tmp:
        write_parquet(result.initiatives, tmp / "initiatives.parquet", INITIATIVES, meta)
        write_parquet(result.municipalities, tmp / "initiative_municipalities.parquet",
                      INITIATIVE_MUNICIPALITIES, meta)
        write_parquet(result.intervention_types, tmp / "initiative_intervention_types.parquet",
                      INITIATIVE_INTERVENTION_TYPES, meta)
        write_parquet(result.quality, tmp / "quality.parquet", QUALITY, meta)
    counts = result.quality["check"].value_counts()
    log("normalise: quality items " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "none"))


def release_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: len(df) for name, df in tables.items()}


def check_shrink(counts: dict[str, int], previous: dict[str, int], max_shrink: float) -> list[str]:
    """Tables that lost more than `max_shrink` of their rows since the previous release."""
    out = []
    for name in ("initiatives", "footnotes"):
        before, now = previous.get(name), counts.get(name, 0)
        if before and now < before * (1 - max_shrink):
            out.append(f"{name}: {now} rows, {before - now} fewer than the previous release's {before} "
                       f"(more than {max_shrink:.0%}); rerun with --allow-shrink if that is right")
    return out


EXPORTED = [*(f"{name}.{ext}" for name in TABLES for ext in ("parquet", "csv")), QUALITY_MD,
            QUALITY_JSON, RELEASE_JSON, DATAPACKAGE_JSON, CODEBOOK_MD, REPORT_HTML, EXPLORER_HTML,
            WORKBOOK]


def export(interim: Path, out: Path, log: Log = _quiet, allow_shrink: bool = False, force: bool = False,
           allow_suspects: bool = False, reviewed: Path | None = None) -> None:
    inputs = _interim(interim, *TABLES, "quality") + ([reviewed] if reviewed else [])
    _cached("export", interim, inputs, [out / name for name in EXPORTED], force, log,
            lambda: _export(interim, out, log, allow_shrink, allow_suspects, reviewed), out=out.resolve(),
            allow_suspects=allow_suspects, reviewed=reviewed)


def _export(interim: Path, out: Path, log: Log, allow_shrink: bool, allow_suspects: bool = False,
            reviewed: Path | None = None) -> None:
    from . import schemas
    from .explorer import write_explorer
    from .report_page import write_report  # matplotlib
    from .workbook import write_workbook  # openpyxl
    frames = {name: _read(interim / f"{name}.parquet") for name in TABLES}
    tables = {name: df for name, (df, _) in frames.items()}
    quality, meta = _read(interim / "quality.parquet")
    schemas.require("export", schemas.check_release(tables, quality))
    counts = release_counts(tables)
    previous = read_meta(out)
    if not allow_shrink:
        shrunk = check_shrink(counts, previous.get("counts", {}), RELEASE.max_shrink)
        if shrunk:
            raise PipelineError("release shrank: " + "; ".join(shrunk))
    quality = check_suspects(quality, reviewed, allow_suspects, log)
    with staged_dir(out) as tmp:
        for name, fields in TABLES.items():
            df, table_meta = frames[name]
            write_parquet(df, tmp / f"{name}.parquet", fields, table_meta)
            write_csv(df, tmp / f"{name}.csv", fields)
        links = out / LINK_STATUS_PARQUET   # from `pipeline links`, kept across exports
        if links.is_file():
            quality = quality_report.with_links(quality, quality_report.link_items(
                read_parquet(links), tables["initiatives"], tables["footnotes"]))
        quality_report.write(quality, tmp, meta.get("source_title", ""))
        release = {"pipeline_version": __version__, **meta, "counts": counts,
                   "previous_counts": previous.get("counts", {}) if previous.get("source_sha256") != meta.get(
                       "source_sha256") else previous.get("previous_counts", {})}
        write_meta(tmp, release)
        # the explorer and the workbook are listed in the data package: written before it
        write_explorer(tmp, previous=out)
        write_workbook(tmp)
        datapackage.write(tmp, meta)
        # the previous release is what `out` holds until the staged files replace it
        diff_mod.write_release_changes(out, tmp, log)
        write_report(tmp, links=links)
    log(f"export: wrote {len(TABLES)} tables, the quality report and datapackage.json to {out}")


def check_suspects(quality: pd.DataFrame, reviewed: Path | None, allow: bool, log: Log) -> pd.DataFrame:
    """The quality table with reviewed suspects marked accepted; stops the release while any
    suspect row (pipeline/plausibility.py) is neither accepted in `reviewed` nor `allow`ed."""
    from . import plausibility
    quality = plausibility.apply_review(quality, plausibility.load_reviewed(reviewed))
    pending = plausibility.pending(quality)
    if len(pending):
        rows = plausibility.describe(pending)
        if not allow:
            where = reviewed or "a reviewed-suspects CSV (--reviewed)"
            raise PipelineError(f"{pending['initiative_id'].nunique()} suspect row(s), merged or split?: {rows}; "
                                f"check them, then accept each in {where} or rerun with --allow-suspects")
        log(f"export: publishing {pending['initiative_id'].nunique()} unreviewed suspect row(s) "
            f"(--allow-suspects): {rows}")
    return quality


def run(pdf: Path, out: Path, interim: Path, log: Log = _quiet, progress=None, allow_shrink: bool = False,
        force: bool = False, settings: ExtractSettings = DEFAULT_SETTINGS, allow_suspects: bool = False,
        reviewed: Path | None = None) -> None:
    extract(pdf, interim, log, progress, force, settings)
    assemble(interim, log, force)
    normalise(interim, log, force)
    export(interim, out, log, allow_shrink, force, allow_suspects, reviewed)
