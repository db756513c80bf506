"""Rows of the ``redundancy_plan`` and ``redundancy_summary`` tables (DDL in schemas/redundancy.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from operators.redundancy.costing import TableCost
from operators.redundancy.lake_graph import TableInfo
from operators.redundancy.model import PlanProblem, PlanSolution
from operators.redundancy.recipes import FoundRecipe
from operators.redundancy.sql import create_view, view_name
from schemas.redundancy import CostParameters


@dataclass(frozen=True)
class PlanContext:
    """What the rows are built from."""

    tables: Mapping[str, TableInfo]
    problem: PlanProblem
    solution: PlanSolution
    recipes: Mapping[str, FoundRecipe]
    costs: Mapping[str, TableCost]
    params: CostParameters
    keep_reasons: Mapping[str, str]


def unique_view_names(table_ids: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for table_id in sorted(table_ids):
        base = name = view_name(table_id)
        n = 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        names[table_id] = name
    return names


def _drop_row(pc: PlanContext, table_id: str, view: str) -> tuple[Any, ...]:
    parent = pc.solution.parent_of[table_id]
    recipe = pc.recipes[table_id]
    cand = pc.problem.by_pair[(parent, table_id)]
    storage = pc.problem.storage_cost[table_id]
    saved = storage - cand.drop_cost  # the index's storage is part of the drop cost
    reason = "duplicate" if pc.problem.forced.get(table_id) == parent else "cheaper_to_rebuild"
    index_files = list(recipe.spec.index.files) if recipe.spec.index else []
    return (
        table_id, "drop", parent, recipe.spec.method,
        create_view(view, recipe.select_duckdb, "duckdb"), create_view(view, recipe.select_spark, "spark"),
        view, pc.tables[table_id].num_bytes - cand.index_bytes, saved, cand.latency_s,
        recipe.parent.version, recipe.child.version, pc.tables[table_id].path, recipe.parent.path,
        index_files, storage, cand.rebuild_cost, reason,
    )


def _keep_row(pc: PlanContext, table_id: str) -> tuple[Any, ...]:
    return (
        table_id, "keep", None, None, None, None, None, 0, 0.0, None, None, None,
        pc.tables[table_id].path, None, [], pc.problem.storage_cost[table_id], 0.0,
        pc.keep_reasons.get(table_id, "cheaper_to_keep"),
    )


def plan_rows(pc: PlanContext) -> list[tuple[Any, ...]]:
    """One row per table, in ``REDUNDANCY_PLAN_DDL`` column order."""
    views = unique_view_names(list(pc.solution.parent_of))
    return [
        _drop_row(pc, t, views[t]) if t in pc.solution.parent_of else _keep_row(pc, t)
        for t in sorted(pc.tables)
    ]


def summary_row(pc: PlanContext, rows: list[tuple[Any, ...]], seconds: float) -> tuple[Any, ...]:
    """The one ``REDUNDANCY_SUMMARY_DDL`` row."""
    dropped = [r for r in rows if r[1] == "drop"]
    sol = pc.solution
    return (
        len(rows), len(dropped), int(sum(r[7] for r in dropped)), float(sum(r[8] for r in dropped)),
        float(sum(pc.problem.storage_cost.values())), float(sol.objective), sol.solver,
        None if sol.gap is None else float(sol.gap), bool(sol.optimal), float(seconds),
    )
