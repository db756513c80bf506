"""Greedy redundancy plan for graphs too large for the integer program.

Start with every table kept (forced duplicates dropped), then repeatedly drop the table whose
drop lowers the monthly cost most, re-homing the tables currently rebuilt from it to their
cheapest other kept parent (a move is impossible when one of them has none). Costs are drop
costs: rebuild cost plus the storage of the membership index a rebuild needs. While the stored
bytes (kept tables and indexes) exceed the storage budget, the move losing least per byte freed
is taken even if it costs money (moves freeing nothing are skipped). Stops when no move helps or
at the time limit; the plan is feasible at every step.
"""

from __future__ import annotations

import heapq
import math
import time

from operators.redundancy.ilp import usable_candidates
from operators.redundancy.model import Candidate, PlanProblem, PlanSolution, solution
from schemas.errors import UserError


class _State:
    def __init__(self, problem: PlanProblem) -> None:
        self.problem = problem
        self.into: dict[str, list[Candidate]] = {}
        for cand in usable_candidates(problem):
            self.into.setdefault(cand.child, []).append(cand)
        self.parent_of: dict[str, str] = dict(problem.forced)
        self.locked = set(problem.pinned) | set(problem.forced.values()) | set(problem.forced)
        self.served: dict[str, set[str]] = {}
        for child, parent in self.parent_of.items():
            self.served.setdefault(parent, set()).add(child)

    def cheapest(self, child: str, excluded: str) -> Candidate | None:
        options = [c for c in self.into.get(child, []) if c.parent != excluded
                   and c.parent not in self.parent_of]
        return min(options, key=lambda c: (c.drop_cost, c.parent), default=None)

    def drop_gain(self, table: str) -> tuple[float, dict[str, Candidate]] | None:
        """Monthly saving of dropping ``table`` and the new parents it implies (None: impossible)."""
        if table in self.locked or table in self.parent_of:
            return None
        homes: dict[str, Candidate] = {}
        for child in [table, *sorted(self.served.get(table, ()))]:
            best = self.cheapest(child, excluded=table)
            if best is None:
                return None
            homes[child] = best
        gain = self.problem.storage_cost[table] - homes[table].drop_cost
        for child in homes.keys() - {table}:
            gain -= homes[child].drop_cost - self.problem.by_pair[(table, child)].drop_cost
        return gain, homes

    def bytes_freed(self, table: str, homes: dict[str, Candidate]) -> int:
        """Stored bytes a drop frees: the table, less the indexes its new rebuilds need."""
        freed = int(self.problem.table_bytes.get(table, 0)) - homes[table].index_bytes
        for child in homes.keys() - {table}:
            freed -= homes[child].index_bytes - self.problem.by_pair[(table, child)].index_bytes
        return freed

    def apply(self, homes: dict[str, Candidate]) -> None:
        for child, cand in homes.items():
            old = self.parent_of.get(child)
            if old is not None:
                self.served[old].discard(child)
            self.parent_of[child] = cand.parent
            self.served.setdefault(cand.parent, set()).add(child)

    def stored_bytes(self) -> int:
        return self.problem.stored_bytes(self.parent_of)


def _key(state: _State, table: str, found: tuple[float, dict[str, Candidate]],
         over_budget: bool) -> float | None:
    """Priority of a move (None: over budget, it frees nothing; within it, it would break it)."""
    gain, homes = found
    freed = state.bytes_freed(table, homes)
    if over_budget:
        return gain / freed if freed > 0 else None
    budget = state.problem.storage_budget_bytes
    fits = budget is None or freed >= 0 or state.stored_bytes() - freed <= budget
    return gain if fits else None


def _drops(state: _State, over_budget: bool, deadline: float) -> None:
    """Take the best drop until none helps (or, over budget, until the budget holds).

    Lazy evaluation: a table's gain never grows as others are dropped (its parents' and its
    dependants' alternatives only shrink), so a stale key is an upper bound; a popped table whose
    fresh key still tops the queue is the best move.
    """
    budget = state.problem.storage_budget_bytes
    queue = [(-math.inf, t) for t in state.problem.tables]
    heapq.heapify(queue)
    while queue and (over_budget or time.monotonic() < deadline):
        if over_budget and budget is not None and state.stored_bytes() <= budget:
            return
        _, table = heapq.heappop(queue)
        found = state.drop_gain(table)
        if found is None:
            continue  # impossible now stays impossible: kept tables only become fewer
        key = _key(state, table, found, over_budget)
        if key is None:
            continue
        if queue and key < -queue[0][0]:
            heapq.heappush(queue, (-key, table))
            continue
        if not over_budget and key <= 1e-12:
            return
        state.apply(found[1])


def solve_greedy(problem: PlanProblem, time_limit_s: float = 60.0) -> PlanSolution:
    """A feasible plan, improved greedily until no drop helps or ``time_limit_s`` has passed."""
    state = _State(problem)
    budget = problem.storage_budget_bytes
    deadline = time.monotonic() + time_limit_s
    if budget is not None:
        _drops(state, over_budget=True, deadline=deadline)
        if state.stored_bytes() > budget:
            raise UserError("no redundancy plan fits the storage budget (greedy search)")
    _drops(state, over_budget=False, deadline=deadline)
    return solution(problem, _rehome(state), "greedy", optimal=False)


def _rehome(state: _State) -> dict[str, str]:
    """Move each dropped table (not a forced duplicate) to its cheapest kept parent, unless the
    move's index would break the storage budget."""
    problem, parent_of = state.problem, dict(state.parent_of)
    budget = problem.storage_budget_bytes
    for child in sorted(state.parent_of):
        best = None if child in problem.forced else state.cheapest(child, excluded=child)
        if best is None:
            continue
        moved = {**parent_of, child: best.parent}
        if budget is None or problem.stored_bytes(moved) <= budget:
            parent_of = moved
    return parent_of
