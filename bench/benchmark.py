"""Benchmark: the pipeline against a naive pdfplumber pass, as ratios measured in one run.

    .venv/bin/python bench/benchmark.py [--target-pages 450] [--copies K] [--rows N] [--out bench/results]

Makes a long document itself: the golden rows of the bundled PDF repeated with distinct
names and renumbered footnotes, typeset by LibreOffice Writer through the layout-fuzzing
harness (tests/fuzz/typeset_writer.py) with one fixed, realistic layout (LAYOUT_SEED and
LAYOUT_PINS), and cached under OUT/cache by a hash of the document it typesets, so a re-run
does not typeset again. Then on the bundled PDF and on the long one it times, each in its own
process: the naive pass (pdfplumber.open, extract_tables() on every page, one process),
every stage of `pipeline run`, the whole run, and a re-run with nothing changed; it records
the largest process's peak memory and checks that one worker and several give the same
bytes. Results (with the long document's layout) go to OUT/results.json and a table on
stdout. Timings are never asserted here: the machines are shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUNDLED = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"
# The long document's layout: a fuzz variant drawn for this seed, then pinned to what such an
# appendix looks like (landscape A4, horizontal rules, a sans font at 8 pt, links, page numbers),
# so that a change to the fuzzer's draw cannot turn the benchmark into another kind of document.
LAYOUT_SEED = 4
LAYOUT_PINS = {"typesetter": "writer", "font": "Liberation Sans", "size": 8.0, "landscape": True, "page": "A4",
               "rules": "horizontal", "header_repeat": True, "links": True, "page_numbers": "right"}
# LibreOffice lays hundreds of pages out several times over (tests/fuzz/writer_uno.py)
TYPESET_TIMEOUT_S = 3600
NAIVE = ("import sys, pdfplumber\n"
         "with pdfplumber.open(sys.argv[1]) as pdf:\n"
         "    tables = [page.extract_tables() for page in pdf.pages]\n")


# Runs a command and reports the peak RSS of the largest process it started (itself or a worker).
PEAK = ("import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n")


class Failed(Exception):
    """A timed command that exited non-zero; the message is its error line."""


def timed(cmd: list[str]) -> dict:
    """Wall time and peak memory (MiB) of the largest process of one command."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, *map(str, cmd)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    if proc.returncode != 0:
        # the last line is PEAK's memory figure; the pipeline's own `error: ...` line comes before it
        said = [ln for ln in lines[:-1] if ln.strip()]
        raise Failed(next((ln for ln in reversed(said) if ln.startswith("error:")), said[-1] if said else
                          f"exit {proc.returncode}"))
    peak_kib = int(lines[-1])
    return {"seconds": round(seconds, 3), "peak_mib": round(peak_kib / 1024, 1)}


def pipeline(*args) -> list[str]:
    return [sys.executable, "-m", "pipeline", "--quiet", *map(str, args)]


def layout():
    """The long document's Params: LAYOUT_SEED drawn for the golden table, LAYOUT_PINS applied."""
    from tests.fuzz.params import draw
    from tests.fuzz.source import load

    return dataclasses.replace(draw(LAYOUT_SEED, len(load().rows), typesetter="writer"), **LAYOUT_PINS)


def repeated(golden, copies: int, rows: int | None = None):
    """The first `rows` golden rows (all when None) `copies` times over as one source.Table: ids 1..n
    in order, " – kopi K" after the first column from the second copy on, so names stay distinct,
    and footnotes renumbered 1..N in document order (row by row, cell by cell)."""
    from tests.fuzz.source import Note, Row, Table

    out, notes = [], {}
    for k in range(copies):
        for r in golden.rows[:rows]:
            cells = (r.cells[0] + (f" – kopi {k + 1}" if k else ""),) + r.cells[1:]
            cited = []
            for numbers in r.notes:
                renumbered = tuple(range(len(notes) + 1, len(notes) + 1 + len(numbers)))
                for old, new in zip(numbers, renumbered):
                    notes[new] = Note(new, golden.notes[old].text, golden.notes[old].url)
                cited.append(renumbered)
            out.append(Row(len(out) + 1, r.section, cells, tuple(cited)))
    return Table(tuple(out), notes)


def page_count(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def typeset(table, params, cache: Path) -> dict:
    """The table typeset by Writer, from cache/ when the same document (text and layout, hence the
    golden files and the parameters) and converter were typeset before."""
    from tests.fuzz import typeset_writer

    key = hashlib.sha256(typeset_writer.document(table, params).encode("utf-8")
                         + typeset_writer.CONVERTER.read_bytes()).hexdigest()[:16]
    pdf, meta = cache / f"long-{key}.pdf", cache / f"long-{key}.json"
    if pdf.exists() and meta.exists():
        return {**json.loads(meta.read_text(encoding="utf-8")), "path": pdf, "cached": True}
    if not typeset_writer.available():
        raise SystemExit("benchmark: the long document needs LibreOffice (soffice) with python3-uno (see .ci/run)")
    partial = cache / f"long-{key}.partial.pdf"
    start = time.perf_counter()
    typeset_writer.render(table, params, partial, timeout_s=TYPESET_TIMEOUT_S)
    info = {"typeset_seconds": round(time.perf_counter() - start, 1), "pages": page_count(partial)}
    os.replace(partial, pdf)   # only a finished PDF enters the cache
    meta.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return {**info, "path": pdf, "cached": False}


def long_document(cache: Path, target_pages: int, copies: int | None = None, rows: int | None = None) -> dict:
    """Typeset the golden rows again and again to ~target_pages (or exactly `copies` times)."""
    from tests.fuzz.source import load

    golden, params = load(), layout()
    if copies is None:   # one copy's page count decides how many copies make the target
        one = typeset(repeated(golden, 1, rows), params, cache)
        copies = max(1, round(target_pages / one["pages"]))
    table = repeated(golden, copies, rows)
    doc = typeset(table, params, cache)
    return {**doc, "typesetter": "writer (LibreOffice, tests/fuzz/typeset_writer.py)", "layout": params.describe(),
            "params": dataclasses.asdict(params), "copies": copies, "rows_per_copy": len(golden.rows[:rows]),
            "rows": len(table.rows), "footnotes": len(table.notes)}


def measure(pdf: Path, work: Path, workers: int) -> dict:
    """Every timing of one document; when a command fails, those before it and `failed` (step, error line)."""
    res: dict = {}
    try:
        return _measure(pdf, work, workers, res)
    except Failed as e:   # the later steps need the failed one's output: stop, keep what was measured
        step = next(k for k in ("naive", "stage_extract", "stage_assemble", "stage_normalise", "stage_export", "run",
                                "rerun", "run_one_worker") if k not in res)
        res["failed"] = {"step": step, "error": str(e)}
        return res


def _measure(pdf: Path, work: Path, workers: int, res: dict) -> dict:
    out, interim = work / "processed", work / "interim"
    res["naive"] = timed([sys.executable, "-c", NAIVE, str(pdf)])
    for stage, args in [("extract", ("extract", "--pdf", pdf, "--interim", interim, "--workers", workers)),
                        ("assemble", ("assemble", "--interim", interim)),
                        ("normalise", ("normalise", "--interim", interim)),
                        ("export", ("export", "--interim", interim, "--out", out, "--allow-shrink"))]:
        res[f"stage_{stage}"] = timed(pipeline(*args, "--force"))
    res["run"] = timed(pipeline("run", "--pdf", pdf, "--out", out, "--interim", interim, "--workers", workers,
                                "--force", "--allow-shrink"))
    res["rerun"] = timed(pipeline("run", "--pdf", pdf, "--out", out, "--interim", interim, "--workers", workers))
    single_out = work / "single"
    res["run_one_worker"] = timed(pipeline("run", "--pdf", pdf, "--out", single_out, "--interim", work / "single-interim",
                                           "--workers", 1, "--force"))
    same = all((out / f).read_bytes() == (single_out / f).read_bytes() for f in os.listdir(single_out)
               if f.endswith((".parquet", ".csv")))
    res["ratios"] = {
        "run_vs_naive": round(res["run"]["seconds"] / res["naive"]["seconds"], 3),
        "rerun_vs_run": round(res["rerun"]["seconds"] / res["run"]["seconds"], 3),
        "one_worker_vs_naive": round(res["run_one_worker"]["seconds"] / res["naive"]["seconds"], 3),
        "run_peak_mib_vs_naive": round(res["run"]["peak_mib"] / res["naive"]["peak_mib"], 3),
    }
    res["same_bytes_as_one_worker"] = same
    return res


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target-pages", type=int, default=450)
    ap.add_argument("--copies", type=int, help="copies of the golden rows (instead of --target-pages)")
    ap.add_argument("--rows", type=int, help="the first N golden rows in each copy (default: all)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--documents", nargs="+", choices=["bundled", "long"], default=["bundled", "long"])
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results = {"machine": {"cores": os.cpu_count()}, "documents": {}}
    if "long" in args.documents:
        long = long_document(args.out / "cache", args.target_pages, args.copies, args.rows)
        results["long_document"] = {**long, "path": long["path"].relative_to(args.out).as_posix()}
    for name in args.documents:
        pdf = BUNDLED if name == "bundled" else long["path"]
        r = measure(pdf, args.out / name, args.workers)
        r["pages"] = page_count(pdf)
        results["documents"][name] = r
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    for name, doc in results["documents"].items():
        if "failed" in doc:
            print(f"benchmark: {name}: {doc['failed']['step']} failed: {doc['failed']['error']}", file=sys.stderr)
    if __name__ == "__main__" and any("failed" in d for d in results["documents"].values()):
        sys.exit(1)
    return results


def print_table(results: dict) -> None:
    rows = ["naive", "stage_extract", "stage_assemble", "stage_normalise", "stage_export", "run", "rerun",
            "run_one_worker"]
    docs = results["documents"]
    heads = [f"{name} ({doc['pages']} p.)" for name, doc in docs.items()]
    print(" " * 18 + "".join(f"{h:>28}" for h in heads))
    for row in rows:
        cells = []
        for d in docs.values():
            t = d.get(row)
            cells.append(f"{t['seconds']:>15.2f} s {t['peak_mib']:>6.0f} MiB" if t else
                         "failed" if d.get("failed", {}).get("step") == row else "-")
        print(f"{row:18}" + "".join(f"{c:>28}" for c in cells))
    for ratio in ["run_vs_naive", "rerun_vs_run", "one_worker_vs_naive", "run_peak_mib_vs_naive"]:
        print(f"{ratio:18}" + "".join(f"{d.get('ratios', {}).get(ratio, '-'):>28}" for d in docs.values()))
    print(f"{'same bytes':18}" + "".join(f"{str(d.get('same_bytes_as_one_worker', '-')):>28}" for d in docs.values()))


if __name__ == "__main__":
    main()
