"""Running the four containment stages in order on given profiles (tests, benchmarks).

Recipes run them through the runner; this helper builds the same :class:`StageContext` chain in
memory (sub-stages persisted only when given ``checkpoints``) so the stages can be exercised directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from operators.base import MAIN, StageContext, as_outputs
from operators.registry import get_operator

CHAIN = ("schema_containment", "minmax_prune", "content_prune", "verify_containment")


def run_containment(
    spark: Any, profiles: Mapping[str, Any], read_table: Callable[[str, list[str] | None], Any],
    configs: Mapping[str, Mapping[str, Any]] | None = None, seed: int = 42,
    stages: tuple[str, ...] = CHAIN, progress: Callable[..., None] | None = None,
    checkpoints: Callable[[str], Callable[[str, Callable[[], Any]], Any]] | None = None,
) -> dict[str, Any]:
    """Every stage's outputs as ``"<stage>.<output>"`` (and ``"<stage>"`` for the main one).
    ``checkpoints(stage)`` gives the stage's sub-stage persistence (none: sub-stages stay lazy)."""
    tables: dict[str, Any] = dict(profiles)
    current = tables["table_profiles"]
    for stage in stages:
        op = get_operator(stage)((configs or {}).get(stage, {}))
        ctx = StageContext(step=stage, seed=seed, tables=dict(tables), spark=spark,
                           read_table=read_table, progress=progress,
                           checkpoint=checkpoints(stage) if checkpoints else None)
        outputs = as_outputs(op.run(current, ctx))
        for name, df in outputs.items():
            tables[stage if name == MAIN else f"{stage}.{name}"] = df
        current = outputs[MAIN]
    return tables
