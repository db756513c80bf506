"""The plan solvers against a brute-force enumeration of keep sets on small random graphs."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operators.redundancy.forest import forest_parents, solve_forest
from operators.redundancy.greedy import solve_greedy
from operators.redundancy.ilp import solve_ilp
from operators.redundancy.model import Candidate, PlanProblem, objective, violations
from operators.redundancy.solve import solve_plan
from schemas.errors import UserError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force(problem: PlanProblem) -> float:
    """Minimum monthly cost over every keep set (math.inf when no keep set is feasible)."""
    rebuild = {(c.parent, c.child): c.rebuild_cost for c in problem.candidates}
    best = math.inf
    for size in range(len(problem.tables) + 1):
        for kept in itertools.combinations(problem.tables, size):
            best = min(best, _cost(problem, set(kept), rebuild))
    return best


def _cost(problem: PlanProblem, kept: set[str], rebuild: dict[tuple[str, str], float]) -> float:
    if not problem.pinned <= kept:
        return math.inf
    budget = problem.storage_budget_bytes
    if budget is not None and sum(problem.table_bytes[t] for t in kept) > budget:
        return math.inf
    total = sum(problem.storage_cost[t] for t in kept)
    for child in set(problem.tables) - kept:
        if child in problem.forced:
            parent = problem.forced[child]
            options = [rebuild[(parent, child)]] if parent in kept else []
        else:
            options = [r for (p, c), r in rebuild.items() if c == child and p in kept]
        if not options:
            return math.inf
        total += min(options)
    for child, parent in problem.forced.items():
        if child in kept:
            return math.inf
    return total


@st.composite
def problems(draw: st.DrawFn, forest: bool = False, budget: bool = True) -> PlanProblem:
    n = draw(st.integers(1, 7))
    tables = tuple(f"t{i}" for i in range(n))
    cost = st.integers(0, 60).map(float)
    storage = {t: draw(cost) for t in tables}
    sizes = {t: draw(st.integers(1, 50)) for t in tables}
    pairs = _forest_pairs(draw, n) if forest else _graph_pairs(draw, n)
    cands = tuple(Candidate(f"t{p}", f"t{c}", draw(cost)) for p, c in pairs)
    pinned = frozenset(t for t in tables if draw(st.integers(0, 5)) == 0)
    forced = _forced(draw, cands, pinned)
    cap = draw(st.none() | st.integers(0, sum(sizes.values()))) if budget and not forest else None
    return PlanProblem(tables, storage, cands, pinned, forced, sizes, cap)


def _graph_pairs(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    every = [(p, c) for p in range(n) for c in range(n) if p != c]
    return [pair for pair in every if draw(st.integers(0, 2)) == 0]


def _forest_pairs(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    out = []
    for child in range(1, n):
        parent = draw(st.none() | st.integers(0, child - 1))
        if parent is not None:
            out.append((parent, child))
    return out


def _forced(draw: st.DrawFn, cands: tuple[Candidate, ...], pinned: frozenset[str]) -> dict[str, str]:
    forced: dict[str, str] = {}
    for cand in cands:
        free = cand.child not in pinned and cand.child not in forced
        unlinked = cand.child not in forced.values() and cand.parent not in forced
        if free and unlinked and draw(st.integers(0, 6)) == 0:
            forced[cand.child] = cand.parent
    return forced


@SETTINGS
@given(problems())
def test_ilp_matches_brute_force(problem: PlanProblem) -> None:
    best = brute_force(problem)
    if math.isinf(best):
        with pytest.raises(UserError):
            solve_ilp(problem)
        return
    found = solve_ilp(problem)
    assert found is not None and found.optimal
    assert violations(problem, found.parent_of) == []
    assert found.objective == pytest.approx(best, abs=1e-6)
    assert objective(problem, found.parent_of) == pytest.approx(found.objective)


@SETTINGS
@given(problems())
def test_greedy_is_feasible_and_never_beats_the_optimum(problem: PlanProblem) -> None:
    best = brute_force(problem)
    try:
        found = solve_greedy(problem, time_limit_s=5)
    except UserError:
        assert problem.storage_budget_bytes is not None, "greedy failed without a budget"
        return
    assert not math.isinf(best)
    assert violations(problem, found.parent_of) == []
    assert found.objective >= best - 1e-9
    assert found.gap is not None and 0.0 <= found.gap <= 1.0


@SETTINGS
@given(problems(forest=True))
def test_forest_fast_path_equals_ilp_and_brute_force(problem: PlanProblem) -> None:
    assert forest_parents(problem) is not None
    found = solve_forest(problem)
    assert found is not None
    assert violations(problem, found.parent_of) == []
    assert found.objective == pytest.approx(brute_force(problem), abs=1e-6)
    exact = solve_ilp(problem)
    assert exact is not None and found.objective == pytest.approx(exact.objective, abs=1e-6)
    assert solve_plan(problem).solver == "forest"


@SETTINGS
@given(problems())
def test_pinned_tables_are_never_dropped(problem: PlanProblem) -> None:
    for method in ("auto", "greedy"):
        try:
            found = solve_plan(problem, method=method, time_limit_s=5)  # type: ignore[arg-type]
        except UserError:
            continue
        assert not (problem.pinned & set(found.parent_of))


def test_dropping_a_parent_keeps_its_children_in_a_chain() -> None:
    # a > b > c (no transitive edge): dropping b would strand c, so the best plan drops only
    # one of them. Costs: keep all = 30; drop c (from b) = 20 + 1 = 21; drop b = 20 + 2 + ...
    cands = (Candidate("a", "b", 2.0), Candidate("b", "c", 1.0))
    problem = PlanProblem(("a", "b", "c"), {"a": 10.0, "b": 10.0, "c": 10.0}, cands)
    for solver in (solve_forest, solve_ilp):
        found = solver(problem)
        assert found is not None
        # drop c from b: 10 + 10 + 1 = 21; drop b: 10 + 2 + 10 = 22; both: impossible.
        assert dict(found.parent_of) == {"c": "b"} and found.objective == 21.0


def test_storage_budget_forces_a_costly_drop() -> None:
    cands = (Candidate("a", "b", 50.0),)
    problem = PlanProblem(("a", "b"), {"a": 1.0, "b": 1.0}, cands, table_bytes={"a": 10, "b": 10},
                          storage_budget_bytes=10)
    assert dict(solve_plan(problem).parent_of) == {"b": "a"}
    assert dict(solve_greedy(problem).parent_of) == {"b": "a"}
    too_small = PlanProblem(("a", "b"), {"a": 1.0, "b": 1.0}, cands, table_bytes={"a": 10, "b": 10},
                            storage_budget_bytes=5)
    with pytest.raises(UserError):
        solve_plan(too_small)
