"""compute_aware_select on tiny Spark data: budget, determinism, pools, provenance, side outputs."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import functions as F

from operators.base import MAIN, REJECT_REASON, REJECTS, StageContext
from operators.registry import get_operator
from schemas.errors import UserError
from schemas.provenance import PROVENANCE_COLUMNS, PROVENANCE_DDL

RECORDS = 200
# a = 1e4 puts the law's valid region (n > 1e5 / a = 10 samples) inside tiny budgets.
PARAMS = {
    "name": "tiny",
    "a": 1e4,
    "d": 0.1,
    "pool_fraction": 0.1,
    "pool_size": 20,
    "pools": [
        {"name": "p0", "b": -0.16, "tau": 6.7272727},
        {"name": "p1", "b": -0.125, "tau": 8.5454545},
        {"name": "p2", "b": -0.10, "tau": 5.2727273},
        {"name": "p3", "b": -0.085, "tau": 2.2727273},
    ],
}


@pytest.fixture(scope="module")
def scored(spark: Any) -> Any:
    """200 records, distinct scores (a permutation of ids), token counts 10..16, provenance."""
    rows = [
        (
            i,
            ((i * 37) % RECORDS) / RECORDS,
            10 + i % 7,
            [f"src{i % 3}"],
            f"in.parquet#{i}",
            i % 4,
            "MIT",
            i % 2 == 0,
            False,
            False,
            i % 5 == 0,
        )
        for i in range(RECORDS)
    ]
    ddl = ", ".join(f"{c} {PROVENANCE_DDL[c]}" for c in PROVENANCE_COLUMNS)
    return spark.createDataFrame(rows, f"id long, quality_score double, tokens int, {ddl}")


def _run(spark: Any, df: Any, seed: int = 7, **config: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"params": PARAMS, "key_columns": ["id"], "quantile_relative_error": 0.0}
    op = get_operator("compute_aware_select")({**base, **config})
    return op.run(df, StageContext(step="select", seed=seed, spark=spark))


def _selected(out: dict[str, Any]) -> dict[int, int]:
    return {r["id"]: r["_repeat"] for r in out[MAIN].select("id", "_repeat").collect()}


@pytest.mark.parametrize("budget", [1, 35, 130, 999])
def test_repeats_sum_to_the_budget_in_samples(spark: Any, scored: Any, budget: int) -> None:
    out = _run(spark, scored, budget={"unit": "samples", "value": budget})
    repeats = _selected(out)
    assert sum(repeats.values()) == budget
    assert min(repeats.values()) >= 1
    assert max(repeats.values()) - min(repeats.values()) <= 1  # full passes + one partial pass


@pytest.mark.slow
def test_selection_is_reproducible_with_a_seed(spark: Any, scored: Any) -> None:
    budget = {"unit": "samples", "value": 50}
    first = _selected(_run(spark, scored, seed=3, budget=budget))
    again = _selected(_run(spark, scored.repartition(3), seed=3, budget=budget))
    other = _selected(_run(spark, scored, seed=4, budget=budget))
    assert first == again
    assert first != other
    assert sum(other.values()) == 50


def test_token_budget_is_met_within_one_record(spark: Any, scored: Any) -> None:
    budget = 1234
    out = _run(spark, scored, budget={"unit": "tokens", "value": budget, "token_column": "tokens"})
    rows = out[MAIN].select((F.col("tokens") * F.col("_repeat")).alias("t")).collect()
    seen = sum(r["t"] for r in rows)
    assert budget <= seen < budget + 16  # the largest record holds 16 tokens


def test_pools_follow_score_thresholds_and_rows_are_accounted(spark: Any, scored: Any) -> None:
    out = _run(spark, scored, budget={"unit": "samples", "value": 400})
    plan = out["selection_plan"].collect()[0]
    kept = out[MAIN].select("quality_score").collect()
    below = out[REJECTS].filter(F.col(REJECT_REASON) == "compute_aware_select:below_threshold")
    assert all(r["quality_score"] >= plan["score_threshold"] for r in kept)
    assert below.filter(F.col("quality_score") >= plan["score_threshold"]).count() == 0
    # exact quantiles over 200 distinct scores: the top-k pools hold 20 * k records (+- 1 tie rule)
    assert abs(len(kept) - 20 * plan["chosen_k"]) <= 1
    assert plan["unique_samples"] == len(kept)
    assert plan["full_passes"] == 400 // len(kept)
    assert plan["repetitions"] == pytest.approx(400 / len(kept))
    assert out[MAIN].count() + out[REJECTS].count() == RECORDS


def test_provenance_columns_survive_untouched(spark: Any, scored: Any) -> None:
    out = _run(spark, scored, budget={"unit": "samples", "value": 30})
    cols = ["id", *PROVENANCE_COLUMNS]
    kept = {r["id"]: r for r in out[MAIN].select(*cols).collect()}
    original = {r["id"]: r for r in scored.select(*cols).collect()}
    assert kept and all(kept[i] == original[i] for i in kept)
    assert out[MAIN].columns == [*scored.columns, "_repeat"]
    assert out[REJECTS].columns == [*scored.columns, REJECT_REASON]


def test_side_outputs_describe_every_candidate(spark: Any, scored: Any) -> None:
    out = _run(spark, scored, budget={"unit": "gpu_hours", "value": 2, "samples_per_gpu_hour": 40})
    cands = sorted(out["selection_candidates"].collect(), key=lambda r: r["candidate_k"])
    plan = out["selection_plan"].collect()[0]
    assert [r["candidate_k"] for r in cands] == [1, 2, 3, 4]
    chosen = [r for r in cands if r["chosen"]]
    assert len(chosen) == 1 and chosen[0]["candidate_k"] == plan["chosen_k"]
    assert chosen[0]["predicted_error"] == min(r["predicted_error"] for r in cands)
    runner = next(r for r in cands if r["runner_up"])
    assert plan["margin"] == pytest.approx(runner["predicted_error"] - plan["predicted_error"])
    assert plan["budget_samples"] == 80 and sum(_selected(out).values()) == 80
    thresholds = [r["score_threshold"] for r in cands]
    assert thresholds == sorted(thresholds, reverse=True)


def test_lower_is_better_scores_pick_the_lowest(spark: Any, scored: Any) -> None:
    out = _run(spark, scored, higher_is_better=False, budget={"unit": "samples", "value": 20})
    plan = out["selection_plan"].collect()[0]
    kept = [r["quality_score"] for r in out[MAIN].collect()]
    assert all(s <= plan["score_threshold"] for s in kept)


def test_records_without_score_are_rejected_with_a_reason(spark: Any, scored: Any) -> None:
    holes = scored.withColumn(
        "quality_score",
        F.when(F.col("id") % 10 == 0, F.lit(None)).otherwise(F.col("quality_score")),
    )
    out = _run(spark, holes, budget={"unit": "samples", "value": 20})
    reasons = out[REJECTS].filter(F.col("quality_score").isNull()).select(REJECT_REASON).distinct()
    assert [r[0] for r in reasons.collect()] == ["compute_aware_select:no_score"]


def test_unknown_score_column_is_a_user_error(spark: Any, scored: Any) -> None:
    with pytest.raises(UserError, match="unknown column"):
        _run(spark, scored, score_column="nope", budget={"unit": "samples", "value": 5})


def test_bad_config_is_rejected_before_spark() -> None:
    cls = get_operator("compute_aware_select")
    with pytest.raises(Exception, match="token_column"):
        cls({"budget": {"unit": "tokens", "value": 10}})
    with pytest.raises(Exception, match="unknown bundled parameter set"):
        cls({"budget": {"value": 10}, "params": "nope"})
