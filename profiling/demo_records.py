"""The demo's record lake: real text documents from files this machine ships, as Parquet tables.

Three sources (CPython docstrings, Debian manual pages, package README files) with a slice of
documents copied across sources, so dedup, quality filters and license tracking all have work.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from profiling.text_corpus import build_text_corpus

SOURCES = ("docstrings", "manpages", "readmes")


def _table(docs: list[dict[str, str]]) -> pa.Table:
    return pa.table({
        "doc_id": [d["id"] for d in docs],
        "text": [d["text"] for d in docs],
        "origin": [d["origin"] for d in docs],
        "chars": pa.array([len(d["text"]) for d in docs], pa.int64()),
    })


def build_demo_records(root: Path, docs_per_source: int = 400) -> dict[str, int]:
    """Write ``root/<source>/part-0.parquet`` tables; return rows per table."""
    corpus = build_text_corpus(docs_per_source * 4)
    by_origin: dict[str, list[dict[str, str]]] = {"docstrings": [], "manpages": [], "readmes": []}
    key = {"docstring": "docstrings", "man": "manpages", "readme": "readmes", "license": "readmes", "copyright": "readmes"}
    for doc in corpus:
        bucket = by_origin[key.get(doc["origin"], "readmes")]
        if len(bucket) < docs_per_source:
            bucket.append(doc)
    # Analysts copy documents between collections: the first 5% of docstrings reappear in readmes.
    by_origin["readmes"] += by_origin["docstrings"][: docs_per_source // 20]
    counts = {}
    for name, docs in by_origin.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(_table(docs), folder / "part-0.parquet")
        counts[name] = len(docs)
    return counts
