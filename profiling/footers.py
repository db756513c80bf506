"""Parquet footers: schema, row counts and per-column statistics, without reading any data page.

A footer that cannot be read (truncated file, corrupt metadata, not Parquet at all) raises
:class:`FooterError` with a one-line reason; the caller quarantines the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from profiling.arrow_types import UnsupportedType, is_nested, spark_type_of
from profiling.bounds import float_is_nan, may_be_truncated


class FooterError(ValueError):
    """A file whose Parquet footer cannot be read or used."""


@dataclass
class ColumnStats:
    """Statistics of one top-level column over one or more files."""

    spark_type: str
    physical_type: str | None
    null_count: int | None = 0
    min: Any = None
    max: Any = None
    min_truncated: bool = False
    max_truncated: bool = False
    missing: bool = False
    num_bytes: int = 0


@dataclass
class FooterInfo:
    """What one file's footer says."""

    num_rows: int
    schema: list[tuple[str, str]]
    columns: dict[str, ColumnStats] = field(default_factory=dict)
    created_by: str = ""
    unsupported: list[str] = field(default_factory=list)


def read_footer(path: Path) -> FooterInfo:
    """Read and validate one Parquet footer."""
    try:
        meta = pq.read_metadata(str(path))
        arrow_schema = meta.schema.to_arrow_schema()
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError with a useful first line
        raise FooterError(f"unreadable Parquet footer: {str(exc).splitlines()[0][:200]}") from exc
    leaves = _top_level_leaves(meta)
    info = FooterInfo(meta.num_rows, [], created_by=meta.created_by or "")
    for arrow_field in arrow_schema:
        _add_column(info, arrow_field, leaves.get(arrow_field.name))
    for rg_index in range(meta.num_row_groups):
        _merge_row_group(info, meta.row_group(rg_index), leaves)
    return info


def _top_level_leaves(meta: pq.FileMetaData) -> dict[str, tuple[int, str]]:
    """Leaf index and physical type of each top-level primitive column."""
    leaves: dict[str, tuple[int, str]] = {}
    for i in range(meta.num_columns):
        column = meta.schema.column(i)
        if column.name == column.path:
            leaves[column.path] = (i, column.physical_type)
    return leaves


def _add_column(info: FooterInfo, arrow_field: Any, leaf: tuple[int, str] | None) -> None:
    physical = leaf[1] if leaf else None
    try:
        spark_type = spark_type_of(arrow_field.type, physical)
    except UnsupportedType as exc:
        info.unsupported.append(f"column '{arrow_field.name}': unsupported type {exc}")
        spark_type = "unsupported"
    info.schema.append((arrow_field.name, spark_type))
    info.columns[arrow_field.name] = ColumnStats(spark_type, physical, missing=leaf is None)


def _merge_row_group(info: FooterInfo, rg: Any, leaves: dict[str, tuple[int, str]]) -> None:
    for name, stats in info.columns.items():
        leaf = leaves.get(name)
        if leaf is None or is_nested(stats.spark_type):
            stats.null_count = None
            continue
        chunk = rg.column(leaf[0])
        stats.num_bytes += chunk.total_compressed_size
        merge_chunk_stats(stats, chunk.statistics, rg.num_rows, info.created_by)


def merge_chunk_stats(stats: ColumnStats, chunk: Any, rows: int, created_by: str) -> None:
    """Fold one column chunk's statistics into ``stats`` (min of mins, max of maxes)."""
    if chunk is None or not chunk.has_null_count:
        stats.null_count = None
    elif stats.null_count is not None:
        stats.null_count += chunk.null_count
    if chunk is None or not chunk.has_min_max:
        all_null = chunk is not None and chunk.has_null_count and chunk.null_count == rows
        stats.missing = stats.missing or not all_null
        return
    try:
        low, high = chunk.min, chunk.max
    except Exception:  # noqa: BLE001 - undecodable statistics (e.g. invalid UTF-8 in a truncated bound)
        stats.missing = True
        return
    fold_bound(stats, low, may_be_truncated(low, stats.spark_type, created_by), lower=True)
    fold_bound(stats, high, may_be_truncated(high, stats.spark_type, created_by), lower=False)


def fold_bound(stats: ColumnStats, value: Any, truncated: bool, lower: bool) -> None:
    current = stats.min if lower else stats.max
    if float_is_nan(value) or float_is_nan(current):
        better = float_is_nan(value)
    elif current is None:
        better = True
    else:
        better = value < current if lower else value > current
    tie = current is not None and not float_is_nan(value) and value == current
    if lower:
        if better:
            stats.min, stats.min_truncated = value, truncated
        elif tie:
            stats.min_truncated = stats.min_truncated and truncated
    elif better:
        stats.max, stats.max_truncated = value, truncated
    elif tie:
        stats.max_truncated = stats.max_truncated and truncated
