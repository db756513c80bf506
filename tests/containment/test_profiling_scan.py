"""Profiling CSV/JSON tables with one Spark pass, profile DataFrames, and reading lake tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from profiling.lake import lake_table_reader, profile_lake, read_lake_table
from schemas.containment import COLUMN_PROFILES_DDL, QUARANTINE_DDL, TABLE_PROFILES_DDL
from schemas.errors import InputError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scan_lake")
    (root / "people_csv").mkdir()
    (root / "people_csv" / "a.csv").write_text('id,name,score\n1,"Smith, J",1.5\n2,"say ""hi""",\n3,Lee,NaN\n')
    (root / "people_json").mkdir()
    (root / "people_json" / "a.jsonl").write_text('{"id": 1, "name": "a"}\n{"id": 7, "name": null}\n')
    (root / "drift_csv").mkdir()
    (root / "drift_csv" / "a.csv").write_text("id,name\n1,a\n")
    (root / "drift_csv" / "b.csv").write_text("name,id\nb,2\n")
    (root / "bad_json").mkdir()
    (root / "bad_json" / "a.jsonl").write_text('{"id": 1}\n{"id": \n')
    for year, values in ((2023, [1, 2]), (2024, [3])):
        folder = root / "sales" / f"year={year}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"amount": values}), folder / "part-0.parquet")
    return root


@pytest.fixture(scope="module")
def profiles(spark: Any, lake: Path) -> dict[str, Any]:
    return profile_lake(spark, lake, ["parquet", "csv", "json"])


def test_profile_frames_follow_the_contract(spark: Any, profiles: dict[str, Any]) -> None:
    from pyspark.sql.types import StructType

    for name, ddl in (("table_profiles", TABLE_PROFILES_DDL), ("column_profiles", COLUMN_PROFILES_DDL),
                      ("quarantine", QUARANTINE_DDL)):
        assert profiles[name].schema == StructType.fromDDL(ddl), name


def test_csv_profile_has_counts_bounds_and_distinct_estimates(profiles: dict[str, Any]) -> None:
    table = profiles["table_profiles"].where("table_id = 'people_csv'").first()
    assert (table["status"], table["num_rows"], table["format"]) == ("ok", 3, "csv")
    cols = {r["column_name"]: r for r in profiles["column_profiles"].where("table_id = 'people_csv'").collect()}
    assert cols["id"]["spark_type"] == "bigint"  # text integers are widened
    assert (cols["id"]["min_value"], cols["id"]["max_value"], cols["id"]["distinct_estimate"]) == ("1", "3", 3)
    assert cols["score"]["spark_type"] == "double" and cols["score"]["null_count"] == 1
    assert (cols["score"]["min_value"], cols["score"]["max_value"]) == ("1.5", "1.5")  # NaN left out like Parquet
    assert cols["name"]["min_value"] == "Lee"


def test_text_faults_are_quarantined(profiles: dict[str, Any]) -> None:
    reasons = {r["table_id"]: r["reason"] for r in profiles["quarantine"].collect()}
    assert "schema drift" in reasons["drift_csv"]
    assert "unreadable json data" in reasons["bad_json"]


def test_read_lake_table_uses_pinned_files_schema_and_partitions(spark: Any, profiles: dict[str, Any]) -> None:
    read = lake_table_reader(spark, profiles["table_profiles"])
    sales = read("sales", None)
    assert sales.schema.simpleString() == "struct<amount:bigint,year:bigint>"
    assert sorted(tuple(r) for r in sales.collect()) == [(1, 2023), (2, 2023), (3, 2024)]
    people = read("people_csv", ["name"])
    assert sorted(r[0] for r in people.collect()) == ["Lee", "Smith, J", 'say "hi"']
    assert sorted(r["id"] for r in read("people_json", ["id"]).collect()) == [1, 7]


def test_quarantined_tables_cannot_be_read(spark: Any, profiles: dict[str, Any]) -> None:
    row = profiles["table_profiles"].where("table_id = 'drift_csv'").first()
    with pytest.raises(InputError, match="quarantined"):
        read_lake_table(spark, row, None)
