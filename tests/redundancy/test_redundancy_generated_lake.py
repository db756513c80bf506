"""Every rebuild recipe of a plan over the generated ground-truth lake reproduces its dropped table.

The lake is ``profiling.testlake`` (seeded TPC-H from tpchgen-cli plus derived and synthetic
tables) at a tiny scale factor; the containment edges come from the real four-stage chain and the
plan from the ``plan_redundancy`` stage. Each dropped table's DuckDB and Spark SQL are executed
and their rows compared, as multisets, with the table's own rows read independently with pyarrow.
Values are compared in a canonical form: NaN equals NaN, -0.0 equals 0.0 (as containment defines
them), decimals by numeric value, timestamps as UTC epoch microseconds.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from operators.containment._chain import run_containment
from operators.redundancy.plan_stage import PlanRedundancy
from pipelines.plan_apply import rebuild_matches
from profiling.lake import lake_table_reader, profile_lake
from profiling.testlake import BuiltLake, build_test_lake
from tests.redundancy.redundancy_testlake import stage_context

pytestmark = pytest.mark.slow
SAFE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
EPOCH = dt.datetime(1970, 1, 1)
VIEWS = ("duplicate", "projection", "predicate")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> BuiltLake:
    # 52 tables: the 8 TPC-H tables, the synthetic edge cases, 13 derived tables (seed 5 derives
    # filters, samples, copies, a projection and hard negatives from orders, part, partsupp, ...)
    root = tmp_path_factory.mktemp("generated_lake")
    return build_test_lake(root / "lake", n_tables=52, scale_factor=0.001, seed=5,
                           tpch_cache=root / "tpch", wide_columns=40)


@pytest.fixture(scope="module")
def plan(spark: Any, lake: BuiltLake, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    profiles = profile_lake(spark, lake.root, lake.lake_formats)
    outputs = run_containment(spark, profiles, lake_table_reader(spark, profiles["table_profiles"]))
    op = PlanRedundancy({"edges_from": "verify_containment",
                         "duplicate_classes_from": "verify_containment.duplicate_classes",
                         "defaults": {"reads_per_month": 0.1}})
    stages = tmp_path_factory.mktemp("generated_lake_stages")
    out = op.run(None, stage_context(spark, dict(outputs), stages))
    return [r.asDict(recursive=True) for r in out["main"].collect()]


def _drops(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in plan if r["action"] == "drop"]


def canonical(value: Any) -> Any:
    """A value in the form rows are compared in (see the module docstring)."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else value + 0.0  # -0.0 + 0.0 == +0.0
    if isinstance(value, decimal.Decimal):
        return value.normalize() if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return ("ts", (naive - EPOCH) // dt.timedelta(microseconds=1))
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, canonical(v)) for k, v in value.items()))
    return value


def rows_of(table: pa.Table) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(canonical(v) for v in row.values()) for row in table.to_pylist())


def original(lake: BuiltLake, table_id: str) -> pa.Table:
    """The table's rows as its files hold them (pyarrow; Hive partitions; hidden files skipped)."""
    return pads.dataset(str(lake.root / table_id), format="parquet", partitioning="hive").to_table()


def _expect(lake: BuiltLake, row: dict[str, Any], names: list[str]) -> Counter[tuple[Any, ...]]:
    table = original(lake, row["table_id"])
    assert sorted(names) == sorted(table.column_names), row["table_id"]
    want = rows_of(table.select(names))
    assert sum(want.values()) == table.num_rows > 0
    return want


def test_plan_drops_tables_with_view_and_membership_index_recipes(plan: list[dict[str, Any]]) -> None:
    methods = Counter(r["rebuild_method"] for r in _drops(plan))
    assert methods["predicate"] >= 2          # the derived filters of orders, partsupp, region, ...
    assert methods["projection"] + methods["duplicate"] >= 2  # the projection and the copies
    assert methods["membership_index"] >= 2   # the samples and the minus-one-row tables
    assert sum(methods.values()) >= 8
    assert all(r["bytes_saved"] > 0 and r["cost_saved_per_month"] > 0 for r in _drops(plan))


def test_every_dropped_table_is_rebuilt_exactly_in_duckdb(lake: BuiltLake, plan: list[dict[str, Any]]) -> None:
    con = duckdb.connect(config=dict(SAFE))
    for row in _drops(plan):
        con.execute(row["rebuild_sql_duckdb"])
        rebuilt = con.sql(f'SELECT * FROM "{row["view_name"]}"').to_arrow_table()
        want = _expect(lake, row, rebuilt.column_names)
        assert rows_of(rebuilt) == want, (row["table_id"], row["rebuild_method"])


def test_every_dropped_table_is_rebuilt_exactly_in_spark(spark: Any, lake: BuiltLake, plan: list[dict[str, Any]]) -> None:
    for row in _drops(plan):
        spark.sql(row["rebuild_sql_spark"])
        rebuilt = spark.table(f"`{row['view_name']}`").toArrow()
        want = _expect(lake, row, rebuilt.column_names)
        assert rows_of(rebuilt) == want, (row["table_id"], row["rebuild_method"])


def test_plan_apply_accepts_every_recipe(lake: BuiltLake, plan: list[dict[str, Any]]) -> None:
    # the check `lakesift plan apply` makes before it moves a dropped table's files
    for row in _drops(plan):
        index_dirs = [Path(f).resolve().parent for f in row["index_files"]]
        assert rebuild_matches(row, lake.root / row["table_id"], [lake.root.resolve(), *index_dirs]), row["table_id"]
