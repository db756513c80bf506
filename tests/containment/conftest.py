"""Fixtures of the containment tests: running the four stages on a lake folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def run_chain(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, Any]]:
    """Profile a lake root and run the containment stages on it (sub-stages persisted as in a
    recipe run); returns every output."""
    from operators.containment._chain import run_containment
    from pipelines.stages import StageStore
    from profiling.lake import lake_table_reader, profile_lake

    def run(root: Path, formats: list[str] | None = None, configs: dict[str, Any] | None = None,
            stages: tuple[str, ...] | None = None) -> dict[str, Any]:
        profiles = profile_lake(spark, root, formats or ["parquet"])
        read = lake_table_reader(spark, profiles["table_profiles"])
        kwargs = {"stages": stages} if stages else {}
        store = StageStore(spark, tmp_path_factory.mktemp("stages"))
        return run_containment(spark, profiles, read, configs=configs, checkpoints=store.checkpoint, **kwargs)

    return run
