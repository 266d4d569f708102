"""Render N seeded layout variants, run the pipeline on each, score against the golden file.

    .venv/bin/python -m tests.fuzz.run --n 40 [--start 0] [--typesetter writer|html] [--jobs 2] [--keep DIR]

Prints one line per variant (seed, parameters, cells %, footnotes right, records, suspects,
error) and a summary; writes results.json to --out. Exit 1 when a variant misses the bar.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

from . import params as params_mod
from . import source
from .score import Score, score

MIN_CELLS = 0.995


def renderer(name: str):
    if name == "writer":
        from .typeset_writer import render
    elif name == "html":
        from .typeset_html import render
    else:
        raise ValueError(f"unknown typesetter {name!r}")
    return render


def run_variant(p: params_mod.Params, workdir: Path, table: source.Table | None = None,
                rendered: Path | None = None) -> tuple[Score, float]:
    """Typeset (unless `rendered` is given), extract, assemble, normalise; the score of the result
    (errors become Score.error)."""
    from pipeline import stages
    from pipeline.errors import PipelineError
    from pipeline.settings import DEFAULT_SETTINGS
    from pipeline.store import read_parquet

    table = table or source.load()
    pdf = rendered or workdir / f"variant-{p.seed}.pdf"
    interim = workdir / f"interim-{p.seed}"
    started = time.perf_counter()
    try:
        if rendered is None:
            renderer(p.typesetter)(table, p, pdf)
    except Exception as e:  # a typesetter failure is the harness's problem, reported as such
        return Score(golden_records=len(table.rows), error=f"typesetting failed: {type(e).__name__}: {e}"), 0.0
    try:
        settings = replace(DEFAULT_SETTINGS, workers=1)
        stages.extract(pdf, interim, settings=settings)
        stages.assemble(interim)
        stages.normalise(interim)
    except PipelineError as e:
        return Score(golden_records=len(table.rows), cells_total=len(table.rows) * 7,
                     notes_total=len(table.notes), error=str(e).splitlines()[0][:160]), time.perf_counter() - started
    result = score(table, read_parquet(interim / "initiatives.parquet"), read_parquet(interim / "footnotes.parquet"),
                   read_parquet(interim / "quality.parquet"), links=p.links)
    return result, time.perf_counter() - started


def _job(args) -> dict:
    seed, typesetter, workdir, keep, reuse = args
    table = source.load()
    p = params_mod.draw(seed, len(table.rows), typesetter)
    vdir = Path(workdir) / f"seed-{seed}"
    vdir.mkdir(parents=True, exist_ok=True)
    kept = Path(keep) / f"variant-{seed}-{p.typesetter}.pdf" if keep else None
    s, seconds = run_variant(p, vdir, table, kept if reuse and kept and kept.exists() else None)
    if kept and not (reuse and kept.exists()):
        kept.parent.mkdir(parents=True, exist_ok=True)
        pdf = vdir / f"variant-{seed}.pdf"
        if pdf.exists():
            shutil.copy(pdf, kept)
    shutil.rmtree(vdir, ignore_errors=True)
    return {"seed": seed, "params": asdict(p), "describe": p.describe(), "seconds": round(seconds, 1),
            "score": {**asdict(s), "cells_share": s.cells_share, "passed": s.passed(MIN_CELLS)}}


def line(r: dict) -> str:
    s = r["score"]
    status = "ok" if s["passed"] else ("ERROR " + s["error"] if s["error"] else "MISS")
    return (f"{r['seed']:>5}  {r['describe']:<70.70}  {100 * s['cells_share']:6.2f}% {s['cells_exact']:>4}  "
            f"{s['notes_right']:>3}/{s['notes_total']:<3}  {s['records']:>3}/{s['golden_records']:<3}  "
            f"{s['suspects']:>3}  {status}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--seeds", type=str, default="", help="comma-separated seeds instead of --start/--n")
    ap.add_argument("--typesetter", choices=params_mod.TYPESETTERS, default=None,
                    help="one typesetter for all variants (default: alternate by seed)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("tests/fuzz/results"))
    ap.add_argument("--keep", type=Path, default=None, help="copy each variant's PDF here")
    ap.add_argument("--reuse", action="store_true", help="score the PDFs already in --keep instead of typesetting")
    ap.add_argument("--misses", action="store_true", help="print the first misses of each variant")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",") if s] or list(range(a.start, a.start + a.n))
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"{'seed':>5}  {'parameters':<70}  {'cells':>7} exact  {'notes':>7}  {'records':>7}  susp  result",
          flush=True)
    results = []
    with tempfile.TemporaryDirectory() as work:
        jobs = [(seed, a.typesetter, work, a.keep, a.reuse) for seed in seeds]
        mapped = map(_job, jobs) if a.jobs <= 1 else ProcessPoolExecutor(a.jobs).map(_job, jobs)
        for r in mapped:
            results.append(r)
            print(line(r), flush=True)
            if a.misses:
                for m in r["score"]["misses"]:
                    print(f"         {m}", flush=True)
    passed = sum(r["score"]["passed"] for r in results)
    print(f"\n{passed}/{len(results)} variants passed (cells >= {MIN_CELLS:.1%}, every footnote right, "
          f"all records, no suspect rows)")
    (a.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
