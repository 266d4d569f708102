"""Benchmark: the pipeline against a naive pdfplumber pass, as ratios measured in one run.

    .venv/bin/python bench/benchmark.py [--target-pages 450] [--out bench/results]

Makes a long document itself (the golden rows of the bundled PDF repeated with
distinct names and renumbered footnotes, rendered by tests/pdfmaker.py), then
on the bundled PDF and on the long one times, each in its own process:
the naive pass (pdfplumber.open, extract_tables() on every page, one process),
every stage of `pipeline run`, the whole run, and a re-run with nothing
changed; it records the largest process's peak memory and checks that one
worker and several give the same bytes. Results go to OUT/results.json and a
table on stdout. Timings are never asserted here: the machines are shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUNDLED = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"
GOLDEN = ROOT / "tests" / "golden"
NAIVE = ("import sys, pdfplumber\n"
         "with pdfplumber.open(sys.argv[1]) as pdf:\n"
         "    tables = [page.extract_tables() for page in pdf.pages]\n")


# Runs a command and reports the peak RSS of the largest process it started (itself or a worker).
PEAK = ("import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n")


def timed(cmd: list[str]) -> dict:
    """Wall time and peak memory (MiB) of the largest process of one command."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, *map(str, cmd)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(map(str, cmd))} failed:\n{proc.stderr[-2000:]}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return {"seconds": round(seconds, 3), "peak_mib": round(peak_kib / 1024, 1)}


def pipeline(*args) -> list[str]:
    return [sys.executable, "-m", "pipeline", "--quiet", *map(str, args)]


def long_document(path: Path, target_pages: int) -> int:
    """Render the golden rows again and again (distinct names, renumbered footnotes) to ~target_pages."""
    from tests.pdfmaker import make_pdf

    with (GOLDEN / "initiatives.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (GOLDEN / "footnotes.csv").open(encoding="utf-8") as fh:
        notes = list(csv.DictReader(fh))
    cols = ["initiative", "target_group", "geography", "content", "goal", "intervention_type", "documentation"]

    def items_for(copies: int, share: float = 1.0):
        items, footnotes, number = [], {}, 0
        by_row: dict[tuple[str, str], list[dict]] = {}
        for n in notes:
            by_row.setdefault((n["initiative_id"], n["column"]), []).append(n)
        for k in range(copies):
            section = None
            for r in rows[: max(1, round(len(rows) * share))]:
                if r["section"] != section:
                    section = r["section"]
                    items.append(("section", section))
                cells = []
                for c in cols:
                    text = r[c] + (f" – kopi {k + 1}" if c == "initiative" and k else "")
                    for n in sorted(by_row.get((r["initiative_id"], c), []), key=lambda n: int(n["number"])):
                        number += 1
                        footnotes[number] = (n["text"], n["url"] or None)
                        text += f"[^{number}]"
                    cells.append(text)
                items.append(("row", cells))
        return items, footnotes

    import pdfplumber

    make_pdf(path, *items_for(1))
    with pdfplumber.open(path) as pdf:
        per_copy = len(pdf.pages)
    copies = max(1, round(target_pages / per_copy))
    make_pdf(path, *items_for(copies, min(1.0, target_pages / per_copy)))
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def measure(pdf: Path, work: Path, workers: int) -> dict:
    out, interim = work / "processed", work / "interim"
    res = {"naive": timed([sys.executable, "-c", NAIVE, str(pdf)])}
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
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--documents", nargs="+", choices=["bundled", "long"], default=["bundled", "long"])
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    long_pdf = args.out / "long.pdf"
    pages = long_document(long_pdf, args.target_pages)
    results = {"machine": {"cores": os.cpu_count()}, "documents": {}}
    for name, pdf, n in [("bundled", BUNDLED, 49), ("long", long_pdf, pages)]:
        if name not in args.documents:
            continue
        r = measure(pdf, args.out / name, args.workers)
        r["pages"] = n
        results["documents"][name] = r
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
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
            t = d[row]
            mem = f" {t['peak_mib']:>6.0f} MiB"
            cells.append(f"{t['seconds']:>15.2f} s{mem}")
        print(f"{row:18}" + "".join(f"{c:>28}" for c in cells))
    for ratio in ["run_vs_naive", "rerun_vs_run", "one_worker_vs_naive", "run_peak_mib_vs_naive"]:
        print(f"{ratio:18}" + "".join(f"{d['ratios'][ratio]:>28}" for d in docs.values()))
    print(f"{'same bytes':18}" + "".join(f"{str(d['same_bytes_as_one_worker']):>28}" for d in docs.values()))


if __name__ == "__main__":
    main()
