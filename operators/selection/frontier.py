"""The frontier: the best candidate over a log grid of budgets, and the crossover budgets.

A crossover is the budget at which the best candidate changes (Goyal et al., CVPR 2024, Fig. 1:
small budgets favour the top pool alone, larger ones mixing in lower-quality pools).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from operators.selection.candidates import choose_at
from operators.selection.parameter_sets import LawParameters
from operators.selection.scaling_law import DEFAULT_OPTIONS, LawOptions
from schemas.errors import UserError

_BISECTION_STEPS = 60


@dataclass(frozen=True)
class FrontierPoint:
    """One budget: the best candidate and every candidate's predicted error (index k - 1)."""

    samples_seen: float
    best_k: int
    errors: tuple[float, ...]


@dataclass(frozen=True)
class Crossover:
    """The budget at which the best candidate changes from ``from_k`` to ``to_k`` pools."""

    samples_seen: float
    from_k: int
    to_k: int


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    crossovers: tuple[Crossover, ...]


def log_grid(low: float, high: float, points_per_decade: int = 20) -> list[float]:
    """Budgets from ``low`` to ``high`` evenly spaced in log10, both ends included."""
    if not 0 < low < high or points_per_decade < 1:
        raise UserError("a budget grid needs 0 < low < high and at least one point per decade")
    steps = max(1, math.ceil(math.log10(high / low) * points_per_decade))
    return [low * (high / low) ** (i / steps) for i in range(steps + 1)]


def default_range(law: LawParameters) -> tuple[float, float]:
    """From where the law holds to 50 passes over all modelled pools at their fitted size."""
    return law.valid_from, law.pool_size * len(law.pools) * 50


def _point(law: LawParameters, samples_seen: float, options: LawOptions) -> FrontierPoint:
    choice = choose_at(law, samples_seen, options)
    errors = tuple(c.predicted_error for c in choice.candidates)
    return FrontierPoint(samples_seen, choice.best.k, errors)


def _refine(
    law: LawParameters, low: FrontierPoint, high: FrontierPoint, options: LawOptions
) -> Crossover:
    """Bisect (in log space) for the budget where the best candidate stops being ``low``'s."""
    lo, hi = low.samples_seen, high.samples_seen
    to_k = high.best_k
    for _ in range(_BISECTION_STEPS):
        mid = math.sqrt(lo * hi)
        point = _point(law, mid, options)
        if point.best_k == low.best_k:
            lo = mid
        else:
            hi, to_k = mid, point.best_k
    return Crossover(hi, low.best_k, to_k)


def frontier(
    law: LawParameters,
    low: float | None = None,
    high: float | None = None,
    points_per_decade: int = 20,
    options: LawOptions = DEFAULT_OPTIONS,
) -> Frontier:
    """Best candidate at each budget of a log grid, with every crossover refined by bisection."""
    default_low, default_high = default_range(law)
    grid = log_grid(low or default_low, high or default_high, points_per_decade)
    points = [_point(law, n, options) for n in grid]
    crossovers = [
        _refine(law, before, after, options)
        for before, after in itertools.pairwise(points)
        if before.best_k != after.best_k
    ]
    return Frontier(tuple(points), tuple(crossovers))
