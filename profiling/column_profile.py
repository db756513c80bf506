"""Per-column profiles of a Spark DataFrame in three passes.

1. one aggregation: row count, nulls, NaNs, approximate distinct count (HyperLogLog++, 5% relative
   error), min/max of orderable columns, min/max/mean length of string columns;
2. one aggregation: an exact histogram of string lengths over equal-width buckets from pass 1;
3. one shuffle: the most frequent values of every short atomic column at once (the columns are
   stacked into (column, value) pairs). Long text columns (mean length above
   ``TOP_VALUES_MAX_MEAN_LENGTH``) get the length histogram instead of top values.

A profile is a list of plain dicts, one per column (keys in :data:`PROFILE_KEYS`); values are
stringified for min/max/top values so every column type fits one schema.
"""

from __future__ import annotations

from typing import Any, Final

PROFILE_KEYS: Final = (
    "column_name",
    "type",
    "rows",
    "nulls",
    "null_fraction",
    "nan_count",
    "distinct_estimate",
    "min",
    "max",
    "length_min",
    "length_max",
    "length_mean",
    "length_histogram",
    "top_values",
)
HISTOGRAM_BUCKETS: Final = 10
TOP_VALUES: Final = 5
TOP_VALUES_MAX_MEAN_LENGTH: Final = 100
DISPLAY_CHARS: Final = 200
_ORDERABLE = ("string", "boolean", "date", "timestamp", "timestamp_ntz", "decimal", "binary")
_NUMERIC = ("byte", "short", "integer", "long", "float", "double", "decimal")


def _type_name(dtype: Any) -> str:
    return str(dtype.typeName())


def _is_orderable(dtype: Any) -> bool:
    return _type_name(dtype) in _ORDERABLE + _NUMERIC and _type_name(dtype) != "binary"


def _col(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _stats_exprs(i: int, name: str, dtype: Any) -> list[Any]:
    from pyspark.sql import functions as F

    col, kind = _col(name), _type_name(dtype)
    exprs = [F.count(col).alias(f"nn{i}")]
    if kind not in ("array", "map", "struct", "binary", "variant"):
        exprs.append(F.approx_count_distinct(col).alias(f"nd{i}"))
    if _is_orderable(dtype):
        exprs += [
            F.min(col).cast("string").alias(f"mn{i}"),
            F.max(col).cast("string").alias(f"mx{i}"),
        ]
    if kind in ("float", "double"):
        exprs.append(F.sum(F.when(F.isnan(col), 1).otherwise(0)).alias(f"nan{i}"))
    if kind == "string":
        length = F.length(col)
        exprs += [
            F.min(length).alias(f"lmn{i}"),
            F.max(length).alias(f"lmx{i}"),
            F.avg(length).alias(f"lav{i}"),
        ]
    return exprs


def _base_profile(
    i: int, name: str, dtype: Any, rows: int, stats: dict[str, Any]
) -> dict[str, Any]:
    nulls = rows - int(stats[f"nn{i}"])
    return {
        "column_name": name,
        "type": dtype.simpleString(),
        "rows": rows,
        "nulls": nulls,
        "null_fraction": (nulls / rows) if rows else 0.0,
        "nan_count": _int_or_none(stats.get(f"nan{i}")),
        "distinct_estimate": _int_or_none(stats.get(f"nd{i}")),
        "min": _display(stats.get(f"mn{i}")),
        "max": _display(stats.get(f"mx{i}")),
        "length_min": _int_or_none(stats.get(f"lmn{i}")),
        "length_max": _int_or_none(stats.get(f"lmx{i}")),
        "length_mean": stats.get(f"lav{i}"),
        "length_histogram": None,
        "top_values": None,
    }


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _display(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= DISPLAY_CHARS else text[: DISPLAY_CHARS - 1] + "…"


def _buckets(low: int, high: int) -> list[tuple[int, int]]:
    """Equal-width, inclusive integer buckets covering [low, high]."""
    width = max(1, -(-(high - low + 1) // HISTOGRAM_BUCKETS))
    return [(start, min(high, start + width - 1)) for start in range(low, high + 1, width)]


def _histograms(df: Any, profiles: list[dict[str, Any]]) -> None:
    from pyspark.sql import functions as F

    plans = {
        p["column_name"]: _buckets(p["length_min"], p["length_max"])
        for p in profiles
        if p["length_min"] is not None
    }
    if not plans:
        return
    exprs = [
        F.sum(F.when(F.length(_col(name)).between(lo, hi), 1).otherwise(0)).alias(f"h{ci}_{bi}")
        for ci, (name, buckets) in enumerate(plans.items())
        for bi, (lo, hi) in enumerate(buckets)
    ]
    counts = df.agg(*exprs).collect()[0].asDict()
    by_name = {p["column_name"]: p for p in profiles}
    for ci, (name, buckets) in enumerate(plans.items()):
        by_name[name]["length_histogram"] = [
            {"low": lo, "high": hi, "count": int(counts[f"h{ci}_{bi}"] or 0)}
            for bi, (lo, hi) in enumerate(buckets)
        ]


def _top_values(df: Any, profiles: list[dict[str, Any]]) -> None:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    eligible = [
        p["column_name"]
        for p in profiles
        if p["distinct_estimate"] is not None
        and (p["length_mean"] is None or p["length_mean"] <= TOP_VALUES_MAX_MEAN_LENGTH)
    ]
    if not eligible:
        return
    pairs = F.explode(
        F.array(
            *[
                F.struct(F.lit(i).alias("c"), _col(name).cast("string").alias("v"))
                for i, name in enumerate(eligible)
            ]
        )
    )
    stacked = df.select(pairs.alias("p")).select("p.c", "p.v").where(F.col("v").isNotNull())
    counted = stacked.groupBy("c", "v").count()
    rank = F.row_number().over(Window.partitionBy("c").orderBy(F.desc("count"), F.asc("v")))
    top = counted.withColumn("r", rank).where(F.col("r") <= TOP_VALUES).collect()
    by_name = {p["column_name"]: p for p in profiles}
    for name in eligible:
        by_name[name]["top_values"] = []
    for row in sorted(top, key=lambda r: (r["c"], r["r"])):
        by_name[eligible[row["c"]]]["top_values"].append(
            {"value": _display(row["v"]), "count": int(row["count"])}
        )


def profile_dataframe(df: Any) -> list[dict[str, Any]]:
    """One profile dict per column of ``df`` (see the module docstring), in column order."""
    from pyspark.sql import functions as F

    fields = list(df.schema.fields)
    exprs = [F.count(F.lit(1)).alias("rows")]
    for i, f in enumerate(fields):
        exprs += _stats_exprs(i, f.name, f.dataType)
    stats = df.agg(*exprs).collect()[0].asDict()
    rows = int(stats["rows"])
    profiles = [_base_profile(i, f.name, f.dataType, rows, stats) for i, f in enumerate(fields)]
    if rows:
        _histograms(df, profiles)
        _top_values(df, profiles)
    return profiles
