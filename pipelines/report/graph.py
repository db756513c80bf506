"""The containment graph as inline SVG: tables as circles sized by bytes, verified edges as arrows
from parent to child, duplicate classes drawn as one node.

Layout comes from networkx: when the graph (with duplicate classes merged) is acyclic, as exact
containment makes it, the transitive reduction is drawn in layers by topological generation
(``multipartite_layout``), parents above children; otherwise a seeded spring layout. Every node
and edge carries ``data-`` attributes that the page's script uses for highlighting; all text is
set through ElementTree, so names are escaped.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from pipelines.report.blocks import human_bytes
from pipelines.report.svg import SVG_NS, sanitize_svg

ROW_WIDTH = 8
WIDTH, ROW_HEIGHT, MARGIN, MARGIN_X = 960, 110, 60, 110
MIN_R, MAX_R = 7.0, 30.0
COLORS = {"table": "#4c78a8", "drop": "#e45756", "duplicates": "#f58518", "quarantined": "#9d9d9d"}


@dataclass
class GraphNode:
    node_id: str
    members: list[str]
    bytes: int | None = None
    rows: int | None = None
    status: str = "ok"
    action: str | None = None
    detail: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.status not in ("ok", None):
            return "quarantined"
        if self.action == "drop":
            return "drop"
        return "duplicates" if len(self.members) > 1 else "table"


@dataclass
class GraphDrawing:
    svg: Markup
    nodes: int
    edges_drawn: int
    edges_implied: int


def _tag(name: str) -> str:
    return f"{{{SVG_NS}}}{name}"


def _layers(graph: Any) -> dict[str, int]:
    """Topological generation per node; isolated nodes on a row of their own; long rows wrapped."""
    import networkx as nx

    linked = [n for n in graph if graph.degree(n) > 0]
    generations = list(nx.topological_generations(graph.subgraph(linked)))
    isolated = sorted(n for n in graph if graph.degree(n) == 0)
    rows: list[list[str]] = []
    for generation in [*generations, isolated]:
        ordered = sorted(generation)
        rows += [ordered[i : i + ROW_WIDTH] for i in range(0, len(ordered), ROW_WIDTH)]
    return {n: index for index, row in enumerate(rows) for n in row}


def _positions(graph: Any) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if graph.number_of_nodes() == 1:
        return {next(iter(graph)): (WIDTH / 2, MARGIN)}
    if nx.is_directed_acyclic_graph(graph):
        layer = _layers(graph)
        nx.set_node_attributes(graph, layer, "layer")
        raw = nx.multipartite_layout(graph, subset_key="layer", align="horizontal")
    else:
        raw = nx.spring_layout(graph, seed=7)
    return _fit(raw, _rows_needed(graph))


def _rows_needed(graph: Any) -> int:
    layers = {d["layer"] for _, d in graph.nodes(data=True) if "layer" in d}
    return max(len(layers) if layers else math.ceil(math.sqrt(graph.number_of_nodes())), 3)


def _fit(raw: dict[str, Any], rows: int) -> dict[str, tuple[float, float]]:
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    height = rows * ROW_HEIGHT

    def scale(v: float, lo: float, hi: float, size: float, margin: float) -> float:
        return margin + (size - 2 * margin) * ((v - lo) / (hi - lo) if hi > lo else 0.5)

    return {
        n: (
            scale(float(p[0]), min(xs), max(xs), WIDTH, MARGIN_X),
            scale(float(p[1]), min(ys), max(ys), height, MARGIN),
        )
        for n, p in raw.items()
    }


def _radius(n: int | None, largest: int) -> float:
    if not n or largest <= 0:
        return MIN_R
    return MIN_R + (MAX_R - MIN_R) * math.sqrt(n / largest)


def _edge(
    parent: ET.Element,
    a: tuple[float, float],
    b: tuple[float, float],
    ra: float,
    rb: float,
    names: tuple[str, str],
) -> None:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    line = ET.SubElement(
        parent,
        _tag("line"),
        {
            "x1": f"{a[0] + ux * ra:.1f}",
            "y1": f"{a[1] + uy * ra:.1f}",
            "x2": f"{b[0] - ux * (rb + 4):.1f}",
            "y2": f"{b[1] - uy * (rb + 4):.1f}",
            "class": "edge",
            "marker-end": "url(#arrow)",
            "data-parent": names[0],
            "data-child": names[1],
        },
    )
    ET.SubElement(line, _tag("title")).text = f"{names[1]} is contained in {names[0]}"


def _node(parent: ET.Element, node: GraphNode, at: tuple[float, float], r: float) -> None:
    g = ET.SubElement(
        parent,
        _tag("g"),
        {
            "class": f"node node-{node.kind}",
            "data-node": node.node_id,
            "data-members": "\n".join(node.members),
            "tabindex": "0",
            "role": "button",
        },
    )
    ET.SubElement(g, _tag("title")).text = "\n".join(node.detail)
    ET.SubElement(
        g,
        _tag("circle"),
        {"cx": f"{at[0]:.1f}", "cy": f"{at[1]:.1f}", "r": f"{r:.1f}", "fill": COLORS[node.kind]},
    )
    label = node.node_id if len(node.node_id) <= 26 else node.node_id[:25] + "…"
    if len(node.members) > 1:
        label += f" (+{len(node.members) - 1})"
    ET.SubElement(
        g,
        _tag("text"),
        {"x": f"{at[0]:.1f}", "y": f"{at[1] + r + 13:.1f}", "text-anchor": "middle"},
    ).text = label


def _defs(svg: ET.Element) -> None:
    defs = ET.SubElement(svg, _tag("defs"))
    marker = ET.SubElement(
        defs,
        _tag("marker"),
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "9",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, _tag("path"), {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#555"})


def draw_graph(nodes: dict[str, GraphNode], edges: list[tuple[str, str]]) -> GraphDrawing:
    """Draw ``nodes`` and the parent -> child ``edges`` between them (node ids)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from((p, c) for p, c in edges if p != c and p in nodes and c in nodes)
    drawn = nx.transitive_reduction(graph) if nx.is_directed_acyclic_graph(graph) else graph
    drawn.add_nodes_from(graph.nodes)
    pos = _positions(drawn)
    largest = max((n.bytes or 0 for n in nodes.values()), default=0)
    radius = {k: _radius(n.bytes, largest) for k, n in nodes.items()}
    height = max(y for _, y in pos.values()) + MARGIN
    svg = ET.Element(
        _tag("svg"),
        {
            "viewBox": f"0 0 {WIDTH} {height:.0f}",
            "width": str(WIDTH),
            "height": f"{height:.0f}",
            "class": "containment-graph",
            "role": "img",
        },
    )
    _defs(svg)
    edge_layer = ET.SubElement(svg, _tag("g"), {"class": "edges"})
    for p, c in sorted(drawn.edges):
        _edge(edge_layer, pos[p], pos[c], radius[p], radius[c], (p, c))
    node_layer = ET.SubElement(svg, _tag("g"), {"class": "nodes"})
    for key in sorted(nodes):
        _node(node_layer, nodes[key], pos[key], radius[key])
    text = ET.tostring(svg, encoding="unicode")
    implied = graph.number_of_edges() - drawn.number_of_edges()
    return GraphDrawing(sanitize_svg(text, "graph"), len(nodes), drawn.number_of_edges(), implied)


def node_detail(node: GraphNode) -> list[str]:
    """Hover text of a node: its tables, size, rows and plan decision."""
    lines = [node.node_id, f"bytes: {human_bytes(node.bytes)}"]
    if node.rows is not None:
        lines.append(f"rows: {node.rows:,}")
    if len(node.members) > 1:
        lines.append("duplicate class: " + ", ".join(node.members))
    if node.status not in ("ok", None):
        lines.append(f"status: {node.status}")
    return lines
