"""Containment: the graph of verified edges, the stage funnel, and sortable tables of edges,
duplicate classes, empty and quarantined tables (each only when its table was published)."""

from __future__ import annotations

from typing import Any

from pipelines.report.blocks import Figure, Section, Table, cell, human_bytes, table
from pipelines.report.charts import hbar
from pipelines.report.run_data import RunData
from pipelines.report.sections.containment_graph import graph_blocks
from pipelines.report.svg import chart_svg
from schemas.containment import STAGES

VERIFIED = ("contained", "duplicate")
MAX_EDGE_ROWS = 2000
TABLES = (
    "containment_edges",
    "containment_funnel",
    "duplicate_classes",
    "table_profiles",
    "empty_tables",
    "quarantine",
)


def verified_edges(data: RunData) -> list[dict[str, Any]]:
    """Edges with verdict contained or duplicate (the table holds every schema-compatible pair)."""
    if not data.has("containment_edges", "parent", "child", "verdict"):
        return []
    return data.fetch(
        'SELECT * FROM "containment_edges" WHERE verdict IN (?, ?) ORDER BY parent, child',
        list(VERIFIED),
    )


def duplicate_groups(data: RunData, edges: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Duplicate class -> member tables, representative first."""
    groups: dict[str, list[tuple[bool, str]]] = {}
    if data.has("duplicate_classes", "dup_class", "table_id"):
        for r in data.rows("duplicate_classes"):
            groups.setdefault(str(r["dup_class"]), []).append(
                (not r.get("is_representative"), str(r["table_id"]))
            )
    else:
        for e in edges:
            if e.get("verdict") == "duplicate" and e.get("dup_class"):
                for t in (e["parent"], e["child"]):
                    groups.setdefault(str(e["dup_class"]), []).append((True, str(t)))
    return {k: [t for _, t in sorted(set(v))] for k, v in groups.items()}


def _stage_order(stage: str) -> tuple[int, str]:
    return (STAGES.index(stage) if stage in STAGES else len(STAGES), stage)


def _funnel_blocks(data: RunData) -> list[Any]:
    if not data.has("containment_funnel", "stage", "pairs_in", "pairs_out"):
        return []
    rows = sorted(
        data.rows("containment_funnel"),
        key=lambda r: (_stage_order(str(r["stage"])), str(r.get("reason"))),
    )
    if not rows:
        return []
    stages = list(dict.fromkeys(str(r["stage"]) for r in rows))
    first = next(r for r in rows if r["stage"] == stages[0])
    bars = [{"stage": "candidates (all ordered pairs)", "pairs": int(first["pairs_in"] or 0)}]
    for s in stages:
        out = min(int(r["pairs_out"] or 0) for r in rows if r["stage"] == s)
        bars.append({"stage": f"after {s}", "pairs": out})
    chart = hbar(bars, "pairs", "stage", "Containment funnel", "undecided candidate pairs")
    columns = ["stage", "pairs in", "pairs out", "removed", "reason", "seconds"]
    body = [
        [
            r["stage"],
            r["pairs_in"],
            r["pairs_out"],
            r.get("removed"),
            r.get("reason"),
            r.get("seconds"),
        ]
        for r in rows
    ]
    return [
        Figure(chart_svg(chart), "Pairs still undecided after each stage.", "containment-funnel"),
        table(columns, body, "Funnel: pairs removed per stage and reason", "funnel"),
    ]


def _edges_table(edges: list[dict[str, Any]], data: RunData) -> Table | None:
    if not edges:
        return None
    shown = sorted(edges, key=lambda e: (str(e["parent"]), str(e["child"])))[:MAX_EDGE_ROWS]
    columns = [
        "parent",
        "child",
        "verdict",
        "degree",
        "stage",
        "rows checked",
        "bytes read",
        "matched columns",
        "reason",
    ]
    rows = [
        [
            e["parent"],
            e["child"],
            e["verdict"],
            e.get("degree"),
            e.get("stage"),
            e.get("rows_checked"),
            cell(e.get("bytes_read"), human_bytes(e.get("bytes_read"))),
            e.get("matched_columns"),
            e.get("reason"),
        ]
        for e in shown
    ]
    total = data.table_rows_count("containment_edges")
    note = f"{len(edges)} verified edge(s) of {total} schema-compatible pair(s)"
    if len(edges) > MAX_EDGE_ROWS:
        note += f"; first {MAX_EDGE_ROWS} shown"
    out = table(columns, rows, "Verified containment edges", "edges", note)
    out.row_data = [{"parent": str(e["parent"]), "child": str(e["child"])} for e in shown]
    return out


def _side_tables(data: RunData, groups: dict[str, list[str]]) -> list[Table]:
    out = []
    if groups:
        rows = [[k, v[0], len(v), ", ".join(v[1:])] for k, v in sorted(groups.items())]
        out.append(
            table(
                ["class", "representative", "tables", "duplicates"],
                rows,
                "Duplicate classes",
                "dups",
            )
        )
    if data.has("empty_tables", "table_id") and (empty := data.rows("empty_tables")):
        out.append(
            table(
                ["table", "columns"],
                [[r["table_id"], r.get("num_columns")] for r in empty],
                "Empty tables (never anyone's duplicate)",
                "empty",
            )
        )
    if data.has("quarantine", "table_id") and (bad := data.rows("quarantine")):
        out.append(
            table(
                ["table", "file", "reason"],
                [[r["table_id"], r.get("file"), r.get("reason")] for r in bad],
                "Quarantined files (excluded from verdicts)",
                "quarantine",
            )
        )
    return out


def build_containment(data: RunData) -> Section | None:
    if not any(data.has(t) for t in TABLES[:3]):
        return None
    edges = verified_edges(data)
    groups = duplicate_groups(data, edges)
    blocks: list[Any] = []
    if data.has("containment_edges", "parent", "child", "verdict"):
        blocks += graph_blocks(data, edges, groups)
    blocks += _funnel_blocks(data)
    edges_table = _edges_table(edges, data)
    blocks += [edges_table] if edges_table else []
    blocks += _side_tables(data, groups)
    if not blocks:
        return None
    intro = f"{len(edges)} verified edge(s), {len(groups)} duplicate class(es)."
    return Section("containment", "Table containment", blocks, intro)
