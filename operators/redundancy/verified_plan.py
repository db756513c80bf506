"""Solving the plan and verifying its rebuild recipes until every chosen drop has one.

Candidates start priced as views (no index). Each chosen candidate is verified with Spark: a view
recipe (projection or predicate) settles it. When only a membership index can rebuild the child,
the candidate is re-priced with the index's estimated storage and the plan re-solved; only if the
drop is still chosen is the index built, and the candidate re-priced with the index's real size.
A candidate no recipe verifies is removed. Every candidate passes through these states at most
once, so the loop ends; it ends when a solve chooses only candidates with settled recipes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from operators.redundancy.costing import membership_index_bytes
from operators.redundancy.lake_graph import Edge
from operators.redundancy.model import PlanProblem, PlanSolution
from operators.redundancy.recipes import FoundRecipe, RecipeFinder

Pair = tuple[str, str]
PriceIndex = Callable[[str, int], float]
"""(child table, index bytes) -> dollars per month to store the index."""

NEEDS_INDEX = "needs_index"


@dataclass
class VerifiedPlan:
    """The final problem and plan, each dropped table's recipe, and the tables some chosen
    candidate of which failed verification."""

    problem: PlanProblem
    solution: PlanSolution
    recipes: dict[str, FoundRecipe]
    unverified: set[str] = field(default_factory=set)


@dataclass
class _Search:
    finder: RecipeFinder
    edges: Mapping[Pair, Edge]
    price_index: PriceIndex
    state: dict[Pair, FoundRecipe | str | None] = field(default_factory=dict)
    unverified: set[str] = field(default_factory=set)

    def advance(self, problem: PlanProblem, key: Pair) -> PlanProblem:
        """Verify the chosen candidate one step further; the (possibly re-priced) problem."""
        current = self.state.get(key)
        if isinstance(current, FoundRecipe):
            return problem
        edge = self.edges[key]
        if current is None:
            found = self.finder.find(edge)
            if found is not None:
                self.state[key] = found
                return problem
            if self.finder.can_index(edge):
                self.state[key] = NEEDS_INDEX
                return self._priced(problem, key, membership_index_bytes(self._rows(key[1])))
        else:
            found = self.finder.find_membership(edge)
            if found is not None:
                self.state[key] = found
                same = found.index_bytes == problem.by_pair[key].index_bytes
                return problem if same else self._priced(problem, key, found.index_bytes)
        self.unverified.add(key[1])
        return problem.without(*key)

    def _rows(self, table_id: str) -> int:
        return self.finder.tables[table_id].num_rows

    def _priced(self, problem: PlanProblem, key: Pair, index_bytes: int) -> PlanProblem:
        return problem.with_index(*key, index_bytes, self.price_index(key[1], index_bytes))


def solve_verified(problem: PlanProblem, edges: Mapping[Pair, Edge], finder: RecipeFinder,
                   solve: Callable[[PlanProblem], PlanSolution], price_index: PriceIndex,
                   report: Callable[[str, int, int], None]) -> VerifiedPlan:
    """Solve, verify the chosen candidates, re-price or remove them, re-solve until stable."""
    search = _Search(finder, edges, price_index)
    while True:
        sol = solve(problem)
        chosen = sorted((p, c) for c, p in sol.parent_of.items())
        before = problem
        for i, key in enumerate(chosen):
            if not isinstance(search.state.get(key), FoundRecipe):
                report(f"verifying rebuild of {key[1]} from {key[0]}", i, len(chosen))
            problem = search.advance(problem, key)
        if problem is before:
            recipes = {c: search.state[(p, c)] for p, c in chosen}
            return VerifiedPlan(problem, sol, recipes, search.unverified)  # type: ignore[arg-type]
