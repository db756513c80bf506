"""Choosing a solver: the forest fast path, the exact integer program, or the greedy fallback."""

from __future__ import annotations

from typing import Literal

from operators.redundancy.forest import forest_parents, solve_forest
from operators.redundancy.greedy import solve_greedy
from operators.redundancy.ilp import solve_ilp, usable_candidates
from operators.redundancy.model import PlanProblem, PlanSolution
from schemas.errors import UserError

SolverChoice = Literal["auto", "ilp", "forest", "greedy"]


def solve_plan(problem: PlanProblem, method: SolverChoice = "auto", time_limit_s: float = 60.0,
               ilp_max_variables: int = 200_000) -> PlanSolution:
    """The cheapest plan the chosen method finds.

    ``auto``: the forest DP when the candidate graph is a forest (exact, linear time), else the
    integer program when it has at most ``ilp_max_variables`` variables, else (or when HiGHS
    finds no incumbent within the time limit) the greedy search.
    """
    if method == "greedy":
        return solve_greedy(problem, time_limit_s)
    if method in ("auto", "forest") and forest_parents(problem) is not None:
        found = solve_forest(problem)
        if found is not None:
            return found
    if method == "forest":
        raise UserError("solver 'forest' needs a forest-shaped candidate graph and no storage budget")
    size = len(problem.tables) + len(usable_candidates(problem))
    if method == "ilp" or size <= ilp_max_variables:
        found = solve_ilp(problem, time_limit_s)
        if found is not None:
            return found
    return solve_greedy(problem, time_limit_s)
