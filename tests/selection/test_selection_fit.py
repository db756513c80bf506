"""Grid-search fit of b and tau per pool: recover known parameters from synthetic measurements."""

from __future__ import annotations

import json

import numpy as np
import pytest

from operators.registry import get_operator
from operators.selection.candidates import choose_at
from operators.selection.fitting import (
    DEFAULT_B_GRID,
    DEFAULT_TAU_GRID,
    Measurement,
    fit,
    parse_measurements,
)
from operators.selection.parameter_sets import bundled, parameters_from_mapping
from operators.selection.scaling_law import LawOptions, PoolLaw, pool_error
from schemas.errors import UserError

B_STEP = 0.005  # linspace(-0.005, -0.5, 100)
TAU_STEP = 9 / 99  # linspace(1, 10, 100)
# true values on the default grids (b = -0.005 - 0.005 i, tau = 1 + 9 i / 99), so a fit with
# tiny noise must land on them or on a neighbouring grid point
TRUE = [
    PoolLaw("best", -0.17, 1 + 9 * 26 / 99),
    PoolLaw("good", -0.12, 1 + 9 * 76 / 99),
    PoolLaw("fair", -0.095, 1 + 9 * 7 / 99),
]


def _measurements(noise: float, objective: str = "effective_utility") -> list[Measurement]:
    """Checkpoints at 1..10 passes over a 12.8M pool, as in the paper's fits, plus noise."""
    rng = np.random.default_rng(0)
    options = LawOptions(objective=objective)  # type: ignore[arg-type]
    return [
        Measurement(
            p.name,
            e * 12.8e6,
            pool_error(e * 12.8e6, p, 12.8e6, 0.025, 0.1, options) + rng.normal(0, noise),
        )
        for p in TRUE
        for e in (1, 2, 4, 6, 8, 10)
    ]


@pytest.mark.parametrize("objective", ["effective_utility", "effective_data"])
def test_fit_recovers_known_parameters_within_grid_resolution(objective: str) -> None:
    result = fit(_measurements(2e-5, objective), 0.025, 0.1, 12.8e6, objective=objective)  # type: ignore[arg-type]
    fitted = result.parameters.pools
    assert [p.name for p in fitted] == ["best", "good", "fair"]
    for truth, got in zip(TRUE, fitted):
        assert abs(got.b - truth.b) <= B_STEP * 1.001
        assert abs(got.tau - truth.tau) <= TAU_STEP * 1.001
    assert result.rmse < 1e-3
    assert result.parameters.fitted_samples_seen == (12.8e6, 128e6)
    assert result.parameters.max_fitted_repetitions == 10


def test_fit_reproduces_the_published_parameters_exactly_on_grid() -> None:
    law = bundled("tmars_imagenet1k_utility")
    rows = [
        Measurement(p.name, e * 12.8e6, pool_error(e * 12.8e6, p, 12.8e6, 0.025, 0.1))
        for p in law.pool_laws()
        for e in (2, 4, 6, 8, 10)
    ]
    result = fit(rows, 0.025, 0.1, 12.8e6)
    assert [(p.b, p.tau) for p in result.parameters.pools] == [(p.b, p.tau) for p in law.pools]
    assert result.rmse == pytest.approx(0, abs=1e-12)
    assert choose_at(result.parameters, 640e6).best.k == 2


def test_residual_is_the_rmse_of_the_fitted_curve() -> None:
    rows = _measurements(0.0)
    zigzag = [
        Measurement(m.pool, m.samples_seen, m.error + (0.01 if i % 2 else -0.01))
        for i, m in enumerate(rows)
    ]
    result = fit(zigzag, 0.025, 0.1, 12.8e6)
    assert result.rmse > 0.005  # alternating +-0.01 cannot be absorbed by b and tau
    laws = {p.name: PoolLaw(p.name, p.b, p.tau) for p in result.parameters.pools}
    residuals = [
        pool_error(m.samples_seen, laws[m.pool], 12.8e6, 0.025, 0.1) - m.error for m in zigzag
    ]
    assert result.rmse == pytest.approx(float(np.sqrt(np.mean(np.square(residuals)))), rel=1e-9)


def test_default_grids_are_the_reference_grids() -> None:
    assert DEFAULT_B_GRID[0] == -0.005 and DEFAULT_B_GRID[-1] == -0.5 and len(DEFAULT_B_GRID) == 100
    assert DEFAULT_TAU_GRID[0] == 1 and DEFAULT_TAU_GRID[-1] == 10 and len(DEFAULT_TAU_GRID) == 100


def test_parse_measurements_csv() -> None:
    text = "pool,samples_seen,error,note\nbest,25600000,0.84,x\nbest,51200000,0.77,y\n"
    assert parse_measurements(text) == [
        Measurement("best", 25.6e6, 0.84),
        Measurement("best", 51.2e6, 0.77),
    ]
    with pytest.raises(UserError, match="lacks column"):
        parse_measurements("pool,error\nx,1\n")
    with pytest.raises(UserError, match="line 2"):
        parse_measurements("pool,samples_seen,error\nx,many,0.5\n")
    with pytest.raises(UserError, match="no rows"):
        parse_measurements("pool,samples_seen,error\n")


def test_fitted_parameters_round_trip_as_json_into_the_stage_config() -> None:
    result = fit(_measurements(0.0), 0.025, 0.1, 12.8e6, name="mine")
    text = json.dumps(result.parameters.model_dump(mode="json"))
    assert parameters_from_mapping(json.loads(text)) == result.parameters
    config = {"budget": {"value": 64e6}, "params": json.loads(text)}
    op = get_operator("compute_aware_select")(config)
    assert op.config.params == result.parameters  # type: ignore[attr-defined]
