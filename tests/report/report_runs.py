"""Real published runs for the report tests: a containment + redundancy run over a tiny lake, and
a curation run (filters, quality, near-dup dedup, compute-aware selection) over tiny documents.

Everything is generated here; the names and the record text include an HTML-injection probe so
the report's escaping is exercised on real published data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PROBE = "<script>alert(1)</script>"
"""A table id (a nested lake folder), a column name and a record's text in the runs below."""

CURATION_SOURCES = """\
sources:
  - id: wiki
    uri: https://user:secret@data.example.com/wiki?token=abc
    license: {spdx: CC-BY-SA-4.0}
  - id: forum
    uri: s3://bucket/forum
    license: {spdx: CC-BY-NC-4.0}
"""

CURATION_RECIPE = """\
name: report_curation
output: out
sources: sources.yaml
inputs:
  - {name: wiki, path: docs/wiki}
  - {name: forum, path: docs/forum}
steps:
  - op: union_tables
    input: wiki
    config: {others: [forum]}
  - name: drop_short
    op: filter_rows
    config: {expr: "chars >= 40", reason: too_short}
  - op: gopher_quality
    config: {text_column: text, min_doc_words: 8, min_stop_words: 0}
  - op: minhash_dedup
    config: {text_column: text, id_column: id, keep: longest, bands: 16, rows: 8, threshold: 0.7}
  - op: compute_aware_select
    config:
      score_column: score
      key_columns: [id]
      budget: {unit: samples, value: 50000000}
publish:
  - {table: documents, from: compute_aware_select}
  - {table: dedup_clusters, from: minhash_dedup.dedup_clusters}
  - {table: selection_candidates, from: compute_aware_select.selection_candidates}
  - {table: selection_plan, from: compute_aware_select.selection_plan}
"""

CONTAINMENT_RECIPE = """\
name: report_containment
output: out
lake: {root: lake}
steps:
  - op: schema_containment
  - op: minmax_prune
  - op: content_prune
  - op: verify_containment
  - op: plan_redundancy
    config:
      tables: [{table_id: sales/all, reads_per_month: 1}]
publish:
  - {table: table_profiles, from: schema_containment.table_profiles}
  - {table: column_profiles, from: schema_containment.column_profiles}
  - {table: empty_tables, from: schema_containment.empty_tables}
  - {table: containment_edges, from: verify_containment.containment_edges}
  - {table: containment_funnel, from: verify_containment.containment_funnel}
  - {table: duplicate_classes, from: verify_containment.duplicate_classes}
  - {table: redundancy_plan, from: plan_redundancy}
  - {table: redundancy_summary, from: plan_redundancy.summary}
"""

_WORDS = [
    "river",
    "stone",
    "garden",
    "window",
    "market",
    "letter",
    "harbor",
    "candle",
    "meadow",
    "signal",
    "forest",
    "bridge",
    "lantern",
    "valley",
    "copper",
    "orchard",
    "canyon",
    "ribbon",
    "thunder",
    "pebble",
    "basket",
    "mirror",
    "saddle",
    "kettle",
    "feather",
    "island",
    "ladder",
    "marble",
    "needle",
    "pocket",
    "rocket",
    "shadow",
    "tunnel",
    "velvet",
    "wagon",
    "yellow",
    "zipper",
    "anchor",
    "button",
    "castle",
    "dragon",
    "engine",
]


def _sentence(i: int, n: int = 60) -> str:
    """Words drawn with a per-document seed: documents share few 5-word shingles."""
    words = random.Random(i).choices(_WORDS, k=n)
    return "The " + " ".join(words) + " and the end of the story."


def _docs(start: int, count: int) -> list[dict[str, object]]:
    rows = []
    for i in range(start, start + count):
        text = _sentence(i) if i % 9 else "tiny"
        rows.append({"id": i, "text": text, "chars": len(text), "score": float((i * 37) % 100)})
    return rows


def build_curation_run(root: Path) -> Path:
    """Documents of two sources; a few short ones, near-duplicates, and the probe as text."""
    wiki = _docs(0, 40)
    wiki[3]["text"] = f"{PROBE} " + _sentence(3) + " " + "x" * 400
    wiki[3]["chars"] = len(str(wiki[3]["text"]))
    wiki[5]["text"] = PROBE
    wiki[5]["chars"] = 10
    forum = _docs(40, 20)
    for k, original in enumerate((10, 10, 10, 10, 11, 11, 12)):  # clusters of 5, 3 and 2 records
        forum[k]["text"] = f"{wiki[original]['text']} Variant {k}."
        forum[k]["chars"] = len(str(forum[k]["text"]))
    for name, rows in (("wiki", wiki), ("forum", forum)):
        (root / "docs" / name).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows), root / "docs" / name / "part-0.parquet")
    (root / "sources.yaml").write_text(CURATION_SOURCES)
    recipe = root / "curation.yaml"
    recipe.write_text(CURATION_RECIPE)
    return recipe


def _sales(n: int = 120) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "region": [("eu", "us", "asia")[i % 3] for i in range(n)],
            "amount": [float(i * 13 % 97) for i in range(n)],
        }
    )


def build_containment_run(root: Path) -> Path:
    """A parent, a copy (duplicate), a filtered child, a projection, an unrelated table and a
    table whose id and one column are the probe."""
    lake = root / "lake"
    sales = _sales()
    tables = {
        "sales/all": sales,
        "sales/copy": sales,
        "sales/eu": sales.filter(pc.equal(sales["region"], "eu")),
        "sales/ids": sales.select(["id", "region"]),
        "other/t": pa.table({"k": [1, 2, 3], "v": ["a", "b", "c"]}),
        PROBE: pa.table({PROBE: ["x", "y"], "id": pa.array([1, 2], pa.int64())}),
    }
    for table_id, table in tables.items():
        folder = lake / table_id
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "part-00000.parquet")
    recipe = root / "containment.yaml"
    recipe.write_text(CONTAINMENT_RECIPE)
    return recipe


@dataclass
class PublishedRun:
    """A run published by ``run_recipe`` and the report built from it."""

    recipe: Path
    result: Any  # pipelines.runner.RunResult
    report: Path


@dataclass
class PublishedRuns:
    tiny: PublishedRun
    containment: PublishedRun
    curation: PublishedRun
