"""Golden recipe: provenance from a sources registry through a join, a license filter and an
attribution report, published by the runner with per-table license summaries in lineage.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.slow

SOURCES = """\
sources:
  - id: docs
    uri: file:///lake/docs
    license: {spdx: MIT}
  - id: labels
    uri: https://annotator:hunter2@labels.example/export?sig=abc
    license:
      mention: Attribution-NonCommercial 4.0 International
      url: https://creativecommons.org/licenses/by-nc/4.0/
"""

RECIPE = """\
name: provenance_golden
output: out
sources: sources.yaml
inputs:
  - {name: docs, path: lake/docs}
  - {name: labels, path: lake/labels}
steps:
  - name: joined
    op: join_tables
    input: docs
    config: {right: labels, keys: [id], how: left}
  - name: commercial
    op: license_filter
    config: {max_use_class: commercial}
  - name: notices
    op: attribution_report
    input: joined
publish:
  - {table: all_docs, from: joined}
  - {table: commercial_docs, from: commercial}
  - {table: notices, from: notices}
"""


def write_inputs(root: Path) -> None:
    (root / "lake" / "docs").mkdir(parents=True)
    (root / "lake" / "labels").mkdir(parents=True)
    pq.write_table(
        pa.table({"id": [1, 2, 3], "text": ["a", "b", "c"]}), root / "lake/docs/part-0.parquet"
    )
    pq.write_table(
        pa.table({"id": [1, 2], "label": ["x", "y"]}), root / "lake/labels/part-0.parquet"
    )
    (root / "sources.yaml").write_text(SOURCES)
    (root / "recipe.yaml").write_text(RECIPE)


def test_licenses_flow_from_registry_to_lineage(spark: Any, tmp_path: Path) -> None:
    from pipelines.runner import run_recipe

    write_inputs(tmp_path)
    result = run_recipe(tmp_path / "recipe.yaml", spark=spark)
    assert result.tables["all_docs"] == 3 and result.tables["commercial_docs"] == 1
    lineage_text = (Path(result.run_dir) / "lineage.json").read_text()
    assert "hunter2" not in lineage_text and "sig=abc" not in lineage_text
    tables = json.loads(lineage_text)["tables"]
    assert tables["all_docs"]["license"]["effective"]["use_class"] == "non-commercial"
    assert tables["all_docs"]["license"]["rows_per_use_class"]["non-commercial"] == 2
    assert tables["commercial_docs"]["license"]["effective"]["use_class"] == "commercial"
    assert tables["commercial_docs"]["license"]["effective"]["spdx"] == "MIT"
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "schemas" / "license_facet.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(
        tables["all_docs"]["facets"]["lakesift_license"]
    )
