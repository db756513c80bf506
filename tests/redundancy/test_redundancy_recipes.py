"""Rebuild recipes of a planned test lake, executed in DuckDB and in Spark, against the real tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from operators.redundancy.summary import plan_summary_lines
from schemas.redundancy import BYTES_PER_GB, PLAN_QUERY_SQL
from tests.redundancy.redundancy_testlake import CHILD_METHODS, PlannedLake, ddl_columns, plan_lake

pytestmark = pytest.mark.slow
SAFE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


@pytest.fixture(scope="module")
def planned(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> PlannedLake:
    return plan_lake(spark, tmp_path_factory.mktemp("redundancy_recipes"))


def _by_table(planned: PlannedLake) -> dict[str, dict[str, Any]]:
    return {r["table_id"]: r for r in planned.plan}


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("part-*.parquet"))


def _parquet_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("part-*.parquet"))


def test_children_are_dropped_with_the_method_the_lake_needs(planned: PlannedLake) -> None:
    plan = _by_table(planned)
    assert set(plan) == set(planned.lake.tables)
    for child, method in CHILD_METHODS.items():
        row = plan[child]
        assert (row["action"], row["parent"], row["rebuild_method"]) == ("drop", "sales/all", method), child
    assert plan["sales/all"]["action"] == "keep" and plan["sales/all"]["reason"] == "rebuild_source"
    assert plan["sales/fake"]["action"] == "keep" and plan["sales/fake"]["reason"] == "no_verified_recipe"
    assert plan["other/t"]["action"] == "keep" and plan["other/t"]["reason"] == "not_contained"


def test_inferred_predicates_are_the_filters_the_children_were_made_with(planned: PlannedLake) -> None:
    plan = _by_table(planned)
    assert "BETWEEN 50 AND 129" in plan["sales/filtered"]["rebuild_sql_duckdb"]
    eu = plan["sales/eu"]
    assert "IN ('eu', 'o''hare\\x')" in eu["rebuild_sql_duckdb"]
    assert "IN ('eu', 'o\\'hare\\\\x')" in eu["rebuild_sql_spark"]
    assert "DISTINCT" in plan["sales/regions"]["rebuild_sql_duckdb"]
    assert len(plan["sales/sample"]["index_files"]) == 1


def test_every_recipe_rebuilds_its_table_in_duckdb(planned: PlannedLake) -> None:
    con = duckdb.connect(config=dict(SAFE))
    for row in planned.plan:
        if row["action"] != "drop":
            continue
        con.execute(row["rebuild_sql_duckdb"])
        view = '"' + row["view_name"] + '"'
        rebuilt = con.execute(f"SELECT * FROM {view}")
        names = [d[0] for d in rebuilt.description]
        got = Counter(rebuilt.fetchall())
        files = _parquet_files(planned.lake.path(row["table_id"]))
        cols = ", ".join(f'"{n}"' for n in names)
        want = Counter(con.execute(f"SELECT {cols} FROM read_parquet({files!r})").fetchall())
        assert names == [n for n, _ in ddl_columns(planned.lake.tables[row["table_id"]][0])]
        assert got == want and sum(want.values()) == len(planned.lake.tables[row["table_id"]][1]), row["table_id"]


def test_every_recipe_rebuilds_its_table_in_spark(spark: Any, planned: PlannedLake) -> None:
    for row in planned.plan:
        if row["action"] != "drop":
            continue
        spark.sql(row["rebuild_sql_spark"])
        rebuilt = spark.table(f"`{row['view_name']}`")
        original = spark.read.parquet(str(planned.lake.path(row["table_id"])))
        assert rebuilt.schema == original.schema, row["table_id"]
        assert Counter(rebuilt.collect()) == Counter(original.collect()), row["table_id"]


def test_costs_follow_the_cost_model(planned: PlannedLake) -> None:
    plan = _by_table(planned)
    parent = planned.lake.path("sales/all")
    parent_bytes = sum(p.stat().st_size for p in parent.glob("part-*.parquet"))
    copy_bytes = sum(p.stat().st_size for p in planned.lake.path("sales/copy").glob("part-*.parquet"))
    storage = copy_bytes / 2**30 * 0.023           # hot tier, $/GB-month
    rebuild = 0.1 * parent_bytes * 5.0 / 1e12      # 0.1 reads/month, all 8 of 8 columns, $5/TB
    row = plan["sales/copy"]
    assert row["bytes_saved"] == copy_bytes
    assert row["cost_saved_per_month"] == pytest.approx(storage - rebuild)
    assert row["rebuild_latency_s"] == pytest.approx(parent_bytes / 200e6)
    projected = plan["sales/projected"]            # 3 of the parent's 8 columns
    assert projected["rebuild_latency_s"] == pytest.approx(parent_bytes * 3 / 8 / 200e6, rel=1e-3)


def test_summary_adds_up_the_plan(planned: PlannedLake) -> None:
    s = planned.summary
    drops = [r for r in planned.plan if r["action"] == "drop"]
    assert s["tables_total"] == len(planned.lake.tables) and s["tables_dropped"] == len(CHILD_METHODS)
    assert s["bytes_saved"] == sum(r["bytes_saved"] for r in drops)
    assert s["cost_saved_per_month"] == pytest.approx(sum(r["cost_saved_per_month"] for r in drops))
    assert s["optimal"] and s["optimality_gap"] == 0.0
    kept = sum(r["storage_cost_per_month"] for r in planned.plan if r["action"] == "keep")
    index = {r["table_id"]: sum(Path(f).stat().st_size for f in r["index_files"]) for r in drops}
    assert index["sales/sample"] > 0                # the membership index is priced in the objective
    index_storage = sum(index.values()) / 2**30 * 0.023  # hot tier, $/GB-month
    assert s["objective"] == pytest.approx(kept + sum(r["rebuild_cost_per_month"] for r in drops) + index_storage)
    for r in drops:
        size = index[r["table_id"]]
        assert r["bytes_saved"] == _bytes(planned.lake.path(r["table_id"])) - size > 0
        saved = r["storage_cost_per_month"] - r["rebuild_cost_per_month"] - size / 2**30 * 0.023
        assert r["cost_saved_per_month"] == pytest.approx(saved) and saved > 0
    lines = plan_summary_lines(s)
    assert f"drop {len(CHILD_METHODS)} of {len(planned.lake.tables)} tables" in lines[0]
    assert f"{s['bytes_saved'] / BYTES_PER_GB:.3g} GB ({s['bytes_saved']:,} bytes)" in lines[1]
    assert f"${s['cost_saved_per_month']:.4g} per month" in lines[2]


def test_plan_query_lists_drops_biggest_first(planned: PlannedLake, tmp_path: Path) -> None:
    planned.plan_df.coalesce(1).write.parquet(str(tmp_path / "plan"))
    con = duckdb.connect(config=dict(SAFE))
    con.execute(f"CREATE VIEW redundancy_plan AS SELECT * FROM read_parquet({_parquet_files(tmp_path / 'plan')!r})")
    rows = con.execute(PLAN_QUERY_SQL).fetchall()
    actions = [r[1] for r in rows]
    assert actions == ["drop"] * len(CHILD_METHODS) + ["keep"] * (len(rows) - len(CHILD_METHODS))
    saved = [r[4] for r in rows[: len(CHILD_METHODS)]]
    assert saved == sorted(saved, reverse=True)
