"""The membership index's storage is part of the cost of dropping a table (plan stage, real Spark).

Two pseudo-random half samples only a membership index can rebuild: a narrow one (a key and an
all-null note) whose index would take more bytes than the table, and a wide one (sixteen columns)
whose index is a fraction of it. Only the wide one may be dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from operators.redundancy.costing import membership_index_bytes
from operators.redundancy.plan_stage import PlanRedundancy
from schemas.containment import COLUMN_PROFILES_DDL, CONTAINMENT_EDGES_DDL, TABLE_PROFILES_DDL
from tests.redundancy.redundancy_testlake import LakeFixture, profiles, stage_context, write_table

pytestmark = pytest.mark.slow
HOT = 0.023 / 2**30  # dollars per byte-month, hot tier
WIDE_DDL = "id bigint, " + ", ".join(f"c{j:02d} string" for j in range(1, 16))


def _in_sample(i: int) -> bool:
    return (i * 7919) % 10 < 5


def _tables() -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    narrow = [(i, None) for i in range(60)]
    wide = [(i, *[f"{(i * 2654435761 + j * 40503) % 1000003:07d}" for j in range(1, 16)]) for i in range(200)]
    return {
        "narrow/all": ("k bigint, note string", narrow),
        "narrow/sample": ("k bigint, note string", [r for r in narrow if _in_sample(r[0])]),
        "wide/all": (WIDE_DDL, wide),
        "wide/sample": (WIDE_DDL, [r for r in wide if _in_sample(r[0])]),
    }


def _edge(parent: str, child: str) -> dict[str, Any]:
    return {"parent": parent, "child": child, "matched_columns": [], "degree": 1.0, "rows_checked": 0,
            "bytes_read": 0, "stage": "verify_containment", "verdict": "contained", "reason": None,
            "dup_class": None}


@pytest.fixture(scope="module")
def planned(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[LakeFixture, dict[str, Any], Any, Path]:
    base = tmp_path_factory.mktemp("index_cost")
    lake = LakeFixture(base / "lake", _tables())
    for table_id, (ddl, rows) in lake.tables.items():
        write_table(lake.path(table_id), ddl, rows, files=1)
    table_rows, column_rows = profiles(lake)
    tables = {
        "table_profiles": spark.createDataFrame(table_rows, TABLE_PROFILES_DDL),
        "column_profiles": spark.createDataFrame(column_rows, COLUMN_PROFILES_DDL),
        "containment_edges": spark.createDataFrame(
            [_edge("narrow/all", "narrow/sample"), _edge("wide/all", "wide/sample")], CONTAINMENT_EDGES_DDL),
    }
    op = PlanRedundancy({"edges_from": "containment_edges", "defaults": {"reads_per_month": 0.1}})
    out = op.run(None, stage_context(spark, tables, base / "stages"))
    plan = {r["table_id"]: r.asDict(recursive=True) for r in out["main"].collect()}
    return lake, plan, out["summary"].collect()[0], base / "stages"


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.parquet"))


def test_without_its_index_the_narrow_drop_would_pay(planned: tuple[LakeFixture, dict, Any, Path]) -> None:
    # the case matters: rebuilding is nearly free (0.1 reads a month at $5/TB), so a cost model
    # without the index drops the narrow sample; with the index it costs more than the table
    lake, _, _, _ = planned
    table, parent = _bytes(lake.path("narrow/sample")), _bytes(lake.path("narrow/all"))
    rebuild = 0.1 * parent * 5.0 / 1e12
    assert rebuild < table * HOT
    assert rebuild + membership_index_bytes(len(lake.tables["narrow/sample"][1])) * HOT > table * HOT


def test_a_drop_whose_index_costs_more_than_the_table_is_not_made(planned: tuple[LakeFixture, dict, Any, Path]) -> None:
    _, plan, summary, stages = planned
    assert plan["narrow/sample"]["action"] == "keep" and plan["narrow/sample"]["reason"] == "cheaper_to_keep"
    assert not [p for p in stages.iterdir() if "narrow_sample" in p.name]  # its index was never built
    assert summary["tables_dropped"] == 1


def test_a_drop_whose_index_is_small_is_made_and_saves_bytes_and_money(planned: tuple[LakeFixture, dict, Any, Path]) -> None:
    lake, plan, _, _ = planned
    row = plan["wide/sample"]
    assert (row["action"], row["parent"], row["rebuild_method"]) == ("drop", "wide/all", "membership_index")
    table = _bytes(lake.path("wide/sample"))
    index = sum(Path(f).stat().st_size for f in row["index_files"])
    assert row["bytes_saved"] == table - index > 0
    saved = table * HOT - row["rebuild_cost_per_month"] - index * HOT
    assert row["cost_saved_per_month"] == pytest.approx(saved) and saved > 0


def test_index_size_estimate_is_close_to_the_built_index(planned: tuple[LakeFixture, dict, Any, Path]) -> None:
    lake, plan, _, _ = planned
    built = sum(Path(f).stat().st_size for f in plan["wide/sample"]["index_files"])
    estimate = membership_index_bytes(len(lake.tables["wide/sample"][1]))
    assert abs(estimate - built) <= 0.1 * built
