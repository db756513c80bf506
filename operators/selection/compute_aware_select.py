"""``compute_aware_select``: pick the quality pools that minimise predicted error at a budget.

Method: Goyal, Maini, Lipton, Raghunathan, Kolter, "Scaling Laws for Data Filtering -- Data
Curation cannot be Compute Agnostic", CVPR 2024 (see ``scaling_law``). Pools are equal-size score
quantiles of the actual data, best first; the candidates are the top-k pools.

Scaling choice: the law's ``n`` counts training samples seen and enters it unchanged, while
repetitions are counted over the pools as they are in the data (which may hold fewer unique
samples than the pools the parameters were fitted at); a warning says so when they differ.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from operators.base import MAIN, REJECT_REASON, REJECTS, Operator, StageContext
from operators.registry import register
from operators.selection import epoch_plan as plan_mod
from operators.selection.candidates import (
    Choice,
    choice_warnings,
    choose,
    predict_candidates,
    samples_seen_per_candidate,
)
from operators.selection.parameter_sets import LawParameters, resolve
from operators.selection.scaling_law import LawOptions
from operators.selection.selection_config import ComputeAwareSelectConfig
from operators.selection.selection_tables import (
    CANDIDATES_DDL,
    PLAN_DDL,
    PlanFacts,
    candidate_rows,
    plan_row,
)
from schemas.errors import UserError

LOG = logging.getLogger("lakesift.selection")
SCORE, POOL = "_sel_score", "_sel_pool"
INTERNAL = (SCORE, POOL, plan_mod.HASH, plan_mod.BUCKET, plan_mod.WEIGHT)
REASON_PREFIX = "compute_aware_select:"


def _check_columns(df: DataFrame, cfg: ComputeAwareSelectConfig, step: str) -> None:
    wanted = [cfg.score_column, *cfg.key_columns]
    wanted += [cfg.budget.token_column] if cfg.budget.token_column else []
    absent = [c for c in wanted if c not in df.columns]
    if absent:
        raise UserError(f"step '{step}': unknown column(s) {', '.join(absent)}")


def _prepared(df: DataFrame, cfg: ComputeAwareSelectConfig, seed: int) -> DataFrame:
    """Signed score (higher = better, NaN -> null), budget weight, sampling order."""
    raw = F.col(cfg.score_column).cast("double")
    score = F.when(~F.isnan(raw), raw if cfg.higher_is_better else -raw)
    weight: Column = F.lit(1.0)
    if cfg.budget.unit == "tokens":
        tokens = F.col(str(cfg.budget.token_column)).cast("double")
        weight = F.when(tokens >= 0, tokens)
    scored = df.withColumn(SCORE, score).withColumn(plan_mod.WEIGHT, weight)
    return plan_mod.with_sampling_order(scored, list(cfg.key_columns), seed)


def _thresholds(df: DataFrame, law: LawParameters, relative_error: float) -> list[float]:
    """Lower score bound of the top-k pools, k = 1..p (signed score)."""
    probs = [max(0.0, round(1.0 - k * law.pool_fraction, 12)) for k in range(1, len(law.pools) + 1)]
    values = df.filter(F.col(plan_mod.WEIGHT).isNotNull()).approxQuantile(
        SCORE, probs, relative_error
    )
    if not values:
        raise UserError("compute_aware_select: no record has a score (and a token count)")
    return [float(v) for v in values]


def _pool_column(thresholds: list[float]) -> Column:
    """Index of the best pool whose threshold the score reaches (null: no pool, no weight)."""
    pool = F.when(F.col(plan_mod.WEIGHT).isNull(), F.lit(None))
    for index, threshold in enumerate(thresholds):
        pool = pool.when(F.col(SCORE) >= F.lit(threshold), F.lit(index))
    return pool.cast("int")


def _pool_stats(pooled: DataFrame, count: int) -> tuple[list[int], list[float]]:
    rows = (
        pooled.filter(F.col(POOL).isNotNull() & F.col(plan_mod.WEIGHT).isNotNull())
        .groupBy(POOL)
        .agg(F.count(F.lit(1)).alias("n"), F.sum(plan_mod.WEIGHT).alias("w"))
        .collect()
    )
    sizes, weights = [0] * count, [0.0] * count
    for row in rows:
        sizes[row[POOL]], weights[row[POOL]] = int(row["n"]), float(row["w"] or 0.0)
    return sizes, weights


def _decide(
    law: LawParameters,
    budget: float,
    stats: tuple[list[int], list[float]],
    tokens: bool,
    options: LawOptions,
) -> tuple[Choice, list[str]]:
    sizes, weights = stats
    seen = samples_seen_per_candidate(budget, sizes, weights, tokens)
    usable = [k for k in range(1, len(sizes) + 1) if sizes[k - 1] > 0 and seen[k - 1] > 0]
    empty = [law.pools[k - 1].name for k in range(1, len(sizes) + 1) if k not in usable]
    notes = [f"pool(s) {', '.join(empty)} hold no usable records: skipped"] if empty else []
    sizes_f = [float(n) for n in sizes]
    usable_candidates = predict_candidates(law, seen, sizes_f, options, only=usable)
    choice = choose(usable_candidates)
    return choice, notes + choice_warnings(law, choice, options)


def _reason(chosen_k: int) -> Column:
    def tag(rule: str) -> Column:
        return F.lit(REASON_PREFIX + rule)

    return (
        F.when(F.col(SCORE).isNull(), tag("no_score"))
        .when(F.col(plan_mod.WEIGHT).isNull(), tag("no_token_count"))
        .when(F.col(POOL).isNull() | (F.col(POOL) >= chosen_k), tag("below_threshold"))
        .when(F.col(plan_mod.REPEAT) == 0, tag("over_budget"))
    )


def _report_tables(ctx: StageContext, choice: Choice, facts: PlanFacts) -> dict[str, DataFrame]:
    spark = ctx.spark
    return {
        "selection_candidates": spark.createDataFrame(
            candidate_rows(choice, facts.thresholds), CANDIDATES_DDL
        ),
        "selection_plan": spark.createDataFrame([plan_row(choice, facts)], PLAN_DDL),
    }


def _split(
    pooled: DataFrame, chosen_k: int, budget: float, key_columns: list[str]
) -> tuple[dict[str, DataFrame], plan_mod.PassPlan]:
    """Main (selected records with ``_repeat``) and rejects (the rest, with a reason)."""
    selected = F.col(POOL).isNotNull() & (F.col(POOL) < chosen_k)
    passes = plan_mod.plan_passes(pooled.filter(selected), budget)
    marked = plan_mod.with_repeats(pooled, selected, passes, key_columns)
    marked = marked.withColumn(REJECT_REASON, _reason(chosen_k))
    kept = marked.filter(F.col(REJECT_REASON).isNull()).drop(REJECT_REASON, *INTERNAL)
    rejected = marked.filter(F.col(REJECT_REASON).isNotNull()).drop(plan_mod.REPEAT, *INTERNAL)
    return {MAIN: kept, REJECTS: rejected}, passes


@register
class ComputeAwareSelectStage(Operator):
    """Selects the top-k quality pools that minimise predicted error at a training budget.

    Keeps the records of the chosen pools that the budget reaches, with ``_repeat`` (how many
    times a trainer should see each: sum of ``_repeat`` = the budget within one record) and
    every input column, provenance included, untouched. Rejects the rest with a reason
    (``no_score``, ``no_token_count``, ``below_threshold``, ``over_budget``). Side outputs:
    ``selection_candidates`` and ``selection_plan``. Shuffles: small aggregates only (quantiles,
    per-pool and per-hash-bucket totals), plus a window over one hash bucket.
    """

    name = "compute_aware_select"
    version = "1"
    kind = "stage"
    accounting = "filter"
    config_model = ComputeAwareSelectConfig
    example_config: ClassVar[dict[str, Any]] = {
        "score_column": "quality_score",
        "key_columns": ["id"],
        "budget": {"unit": "samples", "value": 32_000_000},
    }

    def run(self, df: DataFrame, ctx: StageContext) -> dict[str, DataFrame]:
        cfg: ComputeAwareSelectConfig = self.config  # type: ignore[assignment]
        law = resolve(cfg.params)
        options = LawOptions(cfg.objective or law.objective, cfg.tau_scaling)
        _check_columns(df, cfg, ctx.step)
        prepared = _prepared(df, cfg, ctx.seed)
        thresholds = _thresholds(prepared, law, cfg.quantile_relative_error)
        pooled = ctx.persist("pooled", lambda: prepared.withColumn(POOL, _pool_column(thresholds)))
        budget, tokens = cfg.budget.in_weight_units(), cfg.budget.unit == "tokens"
        choice, warnings = _decide(
            law, budget, _pool_stats(pooled, len(thresholds)), tokens, options
        )
        for warning in warnings:
            LOG.warning("%s: %s", ctx.step, warning)
            ctx.report(f"warning: {warning}")
        outputs, passes = _split(pooled, choice.best.k, budget, list(cfg.key_columns))
        shown = thresholds if cfg.higher_is_better else [-t for t in thresholds]
        facts = PlanFacts(
            shown,
            cfg.budget.unit,
            cfg.budget.value,
            passes.full_passes,
            law.name,
            options.objective,
            options.tau_scaling,
            ctx.seed,
            warnings,
        )
        return {**outputs, **_report_tables(ctx, choice, facts)}
