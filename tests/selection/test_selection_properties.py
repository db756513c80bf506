"""Property tests of the scaling law (hypothesis)."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from operators.selection.scaling_law import LawOptions, PoolLaw, mixture_error

OPTIONS = st.builds(
    LawOptions,
    objective=st.sampled_from(["effective_utility", "effective_data"]),
    tau_scaling=st.sampled_from(["num_pools", "none"]),
)
UTILITIES = st.lists(st.floats(-0.5, -0.005), min_size=2, max_size=5)


@settings(max_examples=150, deadline=None)
@given(
    bs=UTILITIES,
    tau=st.sampled_from([math.inf, 1e12]),
    a=st.floats(1e-3, 1.0),
    d=st.floats(0.0, 0.5),
    pool_size=st.floats(1e3, 1e7),
    log_factor=st.floats(0.01, 4.0),
    options=OPTIONS,
)
def test_without_decay_the_best_pool_alone_never_loses(
    bs: list[float],
    tau: float,
    a: float,
    d: float,
    pool_size: float,
    log_factor: float,
    options: LawOptions,
) -> None:
    """tau -> infinity: mixing in a worse pool cannot help where the law holds (n > 1e5 / a)."""
    ordered = sorted(bs)
    n = 1e5 / a * 10**log_factor
    pools = [PoolLaw(f"p{i}", b, tau) for i, b in enumerate(ordered)]
    if n / pool_size > 1e4:  # keep the finite-tau case cheap
        n = pool_size * 1e4
    if n <= 1e5 / a:
        return
    # a huge finite tau still decays by ~passes / tau: allow that much relative slack
    slack = 1e-12 if math.isinf(tau) else 1e-6
    alone = mixture_error(n, pools[:1], [pool_size], a, d, options)
    for k in range(2, len(pools) + 1):
        mixed = mixture_error(n, pools[:k], [pool_size] * k, a, d, options)
        assert alone <= mixed * (1 + slack)


@settings(max_examples=150, deadline=None)
@given(
    pools=st.lists(
        st.builds(PoolLaw, name=st.just("p"), b=st.floats(-0.5, -0.005), tau=st.floats(0.5, 20)),
        min_size=1,
        max_size=4,
    ),
    a=st.floats(1e-3, 1.0),
    d=st.floats(0.0, 0.5),
    pool_size=st.floats(1e3, 1e6),
    budgets=st.lists(st.floats(1e2, 1e9), min_size=2, max_size=6),
    options=OPTIONS,
)
def test_error_never_increases_with_budget(
    pools: list[PoolLaw],
    a: float,
    d: float,
    pool_size: float,
    budgets: list[float],
    options: LawOptions,
) -> None:
    sizes = [pool_size] * len(pools)
    errors = [mixture_error(n, pools, sizes, a, d, options) for n in sorted(budgets)]
    for smaller, larger in itertools.pairwise(errors):
        assert larger <= smaller * (1 + 1e-12)
