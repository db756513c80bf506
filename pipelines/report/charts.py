"""The report's own Vega-Lite charts (altair): horizontal bars, stacked or not, and histograms."""

from __future__ import annotations

from typing import Any

WIDTH = 460
BAR_STEP = 22


def hbar(
    rows: list[dict[str, Any]],
    value: str,
    label: str,
    title: str,
    value_title: str,
    color: str | None = None,
    tooltip: list[str] | None = None,
) -> Any:
    """One horizontal bar per ``label`` (in the rows' order), stacked by ``color`` when given."""
    import altair as alt

    order = list(dict.fromkeys(str(r[label]) for r in rows))
    encoding: dict[str, Any] = {
        "x": alt.X(f"{value}:Q", title=value_title),
        "y": alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        "tooltip": tooltip or [f"{label}:N", f"{value}:Q"],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", sort=None, legend=alt.Legend(labelLimit=320))
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(**encoding)
    return chart.properties(width=WIDTH, height=alt.Step(BAR_STEP), title=title)


def histogram(
    rows: list[dict[str, Any]],
    bucket: str,
    count: str,
    title: str,
    bucket_title: str,
    count_title: str,
) -> Any:
    """Vertical bars of pre-aggregated counts per (ordinal) bucket."""
    import altair as alt

    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X(f"{bucket}:O", title=bucket_title, sort=None),
            y=alt.Y(f"{count}:Q", title=count_title, axis=alt.Axis(format="d", tickMinStep=1)),
            tooltip=[f"{bucket}:O", f"{count}:Q"],
        )
    )
    width: Any = alt.Step(36) if len(rows) <= 12 else WIDTH
    return chart.properties(width=width, height=220, title=title)
