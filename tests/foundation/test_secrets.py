"""Credentials in source URIs never reach lineage, logs, OpenLineage or the catalog."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pipelines.progress import Reporter
from pipelines.runner import run_recipe

from tests.foundation._recipes import build_tiny_lake

CANARIES = (b"hunter2-canary", b"SIGCANARY123", b"user:")


def test_canary_credentials_leave_no_trace(spark: Any, tmp_path: Path) -> None:
    recipe = build_tiny_lake(tmp_path)
    log = io.StringIO()
    result = run_recipe(recipe, spark=spark, reporter=Reporter(stream=log, interactive=False))
    lineage = (result.run_dir / "lineage.json").read_text()
    assert "data.example.com/shop" in lineage  # the source is recorded, sanitised
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for canary in CANARIES:
                assert canary not in blob, f"{canary!r} found in {path}"
    for canary in CANARIES:
        assert canary.decode() not in log.getvalue()
