"""Page-parallel extraction gives the same bytes; the content-hash cache skips unchanged stages."""

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import cache, stages
from pipeline.settings import DEFAULT_SETTINGS
from tests.fuzz import typeset_writer

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".parquet", ".csv")}


def test_one_and_two_workers_give_the_same_bytes(bundled, tmp_path):
    out = tmp_path / "one"
    stages.run(PDF, out, tmp_path / "interim-one", settings=replace(DEFAULT_SETTINGS, workers=1))
    assert files(out) == files(bundled[0])   # the session run used one process per core


def run_logged(pdf, out, interim, **kw) -> list[str]:
    lines: list[str] = []
    stages.run(pdf, out, interim, log=lines.append, **kw)
    return lines


def skipped(lines):
    return [ln.split(":")[0] for ln in lines if "unchanged, skipped" in ln]


def test_rerun_skips_every_stage_and_force_recomputes(bundled, tmp_path):
    out, interim = tmp_path / "processed", tmp_path / "interim"
    assert skipped(run_logged(PDF, out, interim)) == []
    before = files(out)
    assert skipped(run_logged(PDF, out, interim)) == ["extract", "assemble", "normalise", "export"]
    assert files(out) == before
    assert skipped(run_logged(PDF, out, interim, force=True)) == []


def test_changed_input_code_or_output_recomputes(tmp_path, monkeypatch):
    from tests.pdfmaker import make_pdf
    rows = [("section", "Alle aldersgrupper"), ("row", ["A (B)[^1]", "Alle", "Aarhus", "c", "d", "Aktivitetstilbud", ""])]
    pdf = tmp_path / "small.pdf"
    make_pdf(pdf, rows, {1: ("Link: https://a.dk/", "https://a.dk/")})
    out, interim = tmp_path / "processed", tmp_path / "interim"
    run_logged(pdf, out, interim)
    # a new release of the PDF: everything downstream recomputes
    rows[1][1][2] = "Odense"
    make_pdf(pdf, rows, {1: ("Link: https://a.dk/", "https://a.dk/")})
    assert skipped(run_logged(pdf, out, interim)) == []
    # a damaged output is rewritten
    (out / "initiatives.csv").write_text("tampered", encoding="utf-8")
    assert skipped(run_logged(pdf, out, interim)) == ["extract", "assemble", "normalise"]
    assert (out / "initiatives.csv").read_text(encoding="utf-8-sig").startswith("initiative_id")
    # a new code version recomputes
    monkeypatch.setattr(cache, "code_version", lambda: "another version")
    assert skipped(run_logged(pdf, out, interim)) == []


def bench():
    sys.path.insert(0, str(ROOT / "bench"))
    import benchmark
    return benchmark


def test_long_document_repeats_rows_with_distinct_names_and_footnotes_in_order():
    from tests.fuzz.source import load
    golden = load()
    table = bench().repeated(golden, 3, rows=12)
    assert [r.id for r in table.rows] == list(range(1, 37))
    names = [r.cells[0] for r in table.rows]
    assert len(set(names)) == 36 and names[12] == golden.rows[0].cells[0] + " – kopi 2"
    assert [r.cells[1:] for r in table.rows[24:]] == [r.cells[1:] for r in golden.rows[:12]]
    # every footnote cited once, numbered 1..N in reading order, each copy's text and URL kept
    cited = [n for r in table.rows for cell in r.notes for n in cell]
    assert cited == list(range(1, len(table.notes) + 1))
    per_copy = sum(len(cell) for r in golden.rows[:12] for cell in r.notes)
    assert len(cited) == 3 * per_copy > 0
    originals = [golden.notes[n] for r in golden.rows[:12] for cell in r.notes for n in cell]
    assert [(table.notes[n].text, table.notes[n].url) for n in cited] == [(o.text, o.url) for o in originals] * 3


def test_long_document_layout_is_pinned():
    p = bench().layout()
    assert (p.typesetter, p.landscape, p.page, p.links) == ("writer", True, "A4", True)
    assert p.rules in ("grid", "horizontal") and 8 <= p.size <= 9 and p.page_numbers != "none"


@pytest.mark.skipif(not typeset_writer.available(),
                    reason="LibreOffice (soffice) with python3-uno is not installed (see .ci/run)")
def test_benchmark_smoke(tmp_path):
    """The benchmark harness runs end to end on a short Writer-typeset document (timings are not checked)."""
    benchmark = bench()
    results = benchmark.main(["--copies", "1", "--rows", "12", "--documents", "long", "--out", str(tmp_path)])
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(results))
    long = saved["long_document"]
    assert (long["copies"], long["rows"], long["cached"]) == (1, 12, False)
    assert long["params"]["typesetter"] == "writer" and long["pages"] == saved["documents"]["long"]["pages"] >= 1
    # the second run typesets nothing: the PDF comes from the cache, byte for byte
    pdf = tmp_path / long["path"]
    before = pdf.read_bytes()
    again = benchmark.long_document(tmp_path / "cache", 0, copies=1, rows=12)
    assert again["cached"] is True and again["path"] == pdf and pdf.read_bytes() == before
    for doc in saved["documents"].values():
        assert "failed" not in doc, doc["failed"]
        assert set(doc["ratios"]) == {"run_vs_naive", "rerun_vs_run", "one_worker_vs_naive", "run_peak_mib_vs_naive"}
        assert doc["same_bytes_as_one_worker"] is True
        assert all(doc[k]["peak_mib"] > 0 for k in ("naive", "run", "rerun"))


def test_benchmark_records_a_failing_step_and_goes_on(tmp_path):
    """A document the pipeline cannot read keeps the timings before the failure and the error line."""
    from reportlab.pdfgen import canvas
    pdf = tmp_path / "no_table.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 720, "Et dokument uden tabel")
    c.save()
    res = bench().measure(pdf, tmp_path / "work", workers=1)
    assert res["naive"]["seconds"] > 0 and "ratios" not in res
    assert res["failed"]["step"] == "stage_extract" and res["failed"]["error"].startswith("error: ")
