"""Bad input: one line naming the file and the problem, non-zero exit, outputs untouched."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from pipeline.errors import InputError

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


# ---------------------------------------------------------------- source recognition (pipeline/source.py)

MANIFEST = ROOT / "raw" / "manifest.json"


def test_recorded_pdf_is_recognised_by_checksum_wherever_it_lies(tmp_path, monkeypatch):
    from pipeline.source import inspect_source
    elsewhere = tmp_path / "downloads" / "bilag 3 (kopi).pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(PDF.read_bytes())
    # a stale manifest beside the copy does not hide the project's record
    (elsewhere.parent / "manifest.json").write_text('{"file": "x.pdf", "sha256": "00"}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)            # not the repository: raw/ is found from the package
    info = inspect_source(elsewhere)
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert info.known and info.sha256 == recorded["sha256"] and info.title == recorded["title"]
    assert "NEW RELEASE" not in info.describe() and f"as {recorded['file']}" in info.describe()


def test_new_release_and_earlier_releases_listed_in_a_manifest(tmp_path):
    from pipeline.source import inspect_source, sha256_of
    pdf = make_bad("other_document", tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"file": "new.pdf", "sha256": "ab" * 32}), encoding="utf-8")
    info = inspect_source(pdf, manifests=[manifest])
    assert not info.known and "NEW RELEASE" in info.describe() and info.title == ""
    manifest.write_text(json.dumps({"file": "new.pdf", "sha256": "ab" * 32, "releases": [
        {"file": pdf.name, "sha256": sha256_of(pdf), "title": "Tidligere udgave"}]}), encoding="utf-8")
    info = inspect_source(pdf, manifests=[manifest])
    assert info.known and info.title == "Tidligere udgave"
    manifest.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        inspect_source(pdf, manifests=[manifest])


@pytest.mark.parametrize("kind", ["not_pdf", "truncated", "encrypted"])
def test_no_release_notice_for_inputs_that_are_rejected(tmp_path, kind):
    bad = make_bad(kind, tmp_path)
    result = run_cli("run", "--pdf", bad, "--out", tmp_path / "out", "--interim", tmp_path / "interim")
    assert result.returncode == 2
    assert "NEW RELEASE" not in result.stderr and "recorded" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {bad}")


def test_a_new_pdf_is_announced_before_its_table_is_read(tmp_path):
    bad = make_bad("other_document", tmp_path)
    result = run_cli("run", "--pdf", bad, "--out", tmp_path / "out", "--interim", tmp_path / "interim")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert "NEW RELEASE" in lines[0] and "no table with the expected header" in lines[-1]
