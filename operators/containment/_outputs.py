"""The published containment outputs: edges and duplicate classes."""

from __future__ import annotations

from typing import Any

from operators.containment._frames import rows_to_frame
from operators.containment._pairs import Pair
from operators.containment._profiles import TableInfo
from schemas.containment import CONTAINMENT_EDGES_DDL, DUPLICATE_CLASSES_DDL


def mark_duplicates(pairs: list[Pair], infos: dict[str, TableInfo]) -> list[dict[str, Any]]:
    """Tables exactly contained in each other (same columns, same contents) form a class; their
    pairs get verdict ``duplicate``. Returns the ``duplicate_classes`` rows."""
    by_key = {p.key: p for p in pairs}
    root: dict[str, str] = {}

    def find(t: str) -> str:
        while root.get(t, t) != t:
            t = root[t]
        return t

    mutual = [p for p in pairs if _exactly_contained(p) and _exactly_contained(by_key.get((p.child, p.parent)))]
    for p in mutual:
        a, b = find(p.parent), find(p.child)
        if a != b:
            root[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for t in {t for p in mutual for t in p.key}:
        members.setdefault(find(t), []).append(t)
    return _classes(members, pairs, infos)


def _exactly_contained(p: Pair | None) -> bool:
    return p is not None and p.verdict == "contained" and p.exact and p.degree == 1.0


def _classes(members: dict[str, list[str]], pairs: list[Pair], infos: dict[str, TableInfo]) -> list[dict[str, Any]]:
    rows, class_of = [], {}
    for tables in members.values():
        rep = min(tables, key=lambda t: (infos[t].max_mtime_ns or 0, t))
        for t in sorted(tables):
            class_of[t] = f"dup:{rep}"
            rows.append({"dup_class": f"dup:{rep}", "table_id": t, "is_representative": t == rep})
    for p in pairs:
        if p.parent in class_of and class_of[p.parent] == class_of.get(p.child):
            p.verdict = "duplicate"
            p.extra["dup_class"] = class_of[p.parent]
    return sorted(rows, key=lambda r: (r["dup_class"], r["table_id"]))


def edge_rows(pairs: list[Pair]) -> list[dict[str, Any]]:
    return [{
        "parent": p.parent, "child": p.child, "matched_columns": [m.norm for m in p.mapping],
        "degree": p.degree, "rows_checked": p.rows_checked, "bytes_read": p.bytes_read,
        "stage": p.stage, "verdict": p.verdict, "reason": p.reason,
        "dup_class": p.extra.get("dup_class"),
        "column_map": {m.child_column: m.parent_column for m in p.mapping},
    } for p in sorted(pairs, key=lambda p: p.key)]


def edges_frame(spark: Any, pairs: list[Pair]) -> Any:
    return rows_to_frame(spark, edge_rows(pairs), CONTAINMENT_EDGES_DDL)


def duplicates_frame(spark: Any, rows: list[dict[str, Any]]) -> Any:
    return rows_to_frame(spark, rows, DUPLICATE_CLASSES_DDL)
