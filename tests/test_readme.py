"""The README's loading examples run as written against a processed release."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Loading the data", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_has_pandas_polars_duckdb_examples():
    code = examples()
    assert len(code) == 3
    assert [c.split()[1] for c in code] == ["pandas", "polars", "duckdb"]


@pytest.mark.parametrize("index", range(3))
def test_readme_example_runs(bundled_run, tmp_path, index):
    shutil.copytree(bundled_run, tmp_path / "processed")
    result = subprocess.run([sys.executable, "-c", examples()[index]], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
