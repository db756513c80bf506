"""Funnel bookkeeping: how many candidate pairs entered a stage, left it, and why they left.

Each stage returns ``containment_funnel`` holding its own rows plus every earlier containment
stage's rows it can see among the recipe's named tables (``<step>.containment_funnel``), so the
last stage's funnel covers the whole chain.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from operators.containment._frames import frame_rows, rows_to_frame
from operators.containment._pairs import Pair, reason_code
from schemas.containment import CONTAINMENT_FUNNEL_DDL, STAGES

FUNNEL_OUTPUT = "containment_funnel"


def stage_rows(stage: str, pairs_in: int, removed: Counter[str], seconds: float) -> list[dict[str, Any]]:
    """One row per removal reason (or one row with a null reason when nothing was removed)."""
    pairs_out = pairs_in - sum(removed.values())
    base = {"stage": stage, "pairs_in": pairs_in, "pairs_out": pairs_out, "seconds": round(seconds, 3)}
    if not removed:
        return [{**base, "removed": 0, "reason": None}]
    return [{**base, "removed": n, "reason": code} for code, n in sorted(removed.items())]


def decided_by(pairs: list[Pair], stage: str) -> Counter[str]:
    return Counter(reason_code(p.reason) for p in pairs if p.stage == stage and p.verdict is not None)


def earlier_rows(ctx: Any, stage: str) -> list[dict[str, Any]]:
    """Funnel rows of other containment stages visible in the recipe's tables."""
    seen: dict[tuple[str, str | None], dict[str, Any]] = {}
    for name, df in getattr(ctx, "tables", {}).items():
        if not name.endswith("." + FUNNEL_OUTPUT) or df is None:
            continue
        for row in frame_rows(df):
            if row["stage"] != stage:
                seen[(row["stage"], row["reason"])] = row
    return list(seen.values())


def funnel_frame(ctx: Any, stage: str, own: list[dict[str, Any]]) -> Any:
    rows = earlier_rows(ctx, stage) + own
    order = {s: i for i, s in enumerate(STAGES)}
    rows.sort(key=lambda r: (order.get(r["stage"], 99), r["reason"] or ""))
    return rows_to_frame(ctx.spark, rows, CONTAINMENT_FUNNEL_DDL)
