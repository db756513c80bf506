"""Fit each pool's ``b`` and ``tau`` by grid search, with ``a`` and ``d`` shared and given.

As in the reference code of Goyal et al., CVPR 2024 (``grid_search.py``: a grid rather than a
gradient optimiser, because of instabilities they observed), the default grids are
``b`` in linspace(-0.005, -0.5, 100) and ``tau`` in linspace(1, 10, 100). The loss is the sum of
squared errors over a pool's measurements; the reported residual is the RMSE.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from operators.selection.parameter_sets import (
    LawParameters,
    PoolParameters,
    parameters_from_mapping,
)
from operators.selection.scaling_law import NORMALIZER, Objective
from schemas.errors import UserError

_MAX_FIT_PASSES = 1_000_000
DEFAULT_B_GRID = tuple(np.linspace(-0.005, -0.5, 100).tolist())
DEFAULT_TAU_GRID = tuple(np.linspace(1.0, 10.0, 100).tolist())


@dataclass(frozen=True)
class Measurement:
    """Error of a model trained on one pool after ``samples_seen`` samples."""

    pool: str
    samples_seen: float
    error: float


@dataclass(frozen=True)
class FitResult:
    """The fitted parameter set and each pool's residual."""

    parameters: LawParameters
    pool_rmse: dict[str, float]

    @property
    def rmse(self) -> float:
        assert self.parameters.fit_rmse is not None
        return self.parameters.fit_rmse


def parse_measurements(text: str) -> list[Measurement]:
    """Rows of a CSV with a header ``pool,samples_seen,error`` (other columns are ignored)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"pool", "samples_seen", "error"} - set(reader.fieldnames or [])
    if missing:
        raise UserError(f"measurements CSV lacks column(s): {', '.join(sorted(missing))}")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            rows.append(Measurement(row["pool"], float(row["samples_seen"]), float(row["error"])))
        except (TypeError, ValueError):
            raise UserError(
                f"measurements CSV line {line}: samples_seen and error must be numbers"
            ) from None
    if not rows:
        raise UserError("measurements CSV has no rows")
    return rows


def _pass_table(samples_seen: float, pool_size: float) -> tuple[float, np.ndarray, np.ndarray]:
    """First-pass samples, then for passes j >= 1 their index and (start, end) samples."""
    last = max(0, math.ceil(samples_seen / pool_size) - 1)
    if last > _MAX_FIT_PASSES:
        raise UserError(f"a measurement repeats its pool {last} times: too many to fit")
    j = np.arange(1, last + 1, dtype=float)
    start = j * pool_size
    bounds = np.stack([start, np.minimum(start + pool_size, samples_seen)])
    return min(samples_seen, pool_size), j, bounds


def _predict_grid(
    m: Measurement,
    pool_size: float,
    a: float,
    d: float,
    b: np.ndarray,
    tau: np.ndarray,
    objective: Objective,
) -> np.ndarray:
    """Predicted error of one measurement for every (b, tau): shape (len(b), len(tau))."""
    first, j, bounds = _pass_table(m.samples_seen, pool_size)
    decay = np.exp2(-j[None, :] / tau[:, None])  # tau x passes
    if objective == "effective_utility":
        log_ratios = decay @ np.log(bounds[1] / bounds[0]) if len(j) else np.zeros_like(tau)
        base = (a * first / NORMALIZER) ** b[:, None] + d
        return base * np.exp(b[:, None] * log_ratios[None, :])
    added = decay @ (bounds[1] - bounds[0]) if len(j) else np.zeros_like(tau)
    effective = a * (first + added) / NORMALIZER
    return effective[None, :] ** b[:, None] + d


def _fit_pool(
    rows: Sequence[Measurement],
    pool_size: float,
    a: float,
    d: float,
    b: np.ndarray,
    tau: np.ndarray,
    objective: Objective,
) -> tuple[float, float, float]:
    """(b, tau, rmse) minimising the squared error over one pool's measurements."""
    sse = np.zeros((len(b), len(tau)))
    for m in rows:
        sse += (_predict_grid(m, pool_size, a, d, b, tau, objective) - m.error) ** 2
    i, k = np.unravel_index(int(np.argmin(sse)), sse.shape)
    return float(b[i]), float(tau[k]), math.sqrt(float(sse[i, k]) / len(rows))


def fit(
    measurements: Sequence[Measurement],
    a: float,
    d: float,
    pool_size: float,
    *,
    objective: Objective = "effective_utility",
    pool_fraction: float = 0.1,
    b_grid: Sequence[float] = DEFAULT_B_GRID,
    tau_grid: Sequence[float] = DEFAULT_TAU_GRID,
    name: str = "fitted",
) -> FitResult:
    """Fit ``b`` and ``tau`` per pool (pools best first, in order of first appearance)."""
    if not measurements or not a > 0 or not pool_size > 0:
        raise UserError("fitting needs measurements, a > 0 and pool_size > 0")
    b, tau = np.asarray(b_grid, dtype=float), np.asarray(tau_grid, dtype=float)
    names = list(dict.fromkeys(m.pool for m in measurements))
    pools, rmse = [], {}
    for pool in names:
        rows = [m for m in measurements if m.pool == pool]
        best_b, best_tau, rmse[pool] = _fit_pool(rows, pool_size, a, d, b, tau, objective)
        pools.append(PoolParameters(name=pool, b=best_b, tau=best_tau))
    seen = [m.samples_seen for m in measurements]
    counts = {p: sum(m.pool == p for m in measurements) for p in names}
    overall = math.sqrt(sum(rmse[p] ** 2 * counts[p] for p in names) / len(seen))
    params = parameters_from_mapping(
        {
            "name": name,
            "objective": objective,
            "a": a,
            "d": d,
            "pool_fraction": pool_fraction,
            "pool_size": pool_size,
            "pools": pools,
            "fitted_samples_seen": (min(seen), max(seen)),
            "max_fitted_repetitions": max(seen) / pool_size,
            "fit_rmse": overall,
        },
        where="fit",
    )
    return FitResult(params, rmse)
