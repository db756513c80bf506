"""Profiling a Parquet table from its footers only (no data page is read).

Every file's footer is validated first: an unreadable footer, a type Spark cannot read or a schema
that differs from the table's first file (schema drift) quarantines the table, so it is never
judged on a partial read.
"""

from __future__ import annotations

from typing import Any

from profiling.bounds import encode_bound, is_nan_text
from profiling.discovery import TableLocation, partition_type
from profiling.footers import ColumnStats, FooterError, FooterInfo, fold_bound, read_footer
from profiling.records import ColumnProfile, TableProfile, check_column_names


def profile_parquet_table(location: TableLocation) -> TableProfile:
    """Schema, row counts and column statistics of a Parquet table, from footers."""
    profile = TableProfile(location)
    for name, reason in location.foreign:
        profile.quarantine(reason, name)
    for reason in location.problems:
        profile.quarantine(reason)
    footers = _read_footers(profile)
    if footers:
        _build_columns(profile, footers)
    elif location.files:
        profile.quarantine("no readable data file")
    check_column_names(profile)
    return profile


def _read_footers(profile: TableProfile) -> list[tuple[str, FooterInfo]]:
    footers: list[tuple[str, FooterInfo]] = []
    for data_file in profile.location.files:
        try:
            info = read_footer(profile.location.path / data_file.rel_path)
        except FooterError as exc:
            profile.quarantine(str(exc), data_file.rel_path)
            continue
        profile.file_rows[data_file.rel_path] = info.num_rows
        footers.append((data_file.rel_path, info))
    return footers


def _build_columns(profile: TableProfile, footers: list[tuple[str, FooterInfo]]) -> None:
    first_name, first = footers[0]
    for reason in first.unsupported:
        profile.quarantine(reason, first_name)
    expected = sorted(first.schema)
    merged = {name: ColumnStats(t, first.columns[name].physical_type) for name, t in first.schema}
    for rel_path, info in footers:
        if sorted(info.schema) != expected:
            profile.quarantine(f"schema drift: {_drift(first.schema, info.schema)} "
                               f"(compared with {first_name})", rel_path)
            continue
        profile.num_rows += info.num_rows
        for name, stats in info.columns.items():
            _merge_file_stats(merged[name], stats)
    profile.columns = [_column_profile(name, merged[name], profile.num_rows) for name, _ in first.schema]
    profile.columns += _partition_columns(profile)


def _drift(expected: list[tuple[str, str]], actual: list[tuple[str, str]]) -> str:
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    show = lambda items: ", ".join(f"{n} {t}" for n, t in items) or "nothing"
    return f"lacks {show(missing)}; has {show(extra)}"


def _merge_file_stats(target: ColumnStats, source: ColumnStats) -> None:
    """Fold a file's already-folded column statistics into the table's."""
    target.num_bytes += source.num_bytes
    target.missing = target.missing or source.missing
    if source.null_count is None or target.null_count is None:
        target.null_count = None
    else:
        target.null_count += source.null_count
    if source.min is not None:
        fold_bound(target, source.min, source.min_truncated, lower=True)
    if source.max is not None:
        fold_bound(target, source.max, source.max_truncated, lower=False)


def _column_profile(name: str, stats: ColumnStats, num_rows: int) -> ColumnProfile:
    low = encode_bound(stats.min, stats.spark_type)
    high = encode_bound(stats.max, stats.spark_type)
    column = ColumnProfile(name, stats.spark_type, stats.null_count, low, high,
                           _status(stats, low, high, num_rows), None, stats.num_bytes)
    if column.stats_status not in ("ok", "truncated_min", "truncated_max", "truncated"):
        column.min_value = column.max_value = None
    return column


def _status(stats: ColumnStats, low: str | None, high: str | None, num_rows: int) -> str:
    if stats.spark_type.startswith(("array<", "map<", "struct<")):
        return "nested"
    if stats.physical_type == "INT96":
        return "untrusted_int96"
    if stats.missing or (low is None) != (high is None) or stats.spark_type == "unsupported":
        return "missing"
    if low is None:
        return "all_null" if num_rows == 0 or stats.null_count == num_rows else "missing"
    if is_nan_text(low) or is_nan_text(high):
        return "untrusted_nan"
    flags = (stats.min_truncated, stats.max_truncated)
    return {(True, True): "truncated", (True, False): "truncated_min",
            (False, True): "truncated_max"}.get(flags, "ok")


def _partition_columns(profile: TableProfile) -> list[ColumnProfile]:
    files = profile.location.files
    columns = []
    for index, key in enumerate(profile.location.partition_keys):
        values = [f.partition[index][1] for f in files]
        columns.append(_partition_column(profile, key, values))
    return columns


def _partition_column(profile: TableProfile, key: str, values: list[str | None]) -> ColumnProfile:
    spark_type = partition_type(values)
    rows = [profile.file_rows.get(f.rel_path, 0) for f in profile.location.files]
    nulls = sum(r for r, v in zip(rows, values) if v is None)
    present: list[Any] = [v for r, v in zip(rows, values) if v is not None and r > 0]
    typed = [int(v) for v in present] if spark_type == "bigint" else present
    low = str(min(typed)) if typed else None
    high = str(max(typed)) if typed else None
    status = "exact" if typed else "all_null"
    return ColumnProfile(key, spark_type, nulls, low, high, status, len(set(typed)), 0)
