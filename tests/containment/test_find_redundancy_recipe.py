"""The example recipe runs through the runner on the demo lake and publishes every output."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from profiling.demolake import build_demo_lake
from profiling.testlake_truth import ground_truth

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_find_redundancy_recipe_publishes_edges_funnel_and_profiles(tmp_path: Path, spark: Any) -> None:
    from pipelines.runner import run_recipe

    (tmp_path / "recipes").mkdir()
    recipe = shutil.copy(REPO / "recipes" / "find_redundancy.yaml", tmp_path / "recipes")
    lake = build_demo_lake(tmp_path / "demo" / "lake" / "tables", n_tables=24)
    result = run_recipe(recipe, spark=spark)
    expected = {"containment_edges", "containment_funnel", "duplicate_classes", "empty_tables",
                "table_profiles", "column_profiles", "quarantine"}
    assert expected <= set(result.tables)
    con = duckdb.connect(str(result.output_dir / "catalog.duckdb"), read_only=True,
                         config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    found = {tuple(r) for r in con.execute(
        "SELECT parent, child FROM containment_edges WHERE verdict IN ('contained', 'duplicate')").fetchall()}
    stages = [r[0] for r in con.execute("SELECT DISTINCT stage FROM containment_funnel").fetchall()]
    quarantined = {r[0] for r in con.execute("SELECT DISTINCT table_id FROM quarantine").fetchall()}
    assert found == ground_truth(lake).contained
    assert set(stages) == {"schema_containment", "minmax_prune", "content_prune", "verify_containment"}
    assert quarantined == set(lake.faulty)
