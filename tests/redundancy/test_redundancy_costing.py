"""The cost model and the containment graph the plan is built from (no Spark)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operators.redundancy.costing import (
    TableCost,
    build_problem,
    candidates,
    representative,
    resolve_costs,
)
from operators.redundancy.lake_graph import (
    ColumnInfo,
    TableInfo,
    duplicate_classes,
    edges_from_rows,
    tables_from_rows,
)
from operators.redundancy.model import violations
from operators.redundancy.solve import solve_plan
from operators.redundancy.sql import fingerprint, ident, string_literal
from schemas.errors import UserError
from schemas.redundancy import CostDefaults, CostParameters, TableCostInputs


def table(table_id: str, columns: list[str], num_bytes: int = 1000, rows: int = 10, mtime: int = 0) -> TableInfo:
    cols = tuple(ColumnInfo(c, c.lower(), "bigint") for c in columns)
    return TableInfo(table_id, f"/lake/{table_id}", rows, num_bytes, cols, "parquet", len(cols), (), mtime, "ok")


def edge_row(parent: str, child: str, verdict: str = "contained", degree: float = 1.0, **extra: object) -> dict:
    return {"parent": parent, "child": child, "verdict": verdict, "degree": degree, "matched_columns": [], **extra}


def test_edges_map_columns_by_normalised_name_and_close_transitively() -> None:
    tables = {"a": table("a", ["ID", "X", "Y"]), "b": table("b", ["id", "x"]), "c": table("c", ["Id"])}
    edges = edges_from_rows([edge_row("a", "b"), edge_row("b", "c")], tables)
    assert set(edges) == {("a", "b"), ("b", "c"), ("a", "c")}
    assert edges[("a", "c")].column_map == (("Id", "ID"),) and edges[("a", "c")].transitive


def test_approximate_refuted_and_unusable_edges_are_ignored() -> None:
    tables = {"a": table("a", ["id"]), "b": table("b", ["id"]), "q": table("q", ["id"]), "z": table("z", ["other"])}
    tables["q"] = TableInfo("q", "/lake/q", 10, 10, tables["q"].columns, status="quarantined")
    rows = [edge_row("a", "b", degree=0.97), edge_row("b", "a", verdict="not_contained"),
            edge_row("a", "q"), edge_row("a", "z")]
    assert edges_from_rows(rows, tables) == {}


def test_duplicates_contain_each_other_and_form_classes() -> None:
    tables = {"a": table("a", ["id"]), "b": table("b", ["id"])}
    rows = [edge_row("a", "b", verdict="duplicate", dup_class="d1")]
    assert set(edges_from_rows(rows, tables)) == {("a", "b"), ("b", "a")}
    assert duplicate_classes(rows) == [["a", "b"]]
    assert duplicate_classes(rows, [{"dup_class": "x", "table_id": "b"}, {"dup_class": "x", "table_id": "a"}]) == [["a", "b"]]


def test_profiles_rows_become_tables_with_ordered_columns() -> None:
    tables = tables_from_rows(
        [{"table_id": "t", "path": "/l/t", "num_rows": 3, "num_bytes": 99, "num_columns": 2, "status": "ok"}],
        [{"table_id": "t", "column_name": "B", "norm_name": "b", "ordinal": 1, "spark_type": "string"},
         {"table_id": "t", "column_name": "A", "norm_name": "a", "ordinal": 0, "spark_type": "int"}])
    assert [c.name for c in tables["t"].columns] == ["A", "B"] and tables["t"].num_bytes == 99


def test_representative_rule_pinned_then_reads_then_oldest_then_id() -> None:
    tables = {t: table(t, ["id"], mtime=m) for t, m in (("a", 5), ("b", 3), ("c", 3), ("d", 9))}
    cost = {t: TableCost("hot", 1.0, 60.0, False) for t in tables}
    assert representative(tables, tables, cost) == "b"  # oldest, then smaller id than c
    cost["d"] = TableCost("hot", 2.0, 60.0, False)
    assert representative(tables, tables, cost) == "d"  # most read
    cost["a"] = TableCost("hot", 0.0, 60.0, True)
    assert representative(tables, tables, cost) == "a"  # pinned


def test_cost_inputs_fill_defaults_and_reject_unknown_tiers_and_tables() -> None:
    params = CostParameters(defaults=CostDefaults(tier="cool", reads_per_month=3, latency_budget_s=9))
    costs = resolve_costs(["a", "b"], params, [TableCostInputs(table_id="a", reads_per_month=0.5, pinned="true")])
    assert costs["a"] == TableCost("cool", 0.5, 9.0, True) and costs["b"] == TableCost("cool", 3.0, 9.0, False)
    with pytest.raises(UserError) as err:
        resolve_costs(["a"], params, [TableCostInputs(table_id="a", tier="glacier"), TableCostInputs(table_id="zz")])
    assert len(err.value.problems) == 2


def test_storage_and_rebuild_costs_by_hand() -> None:
    params = CostParameters(scan_bytes_per_second=1000.0, rebuild_fixed_seconds=2.0)
    tables = {"p": table("p", ["a", "b", "c", "d"], num_bytes=2**30 * 4), "c": table("c", ["a"], num_bytes=2**30)}
    edges = edges_from_rows([edge_row("p", "c")], tables)
    costs = {"p": TableCost("hot", 1, 1e12, False), "c": TableCost("archive", 10, 1e12, False)}
    problem = build_problem(tables, edges, [], costs, params)
    assert problem.storage_cost["c"] == pytest.approx(0.004)        # 1 GB archive
    assert problem.storage_cost["p"] == pytest.approx(4 * 0.023)    # 4 GB hot
    (cand,) = problem.candidates
    assert cand.bytes_scanned == 2**30                               # 1 of 4 columns
    assert cand.latency_s == pytest.approx(2.0 + 2**30 / 1000.0)
    assert cand.rebuild_cost == pytest.approx(10 * 2**30 * 5.0 / 1e12)


@st.composite
def lakes(draw: st.DrawFn) -> tuple[dict, dict, dict, CostParameters]:
    n = draw(st.integers(2, 7))
    names = [f"t{i}" for i in range(n)]
    tables = {t: table(t, ["k", *[f"c{j}" for j in range(draw(st.integers(0, 4)))]],
                       num_bytes=draw(st.integers(10**6, 10**9))) for t in names}
    rows = [edge_row(p, c) for p in names for c in names if p != c and draw(st.integers(0, 2)) == 0]
    costs = {t: TableCost("hot", draw(st.floats(0, 5)), draw(st.floats(0.01, 100)), draw(st.integers(0, 3)) == 0)
             for t in names}
    params = CostParameters(scan_bytes_per_second=draw(st.floats(1e6, 1e8)))
    return tables, edges_from_rows(rows, tables), costs, params


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lakes())
def test_plans_respect_latency_budgets_and_pins(lake: tuple[dict, dict, dict, CostParameters]) -> None:
    tables, edges, costs, params = lake
    problem = build_problem(tables, edges, [], costs, params)
    for method in ("auto", "ilp", "greedy"):
        plan = solve_plan(problem, method)  # type: ignore[arg-type]
        assert violations(problem, plan.parent_of) == []
        for child, parent in plan.parent_of.items():
            assert not costs[child].pinned
            edge = edges[(parent, child)]
            needed = len(edge.column_map) / tables[parent].num_columns
            latency = tables[parent].num_bytes * needed / params.scan_bytes_per_second
            assert latency <= costs[child].latency_budget_s * (1 + 1e-9)


def test_candidates_over_the_latency_budget_are_dropped() -> None:
    params = CostParameters(scan_bytes_per_second=100.0)
    tables = {"p": table("p", ["a"], num_bytes=1000), "c": table("c", ["a"], num_bytes=500)}
    edges = edges_from_rows([edge_row("p", "c")], tables)
    assert len(candidates(tables, edges, {"c": TableCost("hot", 1, 10.0, False)}, params)) == 1
    assert candidates(tables, edges, {"c": TableCost("hot", 1, 9.99, False)}, params) == []


def test_sql_quoting_in_both_dialects() -> None:
    assert ident('we"ird`', "duckdb") == '"we""ird`"' and ident('we"ird`', "spark") == '`we"ird```'
    assert string_literal("o'h\\x", "duckdb") == "'o''h\\x'"
    assert string_literal("o'h\\x", "spark") == "'o\\'h\\\\x'"
    assert fingerprint([("x", "double"), ("y", "array<int>")], "duckdb") is None
    assert "epoch_us(t)" in (fingerprint([("t", "timestamp")], "duckdb") or "")
    assert "unix_micros(t)" in (fingerprint([("t", "timestamp")], "spark") or "")


def test_plan_summary_lines_from_a_summary_row() -> None:
    from operators.redundancy.summary import plan_summary_lines

    row = {"tables_total": 9, "tables_dropped": 4, "bytes_saved": 3 * 2**30, "cost_saved_per_month": 0.0625,
           "storage_cost_before": 1.5, "objective": 1.4375, "solver": "greedy", "optimality_gap": 0.02,
           "optimal": False}
    lines = plan_summary_lines(row)
    assert lines[0] == "Redundancy plan: drop 4 of 9 tables (solver greedy, within 2.0% of optimal)"
    assert lines[1] == "Storage saved: 3 GB (3,221,225,472 bytes)"
    assert lines[2] == "Cost saved: $0.0625 per month (storage before $1.5/month, plan $1.438/month)"
