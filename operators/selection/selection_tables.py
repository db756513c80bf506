"""Rows and Spark schemas of the selection side outputs ``selection_candidates`` and
``selection_plan`` (pure: the stage turns them into DataFrames)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from operators.selection.candidates import CandidatePrediction, Choice

CANDIDATES_DDL = (
    "candidate_k int, pools array<string>, score_threshold double, budget_samples double, "
    "unique_samples long, repetitions double, predicted_error double, chosen boolean, "
    "runner_up boolean, margin double"
)
PLAN_DDL = (
    "chosen_k int, chosen_pools array<string>, score_threshold double, budget_unit string, "
    "budget_value double, budget_samples double, unique_samples long, repetitions double, "
    "full_passes int, predicted_error double, runner_up_k int, runner_up_pools array<string>, "
    "runner_up_error double, margin double, parameters string, objective string, "
    "tau_scaling string, seed long, warnings array<string>"
)


@dataclass(frozen=True)
class PlanFacts:
    """What the stage knows besides the choice: thresholds, budget, passes, settings."""

    thresholds: list[float]
    budget_unit: str
    budget_value: float
    full_passes: int
    parameters: str
    objective: str
    tau_scaling: str
    seed: int
    warnings: list[str]


def candidate_rows(choice: Choice, thresholds: list[float]) -> list[tuple[Any, ...]]:
    """One row per candidate; ``margin`` is the gap to the best (for the best: to the runner-up)."""
    best, runner_up, margin = choice.best, choice.runner_up, choice.margin
    return [
        (
            c.k,
            list(c.pool_names),
            thresholds[c.k - 1],
            c.samples_seen,
            int(c.unique_samples),
            c.repetitions,
            c.predicted_error,
            c is best,
            c is runner_up,
            margin if c is best else c.predicted_error - best.predicted_error,
        )
        for c in choice.candidates
    ]


def _runner_up(c: CandidatePrediction | None) -> tuple[Any, ...]:
    if c is None:
        return None, None, None
    return c.k, list(c.pool_names), c.predicted_error


def plan_row(choice: Choice, facts: PlanFacts) -> tuple[Any, ...]:
    """The one row of ``selection_plan``."""
    best = choice.best
    return (
        best.k,
        list(best.pool_names),
        facts.thresholds[best.k - 1],
        facts.budget_unit,
        facts.budget_value,
        best.samples_seen,
        int(best.unique_samples),
        best.repetitions,
        facts.full_passes,
        best.predicted_error,
        *_runner_up(choice.runner_up),
        choice.margin,
        facts.parameters,
        facts.objective,
        facts.tau_scaling,
        facts.seed,
        list(facts.warnings),
    )
