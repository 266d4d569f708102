from pathlib import Path

import pandas as pd
import pytest

from pipeline import stages

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory):
    """The whole pipeline on the bundled PDF, once per test session: the processed folder."""
    out = tmp_path_factory.mktemp("processed")
    stages.run(PDF, out, tmp_path_factory.mktemp("interim"))
    return out


@pytest.fixture(scope="session")
def processed(bundled_run):
    return {name: pd.read_parquet(bundled_run / f"{name}.parquet")
            for name in ("initiatives", "footnotes", "initiative_municipalities", "initiative_intervention_types")}
