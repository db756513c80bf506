"""Contracts of the redundancy plan: cost-model inputs, output table DDL, table versions.

The plan decides which contained tables to keep and how each dropped table is rebuilt from a
kept parent. Money is in dollars per month; sizes are on-disk (compressed) bytes; a GB here is
2**30 bytes, as cloud storage bills it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

BYTES_PER_GB: Final = 2**30

# List prices per GB-month for the three access tiers of object storage: AWS S3 us-east-1,
# "S3 Standard" (first 50 TB), "S3 Standard-Infrequent Access" and "S3 Glacier Instant
# Retrieval" (aws.amazon.com/s3/pricing, storage pricing table).
DEFAULT_STORAGE_PRICES: Final = {"hot": 0.023, "cool": 0.0125, "archive": 0.004}

# Amazon Athena's price for SQL queries: $5.00 per TB of data scanned
# (aws.amazon.com/athena/pricing, "SQL queries").
DEFAULT_COMPUTE_DOLLARS_PER_TB: Final = 5.0

DEFAULT_SCAN_BYTES_PER_SECOND: Final = 200e6
"""Used when no calibration was measured (``lakesift calibrate``)."""

CALIBRATION_KEY: Final = "scan_bytes_per_second"
"""Key of the measured throughput in the calibration JSON and in the plan step's config."""

ACTIONS: Final = ("keep", "drop")
REBUILD_METHODS: Final = ("duplicate", "projection", "predicate", "membership_index")

REDUNDANCY_PLAN_DDL: Final = (
    "table_id string, action string, parent string, rebuild_method string, "
    "rebuild_sql_duckdb string, rebuild_sql_spark string, view_name string, "
    "bytes_saved long, cost_saved_per_month double, rebuild_latency_s double, "
    "parent_version string, child_version string, table_path string, parent_path string, "
    "index_files array<string>, storage_cost_per_month double, rebuild_cost_per_month double, "
    "reason string"
)
"""One row per table of the lake. ``rebuild_*`` columns are null for kept tables. The SQL strings
are view definitions (``CREATE OR REPLACE [TEMPORARY] VIEW <view_name> AS SELECT ...``)."""

REDUNDANCY_SUMMARY_DDL: Final = (
    "tables_total int, tables_dropped int, bytes_saved long, cost_saved_per_month double, "
    "storage_cost_before double, objective double, solver string, optimality_gap double, "
    "optimal boolean, seconds double"
)
"""One row. ``objective`` = monthly storage of kept tables + expected monthly rebuild cost of
dropped ones; ``optimality_gap`` is relative ((objective - lower bound) / objective)."""

PLAN_QUERY_SQL: Final = (
    "SELECT table_id, action, parent, rebuild_method, bytes_saved, "
    "cost_saved_per_month, "
    "round(rebuild_latency_s, 3) AS rebuild_latency_s, reason "
    "FROM redundancy_plan ORDER BY action = 'drop' DESC, bytes_saved DESC NULLS LAST, table_id"
)
"""Lists the plan from the catalog view ``redundancy_plan``: drops first, biggest savings first."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CostDefaults(Strict):
    """What a table gets when the user says nothing about it."""

    tier: str = Field(default="hot", description="storage tier of the table's files")
    reads_per_month: float = Field(default=1.0, ge=0, description="expected full reads per month")
    latency_budget_s: float = Field(
        default=600.0, gt=0, description="longest acceptable time to rebuild the table on read"
    )


class TableCostInputs(Strict):
    """Per-table inputs (a row of the user's CSV/Parquet or an entry of the step config).

    Missing values fall back to :class:`CostDefaults`. ``pinned`` tables are never dropped.
    """

    table_id: str
    tier: str | None = None
    reads_per_month: float | None = Field(default=None, ge=0)
    latency_budget_s: float | None = Field(default=None, gt=0)
    pinned: bool = False

    @field_validator("pinned", mode="before")
    @classmethod
    def _null_is_false(cls, value: object) -> object:
        return False if value is None or value == "" else value


class CostParameters(Strict):
    """Prices and engine speed the cost model uses."""

    storage_prices_per_gb_month: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_STORAGE_PRICES),
        description="dollars per GB-month for each storage tier",
    )
    compute_dollars_per_tb_scanned: float = Field(
        default=DEFAULT_COMPUTE_DOLLARS_PER_TB, ge=0, description="cost of scanning 1 TB (1e12 bytes)"
    )
    scan_bytes_per_second: float = Field(
        default=DEFAULT_SCAN_BYTES_PER_SECOND, gt=0,
        description="scan throughput of the engine (measure it with `lakesift calibrate`)",
    )
    rebuild_fixed_seconds: float = Field(
        default=0.0, ge=0, description="start-up time added to every rebuild's latency"
    )
    defaults: CostDefaults = Field(default_factory=CostDefaults)


def table_version(files: Iterable[tuple[str, int, int]]) -> str:
    """The version of a table: sha256 over its data files' (relative path, size, mtime in ms).

    Only files holding at least one row count (Spark lists exactly those through ``_metadata``);
    paths are POSIX and relative to the table folder.
    """
    lines = sorted(f"{path}\t{size}\t{mtime_ms}" for path, size, mtime_ms in files)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
