"""The ``plan_redundancy`` stage: choose which contained tables to drop and how to rebuild them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, OperatorConfig, StageContext
from operators.redundancy.costing import build_problem, bytes_cost, resolve_costs
from operators.redundancy.lake_graph import (
    TableInfo,
    duplicate_classes,
    edges_from_rows,
    tables_from_rows,
    usable,
)
from operators.redundancy.model import PlanProblem, PlanSolution
from operators.redundancy.outputs import PlanContext, plan_rows, summary_row
from operators.redundancy.recipes import RecipeFinder, RecipeSettings
from operators.redundancy.solve import SolverChoice, solve_plan
from operators.redundancy.verified_plan import solve_verified
from operators.registry import register
from schemas.errors import UserError
from schemas.redundancy import (
    REDUNDANCY_PLAN_DDL,
    REDUNDANCY_SUMMARY_DDL,
    CostParameters,
    TableCostInputs,
)


class PlanRedundancyConfig(CostParameters, OperatorConfig):
    """Cost model, inputs and solver settings of the redundancy plan."""

    edges_from: str | None = Field(default=None, description="containment edges table; default: the step's input")
    table_profiles_from: str = Field(default="table_profiles", description="table profiles table")
    column_profiles_from: str = Field(default="column_profiles", description="column profiles table")
    duplicate_classes_from: str | None = Field(
        default=None, description="duplicate classes table; default: edges' dup_class")
    cost_inputs_from: str | None = Field(
        default=None, description="recipe table (CSV/Parquet input) with per-table cost inputs")
    tables: list[TableCostInputs] = Field(default_factory=list, description="per-table cost inputs")
    storage_budget_bytes: int | None = Field(default=None, ge=0, description="cap on kept bytes")
    usable_statuses: list[str] = Field(default_factory=lambda: ["ok"], description="profile statuses a plan may use")
    solver: SolverChoice = Field(default="auto", description="auto | ilp | forest | greedy")
    time_limit_s: float = Field(default=60.0, gt=0, description="solver time limit")
    ilp_max_variables: int = Field(default=200_000, ge=1, description="above this, use the greedy search")
    max_in_values: int = Field(default=16, ge=1, description="most values of an inferred IN predicate")
    max_predicate_columns: int = Field(default=4, ge=0, description="columns tried for a predicate")


def _rows(df: Any) -> list[dict[str, Any]]:
    return [r.asDict(recursive=True) for r in df.collect()]


@register
class PlanRedundancy(Operator):
    """Plans which contained tables to drop. Keeps pinned, parentless and unverifiable tables;
    drops (in the plan only, nothing is touched) tables cheaper to rebuild from a kept parent,
    with a verified DuckDB/Spark rebuild recipe. Scans parents and children to verify recipes
    (no shuffle except ``DISTINCT`` checks); outputs ``main`` (the plan) and ``summary``."""

    name = "plan_redundancy"
    version = "1"
    kind = "stage"
    accounting = "none"
    config_model = PlanRedundancyConfig
    example_config: ClassVar[dict[str, Any]] = {"solver": "auto", "scan_bytes_per_second": 2.0e8, "tables": [
        {"table_id": "sales/2024", "reads_per_month": 4, "pinned": False}]}

    def run(self, df: Any, ctx: StageContext) -> Any:
        cfg: PlanRedundancyConfig = self.config  # type: ignore[assignment]
        started = time.monotonic()
        tables = tables_from_rows(_rows(ctx.table(cfg.table_profiles_from)),
                                  _rows(ctx.table(cfg.column_profiles_from)))
        edges_df = df if cfg.edges_from is None else ctx.table(cfg.edges_from)
        if edges_df is None:
            raise UserError(f"step '{ctx.step}' needs containment edges: give it an input or 'edges_from'")
        edge_rows = _rows(edges_df)
        edges = edges_from_rows(edge_rows, tables, cfg.usable_statuses)
        classes = duplicate_classes(edge_rows, _rows(ctx.table(cfg.duplicate_classes_from))
                                    if cfg.duplicate_classes_from else ())
        costs = resolve_costs(tables, cfg, [*self._cost_table(ctx), *cfg.tables])
        problem = build_problem(tables, edges, classes, costs, cfg, cfg.storage_budget_bytes)
        finder = RecipeFinder(ctx, tables, RecipeSettings(cfg.max_in_values, cfg.max_predicate_columns))
        plan = solve_verified(
            problem, edges, finder,
            lambda prob: solve_plan(prob, cfg.solver, cfg.time_limit_s, cfg.ilp_max_variables),
            lambda child, size: bytes_cost(size, costs[child], cfg), ctx.report)
        sol = plan.solution
        reasons = keep_reasons(tables, edges, problem, plan.unverified, sol, cfg.usable_statuses)
        pc = PlanContext(tables, plan.problem, sol, plan.recipes, costs, cfg, reasons)
        rows = plan_rows(pc)
        summary = summary_row(pc, rows, time.monotonic() - started)
        spark = ctx.spark
        return {MAIN: spark.createDataFrame(rows, REDUNDANCY_PLAN_DDL),
                "summary": spark.createDataFrame([summary], REDUNDANCY_SUMMARY_DDL)}

    def _cost_table(self, ctx: StageContext) -> list[TableCostInputs]:
        name = self.config.cost_inputs_from  # type: ignore[attr-defined]
        if not name:
            return []
        fields = set(TableCostInputs.model_fields)
        return [TableCostInputs.model_validate({k: v for k, v in r.items() if k in fields})
                for r in _rows(ctx.table(name))]


def keep_reasons(tables: Mapping[str, TableInfo], edges: Iterable[tuple[str, str]],
                 initial: PlanProblem, unverified: set[str], sol: PlanSolution,
                 statuses: list[str]) -> dict[str, str]:
    """Why each kept table is kept."""
    has_edge = {c for _, c in edges}
    serving = set(sol.parent_of.values())
    out: dict[str, str] = {}
    for t, info in tables.items():
        if t in sol.parent_of:
            continue
        out[t] = ("pinned" if t in initial.pinned else "not_usable" if not usable(info, statuses)
                  else "empty" if info.num_rows == 0 else "not_contained" if t not in has_edge
                  else "latency_budget" if not initial.parents_of(t)
                  else "no_verified_recipe" if t in unverified
                  else "rebuild_source" if t in serving else "cheaper_to_keep")
    return out
