"""Crash safety: a run killed with SIGKILL mid-publish leaves the previous CURRENT intact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.catalog import run_sql
from pipelines.progress import Reporter
from pipelines.runner import run_recipe

from tests.foundation._recipes import build_tiny_lake

pytestmark = pytest.mark.slow


def _killed_run(recipe: Path, point: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LAKESIFT_CRASH_AT=point)
    exe = Path(sys.executable).with_name("lakesift")
    return subprocess.run([str(exe), "run", str(recipe), "--quiet"], env=env, capture_output=True, text=True, timeout=300)


def _clean_ids(out: Path) -> list[int]:
    return [r[0] for r in run_sql(out, "SELECT id FROM clean ORDER BY id")[1]]


def test_sigkill_mid_publish_keeps_previous_current(spark: Any, tmp_path: Path) -> None:
    recipe = build_tiny_lake(tmp_path)
    out = tmp_path / "out"
    first = run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    assert _clean_ids(out) == [1, 3, 10]
    pq.write_table(pa.table({"id": [42], "amount": [3.0]}), tmp_path / "lake" / "orders" / "part-1.parquet")

    for point in ("after_data_parts", "after_manifest"):
        killed = _killed_run(recipe, point)
        assert killed.returncode == -9, killed.stderr[-2000:]
        assert (out / "CURRENT").read_text().strip() == first.run_id
        assert _clean_ids(out) == [1, 3, 10]  # catalog still serves the previous run

    crashed = [d for d in (out / "runs").iterdir() if d.name != first.run_id]
    assert len(crashed) == 1 and not (crashed[0] / "_DONE").exists()
    stage_marker = crashed[0] / "stages" / "positive" / "_COMPLETE.json"
    stamp = stage_marker.stat().st_mtime_ns

    second = run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    assert second.run_id == crashed[0].name
    assert stage_marker.stat().st_mtime_ns == stamp  # completed stages were resumed, not redone
    assert (out / "CURRENT").read_text().strip() == second.run_id
    assert _clean_ids(out) == [1, 3, 10, 42]
    manifest = json.loads((second.run_dir / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["tables"]["clean"]["files"]}
    on_disk = {str(p.relative_to(second.run_dir)) for p in (second.run_dir / "data" / "clean").glob("part-*.parquet")}
    assert listed == on_disk


def test_killed_after_done_before_current_is_repointed(spark: Any, tmp_path: Path) -> None:
    recipe = build_tiny_lake(tmp_path)
    killed = _killed_run(recipe, "before_current")
    assert killed.returncode == -9
    assert not (tmp_path / "out" / "CURRENT").exists()
    result = run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    assert result.reused
    assert (tmp_path / "out" / "CURRENT").read_text().strip() == result.run_id
    assert _clean_ids(tmp_path / "out") == [1, 3, 10]
