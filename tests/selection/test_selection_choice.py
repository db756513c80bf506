"""The choice on the published parameters, the crossovers and the guard-rail warnings.

Expected errors are recomputed here with an independent closed form (product over passes,
Goyal et al., CVPR 2024): y = ((a * min(n, S) / 1e5) ** mean(b) + d) * prod_j (end_j / start_j)
** mean_i(b_i * 0.5 ** (j / tau_i')), S = k * 12.8M, tau_i' = k * tau_i by default.
"""

from __future__ import annotations

import math

import pytest

from operators.selection.candidates import (
    choice_warnings,
    choose_at,
    samples_seen_per_candidate,
)
from operators.selection.frontier import frontier, log_grid
from operators.selection.parameter_sets import bundled, parameters_from_mapping
from operators.selection.scaling_law import LawOptions
from schemas.errors import UserError

LAW = bundled("tmars_imagenet1k_utility")
BS = [-0.16, -0.125, -0.10, -0.085]
TAUS = [6.7272727272727275, 8.545454545454547, 5.2727272727272725, 2.2727272727272725]


def expected_error(n: float, k: int, scale_tau: bool = True) -> float:
    size, bs = 12.8e6 * k, BS[:k]
    taus = [t * (k if scale_tau else 1) for t in TAUS[:k]]
    y = (0.025 * min(n, size) / 1e5) ** (sum(bs) / k) + 0.1
    for j in range(1, math.ceil(n / size)):
        exponent = sum(b * 0.5 ** (j / t) for b, t in zip(bs, taus)) / k
        y *= (min((j + 1) * size, n) / (j * size)) ** exponent
    return y


def expected_best(n: float, scale_tau: bool = True) -> int:
    return min(range(1, 5), key=lambda k: expected_error(n, k, scale_tau))


@pytest.mark.parametrize(("budget", "best_k"), [(32e6, 1), (64e6, 1), (128e6, 2), (640e6, 2)])
def test_published_choice(budget: float, best_k: int) -> None:
    choice = choose_at(LAW, budget)
    assert choice.best.k == best_k == expected_best(budget)
    assert choice.best.pool_names == tuple(["top 0-10%", "top 10-20%"][:best_k])
    for c in choice.candidates:
        assert c.predicted_error == pytest.approx(expected_error(budget, c.k), abs=1e-9)
    assert choice.margin == pytest.approx(
        sorted(expected_error(budget, k) for k in range(1, 5))[1] - expected_error(budget, best_k),
        abs=1e-9,
    )


def test_without_tau_scaling_the_top_pool_holds_out_longer() -> None:
    options = LawOptions(tau_scaling="none")
    for budget in (64e6, 128e6, 640e6):
        assert choose_at(LAW, budget, options).best.k == expected_best(budget, scale_tau=False)
    assert choose_at(LAW, 128e6, options).best.k == 1


def test_crossovers_are_where_the_best_candidate_changes() -> None:
    result = frontier(LAW)
    pairs = [(c.from_k, c.to_k) for c in result.crossovers]
    assert pairs == [(1, 2), (2, 3)]
    first, second = result.crossovers
    assert 64e6 < first.samples_seen < 128e6
    assert 640e6 < second.samples_seen < 2.56e9
    for c in result.crossovers:
        a, b = c.samples_seen * (1 - 1e-6), c.samples_seen * (1 + 1e-6)
        assert expected_error(a, c.from_k) < expected_error(a, c.to_k)
        assert expected_error(b, c.to_k) < expected_error(b, c.from_k)
    assert result.points[0].best_k == 1 and result.points[-1].best_k == 3


def test_frontier_points_cover_the_grid_with_each_candidates_error() -> None:
    result = frontier(LAW, 1e7, 1e9, points_per_decade=4)
    assert [p.samples_seen for p in result.points] == pytest.approx(log_grid(1e7, 1e9, 4))
    for p in result.points:
        assert p.errors[p.best_k - 1] == min(p.errors)
    with pytest.raises(UserError):
        log_grid(10, 1)


def test_warnings_outside_the_fitted_range_and_repetitions() -> None:
    warnings = choice_warnings(LAW, choose_at(LAW, 640e6))
    assert any("outside the fitted range" in w for w in warnings)
    assert any("repeated 25 times" in w for w in warnings)
    assert choice_warnings(LAW, choose_at(LAW, 64e6)) == []


def test_warning_below_the_valid_region() -> None:
    warnings = choice_warnings(LAW, choose_at(LAW, 1e6))  # 1e5 / a = 4e6
    assert any("does not hold" in w and "4e+06" in w for w in warnings)


def test_warning_when_candidates_are_within_the_fit_error() -> None:
    loose = parameters_from_mapping({**LAW.model_dump(), "fit_rmse": 0.05})
    warnings = choice_warnings(loose, choose_at(loose, 100e6))
    assert any("within the fit error" in w for w in warnings)


def test_warning_when_predicting_with_another_objective() -> None:
    options = LawOptions(objective="effective_data")
    warnings = choice_warnings(LAW, choose_at(LAW, 64e6, options), options)
    assert any("fitted with effective_utility" in w for w in warnings)


def test_bad_parameters_are_user_errors_with_locations() -> None:
    with pytest.raises(UserError) as info:
        parameters_from_mapping(
            {"a": 0.1, "d": 0.1, "pool_size": 10, "pools": [{"name": "x", "b": 0.2, "tau": 1}]}
        )
    assert any("pools.0.b" in line for line in info.value.lines())
    with pytest.raises(UserError, match="unknown bundled"):
        bundled("nope")


def test_token_budgets_become_samples_per_candidate() -> None:
    # pools of 10, 10, 20 records holding 1000, 500 and 500 tokens; a budget of 6000 tokens
    seen = samples_seen_per_candidate(6000, [10, 10, 20], [1000.0, 500.0, 500.0], tokens=True)
    assert seen == pytest.approx([60.0, 6000 / 75, 6000 / 50])
    assert samples_seen_per_candidate(42, [1, 2], [5.0, 5.0], tokens=False) == [42, 42]
