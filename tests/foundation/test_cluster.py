"""A real Spark standalone cluster on 127.0.0.1 (master + worker from the pip package) runs
recipes submitted with spark-submit, and the published output matches local mode: a curation
recipe, and the table-containment recipe (the same edges, verdicts and deciding stages)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs.package import build_zip
from pipelines.catalog import run_sql
from profiling.demolake import build_demo_lake
from tests.foundation._recipes import build_tiny_lake

pytestmark = [pytest.mark.cluster, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spark_env() -> dict[str, str]:
    import pyspark

    home = str(Path(pyspark.__file__).parent)
    return dict(os.environ, SPARK_HOME=home, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
                PYSPARK_DRIVER_PYTHON=sys.executable, SPARK_NO_DAEMONIZE="1")


def _wait_for_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = _spark_env()
    logs = tmp_path_factory.mktemp("cluster-logs")
    spark_class = Path(env["SPARK_HOME"]) / "bin" / "spark-class"
    port, ui = _free_port(), _free_port()
    master = subprocess.Popen(
        [str(spark_class), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)],
        env=env, stdout=open(logs / "master.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"spark://127.0.0.1:{port}"
    worker = None
    try:
        _wait_for_port(port)
        worker = subprocess.Popen(
            [str(spark_class), "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1",
             "--cores", "2", "--memory", "2g", "--webui-port", str(_free_port())],
            env=env, stdout=open(logs / "worker.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
        time.sleep(3)
        yield url
    finally:
        if worker is not None:
            _stop(worker)
        _stop(master)
    assert master.poll() is not None and (worker is None or worker.poll() is not None)


def _submit(cluster: str, recipe: Path, zip_path: Path, *overrides: str) -> None:
    env = _spark_env()
    submit = Path(env["SPARK_HOME"]) / "bin" / "spark-submit"
    sets = [arg for o in overrides for arg in ("--set", o)]
    out = subprocess.run(
        [str(submit), "--master", cluster, "--conf", "spark.executor.memory=1g", "--conf", "spark.ui.enabled=false",
         "--py-files", str(zip_path), str(REPO / "jobs" / "run_recipe.py"), str(recipe), *sets],
        check=False, env=env, capture_output=True, text=True, timeout=900)
    problems = [l for l in out.stderr.splitlines() if " INFO " not in l]
    assert out.returncode == 0, "\n".join(problems[-60:])
    assert "published run" in out.stdout


def test_recipe_on_standalone_cluster_matches_local(cluster: str, tmp_path: Path) -> None:
    recipe = build_tiny_lake(tmp_path)
    _submit(cluster, recipe, build_zip(tmp_path / "dist" / "lakesift.zip"))
    _, rows = run_sql(tmp_path / "out", "SELECT id, amount FROM clean ORDER BY id")
    assert rows == [(1, 10.0), (3, 5.0), (10, 7.0)]
    _, master_used = run_sql(tmp_path / "out", "SELECT json_extract_string(lineage, '$.run.spark.master') FROM runs")
    assert master_used[0][0] == cluster


def test_containment_edges_on_cluster_match_local_mode(cluster: str, tmp_path: Path, spark: Any) -> None:
    from pipelines.runner import run_recipe

    (tmp_path / "recipes").mkdir()
    recipe = Path(shutil.copy(REPO / "recipes" / "find_redundancy.yaml", tmp_path / "recipes"))
    build_demo_lake(tmp_path / "demo" / "lake" / "tables", n_tables=14)
    _submit(cluster, recipe, build_zip(tmp_path / "dist" / "lakesift.zip"), "output=../demo/out/cluster")
    run_recipe(recipe, overrides=["output=../demo/out/local"], spark=spark)
    query = ("SELECT parent, child, verdict, stage, reason, degree, rows_checked, matched_columns, dup_class "
             "FROM containment_edges "
             "ORDER BY parent, child")
    _, on_cluster = run_sql(tmp_path / "demo" / "out" / "cluster", query)
    _, local = run_sql(tmp_path / "demo" / "out" / "local", query)
    assert sum(1 for r in local if r[2] in ("contained", "duplicate")) >= 10
    assert {r[2] for r in local} >= {"contained", "not_contained"}
    assert on_cluster == local
