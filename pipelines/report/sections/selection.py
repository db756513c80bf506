"""Compute-aware selection: the plan, the candidates, and the scaling-law charts (predicted error
per candidate with this run's choice, utility decay with repetitions, the frontier).

The law's parameters come from the selection step's config in lineage.json (a bundled name or the
parameters inline), so the charts show exactly what the run decided with.
"""

from __future__ import annotations

from typing import Any

from pipelines.report.blocks import Figure, KeyValues, Paragraph, Section, fmt, table
from pipelines.report.run_data import RunData
from pipelines.report.svg import chart_svg

SELECT_OP = "compute_aware_select"
CAPTIONS = {
    "selection_error_curves": (
        "Predicted error against samples seen for each top-k candidate, for pools of the size the law "
        "was fitted at (black circle: the law's choice at this run's budget). Diamonds: this run's "
        "candidates on its actual pools (black diamond: the one it chose)."
    ),
    "selection_utility_decay": "Each pool's utility decaying with repetitions.",
    "selection_frontier": "The best candidate at every budget; dashed rules: crossovers.",
}


def _plan(data: RunData) -> dict[str, Any] | None:
    rows = data.rows("selection_plan", limit=1)
    return rows[0] if rows else None


def _plan_facts(plan: dict[str, Any]) -> KeyValues:
    items = [
        ("chosen pools", f"top-{fmt(plan.get('chosen_k'))}: {fmt(plan.get('chosen_pools'))}"),
        ("score threshold", fmt(plan.get("score_threshold"))),
        ("budget", f"{fmt(plan.get('budget_value'))} {fmt(plan.get('budget_unit'))}"),
        ("samples seen", fmt(plan.get("budget_samples"))),
        ("unique samples", fmt(plan.get("unique_samples"))),
        ("repetitions", fmt(plan.get("repetitions"))),
        ("full passes", fmt(plan.get("full_passes"))),
        ("predicted error", fmt(plan.get("predicted_error"))),
        (
            "runner-up",
            (
                f"top-{fmt(plan.get('runner_up_k'))}: {fmt(plan.get('runner_up_pools'))} "
                f"(error {fmt(plan.get('runner_up_error'))})"
            ),
        ),
        ("margin", fmt(plan.get("margin"))),
        ("parameters", fmt(plan.get("parameters"))),
        ("objective", fmt(plan.get("objective"))),
        ("tau scaling", fmt(plan.get("tau_scaling"))),
    ]
    return KeyValues(items)


def _candidates(data: RunData) -> list[dict[str, Any]]:
    if not data.has("selection_candidates", "candidate_k", "predicted_error"):
        return []
    return sorted(data.rows("selection_candidates"), key=lambda r: int(r["candidate_k"]))


def _candidates_table(candidates: list[dict[str, Any]]) -> Any:
    columns = [
        "k",
        "pools",
        "score threshold",
        "samples seen",
        "unique samples",
        "repetitions",
        "predicted error",
        "chosen",
        "runner-up",
        "margin",
    ]
    rows = [
        [
            c["candidate_k"],
            c.get("pools"),
            c.get("score_threshold"),
            c.get("budget_samples"),
            c.get("unique_samples"),
            c.get("repetitions"),
            c["predicted_error"],
            c.get("chosen"),
            c.get("runner_up"),
            c.get("margin"),
        ]
        for c in candidates
    ]
    return table(columns, rows, "Candidates (top-k pools)", "candidates")


def _step_config(data: RunData) -> dict[str, Any] | None:
    steps = [
        op for op in data.operators() if op.get("op") == SELECT_OP or op.get("name") == SELECT_OP
    ]
    config = steps[-1].get("config") if steps else None
    return config if isinstance(config, dict) else None


def law_and_options(config: dict[str, Any]) -> tuple[Any, Any]:
    """The scaling law and options a selection step ran with (raises on unusable parameters)."""
    from operators.selection.parameter_sets import bundled, parameters_from_mapping
    from operators.selection.scaling_law import LawOptions

    params = config.get("params")
    law = bundled(params) if isinstance(params, str) else parameters_from_mapping(params, "params")
    options = LawOptions(
        config.get("objective") or law.objective, config.get("tau_scaling") or "num_pools"
    )
    return law, options


def _run_points(candidates: list[dict[str, Any]]) -> Any:
    import altair as alt

    rows = [
        {
            "samples_seen": c.get("budget_samples"),
            "error": c["predicted_error"],
            "candidate": f"top-{c['candidate_k']}: {', '.join(c.get('pools') or [])}",
            "this run": "chosen" if c.get("chosen") else "candidate",
        }
        for c in candidates
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x="samples_seen:Q",
        y="error:Q",
        tooltip=["candidate:N", "this run:N", "error:Q", "samples_seen:Q"],
    )
    others = (
        base.transform_filter("datum['this run'] == 'candidate'")
        .mark_point(shape="diamond", size=110, filled=True)
        .encode(color=alt.Color("candidate:N", sort=None))
    )
    chosen = base.transform_filter("datum['this run'] == 'chosen'").mark_point(
        shape="diamond", size=260, filled=True, color="black"
    )
    return alt.layer(others, chosen)


def _grid(law: Any, budget: float | None) -> tuple[float, float]:
    """The law's default budget range, widened to include this run's budget."""
    from operators.selection.frontier import default_range

    low, high = default_range(law)
    if budget:
        low, high = min(low, budget / 2), max(high, budget * 2)
    return low, high


def _charts(
    config: dict[str, Any], plan: dict[str, Any] | None, candidates: list[dict[str, Any]]
) -> list[Any]:
    import altair as alt

    from pipelines.selection_plots import selection_charts

    law, options = law_and_options(config)
    budget = float(plan["budget_samples"]) if plan and plan.get("budget_samples") else None
    low, high = _grid(law, budget)
    charts = selection_charts(law, budget, options, low=low, high=high)
    if candidates and all(c.get("budget_samples") for c in candidates):
        charts["selection_error_curves"] = alt.layer(
            charts["selection_error_curves"], _run_points(candidates)
        )
    return [
        Figure(chart_svg(chart), CAPTIONS[name], name.replace("_", "-"))
        for name, chart in charts.items()
    ]


def _chart_blocks(
    data: RunData, plan: dict[str, Any] | None, candidates: list[dict[str, Any]]
) -> list[Any]:
    config = _step_config(data)
    if config is None or config.get("params") is None:
        return []
    try:
        return _charts(config, plan, candidates)
    except Exception as exc:  # noqa: BLE001 - the plan and candidates still show without the law
        return [
            Paragraph(f"Scaling-law charts unavailable: {type(exc).__name__}: {str(exc)[:200]}")
        ]


def build_selection(data: RunData) -> Section | None:
    plan = _plan(data)
    candidates = _candidates(data)
    if plan is None and not candidates:
        return None
    blocks: list[Any] = [_plan_facts(plan)] if plan else []
    blocks += [Paragraph(f"Warning: {w}") for w in (plan or {}).get("warnings") or []]
    blocks += _chart_blocks(data, plan, candidates)
    blocks += [_candidates_table(candidates)] if candidates else []
    intro = f"Chose top-{fmt(plan.get('chosen_k'))} pool(s)." if plan else ""
    return Section("selection", "Compute-aware selection", blocks, intro)
