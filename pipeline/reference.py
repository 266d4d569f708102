"""Reference data (schemas/reference/*.csv), loaded through one module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "schemas" / "reference"


@lru_cache(maxsize=None)
def load(name: str) -> pd.DataFrame:
    """A reference table by file stem, all columns as strings (empty = missing)."""
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype="string", keep_default_na=False)


def section_labels() -> dict[str, str]:
    """Casefolded, whitespace-collapsed section heading -> heading as listed."""
    return {" ".join(s.split()).casefold(): s for s in load("sections")["section"]}
