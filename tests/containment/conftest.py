"""Fixtures of the containment tests: running the four stages on a lake folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def run_chain(spark: Any) -> Callable[..., dict[str, Any]]:
    """Profile a lake root and run the containment stages on it; returns every output."""
    from operators.containment._chain import run_containment
    from profiling.lake import lake_table_reader, profile_lake

    def run(root: Path, formats: list[str] | None = None, configs: dict[str, Any] | None = None,
            stages: tuple[str, ...] | None = None) -> dict[str, Any]:
        profiles = profile_lake(spark, root, formats or ["parquet"])
        read = lake_table_reader(spark, profiles["table_profiles"])
        kwargs = {"stages": stages} if stages else {}
        return run_containment(spark, profiles, read, configs=configs, **kwargs)

    return run
