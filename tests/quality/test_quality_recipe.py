"""A recipe through run_recipe: quality filters, then expectations with quarantine and warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.progress import Reporter
from pipelines.runner import run_recipe
from tests.quality._quality_docs import CLEAN, CLEAN_LINES

RECIPE = """\
name: quality_golden
output: out
sources: sources.yaml
inputs:
  - name: docs
    path: lake/docs
    source: web
steps:
  - op: gopher_quality
    input: docs
  - op: fineweb_quality
  - name: checks
    op: expectations
    config:
      expectations:
        - {type: in_set, column: lang, values: [en], quarantine: true, name: english_only}
        - {type: regex, column: title, pattern: "^c", severity: warn, name: title_starts_with_c}
        - {type: row_count_between, min: 1, max: 100}
publish:
  - table: documents
    from: checks
  - table: checks
    from: checks.quality_results
"""
SOURCES = """\
sources:
  - id: web
    uri: https://example.org/crawl
    license: {spdx: MIT}
"""
DOCS = [
    ("d1", CLEAN, "en", "clean"),
    ("d2", "Too short to keep.", "en", "short"),  # gopher: fewer than 50 words
    # gopher passes; no line ends in terminal punctuation: fineweb line_punct_ratio.
    (
        "d3",
        "\n".join(f"{line[:-1]} and more {n}" for n, line in enumerate(CLEAN_LINES * 2)),
        "en",
        None,
    ),
    ("d4", CLEAN.replace("river", "stream"), "de", "german"),  # passes the filters; quarantined
]


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    (tmp_path / "lake" / "docs").mkdir(parents=True)
    columns = list(zip(*DOCS))
    table = pa.table(
        {"doc_id": columns[0], "text": columns[1], "lang": columns[2], "title": columns[3]}
    )
    pq.write_table(table, tmp_path / "lake" / "docs" / "part-0.parquet")
    (tmp_path / "sources.yaml").write_text(SOURCES)
    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE)
    return path


@pytest.mark.slow
def test_quality_recipe_publishes_kept_rows_rejects_and_results(spark: Any, recipe: Path) -> None:
    result = run_recipe(recipe, spark=spark, reporter=Reporter(interactive=False))
    assert result.tables["documents"] == 1
    docs = pq.read_table(result.run_dir / "data" / "documents").to_pylist()
    assert [d["doc_id"] for d in docs] == ["d1"]
    rejects = {}
    for folder in (result.run_dir / "rejects").iterdir():
        for row in pq.read_table(folder).to_pylist():
            rejects[row["doc_id"]] = row["_reject_reason"]
    assert rejects == {
        "d2": "gopher_quality:gopher_short_doc",
        "d3": "fineweb_quality:line_punct_ratio",
        "d4": "expectation:english_only",
    }
    lineage = json.loads((result.run_dir / "lineage.json").read_text())
    quality = {q["expectation"]: q for q in lineage["quality"]}
    assert quality["english_only"]["quarantined"] == 1
    # checks run before quarantine: "german" (d4) fails the warning, which does not stop the run.
    title = quality["title_starts_with_c"]
    assert (title["success"], title["unexpected_count"], title["severity"]) == (False, 1, "warn")
    assert quality["row_count_between"]["success"] is True
