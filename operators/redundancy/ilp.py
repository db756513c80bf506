"""The exact redundancy plan as a 0-1 integer program, solved with HiGHS.

Variables: ``keep_t`` for every table and ``x_pc`` for every feasible candidate (p, c).

    minimise   sum_t storage_t * keep_t + sum_(p,c) (rebuild_pc + index_pc) * x_pc
    subject to keep_c + sum_p x_pc = 1          every table is kept or rebuilt from one parent
               x_pc - keep_p <= 0               only from a kept parent (single hop)
               keep_t = 1                       pinned tables
               x_pc = 1                         forced duplicates (so keep_p = 1)
               sum_t bytes_t * keep_t + sum_(p,c) index_bytes_pc * x_pc <= B
                                                optional storage budget

``index_pc`` is the monthly storage of the membership index rebuilding c from p needs (0 for a
view), so a drop whose index costs as much as the table saves nothing.

Tables without candidates are kept by the first constraint.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from operators.redundancy.model import Candidate, PlanProblem, PlanSolution, solution
from schemas.errors import UserError


@dataclass
class _Rows:
    lower: list[float]
    upper: list[float]
    start: list[int]
    index: list[int]
    value: list[float]

    def add(self, lower: float, upper: float, entries: list[tuple[int, float]]) -> None:
        self.lower.append(lower)
        self.upper.append(upper)
        self.index.extend(i for i, _ in entries)
        self.value.extend(v for _, v in entries)
        self.start.append(len(self.index))


def usable_candidates(problem: PlanProblem) -> list[Candidate]:
    """Candidates a plan may use: not into pinned tables, and the forced one for duplicates."""
    out = []
    for cand in problem.candidates:
        forced = problem.forced.get(cand.child)
        if cand.child in problem.pinned or (forced is not None and forced != cand.parent):
            continue
        if cand.parent != cand.child:
            out.append(cand)
    return out


def _rows(problem: PlanProblem, cands: list[Candidate], col: dict[str, int]) -> _Rows:
    rows = _Rows([], [], [0], [], [])
    n = len(problem.tables)
    into: dict[str, list[int]] = {}
    for i, cand in enumerate(cands):
        into.setdefault(cand.child, []).append(n + i)
    for t in problem.tables:
        rows.add(1.0, 1.0, [(col[t], 1.0)] + [(j, 1.0) for j in into.get(t, [])])
    for i, cand in enumerate(cands):
        rows.add(-highspy.kHighsInf, 0.0, [(n + i, 1.0), (col[cand.parent], -1.0)])
    if problem.storage_budget_bytes is not None:
        entries = [(col[t], float(problem.table_bytes.get(t, 0))) for t in problem.tables]
        entries += [(n + i, float(c.index_bytes)) for i, c in enumerate(cands) if c.index_bytes]
        rows.add(-highspy.kHighsInf, float(problem.storage_budget_bytes), entries)
    return rows


def _bounds(problem: PlanProblem, cands: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    lower = np.zeros(len(problem.tables) + len(cands))
    upper = np.ones_like(lower)
    for i, t in enumerate(problem.tables):
        if t in problem.pinned:
            lower[i] = 1.0
        if t in problem.forced:
            upper[i] = 0.0
    for i, cand in enumerate(cands):
        if problem.forced.get(cand.child) == cand.parent:
            lower[len(problem.tables) + i] = 1.0
    return lower, upper


def _cost_scale(costs: np.ndarray) -> float:
    """Divisor bringing the largest cost to 1: monthly costs of small tables are fractions of a
    cent, far below HiGHS's absolute tolerances (1e-7), which would make their differences
    invisible to the solver. The plan's objective is recomputed in dollars afterwards."""
    top = float(np.max(np.abs(costs))) if costs.size else 0.0
    return top if top > 0 else 1.0


def _model(problem: PlanProblem, cands: list[Candidate]) -> highspy.HighsLp:
    col = {t: i for i, t in enumerate(problem.tables)}
    rows = _rows(problem, cands, col)
    lp = highspy.HighsLp()
    lp.num_col_ = len(problem.tables) + len(cands)
    lp.num_row_ = len(rows.lower)
    costs = np.array([problem.storage_cost[t] for t in problem.tables] + [c.drop_cost for c in cands],
                     dtype=float)
    lp.col_cost_ = costs / _cost_scale(costs)
    lp.col_lower_, lp.col_upper_ = _bounds(problem, cands)
    lp.row_lower_, lp.row_upper_ = np.array(rows.lower), np.array(rows.upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(rows.start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(rows.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(rows.value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    return lp


def solve_ilp(problem: PlanProblem, time_limit_s: float = 60.0) -> PlanSolution | None:
    """The optimal plan, or the best incumbent at the time limit; ``None`` if HiGHS found none.

    Raises :class:`UserError` when no plan satisfies the constraints (a too small budget).
    """
    cands = usable_candidates(problem)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(time_limit_s))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.0)
    highs.setOptionValue("threads", 1)
    highs.passModel(_model(problem, cands))
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise UserError("no redundancy plan satisfies the constraints (storage budget too small?)")
    info = highs.getInfo()
    if info.primal_solution_status != 2:  # 2 = feasible solution available
        return None
    values = highs.getSolution().col_value
    n = len(problem.tables)
    parent_of = {c.child: c.parent for i, c in enumerate(cands) if values[n + i] > 0.5}
    optimal = status == highspy.HighsModelStatus.kOptimal
    return solution(problem, parent_of, "ilp", optimal, None if optimal else float(info.mip_gap))
