"""Profiling by scanning data with Spark: CSV/JSON tables, and Parquet when footers are not used.

One aggregation pass per table computes the row count and, per column, the null count, min/max
(floats over their non-NaN values, like Parquet statistics) and a HyperLogLog distinct estimate
(Spark ``approx_count_distinct``, relative standard deviation 5%). Text formats carry no types:
Spark infers them, then integers are widened to ``bigint`` and ``float`` to ``double`` because a
text column has no declared width.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from profiling.arrow_types import is_nested, quote_name
from profiling.bounds import encode_bound
from profiling.records import ColumnProfile, TableProfile, check_column_names

DEFAULT_OPTIONS: dict[str, dict[str, str]] = {
    "csv": {"header": "true", "inferSchema": "true", "escape": '"', "mode": "FAILFAST"},
    "json": {"mode": "FAILFAST"},
    "parquet": {},
}
_WIDEN = {"tinyint": "bigint", "smallint": "bigint", "int": "bigint", "float": "double"}


def read_options(fmt: str, user: dict[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_OPTIONS.get(fmt, {}), **dict(user or {})}


def profile_by_scan(spark: Any, profile: TableProfile, schema_ddl: str | None = None) -> TableProfile:
    """Fill ``profile`` from one Spark pass over its files (schema inferred unless given)."""
    loc = profile.location
    files = [str(loc.path / f.rel_path) for f in loc.files]
    try:
        if loc.format == "csv":
            _check_csv_headers(profile)
        base = str(loc.path) if loc.partition_keys else None
        ddl = schema_ddl or _inferred_ddl(_reader(spark, loc.format, profile.read_options, None, base), files)
        df = _reader(spark, loc.format, profile.read_options, ddl, base).load(files)
        _aggregate(profile, df)
    except Exception as exc:  # noqa: BLE001 - a malformed record or unreadable file: the table is not judged
        profile.quarantine(f"unreadable {loc.format} data: {_first_line(exc)}")
    check_column_names(profile)
    return profile


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _reader(spark: Any, fmt: str, options: dict[str, str], ddl: str | None, base: str | None) -> Any:
    """A reader; with a schema the inference option is dropped, without one it is kept."""
    kept = {k: v for k, v in options.items() if ddl is None or k != "inferSchema"}
    reader = spark.read.format(fmt).options(**kept)
    if base is not None:
        reader = reader.option("basePath", base)
    return reader.schema(ddl) if ddl else reader


def _inferred_ddl(reader: Any, files: list[str]) -> str:
    schema = reader.load(files).schema
    return ", ".join(f"{quote_name(f.name)} {_WIDEN.get(f.dataType.simpleString(), f.dataType.simpleString())}"
                     for f in schema.fields)


def _check_csv_headers(profile: TableProfile) -> None:
    if profile.read_options.get("header", "false").lower() != "true":
        return
    headers = {f.rel_path: _first_csv_line(profile.location.path / f.rel_path) for f in profile.location.files}
    first_path, first = next(iter(headers.items()))
    for rel_path, header in headers.items():
        if header != first:
            profile.quarantine(f"schema drift: header differs from {first_path}", rel_path)


def _first_csv_line(path: Path) -> str:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:  # type: ignore[operator]
        return handle.readline().rstrip("\r\n")


def _aggregate(profile: TableProfile, df: Any) -> None:
    from pyspark.sql import functions as F

    fields = df.schema.fields
    exprs = [F.count(F.lit(1)).alias("__rows")]
    for i, f in enumerate(fields):
        exprs += _column_exprs(F, i, f)
    row = df.agg(*exprs).collect()[0]
    profile.num_rows = int(row["__rows"])
    profile.columns = [_column(row, i, f, profile.num_rows) for i, f in enumerate(fields)]


def _column_exprs(F: Any, i: int, field: Any) -> list[Any]:
    col = F.col(quote_name(field.name))
    spark_type = field.dataType.simpleString()
    exprs = [F.count(col).alias(f"n{i}")]
    if is_nested(spark_type):
        return exprs
    value = F.when(~F.isnan(col), col) if spark_type in ("float", "double") else col
    low, high = F.min(value), F.max(value)
    if spark_type.startswith("timestamp"):
        fmt = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        low, high = F.date_format(low, fmt), F.date_format(high, fmt)
    elif spark_type == "binary":
        low, high = F.lower(F.hex(low)), F.lower(F.hex(high))
    return exprs + [low.alias(f"lo{i}"), high.alias(f"hi{i}"), F.approx_count_distinct(col).alias(f"d{i}")]


def _column(row: Any, i: int, field: Any, num_rows: int) -> ColumnProfile:
    spark_type = field.dataType.simpleString()
    nulls = num_rows - int(row[f"n{i}"])
    if is_nested(spark_type):
        return ColumnProfile(field.name, spark_type, nulls, stats_status="nested")
    low, high = _text(row[f"lo{i}"], spark_type), _text(row[f"hi{i}"], spark_type)
    status = "ok" if low is not None else ("all_null" if nulls == num_rows else "untrusted_nan")
    return ColumnProfile(field.name, spark_type, nulls, low, high, status, int(row[f"d{i}"]), None)


def _text(value: Any, spark_type: str) -> str | None:
    if value is None or spark_type == "binary":
        return value
    if spark_type == "timestamp":
        return f"{value}+00:00"
    if spark_type == "timestamp_ntz":
        return str(value)
    return encode_bound(value, spark_type)
