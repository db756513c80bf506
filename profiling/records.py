"""Profiles of one table as plain Python records, and their rows in the contract tables."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from profiling.arrow_types import quote_name
from profiling.discovery import TableLocation
from schemas.containment import normalise_column_name


@dataclass
class ColumnProfile:
    """Profile of one column; bounds already encoded as text."""

    name: str
    spark_type: str
    null_count: int | None = None
    min_value: str | None = None
    max_value: str | None = None
    stats_status: str = "missing"
    distinct_estimate: int | None = None
    num_bytes: int | None = None


@dataclass
class TableProfile:
    """Profile of one table; ``problems`` non-empty means quarantined."""

    location: TableLocation
    num_rows: int = 0
    columns: list[ColumnProfile] = field(default_factory=list)
    file_rows: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str | None, str]] = field(default_factory=list)
    read_options: dict[str, str] = field(default_factory=dict)

    def quarantine(self, reason: str, file: str | None = None) -> None:
        self.problems.append((file, reason))

    @property
    def status(self) -> str:
        return "quarantined" if self.problems else "ok"

    def spark_schema(self) -> str:
        return ", ".join(f"{quote_name(c.name)} {c.spark_type}" for c in self.columns)

    def schema_hash(self) -> str:
        items = sorted(f"{normalise_column_name(c.name)}:{c.spark_type}" for c in self.columns)
        return hashlib.sha256("|".join(items).encode()).hexdigest()[:16]


def check_column_names(profile: TableProfile) -> None:
    """Quarantine a table whose column names repeat or collide once normalised."""
    by_norm: dict[str, list[str]] = {}
    for column in profile.columns:
        by_norm.setdefault(normalise_column_name(column.name), []).append(column.name)
    for norm, raws in sorted(by_norm.items()):
        if len(raws) > 1:
            shown = ", ".join(repr(r) for r in raws)
            profile.quarantine(f"column names collide once normalised: {shown} -> '{norm}'")
        elif not norm:
            profile.quarantine(f"column name {raws[0]!r} normalises to an empty name")


def table_row(p: TableProfile) -> dict[str, Any]:
    loc = p.location
    files = [{"path": f.rel_path, "size": f.size, "mtime_ns": f.mtime_ns,
              "num_rows": p.file_rows.get(f.rel_path)} for f in loc.files]
    return {
        "table_id": loc.table_id, "path": str(loc.path), "format": loc.format,
        "num_files": len(loc.files), "num_rows": p.num_rows,
        "num_bytes": sum(f.size for f in loc.files), "num_columns": len(p.columns),
        "schema_hash": p.schema_hash(), "partition_columns": loc.partition_keys,
        "max_mtime_ns": max((f.mtime_ns for f in loc.files), default=None),
        "status": p.status, "status_reason": p.problems[0][1] if p.problems else None,
        "spark_schema": p.spark_schema(), "files": files, "read_options": p.read_options,
    }


def column_rows(p: TableProfile) -> list[dict[str, Any]]:
    return [
        {"table_id": p.location.table_id, "column_name": c.name,
         "norm_name": normalise_column_name(c.name), "ordinal": i, "spark_type": c.spark_type,
         "null_count": c.null_count, "min_value": c.min_value, "max_value": c.max_value,
         "stats_status": c.stats_status, "distinct_estimate": c.distinct_estimate,
         "num_bytes": c.num_bytes}
        for i, c in enumerate(p.columns)
    ]


def quarantine_rows(p: TableProfile) -> list[dict[str, Any]]:
    return [{"table_id": p.location.table_id, "file": f, "reason": r} for f, r in p.problems]
