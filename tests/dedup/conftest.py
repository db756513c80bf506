"""Fixtures for dedup tests: a StageContext whose checkpoints are real Parquet under tmp_path."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from operators.base import StageContext


class ParquetCheckpoints:
    """Persists each sub-stage to ``root/<name>`` with a ``<name>.done`` marker; reuses done ones.

    ``computed`` counts how often each sub-stage was actually computed; ``fail_once`` names
    sub-stages that raise the first time they are computed (a crash between sub-stages).
    """

    def __init__(self, spark: Any, root: Path, fail_once: tuple[str, ...] = ()) -> None:
        self.spark, self.root = spark, root
        self.computed: Counter[str] = Counter()
        self.pending_failures = set(fail_once)

    def marker(self, name: str) -> Path:
        return self.root / f"{name}.done"

    def __call__(self, name: str, compute: Callable[[], Any]) -> Any:
        path = self.root / name
        if not self.marker(name).exists():
            if name in self.pending_failures:
                self.pending_failures.discard(name)
                raise RuntimeError(f"injected crash in sub-stage {name}")
            self.computed[name] += 1
            compute().write.mode("overwrite").parquet(str(path))
            self.marker(name).write_text("done")
        return self.spark.read.parquet(str(path))


@pytest.fixture
def stage_context(spark: Any, tmp_path: Path) -> Callable[..., tuple[StageContext, ParquetCheckpoints]]:
    def make(sub: str = "ckpt", seed: int = 1, fail_once: tuple[str, ...] = ()) -> tuple[StageContext, ParquetCheckpoints]:
        checkpoints = ParquetCheckpoints(spark, tmp_path / sub, fail_once)
        return StageContext(step="dedup", seed=seed, spark=spark, checkpoint=checkpoints), checkpoints

    return make


@pytest.fixture(scope="session")
def dedup_benchmark() -> Any:
    """The benchmark module (corpus edits, ground truth, metrics), loaded from its file."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "dedup.py"
    spec = importlib.util.spec_from_file_location("lakesift_dedup_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
