"""The lake profiles as Python lookups (they are metadata: one row per table / column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from operators.containment._frames import frame_rows


@dataclass
class ColumnInfo:
    name: str
    norm: str
    spark_type: str
    null_count: int | None
    min_value: str | None
    max_value: str | None
    stats_status: str
    distinct_estimate: int | None
    num_bytes: int | None


@dataclass
class TableInfo:
    table_id: str
    status: str
    status_reason: str | None
    num_rows: int
    num_bytes: int
    format: str
    max_mtime_ns: int | None
    columns: dict[str, ColumnInfo] = field(default_factory=dict)  # by raw name

    def bytes_for(self, raw_columns: list[str]) -> int:
        """Bytes a scan of these columns reads (whole files when per-column sizes are unknown)."""
        sizes = [self.columns[c].num_bytes for c in raw_columns if c in self.columns]
        if self.format != "parquet" or any(s is None for s in sizes):
            return self.num_bytes
        return int(sum(s or 0 for s in sizes))


def load_profiles(ctx: Any, table_profiles: str, column_profiles: str,
                  tables_df: Any = None) -> dict[str, TableInfo]:
    """Table id -> :class:`TableInfo` with its columns, from the recipe's named tables."""
    tables_df = tables_df if tables_df is not None else ctx.table(table_profiles)
    table_rows = frame_rows(tables_df.select(
        "table_id", "status", "status_reason", "num_rows", "num_bytes", "format", "max_mtime_ns"))
    return infos_from_rows(table_rows, frame_rows(ctx.table(column_profiles)))


def infos_from_rows(table_rows: list[dict[str, Any]], column_rows: list[dict[str, Any]]) -> dict[str, TableInfo]:
    """Table id -> :class:`TableInfo` from ``table_profiles`` and ``column_profiles`` rows."""
    infos = {
        r["table_id"]: TableInfo(r["table_id"], r["status"], r["status_reason"], int(r["num_rows"] or 0),
                                 int(r["num_bytes"] or 0), r["format"], r["max_mtime_ns"])
        for r in table_rows
    }
    for r in sorted(column_rows, key=lambda r: (r["table_id"], r["ordinal"])):
        if r["table_id"] in infos:
            infos[r["table_id"]].columns[r["column_name"]] = ColumnInfo(
                r["column_name"], r["norm_name"], r["spark_type"], r["null_count"], r["min_value"],
                r["max_value"], r["stats_status"], r["distinct_estimate"], r["num_bytes"])
    return infos
