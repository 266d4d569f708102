from pathlib import Path

import pandas as pd
import pytest

from pipeline import stages

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "bilag3_initiativer_ensomhed.pdf"


@pytest.fixture(scope="session")
def bundled(tmp_path_factory):
    """The whole pipeline on the bundled PDF, once per test session: (processed, interim) folders."""
    out, interim = tmp_path_factory.mktemp("processed"), tmp_path_factory.mktemp("interim")
    stages.run(PDF, out, interim)
    return out, interim


@pytest.fixture(scope="session")
def bundled_run(bundled):
    return bundled[0]


@pytest.fixture(scope="session")
def processed(bundled_run):
    return {name: pd.read_parquet(bundled_run / f"{name}.parquet")
            for name in ("initiatives", "footnotes", "initiative_municipalities", "initiative_intervention_types")}
