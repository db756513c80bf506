"""Licenses: the license mix of every output, review flags, attribution notices and the sources
(all from lineage.json: ``tables[t].license`` and ``sources``)."""

from __future__ import annotations

from typing import Any

from pipelines.report.blocks import Figure, Paragraph, Records, Section, fmt, mapping, table
from pipelines.report.charts import hbar
from pipelines.report.run_data import RunData
from pipelines.report.svg import chart_svg
from schemas.provenance import USE_CLASSES


def _licensed(data: RunData) -> dict[str, dict[str, Any]]:
    return {
        t: info["license"]
        for t, info in data.lineage_tables().items()
        if isinstance(info, dict) and isinstance(info.get("license"), dict)
    }


def _overview(licensed: dict[str, dict[str, Any]]) -> Any:
    rows = []
    for name, lic in licensed.items():
        eff = mapping(lic.get("effective"))
        rows.append(
            [
                name,
                lic.get("rows"),
                eff.get("spdx"),
                eff.get("use_class"),
                eff.get("review"),
                lic.get("review_rows"),
                eff.get("attribution"),
                eff.get("share_alike"),
                eff.get("no_derivatives"),
                len(lic.get("conflicts") or []),
            ]
        )
    columns = [
        "output",
        "rows",
        "effective SPDX",
        "use class",
        "needs review",
        "rows to review",
        "attribution",
        "share-alike",
        "no derivatives",
        "conflicts",
    ]
    return table(
        columns, rows, "License of each output (the most restrictive of its rows)", "licenses"
    )


def _mix_figure(licensed: dict[str, dict[str, Any]]) -> Figure | None:
    rows = []
    for name, lic in licensed.items():
        per_class = mapping(lic.get("rows_per_use_class"))
        rows += [
            {"output": name, "use class": c, "rows": int(per_class[c])}
            for c in USE_CLASSES
            if per_class.get(c)
        ]
    if not rows:
        return None
    chart = hbar(
        rows,
        "rows",
        "output",
        "License mix",
        "rows",
        color="use class",
        tooltip=["output:N", "use class:N", "rows:Q"],
    )
    return Figure(chart_svg(chart), "Rows per use class in each output.", "license-mix")


def _flags(licensed: dict[str, dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for name, lic in licensed.items():
        eff = mapping(lic.get("effective"))
        if eff.get("review") or (lic.get("review_rows") or 0) > 0:
            out.append(
                Paragraph(
                    f"Review needed: {name} has {fmt(lic.get('review_rows'))} row(s) whose license "
                    "evidence is unknown or conflicting (SELECT * FROM review_rows)."
                )
            )
        for conflict in lic.get("conflicts") or []:
            out.append(Paragraph(f"License conflict in {name}: {fmt(conflict)}"))
    return out


def _notices(licensed: dict[str, dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for name, lic in licensed.items():
        texts = [
            str(n.get("text"))
            for n in lic.get("notices") or []
            if isinstance(n, dict) and n.get("text")
        ]
        if texts:
            out.append(Records(f"Attribution notices — {name}", texts))
    return out


def _sources(data: RunData) -> Any:
    sources = [s for s in data.lineage.get("sources") or [] if isinstance(s, dict)]
    if not sources:
        return None
    rows = [
        [
            s.get("id"),
            s.get("uri"),
            s.get("revision"),
            s.get("spdx"),
            s.get("use_class"),
            s.get("review"),
        ]
        for s in sources
    ]
    return table(
        ["source", "uri", "revision", "SPDX", "use class", "needs review"],
        rows,
        "Sources",
        "sources",
    )


def build_licenses(data: RunData) -> Section | None:
    licensed = _licensed(data)
    sources = _sources(data)
    if not licensed and sources is None:
        return None
    blocks: list[Any] = []
    if licensed:
        blocks += [_overview(licensed)]
        figure = _mix_figure(licensed)
        blocks += ([figure] if figure else []) + _flags(licensed) + _notices(licensed)
    if sources is not None:
        blocks.append(sources)
    return Section(
        "licenses", "Licenses", blocks, f"{len(licensed)} output(s) carry row-level licenses."
    )
