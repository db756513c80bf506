"""The redundancy-plan optimisation problem and its solutions (pure Python, no Spark).

Tables are kept or dropped. A dropped table c is rebuilt from exactly one *kept* parent p through
a feasible candidate (p, c): a verified containment edge whose rebuild latency fits c's budget.
Cost per month = storage of kept tables + the drop cost of each dropped one: its expected rebuild
cost plus the storage of the membership index its recipe needs (none for a view). Stored bytes
(what a storage budget caps) = kept tables' bytes + those indexes' bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property


@dataclass(frozen=True)
class Candidate:
    """A way to rebuild ``child`` from ``parent`` (already filtered by the latency budget).

    ``index_bytes`` / ``index_cost`` are the size and monthly storage of the row-membership index
    the rebuild needs (0 when a view over the parent suffices).
    """

    parent: str
    child: str
    rebuild_cost: float
    latency_s: float = 0.0
    bytes_scanned: int = 0
    index_bytes: int = 0
    index_cost: float = 0.0

    @property
    def drop_cost(self) -> float:
        """Monthly cost of dropping ``child`` and rebuilding it this way."""
        return self.rebuild_cost + self.index_cost


@dataclass(frozen=True)
class PlanProblem:
    """Everything the solvers see.

    ``forced`` maps a child to the parent it must be rebuilt from (non-representative members of
    a duplicate class); that parent is then kept. ``storage_budget_bytes`` caps kept bytes.
    """

    tables: tuple[str, ...]
    storage_cost: Mapping[str, float]
    candidates: tuple[Candidate, ...] = ()
    pinned: frozenset[str] = frozenset()
    forced: Mapping[str, str] = field(default_factory=dict)
    table_bytes: Mapping[str, int] = field(default_factory=dict)
    storage_budget_bytes: int | None = None

    @cached_property
    def by_pair(self) -> dict[tuple[str, str], Candidate]:
        return {(c.parent, c.child): c for c in self.candidates}

    @cached_property
    def by_child(self) -> dict[str, list[Candidate]]:
        index: dict[str, list[Candidate]] = {}
        for cand in self.candidates:
            index.setdefault(cand.child, []).append(cand)
        return index

    def parents_of(self, child: str) -> list[Candidate]:
        return list(self.by_child.get(child, ()))

    def candidate(self, parent: str, child: str) -> Candidate | None:
        return self.by_pair.get((parent, child))

    def without(self, parent: str, child: str) -> PlanProblem:
        """The same problem minus one candidate (e.g. one whose recipe failed verification)."""
        kept = tuple(c for c in self.candidates if (c.parent, c.child) != (parent, child))
        forced = {k: v for k, v in self.forced.items() if (v, k) != (parent, child)}
        return replace(self, candidates=kept, forced=forced)

    def with_index(self, parent: str, child: str, index_bytes: int, index_cost: float) -> PlanProblem:
        """The same problem where rebuilding ``child`` from ``parent`` needs a membership index."""
        swapped = tuple(replace(c, index_bytes=index_bytes, index_cost=index_cost)
                        if (c.parent, c.child) == (parent, child) else c for c in self.candidates)
        return replace(self, candidates=swapped)

    def kept_bytes(self, kept: frozenset[str]) -> int:
        return sum(int(self.table_bytes.get(t, 0)) for t in kept)

    def stored_bytes(self, parent_of: Mapping[str, str]) -> int:
        """Bytes a plan stores: its kept tables plus the membership indexes of its rebuilds."""
        kept = frozenset(t for t in self.tables if t not in parent_of)
        return self.kept_bytes(kept) + sum(self.by_pair[(p, c)].index_bytes for c, p in parent_of.items())


@dataclass(frozen=True)
class PlanSolution:
    """Dropped tables and the kept parent each is rebuilt from."""

    parent_of: Mapping[str, str]
    objective: float
    solver: str
    optimal: bool
    gap: float | None

    def kept(self, problem: PlanProblem) -> frozenset[str]:
        return frozenset(t for t in problem.tables if t not in self.parent_of)


def objective(problem: PlanProblem, parent_of: Mapping[str, str]) -> float:
    """Monthly cost of a plan: storage of kept tables + drop cost of dropped ones."""
    total = sum(problem.storage_cost[t] for t in problem.tables if t not in parent_of)
    return total + sum(problem.by_pair[(p, c)].drop_cost for c, p in parent_of.items())


def violations(problem: PlanProblem, parent_of: Mapping[str, str]) -> list[str]:
    """Every constraint a plan breaks (empty = feasible)."""
    found: list[str] = []
    for child, parent in parent_of.items():
        if child in problem.pinned:
            found.append(f"pinned table {child} dropped")
        if parent in parent_of:
            found.append(f"{child} rebuilt from dropped table {parent}")
        if problem.candidate(parent, child) is None:
            found.append(f"{child} has no feasible candidate from {parent}")
    for child, parent in problem.forced.items():
        if parent_of.get(child) != parent:
            found.append(f"duplicate {child} must be rebuilt from {parent}")
    budget = problem.storage_budget_bytes
    if budget is not None and not found and problem.stored_bytes(parent_of) > budget:
        found.append(f"stored bytes {problem.stored_bytes(parent_of)} exceed the budget {budget}")
    return found


def lower_bound(problem: PlanProblem) -> float:
    """A valid lower bound: each table at its cheapest option, ignoring that parents must stay."""
    best: dict[str, float] = {t: problem.storage_cost[t] for t in problem.tables}
    for cand in problem.candidates:
        if cand.child in problem.pinned:
            continue
        if cand.child in problem.forced and problem.forced[cand.child] != cand.parent:
            continue
        best[cand.child] = min(best[cand.child], cand.drop_cost)
    for child, parent in problem.forced.items():
        forced = problem.candidate(parent, child)
        if forced is not None:
            best[child] = forced.drop_cost
    return sum(best.values())


def relative_gap(value: float, bound: float) -> float:
    """(value - bound) / |value|, 0 when both are 0."""
    if math.isclose(value, bound, rel_tol=1e-12, abs_tol=1e-12):
        return 0.0
    return max(0.0, (value - bound) / max(abs(value), 1e-12))


def polish(problem: PlanProblem, parent_of: Mapping[str, str]) -> dict[str, str]:
    """A plan no single-table change improves (the exact solver works to a tolerance, the greedy
    one re-homes as it goes): a dropped table whose cheapest kept parent costs at least its
    storage is kept instead (a drop that saves nothing is never made), the others are rebuilt
    from their cheapest kept parent; each change only if the storage budget still holds. Forced
    duplicates stay as they are. Every change lowers the cost or the number of drops, so it ends."""
    plan = dict(parent_of)
    changed = True
    while changed:
        changed = False
        for child in sorted(plan):
            better = _improved(problem, plan, child)
            if better is not None:
                plan, changed = better, True
    return plan


def _improved(problem: PlanProblem, plan: dict[str, str], child: str) -> dict[str, str] | None:
    current = problem.candidate(plan[child], child)
    if child in problem.forced or current is None:
        return None
    kept = [c for c in problem.parents_of(child) if c.parent not in plan and c.parent != child]
    best = min(kept, key=lambda c: (c.drop_cost, c.parent), default=current)
    if problem.storage_cost[child] <= best.drop_cost:
        moved = {k: v for k, v in plan.items() if k != child}
    elif best.drop_cost < current.drop_cost:
        moved = {**plan, child: best.parent}
    else:
        return None
    budget = problem.storage_budget_bytes
    return moved if budget is None or problem.stored_bytes(moved) <= budget else None


def solution(problem: PlanProblem, parent_of: Mapping[str, str], solver: str,
             optimal: bool, gap: float | None = None) -> PlanSolution:
    """Wrap a solver's assignment (polished, see :func:`polish`), computing its objective."""
    parent_of = polish(problem, parent_of)
    value = objective(problem, parent_of)
    if gap is None and not optimal:
        gap = relative_gap(value, lower_bound(problem))
    return PlanSolution(dict(parent_of), value, solver, optimal, 0.0 if optimal else gap)
