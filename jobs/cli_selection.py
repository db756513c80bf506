"""``lakesift selection``: fit the scaling-law parameters and chart the compute frontier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

selection_app = typer.Typer(no_args_is_help=True, help="Compute-aware selection: fit parameters, chart the frontier.")


@selection_app.command("fit")
def fit_cmd(
    measurements: Path,
    out: Annotated[Path, typer.Option(help="where to write the fitted parameters (JSON)")] = Path("fitted_params.json"),
    a: Annotated[float, typer.Option(help="shared scale a")] = 0.025,
    d: Annotated[float, typer.Option(help="shared irreducible error d")] = 0.1,
    pool_size: Annotated[float, typer.Option(help="samples in one pool")] = 12.8e6,
) -> None:
    """Fit b and tau per pool from a CSV of pool,samples_seen,error measurements."""
    from operators.selection.fitting import fit, parse_measurements

    result = fit(parse_measurements(measurements.read_text(encoding="utf-8")), a, d, pool_size)
    out.write_text(json.dumps(result.parameters.model_dump(mode="json"), indent=2) + "\n")
    for pool in result.parameters.pools:
        typer.echo(f"{pool.name}: b={pool.b:.4f} tau={pool.tau:.4f} rmse={result.pool_rmse[pool.name]:.5f}")
    typer.echo(f"fit residual (RMSE): {result.rmse:.5f}; parameters written to {out}")


@selection_app.command("frontier")
def frontier_cmd(
    params: Annotated[str, typer.Option(help="bundled parameter set name or a JSON file")] = "tmars_imagenet1k_utility",
    out: Annotated[Path, typer.Option(help="folder for the plots")] = Path("selection_frontier"),
    low: Annotated[float | None, typer.Option(help="smallest budget (samples)")] = None,
    high: Annotated[float | None, typer.Option(help="largest budget (samples)")] = None,
    budget: Annotated[float | None, typer.Option(help="mark this budget on the plots")] = None,
) -> None:
    """Best candidate over a log grid of budgets, the crossover budgets, and plots (PNG + Vega-Lite)."""
    from operators.selection.frontier import frontier
    from operators.selection.parameter_sets import parameters_from_mapping, resolve
    from pipelines.selection_plots import write_selection_plots

    path = Path(params)
    law = parameters_from_mapping(json.loads(path.read_text()), str(path)) if path.suffix == ".json" else resolve(params)
    result = frontier(law, low, high)
    for c in result.crossovers:
        typer.echo(f"crossover at {c.samples_seen / 1e6:,.2f}M samples: top-{c.from_k} pools -> top-{c.to_k} pools")
    if not result.crossovers:
        typer.echo("no crossover in the budget range: the same candidate wins throughout")
    written = write_selection_plots(out, law, budget=budget, low=low, high=high)
    for file in written.values():
        typer.echo(f"wrote {file}")
