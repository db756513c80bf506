"""Which record of a duplicate cluster survives: one ordering shared by every dedup operator.

Policies: ``first`` (smallest ``order_column``), ``longest`` (most characters over the content
columns), ``quality`` (highest ``quality_column``), ``license`` (lowest ``_lic_rank``, i.e. the
least restrictive use class). Nulls sort last; ties fall to the smallest ``id_column`` value, so
the survivor is deterministic. :func:`python_sort_key` is the same ordering for the reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from operators.base import OperatorConfig
from schemas.errors import UserError
from schemas.provenance import LIC_RANK, SRC_IDS

KeepPolicy = Literal["first", "longest", "quality", "license"]

CLUSTER_ID = "_cluster_id"
SURVIVOR_REF = "_survivor_ref"
DUP_SRC_IDS = "_dup_src_ids"  # array<string>: union of the merged duplicates' _src_ids


class KeepConfig(OperatorConfig):
    """Survivor choice shared by exact and near-duplicate dedup."""

    id_column: str = Field("_src_ref", description="Unique row key: survivor refs and tie-breaks.")
    keep: KeepPolicy = Field("first", description="Which record of a cluster survives.")
    order_column: str | None = Field(
        None, description="For keep=first: smallest value survives (default: the id column)."
    )
    quality_column: str | None = Field(None, description="For keep=quality: highest survives.")


def required_columns(cfg: KeepConfig, content: Sequence[str]) -> list[str]:
    """Columns the policy reads (checked against the input before anything runs)."""
    extra = {"first": [cfg.order_column or cfg.id_column], "longest": list(content),
             "quality": [cfg.quality_column or ""], "license": [LIC_RANK]}[cfg.keep]
    if cfg.keep == "quality" and not cfg.quality_column:
        raise UserError("keep=quality needs quality_column")
    return [cfg.id_column, *extra]


def check_columns(columns: Sequence[str], needed: Sequence[str], step: str) -> None:
    """Raise a UserError naming every needed column the input lacks."""
    missing = [c for c in dict.fromkeys(needed) if c not in columns]
    if missing:
        raise UserError(f"{step}: input lacks column(s) {', '.join(missing)}")


def spark_order(cfg: KeepConfig, content: Sequence[str]) -> list[Any]:
    """Spark sort expressions: the survivor sorts first."""
    from pyspark.sql import functions as F

    tie = F.col(cfg.id_column).cast("string").asc()
    if cfg.keep == "first":
        return [F.col(cfg.order_column or cfg.id_column).asc_nulls_last(), tie]
    if cfg.keep == "longest":
        length = sum((F.coalesce(F.length(F.col(c).cast("string")), F.lit(0)) for c in content),
                     F.lit(0))
        return [length.desc(), tie]
    if cfg.keep == "quality":
        return [F.col(cfg.quality_column or "").desc_nulls_last(), tie]
    return [F.col(LIC_RANK).asc_nulls_last(), tie]


def python_sort_key(cfg: KeepConfig, content: Sequence[str]) -> Any:
    """The same ordering over plain dict records (nulls last, id tie-break)."""

    def key(row: Mapping[str, Any]) -> tuple[Any, ...]:
        tie = str(row[cfg.id_column])
        if cfg.keep == "longest":
            length = sum(len(str(row[c])) for c in content if row.get(c) is not None)
            return (-length, tie)
        column = {"first": cfg.order_column or cfg.id_column, "quality": cfg.quality_column,
                  "license": LIC_RANK}[cfg.keep] or ""
        value = row.get(column)
        if value is None:
            return (1, 0, tie)
        return (0, -value if cfg.keep == "quality" else value, tie)

    return key


def dup_src_ids(window: Any, is_survivor: Any, has_previous: bool) -> Any:
    """Sorted union of what a survivor absorbs: the duplicates' ``_src_ids`` plus any
    ``_dup_src_ids`` an earlier dedup step recorded on any member (window aggregate)."""
    from pyspark.sql import functions as F

    previous = (F.coalesce(F.col(DUP_SRC_IDS), F.array().cast("array<string>"))
                if has_previous else F.array().cast("array<string>"))
    contributed = F.when(~is_survivor, F.concat(F.col(SRC_IDS), previous)).otherwise(previous)
    return F.array_sort(F.array_distinct(F.flatten(F.collect_list(contributed).over(window))))
