"""Predicates a child table may have been filtered with, inferred from profiles and exact stats.

The child's columns whose profiled range or distinct count is narrower than the parent's are
tried first (columns the profiles show unchanged are not tried); each yields ``IN`` its distinct
values (when there are few) and ``BETWEEN`` its minimum and maximum, with ``OR IS NULL`` when the
child has nulls there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from operators.redundancy.lake_graph import ColumnInfo, Edge, TableInfo
from operators.redundancy.recipe_spec import Predicate
from operators.redundancy.spark_checks import ColumnStats
from operators.redundancy.sql import family

ORDERABLE = {"int", "decimal", "string", "date", "timestamp", "timestamp_ntz", "float", "boolean"}


def filter_columns(edge: Edge, parent: TableInfo, child: TableInfo, limit: int) -> list[ColumnInfo]:
    """Up to ``limit`` child columns that may carry a filter, the likeliest first."""
    mapped = dict(edge.column_map)
    verdicts = {c.name: _narrowed(c, parent.column(mapped[c.name])) for c in child.columns}
    return sorted(
        (c for c in child.columns if family(c.spark_type) in ORDERABLE and verdicts[c.name] is not False),
        key=lambda c: verdicts[c.name] is not True,
    )[:limit]


def stats_request(columns: list[ColumnInfo], max_in_values: int) -> list[tuple[str, str, bool]]:
    """(name, type, collect distinct values) for ``spark_checks.column_stats``."""
    return [(c.name, c.spark_type, c.distinct_estimate is not None and c.distinct_estimate <= 2 * max_in_values)
            for c in columns]


def predicates_from_stats(columns: list[ColumnInfo], stats: Mapping[str, ColumnStats]) -> Iterator[Predicate]:
    for col in columns:
        st = stats[col.name]
        if st.values:
            yield Predicate(col.name, col.spark_type, "in", st.values, st.has_null)
        if st.minimum is not None and family(col.spark_type) != "boolean":
            yield Predicate(col.name, col.spark_type, "between", (st.minimum, st.maximum), st.has_null)


def _narrowed(child: ColumnInfo, parent: ColumnInfo) -> bool | None:
    """Whether the child's profiled range or distinct count is narrower than the parent's, i.e.
    the column may carry a filter (None: the profiles do not say)."""
    pairs = [(child.min_value, parent.min_value), (child.max_value, parent.max_value),
             (child.distinct_estimate, parent.distinct_estimate)]
    known = [(c, p) for c, p in pairs if c is not None and p is not None]
    if not known:
        return None
    return any(c != p for c, p in known)
