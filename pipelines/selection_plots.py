"""Plots of compute-aware selection: Vega-Lite specs (for the HTML report) and PNG files.

Three charts, after Goyal et al., CVPR 2024 (Fig. 1 and 3): predicted error against samples seen
for every top-k candidate with the choice at the budget marked; each pool's utility decaying with
repetitions; and the frontier (the best candidate's error per budget, crossovers as rules).
Specs are built with altair (the ``report`` extra); PNGs with vl-convert when it is installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from operators.selection.candidates import choose_at
from operators.selection.frontier import Frontier, frontier
from operators.selection.parameter_sets import LawParameters
from operators.selection.scaling_law import DEFAULT_OPTIONS, LawOptions, decayed_utility

_WIDTH, _HEIGHT = 520, 320


def _label(law: LawParameters, k: int) -> str:
    return f"top-{k}: {', '.join(p.name for p in law.pools[:k])}"


def error_curves_chart(
    law: LawParameters,
    budgets: list[float],
    options: LawOptions = DEFAULT_OPTIONS,
    budget: float | None = None,
) -> Any:
    """Predicted error vs samples seen, one line per candidate; the choice at ``budget`` marked."""
    import altair as alt

    rows = [
        {"samples_seen": n, "error": c.predicted_error, "candidate": _label(law, c.k)}
        for n in budgets
        for c in choose_at(law, n, options).candidates
    ]
    x = alt.X("samples_seen:Q", scale=alt.Scale(type="log"), title="samples seen")
    lines = (
        alt.Chart(alt.Data(values=rows))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("error:Q", scale=alt.Scale(zero=False), title="predicted error"),
            color=alt.Color("candidate:N", sort=None, legend=alt.Legend(labelLimit=0)),
        )
    )
    if budget is None:
        return lines.properties(width=_WIDTH, height=_HEIGHT, title="Error per candidate")
    best = choose_at(law, budget, options).best
    mark = [
        {
            "samples_seen": budget,
            "error": best.predicted_error,
            "choice": f"chosen at budget: {_label(law, best.k)}",
        }
    ]
    point = alt.Chart(alt.Data(values=mark)).mark_point(size=140, filled=True, color="black")
    point = point.encode(x=x, y="error:Q", tooltip=["choice:N", "error:Q", "samples_seen:Q"])
    return (lines + point).properties(width=_WIDTH, height=_HEIGHT, title="Error per candidate")


def utility_decay_chart(law: LawParameters, max_repetitions: int = 30) -> Any:
    """Each pool's utility |b| * 0.5 ** (j / tau) against earlier repetitions j."""
    import altair as alt

    rows = [
        {"repetitions": j, "utility": -decayed_utility(p, j), "pool": p.name}
        for p in law.pool_laws()
        for j in range(max_repetitions + 1)
    ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("repetitions:Q", title="earlier repetitions"),
            y=alt.Y("utility:Q", title="utility |b| after decay"),
            color=alt.Color("pool:N", sort=None, legend=alt.Legend(labelLimit=0)),
        )
        .properties(width=_WIDTH, height=_HEIGHT, title="Utility decay with repetition")
    )


def frontier_chart(law: LawParameters, result: Frontier) -> Any:
    """The best candidate's error per budget, coloured by candidate, crossovers as rules."""
    import altair as alt

    rows = [
        {
            "samples_seen": p.samples_seen,
            "error": p.errors[p.best_k - 1],
            "best": _label(law, p.best_k),
        }
        for p in result.points
    ]
    x = alt.X("samples_seen:Q", scale=alt.Scale(type="log"), title="budget (samples seen)")
    best = (
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True)
        .encode(
            x=x,
            y=alt.Y("error:Q", scale=alt.Scale(zero=False), title="predicted error"),
            color=alt.Color(
                "best:N", sort=None, title="best candidate", legend=alt.Legend(labelLimit=0)
            ),
        )
    )
    cuts = [
        {"samples_seen": c.samples_seen, "crossover": f"top-{c.from_k} -> top-{c.to_k}"}
        for c in result.crossovers
    ]
    rules = (
        alt.Chart(alt.Data(values=cuts))
        .mark_rule(strokeDash=[4, 3])
        .encode(x=x, tooltip=["crossover:N", "samples_seen:Q"])
    )
    return (best + rules).properties(width=_WIDTH, height=_HEIGHT, title="Frontier")


def selection_charts(
    law: LawParameters,
    budget: float | None = None,
    options: LawOptions = DEFAULT_OPTIONS,
    low: float | None = None,
    high: float | None = None,
    points_per_decade: int = 20,
) -> dict[str, Any]:
    """The three charts, keyed by file stem."""
    result = frontier(law, low, high, points_per_decade, options)
    budgets = [p.samples_seen for p in result.points]
    return {
        "selection_error_curves": error_curves_chart(law, budgets, options, budget),
        "selection_utility_decay": utility_decay_chart(law),
        "selection_frontier": frontier_chart(law, result),
    }


def _png(spec: dict[str, Any]) -> bytes | None:
    try:
        import vl_convert
    except ImportError:
        return None
    return bytes(vl_convert.vegalite_to_png(spec, scale=2))


def write_selection_plots(
    out_dir: Path,
    law: LawParameters,
    budget: float | None = None,
    options: LawOptions = DEFAULT_OPTIONS,
    **grid: Any,
) -> dict[str, Path]:
    """Write ``<stem>.vl.json`` (and ``<stem>.png`` when vl-convert is present) per chart."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for stem, chart in selection_charts(law, budget, options, **grid).items():
        spec = chart.to_dict()
        path = out_dir / f"{stem}.vl.json"
        path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
        written[f"{stem}.vl.json"] = path
        png = _png(spec)
        if png is not None:
            (out_dir / f"{stem}.png").write_bytes(png)
            written[f"{stem}.png"] = out_dir / f"{stem}.png"
    return written


__all__ = ["selection_charts", "write_selection_plots"]
