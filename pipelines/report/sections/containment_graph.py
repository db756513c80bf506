"""The containment section's graph: one node per table (duplicate classes merged), sized by
bytes, coloured by the redundancy plan's decision, with the verified edges between them."""

from __future__ import annotations

from typing import Any

from pipelines.report.blocks import Figure, Paragraph
from pipelines.report.graph import GraphNode, draw_graph, node_detail
from pipelines.report.run_data import RunData

MAX_GRAPH_NODES = 300
"""Above this many tables, only tables with a verified edge are drawn."""


def _profiles(data: RunData) -> dict[str, dict[str, Any]]:
    if not data.has("table_profiles", "table_id"):
        return {}
    return {str(r["table_id"]): r for r in data.rows("table_profiles")}


def _plan_actions(data: RunData) -> dict[str, str]:
    if not data.has("redundancy_plan", "table_id", "action"):
        return {}
    return {str(r["table_id"]): str(r["action"]) for r in data.rows("redundancy_plan")}


def _drawn_tables(profiles: dict[str, Any], edges: list[dict[str, Any]]) -> tuple[set[str], bool]:
    """The tables to draw, and whether some (without a verified edge) were left out."""
    linked = {str(e[k]) for e in edges for k in ("parent", "child")}
    everything = set(profiles) | linked
    return (everything, False) if len(everything) <= MAX_GRAPH_NODES else (linked, True)


def _node(key: str, members: list[str], profile: dict[str, Any], action: str | None) -> GraphNode:
    node = GraphNode(
        key,
        members,
        profile.get("num_bytes"),
        profile.get("num_rows"),
        str(profile.get("status") or "ok"),
        action,
    )
    node.detail = node_detail(node) + ([f"redundancy plan: {action}"] if action else [])
    return node


def _graph_nodes(
    data: RunData, edges: list[dict[str, Any]], groups: dict[str, list[str]]
) -> tuple[dict[str, GraphNode], dict[str, str], bool]:
    """Nodes by table id (a duplicate class by its representative), each table's node, and
    whether tables were left out."""
    profiles, actions = _profiles(data), _plan_actions(data)
    node_of = {t: members[0] for members in groups.values() for t in members}
    members_of = {members[0]: members for members in groups.values()}
    nodes: dict[str, GraphNode] = {}
    tables, left_out = _drawn_tables(profiles, edges)
    for table in sorted(tables):
        key = node_of.get(table, table)
        nodes[key] = _node(key, members_of.get(key, [key]), profiles.get(key, {}), actions.get(key))
    return nodes, node_of, left_out


def graph_blocks(
    data: RunData, edges: list[dict[str, Any]], groups: dict[str, list[str]]
) -> list[Any]:
    nodes, node_of, left_out = _graph_nodes(data, edges, groups)
    if not nodes:
        return []
    pairs = [
        (
            node_of.get(str(e["parent"]), str(e["parent"])),
            node_of.get(str(e["child"]), str(e["child"])),
        )
        for e in edges
    ]
    drawing = draw_graph(nodes, pairs)
    caption = (
        f"{drawing.nodes} node(s), {drawing.edges_drawn} edge(s) drawn"
        + (
            f"; {drawing.edges_implied} more implied by transitivity (all are in the table below)"
            if drawing.edges_implied
            else ""
        )
        + ". Circle area ~ bytes. Click a table to highlight its edges; hover for details."
        + (" Tables without a verified edge are left out." if left_out else "")
    )
    return [
        Figure(drawing.svg, caption, "containment-graph"),
        Paragraph(
            "Colours: blue = table, orange = duplicate class (one node), red = dropped by the redundancy "
            "plan, grey = quarantined. Arrows point from the containing table to the contained one."
        ),
    ]
