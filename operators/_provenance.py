"""Spark Column helpers every combining operator uses to propagate provenance.

Propagation is a set union (safe under shuffles and retries): combined rows get the sorted
distinct union of ``_src_ids``, the maximum ``_lic_rank``, the AND of the distinct SPDX terms
(``_lic_spdx`` is a flat conjunction ``A AND B``; terms are kept sorted so equal sets render
equally) and the OR of the flags. ``_src_ref`` keeps one representative origin (the smallest for
aggregates; the left side's for joins, or the side that exists in outer joins).
"""

from __future__ import annotations

from typing import Any

from schemas.errors import UserError
from schemas.provenance import (
    LIC_ATTR,
    LIC_ND,
    LIC_RANK,
    LIC_REVIEW,
    LIC_SA,
    LIC_SPDX,
    PROVENANCE_COLUMNS,
    PROVENANCE_DDL,
    SRC_IDS,
    SRC_REF,
    is_pipeline_column,
)

__all__ = [
    "FLAG_COLUMNS",
    "PROVENANCE_COLUMNS",
    "combine_agg_exprs",
    "combine_row_exprs",
    "data_columns",
    "prefixed",
    "quoted",
    "reject_pipeline_columns",
    "require_columns",
    "require_provenance",
]

FLAG_COLUMNS = (LIC_ATTR, LIC_SA, LIC_ND, LIC_REVIEW)
SPDX_AND = " AND "


def _join_terms(terms: Any) -> Any:
    """array<string> of SPDX terms -> their sorted distinct conjunction (null when empty)."""
    from pyspark.sql import functions as F

    joined = F.array_join(F.array_sort(F.array_distinct(terms)), SPDX_AND)
    return F.when(F.size(terms) > 0, joined)


def combine_agg_exprs(exclude: tuple[str, ...] = ()) -> list[Any]:
    """Aggregate expressions (for ``groupBy().agg``) that combine the provenance of a group;
    ``exclude`` leaves out columns that are grouping keys."""
    from pyspark.sql import functions as F

    ids = F.array_sort(F.array_distinct(F.flatten(F.collect_set(SRC_IDS))))
    terms = F.flatten(F.collect_set(F.split(F.col(LIC_SPDX), SPDX_AND)))
    exprs = {
        SRC_IDS: ids,
        SRC_REF: F.min(SRC_REF),
        LIC_RANK: F.max(LIC_RANK),
        LIC_SPDX: _join_terms(terms),
        **{flag: F.bool_or(flag) for flag in FLAG_COLUMNS},
    }
    return [
        exprs[c].cast(PROVENANCE_DDL[c]).alias(c) for c in PROVENANCE_COLUMNS if c not in exclude
    ]


def _spdx_merge(left: Any, right: Any) -> Any:
    from pyspark.sql import functions as F

    both = F.concat(F.split(left, SPDX_AND), F.split(right, SPDX_AND))
    return F.when(left.isNull(), right).when(right.isNull(), left).otherwise(_join_terms(both))


def combine_row_exprs(left_prefix: str, right_prefix: str) -> list[Any]:
    """Select expressions merging ``<left_prefix>_src_ids``... and ``<right_prefix>_src_ids``...
    of one row (after a join) into the eight provenance columns. A null side (outer joins) is
    ignored: the row keeps the other side's values."""
    from pyspark.sql import functions as F

    def side(prefix: str, name: str) -> Any:
        return F.col(f"`{prefix}{name}`")

    left, right = (lambda n: side(left_prefix, n)), (lambda n: side(right_prefix, n))
    empty = F.array().cast("array<string>")
    exprs = {
        SRC_IDS: F.array_sort(
            F.array_distinct(
                F.concat(F.coalesce(left(SRC_IDS), empty), F.coalesce(right(SRC_IDS), empty))
            )
        ),
        SRC_REF: F.coalesce(left(SRC_REF), right(SRC_REF)),
        LIC_RANK: F.greatest(left(LIC_RANK), right(LIC_RANK)),
        LIC_SPDX: _spdx_merge(left(LIC_SPDX), right(LIC_SPDX)),
        **{flag: F.greatest(left(flag), right(flag)) for flag in FLAG_COLUMNS},
    }
    return [exprs[c].cast(PROVENANCE_DDL[c]).alias(c) for c in PROVENANCE_COLUMNS]


def require_provenance(columns: list[str], table: str, step: str) -> None:
    """Combining operators need provenance on every side."""
    missing = [c for c in PROVENANCE_COLUMNS if c not in columns]
    if missing:
        raise UserError(
            f"step '{step}': table '{table}' lacks provenance columns {', '.join(missing)}"
        )


def prefixed(df: Any, prefix: str) -> Any:
    """``df`` with its provenance columns renamed ``<prefix><name>``."""
    return df.withColumnsRenamed({c: f"{prefix}{c}" for c in PROVENANCE_COLUMNS})


def data_columns(columns: list[str]) -> list[str]:
    """The columns that are not provenance columns, in order."""
    return [c for c in columns if c not in PROVENANCE_COLUMNS]


def quoted(name: str) -> str:
    """A column name quoted for Spark (backticks doubled)."""
    return f"`{name.replace('`', '``')}`"


def reject_pipeline_columns(names: list[str]) -> list[str]:
    """Config validator: pipeline-owned columns cannot be keys or aggregated."""
    bad = [n for n in names if is_pipeline_column(n)]
    if bad:
        raise ValueError(f"pipeline-owned columns cannot be used here: {', '.join(bad)}")
    return names


def require_columns(columns: list[str], names: list[str], where: str) -> None:
    """Raise a UserError naming every column of ``names`` missing from ``columns``."""
    absent = [n for n in names if n not in columns]
    if absent:
        raise UserError(
            f"{where}: unknown column(s) {', '.join(absent)}; available: {', '.join(columns)}"
        )
