"""Real published runs shared by the report tests that need Spark (built once per test session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.progress import Reporter
from pipelines.report import build_report
from pipelines.runner import run_recipe
from tests.foundation._recipes import build_tiny_lake
from tests.report.report_runs import (
    PublishedRun,
    PublishedRuns,
    build_containment_run,
    build_curation_run,
)


def _publish(spark: Any, root: Path, build: Any) -> PublishedRun:
    root.mkdir(parents=True)
    recipe = build(root)
    result = run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    return PublishedRun(recipe, result, build_report(result.output_dir))


@pytest.fixture(scope="session")
def published_runs(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> PublishedRuns:
    root = tmp_path_factory.mktemp("report_runs")
    return PublishedRuns(
        tiny=_publish(spark, root / "tiny", build_tiny_lake),
        containment=_publish(spark, root / "containment", build_containment_run),
        curation=_publish(spark, root / "curation", build_curation_run),
    )
