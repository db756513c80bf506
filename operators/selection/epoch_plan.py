"""Turn a budget into a per-record repeat count over the selected records (Spark).

Every selected record is seen ``full_passes`` times; a last, partial pass takes records in a
seeded order (xxhash64 of the seed and the stable key columns, ties broken by the keys) until
its share of the budget is met. The order is cut at the boundary without a global sort: records
are bucketed by the top 16 bits of the hash, per-bucket totals are collected, and only the one
bucket that straddles the cut is ordered with a window.

Budget weights are 1 per record (samples) or a token count (tokens). Cut rule: a record joins
the partial pass when the weight before it is below the remainder, so the plan overshoots by less
than one record (and, for samples, meets the budget exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from schemas.errors import UserError

HASH = "_sel_hash"
BUCKET = "_sel_bucket"
WEIGHT = "_sel_weight"
REPEAT = "_repeat"
_BUCKET_SHIFT = 48
_BUCKET_OFFSET = 1 << (63 - _BUCKET_SHIFT)


@dataclass(frozen=True)
class PassPlan:
    """Full passes over the selection, and where the partial pass is cut."""

    full_passes: int
    remainder: float
    unique_weight: float
    boundary_bucket: int
    weight_before_boundary: float


def with_sampling_order(df: DataFrame, key_columns: list[str], seed: int) -> DataFrame:
    """Add the seeded hash (the sampling order) and its bucket (monotone in the hash)."""
    hashed = F.xxhash64(F.lit(int(seed)).cast("long"), *[F.col(c) for c in key_columns])
    return df.withColumn(HASH, hashed).withColumn(
        BUCKET, F.shiftright(F.col(HASH), _BUCKET_SHIFT) + F.lit(_BUCKET_OFFSET)
    )


def _bucket_weights(selected: DataFrame) -> list[tuple[int, float]]:
    rows = selected.groupBy(BUCKET).agg(F.sum(WEIGHT).alias("w")).collect()
    return sorted((int(r[BUCKET]), float(r["w"] or 0.0)) for r in rows)


def plan_passes(selected: DataFrame, budget: float) -> PassPlan:
    """Full passes and the partial pass's cut for ``budget`` (one action: per-bucket totals)."""
    buckets = _bucket_weights(selected)
    unique = sum(w for _, w in buckets)
    if not unique > 0:
        raise UserError("the selected pools hold no budget weight (no records or zero tokens)")
    full = math.floor(budget / unique)
    remainder = budget - full * unique
    before = 0.0
    for bucket, weight in buckets:
        if before + weight >= remainder:
            return PassPlan(full, remainder, unique, bucket, before)
        before += weight
    return PassPlan(full, remainder, unique, buckets[-1][0] + 1, before)


def _boundary_cut(plan: PassPlan, key_columns: list[str], selected: Column) -> Column:
    """Within the boundary bucket: is the selected weight before this record below the cut?"""
    order = Window.partitionBy(BUCKET).orderBy(F.col(HASH), *[F.col(c) for c in key_columns])
    running = F.sum(F.when(selected, F.col(WEIGHT)).otherwise(F.lit(0.0))).over(
        order.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    before_record = F.lit(plan.weight_before_boundary) + running - F.col(WEIGHT)
    return before_record < F.lit(plan.remainder)


def with_repeats(
    df: DataFrame, selected: Column, plan: PassPlan, key_columns: list[str]
) -> DataFrame:
    """Add :data:`REPEAT`: full passes, +1 inside the partial pass, 0 outside the selection."""
    is_boundary = F.col(BUCKET) == F.lit(plan.boundary_bucket)
    cut_inside, cut_before = F.lit(False), F.lit(False)
    if plan.remainder > 0:
        cut_inside = _boundary_cut(plan, key_columns, selected)
        cut_before = F.col(BUCKET) < F.lit(plan.boundary_bucket)

    def repeat(partial: Column) -> Column:
        count = F.lit(plan.full_passes) + partial.cast("int")
        return F.when(selected, count).otherwise(F.lit(0)).cast("int")

    boundary = df.filter(is_boundary).withColumn(REPEAT, repeat(cut_inside))
    others = df.filter(~is_boundary).withColumn(REPEAT, repeat(cut_before))
    return boundary.unionByName(others)
