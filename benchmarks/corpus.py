"""The benchmarks' real-text corpus as Parquet files.

Documents come from :func:`profiling.text_corpus.build_text_corpus` (files installed packages ship:
manual pages, license and copyright files, standard-library docstrings, READMEs). They are split
into ``parts`` Parquet files (input partitions for Spark, tasks for datatrove) with the columns
``id``, ``text``, ``origin``.

Run: ``python -m benchmarks.corpus --docs 5000 --out /tmp/corpus`` (prints the folder and sizes).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

Doc = dict[str, Any]


def load_docs(min_docs: int) -> list[Doc]:
    """At least ``min_docs`` real documents (deterministic for a machine image)."""
    from profiling.text_corpus import build_text_corpus

    return build_text_corpus(min_docs)


def write_corpus(
    docs: list[Doc], folder: str | Path, parts: int = 2, row_group_size: int = 2000
) -> str:
    """Write ``docs`` as ``parts`` Parquet files of near-equal size; return the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(docs) // parts)
    for part in range(parts):
        chunk = docs[part * size : (part + 1) * size]
        table = pa.table({key: [d[key] for d in chunk] for key in ("id", "text", "origin")})
        pq.write_table(table, out / f"part-{part:05d}.parquet", row_group_size=row_group_size)
    return str(out)


def describe(docs: list[Doc]) -> str:
    """One line: document count, text size and documents per origin."""
    origins: dict[str, int] = {}
    for d in docs:
        origins[d["origin"]] = origins.get(d["origin"], 0) + 1
    mb = sum(len(d["text"]) for d in docs) / 1e6
    per_origin = ", ".join(f"{k} {v}" for k, v in sorted(origins.items()))
    return f"{len(docs)} documents, {mb:.1f} M characters ({per_origin})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the real-text benchmark corpus as Parquet.")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--parts", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    docs = load_docs(args.docs)
    print(write_corpus(docs, args.out, args.parts), "-", describe(docs))


if __name__ == "__main__":
    main()
