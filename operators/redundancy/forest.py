"""Exact fast path for forest-shaped candidate graphs: dynamic programming on trees.

Applies when there is no storage budget, every table has at most one usable candidate parent
and the candidate graph has no cycle, i.e. the graph is a forest of out-trees.

Why it is exact. Write p(v) for v's only candidate parent. The integer program's constraints
then couple v only with p(v): ``keep_v + x_v = 1`` and ``x_v <= keep_p(v)``; the objective is a
sum of one term per table that depends only on v's own state (kept: storage_v, dropped:
dropcost_v, the rebuild cost plus the storage of the membership index the rebuild needs). So the
minimum cost of the subtree under v, given v's state, is the sum over v's children of the minimum
cost of each child's subtree given that state; children's subtrees share no variable, so these
minima are independent:

    keep(v) = storage_v + sum_children min(keep(c), drop(c))   (a kept v lets children choose)
    drop(v) = dropcost_v + sum_children keep(c)                (a dropped v forces them kept)

with drop(v) = inf for pinned or parentless v and keep(v) = inf for forced duplicates. Roots have
no parent, so they are kept and the optimum is the sum of keep(root). Choosing the argmin
top-down reconstructs an optimal plan. Dropping a parent *does* affect its children, which is
exactly what the ``drop`` recurrence accounts for.
"""

from __future__ import annotations

import math

from operators.redundancy.ilp import usable_candidates
from operators.redundancy.model import Candidate, PlanProblem, PlanSolution, solution


def forest_parents(problem: PlanProblem) -> dict[str, Candidate] | None:
    """Each child's single usable candidate, or ``None`` when the graph is not a forest."""
    if problem.storage_budget_bytes is not None:
        return None
    only: dict[str, Candidate] = {}
    for cand in usable_candidates(problem):
        if cand.child in only:
            return None
        only[cand.child] = cand
    return only if _acyclic(problem.tables, only) else None


def _acyclic(tables: tuple[str, ...], only: dict[str, Candidate]) -> bool:
    return len(_top_down(tables, only)) == len(tables)


def _top_down(tables: tuple[str, ...], only: dict[str, Candidate]) -> list[str]:
    """Tables ordered parents before children (tables on a cycle are left out)."""
    kids = _children(only)
    order = [t for t in tables if t not in only]
    for node in order:
        order.extend(kids.get(node, []))
    return order


def _children(only: dict[str, Candidate]) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {}
    for child, cand in only.items():
        kids.setdefault(cand.parent, []).append(child)
    return kids


def solve_forest(problem: PlanProblem) -> PlanSolution | None:
    """The optimal plan of a forest-shaped problem (``None`` if it is not one or is infeasible)."""
    only = forest_parents(problem)
    if only is None:
        return None
    kids = _children(only)
    keep: dict[str, float] = {}
    drop: dict[str, float] = {}
    for v in reversed(_top_down(problem.tables, only)):
        below = kids.get(v, [])
        keep[v] = math.inf if v in problem.forced else (
            problem.storage_cost[v] + sum(min(keep[c], drop[c]) for c in below))
        droppable = v in only and v not in problem.pinned
        drop[v] = (only[v].drop_cost + sum(keep[c] for c in below)) if droppable else math.inf
    if any(math.isinf(keep[t]) for t in problem.tables if t not in only):
        return None
    return solution(problem, _choose(problem.tables, only, kids, keep, drop), "forest", True)


def _choose(tables: tuple[str, ...], only: dict[str, Candidate], kids: dict[str, list[str]],
            keep: dict[str, float], drop: dict[str, float]) -> dict[str, str]:
    parent_of: dict[str, str] = {}
    stack = [t for t in tables if t not in only]
    while stack:
        v = stack.pop()
        for c in kids.get(v, []):
            if v not in parent_of and drop[c] < keep[c]:
                parent_of[c] = v
            stack.append(c)
    return parent_of
