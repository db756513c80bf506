"""Candidates (the top-k pools for k = 1..p), the choice at a budget, and its guard rails.

Following Goyal et al., CVPR 2024 (``estimate_best_pool.py`` of the reference code), the choice
at a budget of ``n`` samples seen is the candidate with the lowest predicted error.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from operators.selection.parameter_sets import LawParameters
from operators.selection.scaling_law import DEFAULT_OPTIONS, LawOptions, mixture_error
from schemas.errors import UserError


@dataclass(frozen=True)
class CandidatePrediction:
    """The top-``k`` pools trained on for ``samples_seen`` samples, and the predicted error."""

    k: int
    pool_names: tuple[str, ...]
    samples_seen: float
    unique_samples: float
    predicted_error: float

    @property
    def repetitions(self) -> float:
        return self.samples_seen / self.unique_samples


@dataclass(frozen=True)
class Choice:
    """Every candidate, the best one and the runner-up (None with a single candidate)."""

    candidates: tuple[CandidatePrediction, ...]
    best: CandidatePrediction
    runner_up: CandidatePrediction | None

    @property
    def margin(self) -> float | None:
        """How much worse the runner-up is predicted to be."""
        if self.runner_up is None:
            return None
        return self.runner_up.predicted_error - self.best.predicted_error


def predict_candidates(
    law: LawParameters,
    samples_seen: Sequence[float],
    pool_sizes: Sequence[float],
    options: LawOptions = DEFAULT_OPTIONS,
    only: Collection[int] | None = None,
) -> list[CandidatePrediction]:
    """Predicted error of each top-k candidate; ``samples_seen[k-1]`` is candidate k's budget.

    ``pool_sizes`` are the unique samples of each pool (the data's, or ``law.pool_size``): they
    set how often a candidate repeats, while ``samples_seen`` enters the law unchanged.
    ``only`` restricts the candidates to those k (e.g. skipping empty pools).
    """
    count = min(len(samples_seen), len(pool_sizes), len(law.pools))
    ks = [k for k in range(1, count + 1) if only is None or k in only]
    if not ks:
        raise UserError("no candidate pools: the data has no scored records in the modelled pools")
    pools = law.pool_laws()
    result = []
    for k in ks:
        n, sizes = float(samples_seen[k - 1]), list(pool_sizes[:k])
        error = mixture_error(n, pools[:k], sizes, law.a, law.d, options)
        names = tuple(p.name for p in pools[:k])
        result.append(CandidatePrediction(k, names, n, float(sum(sizes)), error))
    return result


def samples_seen_per_candidate(
    budget: float, sizes: Sequence[int], weights: Sequence[float], tokens: bool
) -> list[float]:
    """Samples a trainer sees per candidate: the budget, or tokens / mean tokens of its records."""
    if not tokens:
        return [budget] * len(sizes)
    cum_n, cum_w, seen = 0, 0.0, []
    for n, w in zip(sizes, weights, strict=True):
        cum_n, cum_w = cum_n + n, cum_w + w
        seen.append(budget * cum_n / cum_w if cum_w > 0 else 0.0)
    return seen


def choose(candidates: Sequence[CandidatePrediction]) -> Choice:
    """Lowest predicted error wins; ties go to fewer pools."""
    ranked = sorted(candidates, key=lambda c: (c.predicted_error, c.k))
    runner_up = ranked[1] if len(ranked) > 1 else None
    return Choice(tuple(candidates), ranked[0], runner_up)


def choose_at(
    law: LawParameters, samples_seen: float, options: LawOptions = DEFAULT_OPTIONS
) -> Choice:
    """The choice at a budget with every pool at the size the parameters were fitted at."""
    count = len(law.pools)
    sizes = [law.pool_size] * count
    return choose(predict_candidates(law, [samples_seen] * count, sizes, options))


def choice_warnings(
    law: LawParameters, choice: Choice, options: LawOptions = DEFAULT_OPTIONS
) -> list[str]:
    """Why the prediction behind a choice may not hold (empty when nothing is suspicious)."""
    best = choice.best
    checks = [
        _objective_warning(law, options),
        _valid_region_warning(law, best),
        _fitted_range_warning(law, best),
        _repetition_warning(law, best),
        _pool_size_warning(law, best),
        _margin_warning(law, choice),
    ]
    return [w for w in checks if w]


def _objective_warning(law: LawParameters, options: LawOptions) -> str:
    if options.objective == law.objective:
        return ""
    return f"parameters were fitted with {law.objective}, predicting with {options.objective}"


def _valid_region_warning(law: LawParameters, best: CandidatePrediction) -> str:
    if best.samples_seen >= law.valid_from:
        return ""
    return (
        f"budget of {best.samples_seen:.4g} samples is below {law.valid_from:.4g} "
        f"(= {law.normalizer:g} / a), where the scaling law does not hold"
    )


def _fitted_range_warning(law: LawParameters, best: CandidatePrediction) -> str:
    if law.fitted_samples_seen is None:
        return ""
    low, high = law.fitted_samples_seen
    if low <= best.samples_seen <= high:
        return ""
    return (
        f"budget of {best.samples_seen:.4g} samples is outside the fitted range "
        f"[{low:.4g}, {high:.4g}]: the prediction extrapolates"
    )


def _repetition_warning(law: LawParameters, best: CandidatePrediction) -> str:
    limit = law.max_fitted_repetitions
    if limit is None or best.repetitions <= limit:
        return ""
    return (
        f"the chosen pools are repeated {best.repetitions:.3g} times; the parameters were "
        f"fitted up to {limit:g} repetitions"
    )


def _pool_size_warning(law: LawParameters, best: CandidatePrediction) -> str:
    per_pool = best.unique_samples / best.k
    if 0.5 <= per_pool / law.pool_size <= 2.0:
        return ""
    return (
        f"pools hold {per_pool:.4g} unique samples each, the parameters were fitted at "
        f"{law.pool_size:.4g}: repetitions are counted over the actual pools"
    )


def _margin_warning(law: LawParameters, choice: Choice) -> str:
    margin, runner_up = choice.margin, choice.runner_up
    if margin is None or runner_up is None or law.fit_rmse is None or margin >= law.fit_rmse:
        return ""
    return (
        f"top-{choice.best.k} and top-{runner_up.k} are within the fit error "
        f"(margin {margin:.4g} < rmse {law.fit_rmse:.4g}): the choice is not decisive"
    )
