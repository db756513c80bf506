"""Quality and dedup: the filter funnel per rule, the near-duplicate cluster sizes, a few example
rejected records per reason, and table-level expectation results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipelines.report.blocks import (
    Figure,
    KeyValues,
    Records,
    Section,
    fmt,
    generic_table,
    mapping,
    table,
    truncate,
)
from pipelines.report.charts import hbar, histogram
from pipelines.report.run_data import RunData
from pipelines.report.svg import chart_svg

EXAMPLES_PER_REASON = 3
RECORD_CHARS = 300


@dataclass(frozen=True)
class FunnelRow:
    step: str
    op: str
    rows_in: int | None
    kept: int | None
    reason: str | None
    rejected: int


def _from_lineage(data: RunData) -> list[FunnelRow]:
    rejects = mapping(data.lineage.get("rejects"))
    out = []
    for op in data.operators():
        counts = mapping(op.get("rows"))
        step = str(op.get("step"))
        if "rejects" not in counts and step not in rejects:
            continue
        reasons = rejects.get(step) or {None: 0}
        for reason, n in sorted(reasons.items(), key=lambda kv: str(kv[0])):
            out.append(
                FunnelRow(
                    step, str(op.get("op")), op.get("rows_in"), counts.get("main"), reason, int(n)
                )
            )
    return out


def _from_table(data: RunData) -> list[FunnelRow]:
    if not data.has("filter_funnel", "step", "rows_rejected"):
        return []
    return [
        FunnelRow(
            str(r["step"]),
            str(r.get("op")),
            r.get("rows_in"),
            r.get("rows_kept"),
            r.get("reason"),
            int(r.get("rows_rejected") or 0),
        )
        for r in data.rows("filter_funnel")
    ]


def funnel_rows(data: RunData) -> list[FunnelRow]:
    """Rows in, kept and rejected per filtering step and reason (lineage.json first)."""
    return _from_lineage(data) or _from_table(data)


def _funnel_blocks(rows: list[FunnelRow]) -> list[Any]:
    steps = list(dict.fromkeys(r.step for r in rows))
    first = next(r for r in rows if r.step == steps[0])
    kept = [{"stage": f"into {steps[0]}", "rows": first.rows_in or 0}]
    kept += [
        {"stage": f"kept by {s}", "rows": next(r.kept for r in rows if r.step == s) or 0}
        for s in steps
    ]
    rejected = [
        {"rule": f"{r.step}: {r.reason}", "rows": r.rejected, "step": r.step}
        for r in rows
        if r.reason
    ]
    blocks: list[Any] = [
        Figure(
            chart_svg(hbar(kept, "rows", "stage", "Filter funnel", "rows")),
            "Rows left after each filtering step.",
            "filter-funnel",
        )
    ]
    if rejected:
        chart = hbar(
            rejected, "rows", "rule", "Rejected rows per rule", "rows rejected", color="step"
        )
        blocks.append(
            Figure(
                chart_svg(chart), "Rows each rule removed (lineage.json rejects).", "reject-reasons"
            )
        )
    body = [
        [
            r.step,
            r.op,
            r.rows_in,
            r.kept,
            r.reason,
            r.rejected,
            None if not r.rows_in else 100.0 * r.rejected / r.rows_in,
        ]
        for r in rows
    ]
    columns = [
        "step",
        "operator",
        "rows in",
        "rows kept",
        "reason",
        "rows rejected",
        "% of step input",
    ]
    blocks.append(table(columns, body, "Rows per step and reason", "filter-table"))
    return blocks


def _cluster_blocks(data: RunData) -> list[Any]:
    if not data.has("dedup_clusters", "size"):
        return []
    sizes = data.fetch(
        'SELECT size, count(*) AS clusters FROM "dedup_clusters" GROUP BY size ORDER BY size'
    )
    if not sizes:
        return []
    members = sum(int(r["size"]) * int(r["clusters"]) for r in sizes)
    facts = KeyValues(
        [
            ("clusters", fmt(sum(int(r["clusters"]) for r in sizes))),
            ("records in clusters", fmt(members)),
            ("largest cluster", fmt(max(int(r["size"]) for r in sizes))),
        ]
    )
    chart = histogram(
        sizes,
        "size",
        "clusters",
        "Near-duplicate cluster sizes",
        "records in the cluster",
        "clusters",
    )
    blocks: list[Any] = [
        facts,
        Figure(chart_svg(chart), "Clusters per size (dedup_clusters).", "cluster-sizes"),
    ]
    largest = data.fetch('SELECT * FROM "dedup_clusters" ORDER BY size DESC LIMIT 10')
    shown = generic_table(largest, "Largest clusters")
    return blocks + ([shown] if shown else [])


def record_text(record: dict[str, Any]) -> str:
    """A rejected record as compact JSON without pipeline columns, cut to ~300 characters."""
    visible = {k: v for k, v in record.items() if not str(k).startswith("_")}
    return truncate(json.dumps(visible or record, default=str, ensure_ascii=False), RECORD_CHARS)


def _examples(data: RunData) -> list[Any]:
    blocks: list[Any] = []
    for step, by_reason in data.reject_samples(EXAMPLES_PER_REASON).items():
        for reason, records in sorted(by_reason.items()):
            blocks.append(Records(f"{step} — {reason}", [record_text(r) for r in records]))
    return blocks


def _quality_results(data: RunData) -> list[Any]:
    records = data.rows("quality_results", limit=500) or [
        q for q in data.lineage.get("quality") or [] if isinstance(q, dict)
    ]
    shown = generic_table(records, "Table-level expectations")
    return [shown] if shown else []


def build_curation(data: RunData) -> Section | None:
    rows = funnel_rows(data)
    blocks: list[Any] = _funnel_blocks(rows) if rows else []
    blocks += _cluster_blocks(data)
    blocks += _quality_results(data)
    examples = _examples(data)
    blocks += examples
    if not blocks:
        return None
    rejected = sum(r.rejected for r in rows)
    return Section(
        "quality", "Quality and dedup", blocks, f"{rejected:,} row(s) removed by filters and dedup."
    )
