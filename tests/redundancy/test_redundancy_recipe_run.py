"""Golden recipe: profile a lake, find containment, plan redundancy, query the plan in DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.runner import run_recipe
from schemas.redundancy import PLAN_QUERY_SQL
from tests.redundancy.redundancy_testlake import CHILD_METHODS, write_lake

pytestmark = pytest.mark.slow
SAFE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

RECIPE = """\
name: redundancy_plan_golden
output: out
lake: {root: lake}
steps:
  - op: schema_containment
  - op: minmax_prune
  - op: content_prune
  - op: verify_containment
  - name: plan
    op: plan_redundancy
    config:
      duplicate_classes_from: verify_containment.duplicate_classes
      defaults: {reads_per_month: 0.1}
      tables:
        - {table_id: sales/all, reads_per_month: 10}
        - {table_id: other/t, pinned: true}
publish:
  - {table: redundancy_plan, from: plan}
  - {table: redundancy_summary, from: plan.summary}
  - {table: containment_edges, from: verify_containment.containment_edges}
"""


@pytest.fixture(scope="module")
def run(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    base = tmp_path_factory.mktemp("redundancy_golden")
    write_lake(base / "lake")
    (base / "recipe.yaml").write_text(RECIPE)
    return run_recipe(base / "recipe.yaml", spark=spark), base


def test_plan_from_real_containment_rebuilds_every_dropped_table(run: tuple[Any, Path]) -> None:
    result, base = run
    con = duckdb.connect(str(result.output_dir / "catalog.duckdb"), read_only=True, config=dict(SAFE))
    rows = con.execute(PLAN_QUERY_SQL).fetchall()
    plan = {r[0]: r for r in rows}
    dropped = {t for t, r in plan.items() if r[1] == "drop"}
    assert set(CHILD_METHODS) <= dropped | {"sales/all"}          # all or its copy stays
    assert len({"sales/all", "sales/copy"} & dropped) == 1
    assert plan["sales/fake"][1] == "keep" and plan["other/t"][1] == "keep"
    full = con.execute("SELECT table_id, rebuild_sql_duckdb, view_name FROM redundancy_plan "
                       "WHERE action = 'drop'").fetchall()
    check = duckdb.connect(config=dict(SAFE))
    for table_id, sql, view in full:
        check.execute(sql)
        files = sorted(str(p) for p in (base / "lake" / table_id).glob("part-*.parquet"))
        got = check.execute(f'SELECT * FROM "{view}" EXCEPT ALL SELECT * FROM read_parquet({files!r})').fetchall()
        back = check.execute(f'SELECT * FROM read_parquet({files!r}) EXCEPT ALL SELECT * FROM "{view}"').fetchall()
        assert got == [] and back == [], table_id
    summary = con.execute("SELECT tables_dropped, solver FROM redundancy_summary").fetchall()
    assert summary == [(len(dropped), summary[0][1])] and len(dropped) >= len(CHILD_METHODS)


def _tree_hashes(root: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_plan_apply_then_restore_is_byte_identical(run: tuple[Any, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from jobs.cli import main

    result, base = run
    lake = base / "lake"
    before = _tree_hashes(lake)
    quarantine = base / "quarantine"
    assert main(["plan", "apply", str(result.output_dir), "--to", str(quarantine)]) == 0
    moved = capsys.readouterr().out
    assert "moved" in moved and "lakesift plan restore" in moved
    assert _tree_hashes(lake) != before  # dropped tables' files left the lake
    assert main(["plan", "restore", str(quarantine)]) == 0
    assert _tree_hashes(lake) == before
