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
from operators.redundancy.model import Candidate, PlanProblem, objective, polish, violations
from operators.redundancy.solve import solve_plan
from schemas.errors import UserError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


Option = tuple[float, int]
"""(monthly cost, stored bytes) of one way to drop a table: rebuild cost plus index storage, and
the index's bytes."""


def brute_force(problem: PlanProblem) -> float:
    """Minimum monthly cost over every keep set (math.inf when no keep set is feasible).

    A dropped table's cost is its rebuild cost plus its membership index's monthly storage; the
    storage budget caps kept tables' bytes plus the chosen indexes' bytes.
    """
    best = math.inf
    for size in range(len(problem.tables) + 1):
        for kept in itertools.combinations(problem.tables, size):
            best = min(best, _cost(problem, set(kept)))
    return best


def _options(problem: PlanProblem, child: str, kept: set[str]) -> list[Option]:
    allowed = {problem.forced[child]} if child in problem.forced else kept
    return [(c.rebuild_cost + c.index_cost, c.index_bytes) for c in problem.candidates
            if c.child == child and c.parent in allowed and c.parent in kept]


def _pareto(options: list[Option]) -> list[Option]:
    """Options not beaten on both cost and bytes (the only ones a budget can make optimal)."""
    front: list[Option] = []
    for cost, size in sorted(options):
        if not front or size < front[-1][1]:
            front.append((cost, size))
    return front


def _cost(problem: PlanProblem, kept: set[str]) -> float:
    if not problem.pinned <= kept or any(child in kept for child in problem.forced):
        return math.inf
    budget = problem.storage_budget_bytes
    room = math.inf if budget is None else budget - sum(problem.table_bytes[t] for t in kept)
    fronts = [_pareto(_options(problem, child, kept)) for child in sorted(set(problem.tables) - kept)]
    if room < 0 or any(not front for front in fronts):
        return math.inf
    best = math.inf
    for choice in itertools.product(*fronts):
        if sum(size for _, size in choice) <= room:
            best = min(best, sum(cost for cost, _ in choice))
    return sum(problem.storage_cost[t] for t in kept) + best


@st.composite
def problems(draw: st.DrawFn, forest: bool = False, budget: bool = True, dollars: float = 1.0) -> PlanProblem:
    n = draw(st.integers(1, 7))
    tables = tuple(f"t{i}" for i in range(n))
    cost = st.integers(0, 60).map(lambda c: c * dollars)
    storage = {t: draw(cost) for t in tables}
    sizes = {t: draw(st.integers(1, 50)) for t in tables}
    pairs = _forest_pairs(draw, n) if forest else _graph_pairs(draw, n)
    cands = tuple(_candidate(draw, f"t{p}", f"t{c}", cost) for p, c in pairs)
    pinned = frozenset(t for t in tables if draw(st.integers(0, 5)) == 0)
    forced = _forced(draw, cands, pinned)
    cap = draw(st.none() | st.integers(0, sum(sizes.values()))) if budget and not forest else None
    return PlanProblem(tables, storage, cands, pinned, forced, sizes, cap)


def _candidate(draw: st.DrawFn, parent: str, child: str, cost: st.SearchStrategy[float]) -> Candidate:
    """A candidate; about one in three needs a membership index (bytes and monthly storage)."""
    if draw(st.integers(0, 2)) == 0:
        return Candidate(parent, child, draw(cost), index_bytes=draw(st.integers(1, 50)), index_cost=draw(cost))
    return Candidate(parent, child, draw(cost))


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
@given(problems(dollars=1e-9))
def test_ilp_is_exact_for_costs_of_fractions_of_a_cent(problem: PlanProblem) -> None:
    # small tables cost nanodollars a month, below the solver's absolute tolerances
    best = brute_force(problem)
    if math.isinf(best):
        return
    found = solve_ilp(problem)
    assert found is not None and violations(problem, found.parent_of) == []
    assert found.objective == pytest.approx(best, rel=1e-9, abs=1e-15)


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


# Index cases: c and e are rebuilt from p only through a membership index; d from q by a view.
# Storage: p, q 100; c, d, e 3. Drop costs: c 0.5 + index 3.0 = 3.5 (more than keeping c);
# d 2.0; e 0.5 + index 1.0 = 1.5. Optimum by hand: keep p, q, c; drop d and e:
# 100 + 100 + 3 + 2.0 + 1.5 = 206.5 (priced without the index, c would be dropped too: 206.0).
INDEX_STORAGE = {"p": 100.0, "q": 100.0, "c": 3.0, "d": 3.0, "e": 3.0}
INDEX_FOREST = (Candidate("p", "c", 0.5, index_bytes=30, index_cost=3.0), Candidate("q", "d", 2.0),
                Candidate("p", "e", 0.5, index_bytes=10, index_cost=1.0))


def test_a_drop_whose_index_costs_more_than_the_table_is_kept_by_every_solver() -> None:
    problem = PlanProblem(("c", "d", "e", "p", "q"), INDEX_STORAGE, INDEX_FOREST)
    for found in (solve_forest(problem), solve_ilp(problem), solve_greedy(problem), solve_plan(problem)):
        assert found is not None
        assert dict(found.parent_of) == {"d": "q", "e": "p"}, found.solver
        assert found.objective == pytest.approx(206.5)


def test_solvers_prefer_a_dearer_view_to_a_cheaper_rebuild_with_a_costly_index() -> None:
    # d can also come from p through an index: 0.5 + 2.0 = 2.5 > 2.0 from q by a view
    cands = (*INDEX_FOREST, Candidate("p", "d", 0.5, index_bytes=20, index_cost=2.0))
    problem = PlanProblem(("c", "d", "e", "p", "q"), INDEX_STORAGE, cands)
    assert forest_parents(problem) is None
    for found in (solve_ilp(problem), solve_greedy(problem), solve_plan(problem)):
        assert found is not None
        assert dict(found.parent_of) == {"d": "q", "e": "p"}, found.solver
        assert found.objective == pytest.approx(206.5)


def test_index_bytes_count_against_the_storage_budget() -> None:
    # keeping a and b stores 20 bytes; dropping b stores a (10) + b's index (15) = 25
    cands = (Candidate("a", "b", 0.0, index_bytes=15, index_cost=0.0),)
    problem = PlanProblem(("a", "b"), {"a": 1.0, "b": 1.0}, cands, table_bytes={"a": 10, "b": 10},
                          storage_budget_bytes=19)
    for solver in (solve_ilp, solve_greedy):
        with pytest.raises(UserError):
            solver(problem)
    roomy = PlanProblem(("a", "b"), {"a": 1.0, "b": 1.0}, cands, table_bytes={"a": 10, "b": 10},
                        storage_budget_bytes=25)
    for solver in (solve_ilp, solve_greedy):
        found = solver(roomy)
        assert found is not None and dict(found.parent_of) == {"b": "a"}


def test_polish_keeps_a_dropped_table_that_saves_nothing() -> None:
    # a plan handed over with b dropped at a drop cost equal to its storage: keeping b is as cheap
    cands = (Candidate("a", "b", 0.25, index_bytes=5, index_cost=0.75),)
    problem = PlanProblem(("a", "b"), {"a": 4.0, "b": 1.0}, cands)
    assert polish(problem, {"b": "a"}) == {}
    cheaper = PlanProblem(("a", "b"), {"a": 4.0, "b": 1.0}, (Candidate("a", "b", 0.25),))
    assert polish(cheaper, {"b": "a"}) == {"b": "a"}
