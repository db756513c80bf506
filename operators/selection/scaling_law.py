"""Repetition-aware scaling law for data pools of different quality (pure Python + numpy).

Source: S. Goyal, P. Maini, Z. C. Lipton, A. Raghunathan, J. Z. Kolter, "Scaling Laws for Data
Filtering -- Data Curation cannot be Compute Agnostic", CVPR 2024, and its reference code
(github.com/locuslab/scaling_laws_data_filtering, ``objective.py``).

One pool, first pass (n <= P unique samples): ``y(n) = (a * n / 1e5) ** b + d`` with ``b < 0``
the pool's utility. Pass ``j`` (``j`` earlier repetitions) multiplies ``y`` by
``(n_end / n_start) ** (b * 0.5 ** (j / tau))``: utility halves every ``tau`` repetitions. As in
the reference code (``func_effective_utility``), ``d`` is inside ``y`` before the repetition
factors apply.

Several pools mixed uniformly (``func_effective_utility_aggregation``): pass ``j`` of the union
uses the mean over pools of ``b_i * 0.5 ** (j / tau_i')``. The reference scales each ``tau`` by
the number of mixed pools (``estimate_best_pool.py``: ``c_list * num_buckets``); here that is
``tau_scaling="num_pools"`` (default) and ``"none"`` keeps the fitted ``tau``. Pools of unequal
size are weighted by their share of a pass (equal sizes give the plain mean).

The "effective data" variant (``func_effective_data`` / ``..._aggregation``) instead decays the
sample counts: pass ``j`` adds ``(n_end - n_start) * mean_i(0.5 ** (j / tau_i'))`` effective
samples and the exponent is the decay-weighted mean of ``b``; for one pool this is
``S_eff ** b + d`` with a fixed exponent, ``d`` added last.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from schemas.errors import UserError

Objective = Literal["effective_utility", "effective_data"]
TauScaling = Literal["num_pools", "none"]

NORMALIZER = 100_000.0
"""Samples are divided by 1e5 inside the law (reference code ``normalizer=100_000``)."""

_CHUNK = 1 << 20
_MAX_PASSES = 50_000_000
_NEGLIGIBLE_HALVINGS = 64.0  # 0.5 ** 64 ~ 5e-20: later passes change nothing in float64


@dataclass(frozen=True)
class PoolLaw:
    """Fitted parameters of one pool: utility ``b`` (< 0) and half-life ``tau`` in repetitions."""

    name: str
    b: float
    tau: float


@dataclass(frozen=True)
class LawOptions:
    """How pools are combined: which variant of the law and whether ``tau`` scales with pools."""

    objective: Objective = "effective_utility"
    tau_scaling: TauScaling = "num_pools"
    normalizer: float = NORMALIZER


DEFAULT_OPTIONS = LawOptions()


def _check(samples_seen: float, pools: Sequence[PoolLaw], sizes: Sequence[float]) -> None:
    if not pools or len(pools) != len(sizes):
        raise UserError("the scaling law needs one size per pool and at least one pool")
    if not samples_seen > 0 or any(s < 0 for s in sizes) or not sum(sizes) > 0:
        raise UserError("samples seen and the pools' total size must be positive")


def _scaled_taus(pools: Sequence[PoolLaw], tau_scaling: TauScaling) -> np.ndarray:
    factor = float(len(pools)) if tau_scaling == "num_pools" else 1.0
    return np.array([p.tau * factor for p in pools], dtype=float)


def _last_pass(samples_seen: float, pass_size: float) -> int:
    """Index of the last pass that starts before ``samples_seen`` (0 = first pass only)."""
    return max(0, math.ceil(samples_seen / pass_size) - 1)


def _passes_needed(last_pass: int, taus: np.ndarray) -> int:
    """Passes after which every decay factor is negligible (all of them if a tau is infinite)."""
    finite = taus[np.isfinite(taus)]
    if len(finite) < len(taus):
        return last_pass
    return min(last_pass, math.ceil(float(finite.max()) * _NEGLIGIBLE_HALVINGS))


def _pass_chunks(samples_seen: float, pass_size: float, upto: int):  # type: ignore[no-untyped-def]
    """Yield (pass indices j >= 1, samples at start, samples at end) in numpy chunks."""
    if upto > _MAX_PASSES:
        raise UserError(
            f"{upto} repetitions with slowly decaying utility: budget / pool size is far outside "
            "any fitted range"
        )
    for lo in range(1, upto + 1, _CHUNK):
        j = np.arange(lo, min(upto, lo + _CHUNK - 1) + 1, dtype=float)
        start = j * pass_size
        yield j, start, np.minimum(start + pass_size, samples_seen)


def _decay(j: np.ndarray, tau: float) -> np.ndarray:
    if math.isinf(tau):
        return np.ones_like(j)
    return np.exp2(-j / tau)


def _utility_log_factor(
    samples_seen: float, pass_size: float, weighted_b: np.ndarray, taus: np.ndarray
) -> float:
    """log of the product over passes j >= 1 of (end/start) ** sum_i(w_i b_i 0.5**(j/tau_i))."""
    last = _last_pass(samples_seen, pass_size)
    if last == 0:
        return 0.0
    total = 0.0
    for wb, tau in zip(weighted_b, taus, strict=True):
        if math.isinf(tau):  # no decay: the ratios telescope to samples_seen / pass_size
            total += wb * math.log(samples_seen / pass_size)
            continue
        upto = _passes_needed(last, np.array([tau]))
        for j, start, end in _pass_chunks(samples_seen, pass_size, upto):
            total += wb * float(np.sum(_decay(j, tau) * np.log1p((end - start) / start)))
    return total


def _effective_utility(
    samples_seen: float,
    sizes: np.ndarray,
    bs: np.ndarray,
    taus: np.ndarray,
    a: float,
    d: float,
    normalizer: float,
) -> float:
    pass_size = float(sizes.sum())
    weighted_b = bs * sizes / pass_size
    first = a * min(samples_seen, pass_size) / normalizer
    y = first ** float(weighted_b.sum()) + d
    return y * math.exp(_utility_log_factor(samples_seen, pass_size, weighted_b, taus))


def _effective_data(
    samples_seen: float,
    sizes: np.ndarray,
    bs: np.ndarray,
    taus: np.ndarray,
    a: float,
    d: float,
    normalizer: float,
) -> float:
    pass_size = float(sizes.sum())
    weights = sizes / pass_size
    effective = a * min(samples_seen, pass_size) / normalizer
    log_excess = float(np.dot(weights, bs)) * math.log(effective)
    upto = _passes_needed(_last_pass(samples_seen, pass_size), taus)
    for j, start, end in _pass_chunks(samples_seen, pass_size, upto):
        decay = np.stack([_decay(j, t) for t in taus])  # pools x passes
        mean_decay = weights @ decay
        b_eff = (weights * bs) @ decay / mean_decay
        added = a * (end - start) / normalizer * mean_decay
        cumulative = effective + np.cumsum(added)
        previous = np.concatenate(([effective], cumulative[:-1]))
        log_excess += float(np.sum(b_eff * np.log(cumulative / previous)))
        effective = float(cumulative[-1])
    return math.exp(log_excess) + d


def mixture_error(
    samples_seen: float,
    pools: Sequence[PoolLaw],
    pool_sizes: Sequence[float],
    a: float,
    d: float,
    options: LawOptions = DEFAULT_OPTIONS,
) -> float:
    """Predicted error after ``samples_seen`` training samples drawn uniformly from ``pools``.

    ``pool_sizes`` are the unique samples of each pool: a pass over the union has their sum.
    """
    _check(samples_seen, pools, pool_sizes)
    sizes = np.asarray(pool_sizes, dtype=float)
    bs = np.array([p.b for p in pools], dtype=float)
    taus = _scaled_taus(pools, options.tau_scaling)
    law = _effective_utility if options.objective == "effective_utility" else _effective_data
    return law(float(samples_seen), sizes, bs, taus, a, d, options.normalizer)


def pool_error(
    samples_seen: float,
    pool: PoolLaw,
    pool_size: float,
    a: float,
    d: float,
    options: LawOptions = DEFAULT_OPTIONS,
) -> float:
    """Predicted error of training on one pool alone (its curve as fitted)."""
    return mixture_error(samples_seen, [pool], [pool_size], a, d, options)


def decayed_utility(pool: PoolLaw, repetitions: float, tau_factor: float = 1.0) -> float:
    """The pool's utility after ``repetitions`` earlier passes: ``b * 0.5 ** (j / tau)``."""
    return pool.b * 0.5 ** (repetitions / (pool.tau * tau_factor))
