"""The verified containment graph the plan works on, built from the containment outputs' rows.

Rows are plain dicts shaped like ``schemas/containment.py``'s DDL (``table_profiles``,
``column_profiles``, ``containment_edges``, ``duplicate_classes``). An edge is usable when its
verdict is ``contained`` or ``duplicate`` with degree 1 (exact), both tables are usable Parquet
tables and every child column maps to a parent column by normalised name; ``matched_columns``
entries of the form ``child_norm=parent_norm`` override the mapping (user aliases). Duplicates
contain each other, and the graph is closed transitively (containment is transitive), so a
child can always be rebuilt in one hop from any kept ancestor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]
EXACT = 1.0 - 1e-12


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    norm: str
    spark_type: str
    null_count: int | None = None
    min_value: str | None = None
    max_value: str | None = None
    distinct_estimate: int | None = None


@dataclass(frozen=True)
class TableInfo:
    table_id: str
    path: str
    num_rows: int
    num_bytes: int
    columns: tuple[ColumnInfo, ...]
    format: str = "parquet"
    num_columns: int = 0
    partition_columns: tuple[str, ...] = ()
    max_mtime_ns: int = 0
    status: str | None = "ok"

    def column(self, name: str) -> ColumnInfo:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Edge:
    """``parent`` contains ``child``; ``column_map`` pairs (child column, parent column)."""

    parent: str
    child: str
    column_map: tuple[tuple[str, str], ...]
    duplicate: bool = False
    transitive: bool = False


def tables_from_rows(table_rows: Iterable[Row], column_rows: Iterable[Row]) -> dict[str, TableInfo]:
    by_table: dict[str, list[Row]] = {}
    for row in column_rows:
        by_table.setdefault(row["table_id"], []).append(row)
    return {r["table_id"]: _table(r, by_table.get(r["table_id"], [])) for r in table_rows}


def _table(row: Row, cols: list[Row]) -> TableInfo:
    ordered = sorted(cols, key=lambda c: (c.get("ordinal") is None, c.get("ordinal") or 0))
    columns = tuple(ColumnInfo(
        c["column_name"], c.get("norm_name") or c["column_name"], str(c.get("spark_type") or ""),
        c.get("null_count"), c.get("min_value"), c.get("max_value"), c.get("distinct_estimate"),
    ) for c in ordered)
    return TableInfo(
        row["table_id"], str(row.get("path") or ""), int(row.get("num_rows") or 0),
        int(row.get("num_bytes") or 0), columns, str(row.get("format") or "parquet").lower(),
        int(row.get("num_columns") or len(columns)), tuple(row.get("partition_columns") or ()),
        int(row.get("max_mtime_ns") or 0), row.get("status"),
    )


def usable(table: TableInfo, statuses: Iterable[str]) -> bool:
    """A table a plan may drop or rebuild from: profiled fine, Parquet, with known columns."""
    ok = table.status is None or table.status in set(statuses)
    return ok and table.format == "parquet" and bool(table.columns)


def column_map(child: TableInfo, parent: TableInfo, matched: Iterable[str] = ()) -> tuple[tuple[str, str], ...] | None:
    """(child column, parent column) for every child column, or None when one has no match."""
    alias = dict(m.split("=", 1) for m in matched if "=" in m)
    parent_by_norm = {c.norm: c.name for c in parent.columns}
    pairs = []
    for col in child.columns:
        target = parent_by_norm.get(alias.get(col.norm, col.norm))
        if target is None:
            return None
        pairs.append((col.name, target))
    return tuple(pairs)


def edges_from_rows(edge_rows: Iterable[Row], tables: Mapping[str, TableInfo],
                    statuses: Iterable[str] = ("ok",)) -> dict[tuple[str, str], Edge]:
    """Usable exact edges keyed by (parent, child), with duplicates' reverse edges and closure."""
    good = {t for t, info in tables.items() if usable(info, statuses)}
    edges: dict[tuple[str, str], Edge] = {}
    for row in edge_rows:
        dup = row.get("verdict") == "duplicate"
        if row.get("verdict") not in ("contained", "duplicate") or (row.get("degree") or 0.0) < EXACT:
            continue
        pairs = [(row["parent"], row["child"])] + ([(row["child"], row["parent"])] if dup else [])
        for parent, child in pairs:
            if parent in good and child in good and parent != child:
                mapped = column_map(tables[child], tables[parent], row.get("matched_columns") or ())
                if mapped is not None:
                    edges.setdefault((parent, child), Edge(parent, child, mapped, dup))
    return transitive_closure(edges)


def transitive_closure(edges: dict[tuple[str, str], Edge]) -> dict[tuple[str, str], Edge]:
    """Add a -> c for every a -> b -> c, composing the column maps."""
    closed = dict(edges)
    changed = True
    while changed:
        changed = False
        by_parent: dict[str, list[Edge]] = {}
        for edge in closed.values():
            by_parent.setdefault(edge.parent, []).append(edge)
        for upper in list(closed.values()):
            for lower in by_parent.get(upper.child, []):
                key = (upper.parent, lower.child)
                if key[0] != key[1] and key not in closed:
                    via = dict(upper.column_map)
                    mapped = tuple((c, via[m]) for c, m in lower.column_map)
                    closed[key] = Edge(key[0], key[1], mapped, False, True)
                    changed = True
    return closed


def duplicate_classes(edge_rows: Iterable[Row], class_rows: Iterable[Row] = ()) -> list[list[str]]:
    """Members of each duplicate class, from ``duplicate_classes`` rows or edges' ``dup_class``."""
    classes: dict[str, set[str]] = {}
    for row in class_rows:
        classes.setdefault(str(row["dup_class"]), set()).add(row["table_id"])
    if not classes:
        for row in edge_rows:
            if row.get("verdict") == "duplicate" and row.get("dup_class"):
                classes.setdefault(str(row["dup_class"]), set()).update((row["parent"], row["child"]))
    return [sorted(members) for _, members in sorted(classes.items()) if len(members) > 1]
