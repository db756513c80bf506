"""The scaling law against values derived independently of the implementation.

Reference values are computed in this file with a closed form written separately from
``operators.selection.scaling_law`` (Goyal et al., CVPR 2024, eq. for repeated data):

    y(n) = ((a * min(n, P) / 1e5) ** b + d) * prod_{j=1}^{ceil(n/P)-1} (end_j / start_j) ** e_j

where ``start_j = j * P``, ``end_j = min((j + 1) * P, n)`` and, for one pool,
``e_j = b * 0.5 ** (j / tau)``; for a uniform mixture of p pools ``P`` is the sum of their sizes
and ``e_j = mean_i(b_i * 0.5 ** (j / (p * tau_i)))``. The worked check values are hand-derived:
3.2 ** -0.16 + 0.1 = 0.930187 and 0.930187 * 2 ** (-0.16 * 0.5 ** (1 / 6.7272727)) = 0.841630.
"""

from __future__ import annotations

import math

import pytest

from operators.selection.parameter_sets import bundled
from operators.selection.scaling_law import LawOptions, PoolLaw, mixture_error, pool_error
from schemas.errors import UserError

A, D, P = 0.025, 0.1, 12_800_000
BUNDLED = [
    (-0.16, 6.7272727272727275),
    (-0.125, 8.545454545454547),
    (-0.10, 5.2727272727272725),
    (-0.085, 2.2727272727272725),
]


def closed_form(n: float, bs: list[float], taus: list[float], pool: float = P) -> float:
    """Independent product over passes (see module docstring); taus already scaled."""
    size = pool * len(bs)
    first = (A * min(n, size) / 1e5) ** (sum(bs) / len(bs)) + D
    passes = range(1, math.ceil(n / size))
    return first * math.prod(
        (min((j + 1) * size, n) / (j * size))
        ** (sum(b * 0.5 ** (j / t) for b, t in zip(bs, taus)) / len(bs))
        for j in passes
    )


def test_worked_check() -> None:
    pool = PoolLaw("top", -0.16, 6.7272727)
    assert pool_error(12.8e6, pool, P, A, D) == pytest.approx(0.930187, abs=1e-6)
    assert pool_error(25.6e6, pool, P, A, D) == pytest.approx(0.841630, abs=1e-6)


def test_bundled_parameters_are_the_published_ones() -> None:
    law = bundled("tmars_imagenet1k_utility")
    assert (law.a, law.d, law.pool_size, law.pool_fraction) == (0.025, 0.1, 12_800_000, 0.1)
    assert [(p.b, p.tau) for p in law.pools] == BUNDLED


@pytest.mark.parametrize("n", [12.8e6, 64e6, 128e6, 640e6])
@pytest.mark.parametrize("index", range(4))
def test_single_pool_curves_match_the_closed_form(n: float, index: int) -> None:
    law = bundled("tmars_imagenet1k_utility")
    b, tau = BUNDLED[index]
    got = pool_error(n, law.pool_laws()[index], law.pool_size, law.a, law.d)
    assert got == pytest.approx(closed_form(n, [b], [tau]), abs=1e-9)


@pytest.mark.parametrize("n", [20e6, 32e6, 100e6, 640e6])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_mixtures_match_the_closed_form(n: float, k: int) -> None:
    pools = bundled("tmars_imagenet1k_utility").pool_laws()[:k]
    bs, taus = [b for b, _ in BUNDLED[:k]], [t for _, t in BUNDLED[:k]]
    scaled = mixture_error(n, pools, [P] * k, A, D)
    unscaled = mixture_error(n, pools, [P] * k, A, D, LawOptions(tau_scaling="none"))
    assert scaled == pytest.approx(closed_form(n, bs, [t * k for t in taus]), abs=1e-9)
    assert unscaled == pytest.approx(closed_form(n, bs, taus), abs=1e-9)


@pytest.mark.parametrize("n", [12.8e6, 40e6, 128e6])
def test_effective_data_single_pool_is_decayed_samples_with_fixed_exponent(n: float) -> None:
    b, tau = BUNDLED[0]
    passes = range(math.ceil(n / P))
    effective = sum((min((j + 1) * P, n) - j * P) * 0.5 ** (j / tau) for j in passes)
    expected = (A * effective / 1e5) ** b + D
    got = pool_error(n, PoolLaw("top", b, tau), P, A, D, LawOptions(objective="effective_data"))
    assert got == pytest.approx(expected, abs=1e-9)


def test_unequal_pools_are_weighted_by_their_share_of_a_pass() -> None:
    pools = [PoolLaw("x", -0.2, 4.0), PoolLaw("y", -0.1, 2.0)]
    n, sizes = 5e6, [3e6, 1e6]
    e = [(0.75 * -0.2 * 0.5 ** (j / 8.0) + 0.25 * -0.1 * 0.5 ** (j / 4.0)) for j in (1,)]
    expected = ((A * 4e6 / 1e5) ** (0.75 * -0.2 + 0.25 * -0.1) + D) * (5 / 4) ** e[0]
    assert mixture_error(n, pools, sizes, A, D) == pytest.approx(expected, abs=1e-12)


def test_many_repetitions_stay_finite_and_never_raise_the_error() -> None:
    fast = PoolLaw("fast", -0.16, 6.7)  # 1e8 passes: decay makes later ones negligible
    assert math.isfinite(pool_error(1e9, fast, 10, A, D))
    assert pool_error(1e9, fast, 10, A, D) <= pool_error(1e8, fast, 10, A, D)
    slow = PoolLaw("slow", -0.1, 1e5)  # millions of passes computed in chunks
    assert pool_error(1e10, slow, 1e3, A, D) < pool_error(1e9, slow, 1e3, A, D)


def test_invalid_inputs_are_user_errors() -> None:
    with pytest.raises(UserError):
        pool_error(0, PoolLaw("x", -0.1, 2.0), P, A, D)
    with pytest.raises(UserError):
        mixture_error(1e6, [], [], A, D)
