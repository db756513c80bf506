"""Stage 2: prune candidate pairs with statistics (footer min/max, null and row counts)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._config import ProfileTables
from operators.containment._funnel import FUNNEL_OUTPUT, decided_by, funnel_frame, stage_rows
from operators.containment._pairs import ColumnMatch, Pair, pairs_from_frame, pairs_to_frame
from operators.containment._profiles import ColumnInfo, TableInfo, load_profiles
from operators.containment._types import as_parent_domain, decimal_of, parse_bound
from operators.registry import register

STAGE = "minmax_prune"
CHILD_MIN_OK = ("ok", "exact", "truncated_max")
CHILD_MAX_OK = ("ok", "exact", "truncated_min")
PARENT_OK = ("ok", "exact", "truncated", "truncated_min", "truncated_max")


class MinmaxPruneConfig(ProfileTables):
    use_distinct_estimates: bool = Field(
        True, description="prune when the child's distinct estimate clearly exceeds the parent's")
    distinct_margin: float = Field(
        0.5, ge=0.0, description="relative slack on distinct estimates (HLL error is ~5% per sd)")


@register
class MinmaxPrune(Operator):
    """Drops (decides ``not_contained``) every undecided pair a statistic refutes: a child bound
    outside the parent's, child nulls where the parent has none, non-null child values where the
    parent column is all null, more child rows than parent rows (bag semantics), or a child
    distinct estimate far above the parent's. Keeps a pair whenever a statistic is missing or
    untrustworthy (INT96, NaN bounds, truncated child bounds, decimals of different scales).
    Approximate mode keeps every pair (statistics bound nothing below degree 1). Reads no data;
    no shuffle."""

    name = "minmax_prune"
    kind = "stage"
    accounting = "none"
    config_model = MinmaxPruneConfig
    example_config: ClassVar[dict[str, Any]] = {"use_distinct_estimates": True}

    def run(self, df: Any, ctx: StageContext) -> dict[str, Any]:
        started = time.monotonic()
        cfg: MinmaxPruneConfig = self.config  # type: ignore[assignment]
        pairs = pairs_from_frame(df)
        infos = load_profiles(ctx, cfg.table_profiles, cfg.column_profiles)
        pending = [p for p in pairs if p.pending]
        for pair in pending:
            if pair.mode == "exact":
                reason = refutation(pair, infos[pair.parent], infos[pair.child], cfg)
                if reason:
                    pair.decide("not_contained", STAGE, reason)
        ctx.report(f"{sum(1 for p in pending if not p.pending)} of {len(pending)} pairs pruned by statistics")
        own = stage_rows(STAGE, len(pending), decided_by(pairs, STAGE), time.monotonic() - started)
        return {MAIN: pairs_to_frame(ctx.spark, pairs), FUNNEL_OUTPUT: funnel_frame(ctx, STAGE, own)}


def refutation(pair: Pair, parent: TableInfo, child: TableInfo, cfg: MinmaxPruneConfig) -> str | None:
    """Why statistics prove the child is not in the parent, or None when they cannot."""
    if pair.semantics == "bag" and child.num_rows > parent.num_rows:
        return f"row_count: child has {child.num_rows} rows, parent {parent.num_rows}"
    for match in pair.mapping:
        pcol, ccol = parent.columns.get(match.parent_column), child.columns.get(match.child_column)
        if pcol is None or ccol is None:
            continue
        reason = _null_refutation(match, pcol, ccol, parent, child) or _bound_refutation(match, pcol, ccol)
        if reason is None and cfg.use_distinct_estimates:
            reason = _distinct_refutation(match, pcol, ccol, cfg.distinct_margin)
        if reason:
            return reason
    return None


def _null_refutation(m: ColumnMatch, pcol: ColumnInfo, ccol: ColumnInfo,
                     parent: TableInfo, child: TableInfo) -> str | None:
    if ccol.null_count is None or pcol.null_count is None:
        return None
    if ccol.null_count > 0 and pcol.null_count == 0:
        return f"null_count: {m.child_column} has {ccol.null_count} nulls, parent {m.parent_column} none"
    if pcol.null_count == parent.num_rows and ccol.null_count < child.num_rows:
        return f"parent_all_null: parent {m.parent_column} is all null, child {m.child_column} is not"
    return None


def _bound_refutation(m: ColumnMatch, pcol: ColumnInfo, ccol: ColumnInfo) -> str | None:
    if pcol.stats_status not in PARENT_OK or pcol.min_value is None or pcol.max_value is None:
        return None
    cdec, pdec = decimal_of(m.child_type), decimal_of(m.parent_type)
    if cdec and pdec and cdec[1] != pdec[1]:
        return None  # decimals of different scales: bounds not compared (kept as unknown)
    if ccol.stats_status in CHILD_MIN_OK and ccol.min_value is not None:
        low = as_parent_domain(parse_bound(ccol.min_value, m.child_type), m.child_type, m.parent_type)
        if low < parse_bound(pcol.min_value, m.parent_type):
            return f"min_below_parent: {m.child_column} min {ccol.min_value} < parent min {pcol.min_value}"
    if ccol.stats_status in CHILD_MAX_OK and ccol.max_value is not None:
        high = as_parent_domain(parse_bound(ccol.max_value, m.child_type), m.child_type, m.parent_type)
        if high > parse_bound(pcol.max_value, m.parent_type):
            return f"max_above_parent: {m.child_column} max {ccol.max_value} > parent max {pcol.max_value}"
    return None


def _distinct_refutation(m: ColumnMatch, pcol: ColumnInfo, ccol: ColumnInfo, margin: float) -> str | None:
    """HyperLogLog estimates: prune only far beyond their error (10 sd at Spark's 5% default)."""
    if ccol.distinct_estimate is None or pcol.distinct_estimate is None:
        return None
    if ccol.distinct_estimate > pcol.distinct_estimate * (1 + margin) + 8:
        return (f"distinct_estimate: {m.child_column} ~{ccol.distinct_estimate} distinct values, "
                f"parent {m.parent_column} ~{pcol.distinct_estimate}")
    return None
