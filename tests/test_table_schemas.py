"""schemas/ holds the published schemas as the code generates them, and they describe the published CSVs."""

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline import table_schemas
from pipeline.metadata import TABLES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


def test_schemas_folder_is_up_to_date():
    assert table_schemas.stale(SCHEMAS) == [], "run `make schemas`"


def test_stale_names_a_changed_missing_and_extra_file(tmp_path):
    table_schemas.write_all(tmp_path)
    assert table_schemas.stale(tmp_path) == []
    (tmp_path / "footnotes.schema.json").write_text("{}", encoding="utf-8")
    (tmp_path / "initiatives.pandera.yaml").unlink()
    (tmp_path / "old_table.schema.json").write_text("{}", encoding="utf-8")
    assert sorted(table_schemas.stale(tmp_path)) == ["footnotes.schema.json", "initiatives.pandera.yaml",
                                                     "old_table.schema.json"]


@pytest.mark.parametrize("table", list(TABLES))
def test_published_csv_passes_its_table_schema(table):
    from frictionless import Resource, Schema
    schema = Schema.from_descriptor(json.loads((SCHEMAS / f"{table}.schema.json").read_text(encoding="utf-8")))
    report = Resource(path=f"{table}.csv", basepath=str(ROOT / "processed"), schema=schema,
                      encoding="utf-8-sig").validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("column, value, error", [
    ("age_min", "150", "constraint-error"),          # maximum
    ("geography_scope", "galactic", "constraint-error"),   # enum
    ("section", "Teenagere", "constraint-error"),    # enum from the reference table
    ("initiative_id", "1", "primary-key"),           # unique
    ("name", " ", "constraint-error"),               # not blank
])
def test_table_schema_rejects_a_broken_value(tmp_path, column, value, error):
    from frictionless import Resource, Schema
    df = pd.read_csv(ROOT / "processed" / "initiatives.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.loc[1, column] = value
    path = tmp_path / "initiatives.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    schema = Schema.from_descriptor(json.loads((SCHEMAS / "initiatives.schema.json").read_text(encoding="utf-8")))
    report = Resource(path=path.name, basepath=str(tmp_path), schema=schema, encoding="utf-8-sig").validate()
    assert not report.valid
    assert error in {e.type for task in report.tasks for e in task.errors}


def test_pandera_yaml_round_trips_and_names_what_it_leaves_out():
    import pandera.pandas as pa
    text = (SCHEMAS / "initiatives.pandera.yaml").read_text(encoding="utf-8")
    schema = pa.DataFrameSchema.from_yaml(text)
    assert list(schema.columns) == [f.name for f in TABLES["initiatives"]]
    assert schema.columns["age_min"].checks and schema.columns["initiative_id"].unique
    assert "#   - initiative_id is 1..n in document order" in text
