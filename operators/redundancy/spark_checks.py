"""Spark jobs the plan stage runs: file listings (versions), multiset fingerprints, column stats."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from operators.redundancy.recipe_spec import Source
from operators.redundancy.sql import comparable, ident
from schemas.redundancy import table_version

Fingerprint = tuple[int, Any, Any]


def local_path(uri: str) -> str:
    """A local filesystem path from a Spark file URI (``file:/a%20b`` -> ``/a b``)."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path) if parsed.scheme else uri
    return uri


def _files(df: Any) -> list[tuple[str, int, int]]:
    from pyspark.sql import functions as F

    rows = df.select(
        F.col("_metadata.file_path").alias("path"), F.col("_metadata.file_size").alias("size"),
        F.unix_millis(F.col("_metadata.file_modification_time")).alias("mtime_ms"),
    ).distinct().collect()
    return sorted((local_path(r["path"]), int(r["size"]), int(r["mtime_ms"])) for r in rows)


def _source(path: str, listed: list[tuple[str, int, int]], partitioned: bool) -> Source:
    root = os.path.abspath(local_path(path))
    entries = [(os.path.relpath(p, root).replace(os.sep, "/"), s, m) for p, s, m in listed]
    return Source(root, tuple(p for p, _, _ in listed), table_version(entries), partitioned)


def table_source(spark: Any, path: str, partitioned: bool = False) -> Source:
    """The table's data files (those holding rows) and its version, as Spark lists them."""
    return _source(path, _files(spark.read.parquet(path)), partitioned)


def _hashes(cols: list[Any]) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    return F.xxhash64(*cols).cast("decimal(38,0)"), F.hash(*cols).cast("decimal(38,0)")


def typed_columns(columns: Sequence[tuple[str, str]]) -> list[Any]:
    """(name, Spark type) columns cast to their profiled types: Spark infers partition columns'
    types from folder names (``k=3`` reads as int), which may differ from the profile's."""
    from pyspark.sql import functions as F

    return [F.col(ident(name, "spark")).cast(t).alias(name) if t else F.col(ident(name, "spark"))
            for name, t in columns]


def table_snapshot(spark: Any, path: str, columns: Sequence[tuple[str, str]], partitioned: bool = False
                   ) -> tuple[Source, Fingerprint]:
    """Source and multiset fingerprint of the (name, Spark type) ``columns`` of a table, in one
    pass over its files."""
    from pyspark.sql import functions as F

    df = spark.read.parquet(path)
    xx, mm = _hashes(typed_columns(columns))
    rows = df.groupBy(
        F.col("_metadata.file_path").alias("path"), F.col("_metadata.file_size").alias("size"),
        F.unix_millis(F.col("_metadata.file_modification_time")).alias("mtime_ms"),
    ).agg(F.count(F.lit(1)).alias("n"), F.sum(xx).alias("xx"), F.sum(mm).alias("mm")).collect()
    listed = sorted((local_path(r["path"]), int(r["size"]), int(r["mtime_ms"])) for r in rows)
    print_ = (sum(int(r["n"]) for r in rows), sum(r["xx"] for r in rows) if rows else 0,
              sum(r["mm"] for r in rows) if rows else 0)
    return _source(path, listed, partitioned), print_


def persisted_source(spark: Any, df: Any) -> tuple[Source, int] | None:
    """Source and total bytes of a DataFrame persisted as Parquet (None when not file-backed)."""
    files = sorted({local_path(f) for f in df.inputFiles()})
    if not files or not all(f.endswith(".parquet") for f in files):
        return None
    listed = _files(spark.read.parquet(*files))
    folders = {os.path.dirname(f) for f in files}
    path = files[0] if len(files) == 1 else (folders.pop() if len(folders) == 1 else None)
    if path is None:
        return None
    entries = [(os.path.basename(p), s, m) for p, s, m in listed]
    return Source(path, tuple(files), table_version(entries)), sum(s for _, s, _ in listed)


def multiset_fingerprint(df: Any) -> Fingerprint:
    """(rows, sum of xxhash64, sum of murmur3) over all columns: equal for equal multisets."""
    from pyspark.sql import functions as F

    xx, mm = _hashes([F.col(ident(c, "spark")) for c in df.columns])
    row = df.agg(F.count(F.lit(1)), F.sum(xx), F.sum(mm)).collect()[0]
    return int(row[0]), row[1] or 0, row[2] or 0


def probe_fingerprints(spark: Any, probe_sql: str, count: int) -> list[Fingerprint]:
    """Run a probe query (``recipe_spec.render_probe``): ``count`` fingerprints in one pass."""
    row = spark.sql(probe_sql).collect()[0]
    return [(int(row[3 * i]), row[3 * i + 1] or 0, row[3 * i + 2] or 0) for i in range(count)]


@dataclass(frozen=True)
class ColumnStats:
    """Exact stats of one child column, in ``comparable`` form (timestamps as micros)."""

    minimum: Any
    maximum: Any
    has_null: bool
    values: tuple[Any, ...] | None = None


def column_stats(df: Any, columns: Sequence[tuple[str, str, bool]], max_values: int
                 ) -> dict[str, ColumnStats]:
    """Min, max and null presence of each (name, type, few_values) column, in one pass; the
    sorted distinct values too for columns flagged ``few_values`` that have at most
    ``max_values`` of them."""
    from pyspark.sql import functions as F

    if not columns:
        return {}
    aggs = []
    for i, (name, spark_type, few) in enumerate(columns):
        comp = F.expr(comparable(ident(name, "spark"), spark_type, "spark"))
        aggs += [F.min(comp).alias(f"mn{i}"), F.max(comp).alias(f"mx{i}"),
                 F.max(F.col(ident(name, "spark")).isNull().cast("int")).alias(f"nl{i}")]
        if few:
            aggs.append(F.array_sort(F.collect_set(comp)).alias(f"v{i}"))
    row = df.agg(*aggs).collect()[0]
    out = {}
    for i, (name, _, few) in enumerate(columns):
        values = tuple(row[f"v{i}"]) if few and len(row[f"v{i}"]) <= max_values else None
        out[name] = ColumnStats(row[f"mn{i}"], row[f"mx{i}"], bool(row[f"nl{i}"]), values)
    return out
