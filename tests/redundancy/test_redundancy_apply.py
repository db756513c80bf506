"""Applying a redundancy plan moves dropped tables to quarantine; restoring puts every byte back."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pipelines.plan_apply import apply_plan, restore_plan
from schemas.errors import UserError
from tests.redundancy.redundancy_testlake import CHILD_METHODS, PlannedLake, plan_lake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planned(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> PlannedLake:
    return plan_lake(spark, tmp_path_factory.mktemp("redundancy_apply"))


def lake_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (hidden ones too), by relative path."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@contextmanager
def preserved(path: Path) -> Iterator[None]:
    """Put a file's bytes and mtime back after the block."""
    data, st = path.read_bytes(), path.stat()
    try:
        yield
    finally:
        path.write_bytes(data)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _parent_file(planned: PlannedLake) -> Path:
    return min(planned.lake.path("sales/all").glob("part-*.parquet"))


def _refused(planned: PlannedLake, quarantine: Path, message: str, plan: list[dict[str, Any]] | None = None) -> None:
    with pytest.raises(UserError) as err:
        apply_plan(plan or planned.plan, planned.lake.root, quarantine)
    assert message in str(err.value)
    assert not (quarantine / "manifest.json").exists()


def test_apply_refuses_when_a_parent_file_was_touched(planned: PlannedLake, tmp_path: Path) -> None:
    before = lake_hashes(planned.lake.root)
    target = _parent_file(planned)
    with preserved(target):
        st = target.stat()
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        _refused(planned, tmp_path / "q", "parent 'sales/all' changed")
        assert lake_hashes(planned.lake.root) == before


def test_apply_refuses_when_a_parent_file_grew(planned: PlannedLake, tmp_path: Path) -> None:
    before = lake_hashes(planned.lake.root)
    with preserved(_parent_file(planned)):
        with open(_parent_file(planned), "ab") as fh:
            fh.write(b"appended")
        _refused(planned, tmp_path / "q", "parent 'sales/all' changed")
    assert lake_hashes(planned.lake.root) == before


def test_apply_refuses_when_a_dropped_table_changed(planned: PlannedLake, tmp_path: Path) -> None:
    child = min(planned.lake.path("sales/sample").glob("part-*.parquet"))
    with preserved(child):
        st = child.stat()
        os.utime(child, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        _refused(planned, tmp_path / "q", "table changed since the plan was verified")


def test_apply_refuses_a_recipe_that_no_longer_reproduces_its_table(planned: PlannedLake, tmp_path: Path) -> None:
    # files unchanged, but the recipe misses row 129: only the fresh fingerprint check can tell
    plan = [dict(r) for r in planned.plan]
    row = next(r for r in plan if r["table_id"] == "sales/filtered")
    assert "BETWEEN 50 AND 129" in row["rebuild_sql_duckdb"]
    row["rebuild_sql_duckdb"] = row["rebuild_sql_duckdb"].replace("BETWEEN 50 AND 129", "BETWEEN 50 AND 128")
    before = lake_hashes(planned.lake.root)
    _refused(planned, tmp_path / "q", "no longer reproduces", plan)
    assert lake_hashes(planned.lake.root) == before


def test_apply_refuses_a_quarantine_inside_the_lake(planned: PlannedLake) -> None:
    with pytest.raises(UserError):
        apply_plan(planned.plan, planned.lake.root, planned.lake.root / "quarantine")


def test_apply_then_restore_leaves_the_lake_byte_identical(planned: PlannedLake, tmp_path: Path) -> None:
    root, quarantine = planned.lake.root, tmp_path / "quarantine"
    before = lake_hashes(root)
    result = apply_plan(planned.plan, root, quarantine)
    assert result.tables == sorted(CHILD_METHODS)
    after = lake_hashes(root)
    moved = {k: v for k, v in before.items() if k.split("/")[0] + "/" + k.split("/")[1] in CHILD_METHODS}
    assert after == {k: v for k, v in before.items() if k not in moved}
    for child in CHILD_METHODS:
        assert not planned.lake.path(child).exists()
    manifest = json.loads((quarantine / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for t in manifest["tables"] for f in t["files"]}
    assert listed == moved and manifest["status"] == "applied"
    script = (quarantine / "restore.sh").read_text()
    assert all(path in script for path in moved)
    assert sorted(restore_plan(quarantine)) == sorted(CHILD_METHODS)
    assert lake_hashes(root) == before
    with pytest.raises(UserError):
        restore_plan(quarantine)
