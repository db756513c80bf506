"""End-to-end runs through the publish protocol on a tiny lake, with the shared SparkSession."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.catalog import run_sql
from pipelines.lock import OutputLock
from pipelines.progress import Reporter
from pipelines.runner import run_recipe
from schemas.errors import ConcurrentRunError, InvariantError

from tests.foundation._recipes import build_tiny_lake

QUIET = Reporter(quiet=True)


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    return build_tiny_lake(tmp_path)


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_protocol_layout_and_counts(spark: Any, tiny: Path) -> None:
    result = run_recipe(tiny, spark=spark, reporter=QUIET)
    out = tiny.parent / "out"
    run_dir = out / "runs" / result.run_id
    assert (out / "CURRENT").read_text().strip() == result.run_id
    for name in ("lineage.json", "openlineage.jsonl", "manifest.json", "_DONE"):
        assert (run_dir / name).is_file(), name
    manifest = json.loads((run_dir / "manifest.json").read_text())
    # 6 rows in; amount > 0 keeps 10, 5, 7 -> 3 rows; 3 rejected.
    assert manifest["tables"]["clean"]["rows"] == 3
    assert manifest["rejects"]["positive"]["rows"] == 3
    for f in manifest["tables"]["clean"]["files"]:
        assert _sha(run_dir / f["path"]) == f["sha256"]
    assert result.rejects == {"positive": {"non_positive": 3}}
    cols, rows = run_sql(out, "SELECT id FROM clean ORDER BY id")
    assert [r[0] for r in rows] == [1, 3, 10]
    _, rejected = run_sql(out, "SELECT step, reason, count(*) FROM rejects GROUP BY ALL")
    assert rejected == [("positive", "non_positive", 3)]
    _, funnel = run_sql(out, "SELECT step, rows_in, rows_kept, reason, rows_rejected FROM filter_funnel ORDER BY step")
    assert funnel == [("positive", 6, 3, "non_positive", 3), ("select_columns", 3, 3, None, 0), ("union_tables", 4, 6, None, 0)]


def test_openlineage_events(spark: Any, tiny: Path) -> None:
    result = run_recipe(tiny, spark=spark, reporter=QUIET)
    events = [json.loads(l) for l in (result.run_dir / "openlineage.jsonl").read_text().splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    out = events[1]["outputs"][0]
    assert out["outputFacets"]["outputStatistics"]["rowCount"] == 3
    assert {f["name"] for f in out["facets"]["schema"]["fields"]} >= {"id", "amount", "_src_ids"}
    assert "amount" in out["facets"]["columnLineage"]["fields"]


def test_rerun_over_unchanged_inputs_is_a_noop(spark: Any, tiny: Path) -> None:
    first = run_recipe(tiny, spark=spark, reporter=QUIET)
    stamp = (first.run_dir / "_DONE").stat().st_mtime_ns
    second = run_recipe(tiny, spark=spark, reporter=QUIET)
    assert second.reused and second.run_id == first.run_id
    assert (first.run_dir / "_DONE").stat().st_mtime_ns == stamp
    # A changed input means a new run.
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": [99], "amount": [1.0]}), tiny.parent / "lake" / "orders" / "part-1.parquet")
    third = run_recipe(tiny, spark=spark, reporter=QUIET)
    assert third.run_id != first.run_id and third.tables["clean"] == 4


def test_crashed_write_leftovers_never_reach_duckdb(spark: Any, tiny: Path) -> None:
    result = run_recipe(tiny, spark=spark, reporter=QUIET)
    table_dir = result.run_dir / "data" / "clean"
    shutil.copy(next(table_dir.glob("part-*.parquet")), table_dir / ".part-crashed.parquet.tmp")
    shutil.copy(next(table_dir.glob("part-*.parquet")), table_dir / "_temporary-part-0.parquet")
    con = duckdb.connect(str(tiny.parent / "out" / "catalog.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM clean").fetchall() == [(3,)]
    con.close()


def test_row_accounting_violation_publishes_nothing(spark: Any, tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from operators.generic import SelectColumns

    original = SelectColumns.transform
    monkeypatch.setattr(SelectColumns, "transform", lambda self, df, ctx: original(self, df, ctx).limit(1))
    with pytest.raises(InvariantError, match="row accounting"):
        run_recipe(tiny, spark=spark, reporter=QUIET)
    assert not (tiny.parent / "out" / "CURRENT").exists()


def test_second_run_refuses_while_lock_is_held(spark: Any, tiny: Path) -> None:
    out = tiny.parent / "out"
    with OutputLock(out):
        with pytest.raises(ConcurrentRunError, match="another run holds the lock"):
            run_recipe(tiny, spark=spark, reporter=QUIET)


def test_stale_lock_of_dead_process_is_taken_over(tmp_path: Path) -> None:
    lock = OutputLock(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / ".lakesift.lock").write_text(json.dumps({"pid": 2**22 + 12345, "host": os.uname().nodename, "expires": 9e12}))
    with lock:
        assert lock.holder()["pid"] == os.getpid()  # type: ignore[index]


def test_structured_logs_when_not_a_terminal(spark: Any, tiny: Path) -> None:
    import io

    stream = io.StringIO()
    run_recipe(tiny, spark=spark, reporter=Reporter(stream=stream, interactive=False))
    events = [json.loads(l)["event"] for l in stream.getvalue().splitlines()]
    assert events[0] == "run_start" and "stage_done" in events and "run_published" in events
    assert events[-1] == "report_written"  # the report comes after publishing, never before
