"""Connected components of a small edge list in the driver's memory (NumPy, no Spark).

Nodes are numbered in string order (UTF-8 byte order, the order Spark sorts strings in), so the
smallest number of a component is its smallest id. Labels start as each node's own number; each
round hooks every root onto the smallest root across its edges and then follows pointers until
every node points at a root (pointer jumping). Labels only decrease and the smallest node of a
component is always a root, so at the fixed point (no edge joins two labels) every node carries
its component's smallest node (the root ``components.component_edges`` converges to).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MEMBER_SCHEMA = pa.schema([("id", pa.string()), ("component", pa.string()), ("size", pa.int64())])


def _jump(labels: np.ndarray) -> np.ndarray:
    """Follow pointers until every node points at a node that points at itself."""
    while True:
        nxt = labels[labels]
        if np.array_equal(nxt, labels):
            return labels
        labels = nxt


def component_labels(left: np.ndarray, right: np.ndarray, n_nodes: int) -> np.ndarray:
    """For nodes ``0..n_nodes-1`` joined by edges ``left[i] - right[i]``: the smallest node of
    each node's component."""
    labels = np.arange(n_nodes, dtype=np.int64)
    while True:
        la, lb = labels[left], labels[right]
        differ = la != lb
        if not differ.any():
            return labels
        la, lb = la[differ], lb[differ]
        hooked = labels.copy()
        np.minimum.at(hooked, np.maximum(la, lb), np.minimum(la, lb))
        labels = _jump(hooked)


def component_members(edges: pa.Table) -> pa.Table:
    """``(id, component, size)`` for every node of ``edges(a, b)``: its component's smallest
    node and the component's node count."""
    a = edges.column("a").combine_chunks().cast(pa.string())
    b = edges.column("b").combine_chunks().cast(pa.string())
    nodes = pc.unique(pa.concat_arrays([a, b]))
    nodes = nodes.take(pc.sort_indices(nodes))
    left = np.asarray(pc.index_in(a, value_set=nodes), dtype=np.int64)
    right = np.asarray(pc.index_in(b, value_set=nodes), dtype=np.int64)
    labels = component_labels(left, right, len(nodes))
    sizes = np.bincount(labels, minlength=len(nodes))[labels]
    return pa.table([nodes, nodes.take(pa.array(labels)), pa.array(sizes, pa.int64())],
                    schema=MEMBER_SCHEMA)
