"""Tiny lakes and recipes shared by the runner tests."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SOURCES = """\
sources:
  - id: shop
    uri: https://user:hunter2-canary@data.example.com/shop?sig=SIGCANARY123#frag
    license: {spdx: MIT}
  - id: forum
    uri: s3://bucket/forum
    license: {spdx: CC-BY-NC-4.0}
"""

RECIPE = """\
name: tiny
output: out
sources: sources.yaml
inputs:
  - name: orders
    path: lake/orders
    source: shop
  - name: posts
    path: lake/posts
    source: forum
steps:
  - op: union_tables
    input: orders
    config: {others: [posts]}
  - name: positive
    op: filter_rows
    config: {expr: "amount > 0", reason: non_positive}
  - op: select_columns
    config: {columns: [id, amount]}
publish:
  - table: clean
    from: select_columns
"""


def build_tiny_lake(root: Path) -> Path:
    """``root/lake/{orders,posts}`` Parquet tables, the sources registry and the recipe."""
    (root / "lake" / "orders").mkdir(parents=True)
    (root / "lake" / "posts").mkdir(parents=True)
    pq.write_table(pa.table({"id": [1, 2, 3, 4], "amount": [10.0, -1.0, 5.0, 0.0]}), root / "lake" / "orders" / "part-0.parquet")
    pq.write_table(pa.table({"id": [10, 11], "amount": [7.0, -3.0]}), root / "lake" / "posts" / "part-0.parquet")
    (root / "sources.yaml").write_text(SOURCES)
    recipe = root / "recipe.yaml"
    recipe.write_text(RECIPE)
    return recipe
