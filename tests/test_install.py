"""`pip install .` into a fresh venv outside the repository, then the `bilag3` script reproduces processed/.

Offline: the new venv has no pip and no dependencies of its own; a .pth file lends it the test
environment's site-packages (pip, setuptools and the runtime dependencies), and the package is
built without build isolation and installed without dependencies. What is installed is a
copy of the sources (pyproject.toml, README.md, pipeline/) in a temporary folder, and the run
happens there too, so nothing can be picked up from the repository but the PDF.
"""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from pipeline import stages

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"


def _fresh_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=60)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True, timeout=30).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib) / "_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python


def test_pip_install_outside_the_repo_reproduces_processed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    python = _fresh_venv(tmp_path / "venv")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", str(src)], check=True, cwd=tmp_path, timeout=180)
    shutil.rmtree(src)   # the installed copy must stand on its own: no sources left to fall back on

    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import pipeline; print(pipeline.__file__)"], cwd=work,
                           check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where

    script = tmp_path / "venv" / "bin" / "bilag3"
    assert script.is_file()
    run = subprocess.run([str(script), "--quiet", "run", "--pdf", str(PDF), "--out", "out", "--interim", "interim",
                          "--reviewed", str(ROOT / "raw" / "reviewed_suspects.csv")],
                         cwd=work, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr

    # a fresh folder gets every file of a release but CHANGES.md (written only against a previous release)
    written = sorted(p.name for p in (work / "out").iterdir())
    assert written == sorted(stages.EXPORTED)
    different = [name for name in written
                 if (work / "out" / name).read_bytes() != (ROOT / "processed" / name).read_bytes()]
    assert different == []
