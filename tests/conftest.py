"""Shared fixtures: one SparkSession for the whole test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    from pipelines.session import build_spark_session

    session = build_spark_session(master="local[2]", app_name="lakesift-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def dpi_fixtures() -> Path:
    path = FIXTURES / "dpi"
    if not path.is_dir():
        pytest.fail(f"shared fixtures missing at {path}: clone the project with ../shared beside it")
    return path


@pytest.fixture(autouse=True)
def _no_network_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # type: ignore[attr-defined]
