"""Bad input: one line naming the file and the problem, non-zero exit, outputs untouched."""

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def make_bad(kind: str, tmp: Path) -> Path:
    path = tmp / f"{kind}.pdf"
    if kind == "missing":
        return path
    if kind == "not_pdf":
        path.write_text("Initiativ og organisation;Målgruppe\n", encoding="utf-8")
    elif kind == "truncated":
        path.write_bytes(PDF.read_bytes()[: PDF.stat().st_size // 2])
    elif kind in ("encrypted", "other_document"):
        c = canvas.Canvas(str(path), encrypt="secret" if kind == "encrypted" else None)
        c.drawString(72, 720, "Et helt andet dokument uden tabellen")
        c.save()
    return path


@pytest.mark.parametrize("kind, problem", [
    ("missing", "file does not exist"),
    ("not_pdf", "not a PDF"),
    ("truncated", "not a readable PDF"),
    ("encrypted", "encrypted"),
    ("other_document", "no table with the expected header"),
])
def test_bad_input_one_line_and_outputs_untouched(tmp_path, kind, problem):
    out, interim = tmp_path / "processed", tmp_path / "interim"
    out.mkdir()
    (out / "initiatives.csv").write_bytes(b"earlier release\n")
    bad = make_bad(kind, tmp_path)
    result = run_cli("--quiet", "run", "--pdf", bad, "--out", out, "--interim", interim)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["initiatives.csv"]
    assert (out / "initiatives.csv").read_bytes() == b"earlier release\n"


def test_stage_without_its_input_names_the_missing_file(tmp_path):
    result = run_cli("assemble", "--interim", tmp_path)
    assert result.returncode == 2
    assert "fragments.parquet: missing" in result.stderr
