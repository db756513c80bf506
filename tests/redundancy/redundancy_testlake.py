"""A tiny lake for the redundancy-plan tests: a parent table and children of every kind.

Rows are generated here in Python, written as real Parquet with pyarrow, and the profiles and
containment edges are derived from the generated rows (not from the code under test).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from operators.base import StageContext

PARENT_DDL = ("id bigint, region string, amount decimal(10,2), price double, day date, "
              "ts timestamp, flag boolean, note string")
REGIONS = ["eu", "us", "asia", "o'hare\\x"]
UTC = dt.UTC

# child table -> (DDL, rows derived from the parent's rows), and which rebuild method the lake
# was built to need
CHILD_METHODS = {
    "sales/filtered": "predicate",       # id between 50 and 129, id narrowed to int
    "sales/eu": "predicate",             # region in two values (one with a quote and backslash)
    "sales/projected": "projection",     # three columns, every row
    "sales/regions": "projection",       # distinct (region, flag)
    "sales/sample": "membership_index",  # a pseudo-random 30% sample
    "sales/copy": "duplicate",           # a copy of the parent
}


def parent_rows(n: int = 200) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(n):
        amount = (decimal.Decimal(i * 37 % 1000) / 100).quantize(decimal.Decimal("0.01"))
        ts = dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(hours=i, microseconds=i)
        note = None if i % 5 == 0 else f"note {i}"
        rows.append((i, REGIONS[i % 4], amount, i * 1.5 + 0.1, dt.date(2024, 1, 1) + dt.timedelta(days=i),
                     ts, i % 3 == 0, note))
    return rows


def child_tables(rows: list[tuple[Any, ...]]) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    narrow = PARENT_DDL.replace("id bigint", "id int")
    eu = [(r[0], r[1], r[2], r[4]) for r in rows if r[1] in ("eu", "o'hare\\x")]
    fake = [r if r[0] != 60 else (*r[:7], "tampered") for r in rows if 50 <= r[0] <= 129]
    return {
        "sales/filtered": (narrow, [r for r in rows if 50 <= r[0] <= 129]),
        "sales/eu": ("id bigint, region string, amount decimal(10,2), day date", eu),
        "sales/projected": ("id bigint, region string, ts timestamp", [(r[0], r[1], r[5]) for r in rows]),
        "sales/regions": ("region string, flag boolean", sorted({(r[1], r[6]) for r in rows})),
        "sales/sample": (PARENT_DDL, [r for r in rows if (r[0] * 7919) % 10 < 3]),
        "sales/copy": (PARENT_DDL, list(rows)),
        "sales/fake": (PARENT_DDL, fake),
        "other/t": ("k int, v string", [(i, f"v{i}") for i in range(10)]),
    }


@dataclass
class LakeFixture:
    root: Path
    tables: dict[str, tuple[str, list[tuple[Any, ...]]]] = field(default_factory=dict)

    def path(self, table_id: str) -> Path:
        return self.root / table_id


ARROW_TYPES = {"bigint": pa.int64(), "int": pa.int32(), "string": pa.string(), "double": pa.float64(),
               "decimal(10,2)": pa.decimal128(10, 2), "date": pa.date32(), "boolean": pa.bool_(),
               "timestamp": pa.timestamp("us", tz="UTC")}


def write_table(folder: Path, ddl: str, rows: list[tuple[Any, ...]], files: int = 2) -> None:
    """Write rows as ``files`` Parquet files (the way Spark names its part files)."""
    schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in ddl_columns(ddl)])
    folder.mkdir(parents=True)
    step = max(1, -(-len(rows) // files))
    for i in range(files):
        chunk = rows[i * step:(i + 1) * step]
        table = pa.Table.from_pylist([dict(zip(schema.names, r)) for r in chunk], schema=schema)
        pq.write_table(table, folder / f"part-{i:05d}.parquet")


def write_lake(root: Path) -> LakeFixture:
    rows = parent_rows()
    lake = LakeFixture(root, {"sales/all": (PARENT_DDL, rows), **child_tables(rows)})
    for table_id, (ddl, data) in lake.tables.items():
        write_table(lake.path(table_id), ddl, data)
    return lake


def ddl_columns(ddl: str) -> list[tuple[str, str]]:
    """(name, type) pairs of a DDL string (commas inside ``decimal(p,s)`` are not separators)."""
    parts = re.split(r",\s*(?![^()]*\))", ddl)
    return [(p.strip().split(" ", 1)[0], p.strip().split(" ", 1)[1]) for p in parts]


def _stats(values: list[Any]) -> tuple[str | None, str | None, int]:
    present = [v for v in values if v is not None]
    if not present:
        return None, None, 0
    return str(min(present)), str(max(present)), len(set(present))


def profiles(lake: LakeFixture) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """table_profiles and column_profiles rows, computed from the generated rows and the files."""
    tables, columns = [], []
    for table_id, (ddl, data) in sorted(lake.tables.items()):
        files = [p for p in lake.path(table_id).glob("part-*.parquet")]
        names = [n for n, _ in ddl_columns(ddl)]
        types = [t for _, t in ddl_columns(ddl)]
        tables.append({
            "table_id": table_id, "path": str(lake.path(table_id)), "format": "parquet",
            "num_files": len(files), "num_rows": len(data), "num_bytes": sum(f.stat().st_size for f in files),
            "num_columns": len(names), "schema_hash": ddl, "partition_columns": [],
            "max_mtime_ns": max(f.stat().st_mtime_ns for f in files), "status": "ok", "status_reason": None,
        })
        for i, (name, spark_type) in enumerate(zip(names, types)):
            lo, hi, nd = _stats([r[i] for r in data])
            columns.append({
                "table_id": table_id, "column_name": name, "norm_name": name.lower(), "ordinal": i,
                "spark_type": spark_type, "null_count": sum(r[i] is None for r in data),
                "min_value": lo, "max_value": hi, "stats_status": "ok", "distinct_estimate": nd,
            })
    return tables, columns


def edges(lake: LakeFixture) -> list[dict[str, Any]]:
    """The containment edges the lake was built with (sales/fake's edge is a deliberate lie)."""
    out = []
    for child in lake.tables:
        if child.startswith("sales/") and child != "sales/all":
            dup = child == "sales/copy"
            out.append({
                "parent": "sales/all", "child": child, "matched_columns": [], "degree": 1.0,
                "rows_checked": len(lake.tables[child][1]), "bytes_read": 0, "stage": "verify_containment",
                "verdict": "duplicate" if dup else "contained", "reason": None,
                "dup_class": "dup-1" if dup else None,
            })
    return out


def stage_context(spark: Any, tables: dict[str, Any], stages: Path) -> StageContext:
    """A StageContext like the runner's: Spark, named tables, and Parquet-persisted sub-stages."""

    def checkpoint(name: str, compute: Callable[[], Any]) -> Any:
        target = stages / name
        if not target.exists():
            compute().write.parquet(str(target))
        return spark.read.parquet(str(target))

    return StageContext(step="plan", seed=1, tables=tables, spark=spark, checkpoint=checkpoint)


COSTS_CSV = "table_id,tier,reads_per_month,latency_budget_s,pinned\n" + "\n".join(
    [f"{t},hot,0.1,," for t in (*CHILD_METHODS, "sales/fake")] + ["sales/all,hot,10,,false"]
) + "\n"
"""Children are rarely read (so dropping them pays); the parent is read often."""


@dataclass
class PlannedLake:
    lake: LakeFixture
    plan: list[dict[str, Any]]
    summary: dict[str, Any]
    plan_df: Any


def plan_lake(spark: Any, base: Path, **config: Any) -> PlannedLake:
    """Write the lake, its profiles and a costs CSV, and run the ``plan_redundancy`` stage."""
    from operators.redundancy.plan_stage import PlanRedundancy
    from schemas.containment import COLUMN_PROFILES_DDL, CONTAINMENT_EDGES_DDL, TABLE_PROFILES_DDL

    lake = write_lake(base / "lake")
    table_rows, column_rows = profiles(lake)
    (base / "costs.csv").write_text(COSTS_CSV)
    tables = {
        "table_profiles": spark.createDataFrame(table_rows, TABLE_PROFILES_DDL),
        "column_profiles": spark.createDataFrame(column_rows, COLUMN_PROFILES_DDL),
        "containment_edges": spark.createDataFrame(edges(lake), CONTAINMENT_EDGES_DDL),
        "costs": spark.read.option("header", "true").csv(str(base / "costs.csv")),
    }
    op = PlanRedundancy({"edges_from": "containment_edges", "cost_inputs_from": "costs", **config})
    out = op.run(None, stage_context(spark, tables, base / "stages"))
    plan = [r.asDict(recursive=True) for r in out["main"].collect()]
    return PlannedLake(lake, plan, out["summary"].collect()[0].asDict(), out["main"])
