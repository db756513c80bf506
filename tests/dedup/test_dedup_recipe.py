"""Golden recipe: exact then near-duplicate dedup through the runner, read back with DuckDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.catalog import run_sql
from pipelines.progress import Reporter
from pipelines.runner import run_recipe

pytestmark = pytest.mark.slow

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "one", "two", "three", "four"]
A = " ".join(WORDS)
B = " ".join(WORDS[:-1] + ["fourteen"])       # J(A, B) = 25/27: a near duplicate, and longer
SOURCES = """\
sources:
  - id: shop
    uri: s3://bucket/shop
    license: {spdx: MIT}
  - id: forum
    uri: s3://bucket/forum
    license: {spdx: CC-BY-NC-4.0}
"""
RECIPE = """\
name: dedup_golden
output: out
sources: sources.yaml
inputs:
  - {name: docs_a, path: lake/docs_a, source: shop}
  - {name: docs_b, path: lake/docs_b, source: forum}
steps:
  - op: union_tables
    input: docs_a
    config: {others: [docs_b]}
  - op: exact_dedup
    config: {columns: [text], id_column: doc_id, keep: first}
  - op: minhash_dedup
    config: {id_column: doc_id, keep: longest}
publish:
  - {table: docs_clean, from: minhash_dedup}
  - {table: near_dup_clusters, from: minhash_dedup.dedup_clusters}
"""


def _lake(root: Path) -> Path:
    for name, rows in {"docs_a": [("a1", A), ("a2", "an unrelated short note")],
                       "docs_b": [("b1", A.upper().replace(" ", "  ")), ("b2", B)]}.items():
        (root / "lake" / name).mkdir(parents=True)
        table = pa.table({"doc_id": [r[0] for r in rows], "text": [r[1] for r in rows]})
        pq.write_table(table, root / "lake" / name / "part-0.parquet")
    (root / "sources.yaml").write_text(SOURCES)
    (root / "recipe.yaml").write_text(RECIPE)
    return root / "recipe.yaml"


def test_exact_then_near_dedup_keeps_survivor_sources_and_records_duplicates(
    spark: Any, tmp_path: Path
) -> None:
    result = run_recipe(_lake(tmp_path), spark=spark, reporter=Reporter(quiet=True))
    out = tmp_path / "out"
    _, rows = run_sql(out, "SELECT doc_id, _src_ids, _dup_src_ids, _cluster_id FROM docs_clean ORDER BY doc_id")
    # a1 absorbed b1 (exact, sources [forum]); b2 then absorbed a1 ([shop] + a1's [forum]).
    assert [(r[0], list(r[1]), list(r[2]), r[3]) for r in rows] == [
        ("a2", ["shop"], [], "a2"), ("b2", ["forum"], ["forum", "shop"], "a1")]
    _, clusters = run_sql(out, "SELECT members, survivor, size FROM near_dup_clusters")
    assert [(list(c[0]), c[1], c[2]) for c in clusters] == [(["a1", "b2"], "b2", 2)]
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["rejects"]["exact_dedup"]["rows"] == 1
    assert manifest["rejects"]["minhash_dedup"]["rows"] == 1
