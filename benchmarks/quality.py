"""Quality-filter throughput: lakesift's Spark operators against datatrove's filters.

Both sides run the same chain on the same real-text corpus (``benchmarks.corpus``), in the same
process run, each on two cores:

- lakesift: gopher_quality -> gopher_repetition -> c4_quality (rewrite_text, as datatrove emits
  the rewritten text) -> fineweb_quality, each step keeping only the previous step's survivors,
  read from Parquet on a ``local[2]`` SparkSession and executed into Spark's ``noop`` sink;
- datatrove: ParquetReader -> GopherQualityFilter -> GopherRepetitionFilter -> C4QualityFilter ->
  FineWebQualityFilter with LocalPipelineExecutor(tasks=2, workers=2).

Each measurement is the median of ``--repeats`` runs after one warm-up run on a small slice
(JVM/JIT, Python workers, spaCy loading). Documents kept by each side are reported as a check that
both did the same work. ``--per-filter`` adds one row per filter run alone on the whole corpus.

Run: ``python -m benchmarks.quality --docs 5000 --repeats 3`` (``--quick``: 500 docs, 1 repeat).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.corpus import describe, load_docs, write_corpus

CHAIN = ("gopher_quality", "gopher_repetition", "c4_quality", "fineweb_quality")
DATATROVE_FILTERS = {
    "gopher_quality": "GopherQualityFilter",
    "gopher_repetition": "GopherRepetitionFilter",
    "c4_quality": "C4QualityFilter",
    "fineweb_quality": "FineWebQualityFilter",
}
OUR_CONFIG = {"c4_quality": {"rewrite_text": True}}


def median_time(repeats: int, run: Callable[[], Any]) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def spark_chain(spark: Any, corpus: str, ops: tuple[str, ...]) -> Callable[[], int]:
    """A run of our filters over the Parquet corpus; returns the kept count (one extra action)."""
    from pyspark.sql import functions as F

    from operators.base import REJECT_REASON, OpContext
    from operators.registry import get_operator

    def build() -> Any:
        df = spark.read.parquet(corpus)
        for op in ops:
            out = get_operator(op)(OUR_CONFIG.get(op, {})).transform(df, OpContext(step=op))
            df = out.where(F.col(REJECT_REASON).isNull()).drop(REJECT_REASON)
        return df

    def run() -> int:
        build().write.format("noop").mode("overwrite").save()
        return -1

    run.kept = lambda: build().count()  # type: ignore[attr-defined]
    return run


def datatrove_chain(corpus: str, work: str, ops: tuple[str, ...]) -> Callable[[], int]:
    """A run of datatrove's filters with two local workers; returns the kept count."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline import filters
    from datatrove.pipeline.readers import ParquetReader

    def run() -> int:
        steps = [ParquetReader(corpus, text_key="text", id_key="id", glob_pattern="*.parquet")]
        steps += [getattr(filters, DATATROVE_FILTERS[op])() for op in ops]
        logs = tempfile.mkdtemp(prefix="dt-logs-", dir=work)
        stats = LocalPipelineExecutor(steps, tasks=2, workers=2, logging_dir=logs).run()
        return int(stats.stats[-1].stats["forwarded"].total)

    return run


def measure(
    name: str, side: str, n_docs: int, repeats: int, run: Callable[[], Any]
) -> dict[str, Any]:
    median, times, kept = median_time(repeats, run)
    if kept == -1:
        kept = run.kept()  # type: ignore[attr-defined]
    row = {
        "filters": name,
        "side": side,
        "median_s": round(median, 2),
        "runs_s": [round(t, 2) for t in times],
        "docs_per_s": round(n_docs / median, 1),
        "kept": kept,
    }
    print(json.dumps(row), flush=True)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown table: one line per filter set with both sides and the ratio ours/datatrove."""
    lines = [
        "| filters | lakesift docs/s | datatrove docs/s | ratio | kept (ours / datatrove) |",
        "|---|---:|---:|---:|---|",
    ]
    for name in dict.fromkeys(r["filters"] for r in rows):
        ours = next(r for r in rows if r["filters"] == name and r["side"] == "lakesift")
        theirs = next((r for r in rows if r["filters"] == name and r["side"] == "datatrove"), None)
        ratio = f"{ours['docs_per_s'] / theirs['docs_per_s']:.2f}x" if theirs else "n/a"
        dt = theirs["docs_per_s"] if theirs else "n/a"
        kept = f"{ours['kept']} / {theirs['kept'] if theirs else 'n/a'}"
        lines.append(f"| {name} | {ours['docs_per_s']} | {dt} | {ratio} | {kept} |")
    return "\n".join(lines)


def _warm_up(spark: Any, docs: list[dict[str, Any]], work: str, with_datatrove: bool) -> None:
    small = write_corpus(docs[:200], f"{work}/warm", parts=2)
    spark_chain(spark, small, CHAIN)()
    if with_datatrove:
        datatrove_chain(small, work, CHAIN)()


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--per-filter", action="store_true", help="also time each filter alone")
    parser.add_argument("--skip-datatrove", action="store_true")
    parser.add_argument("--quick", action="store_true", help="500 documents, 1 repeat")
    args = parser.parse_args(argv)
    n_docs, repeats = (500, 1) if args.quick else (args.docs, args.repeats)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")
    from pipelines.session import build_spark_session

    docs = load_docs(n_docs)
    print("corpus:", describe(docs), flush=True)
    spark = build_spark_session(master="local[2]", app_name="lakesift-bench-quality")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lakesift-bench-quality-") as work:
        corpus = write_corpus(docs, Path(work) / "corpus", parts=2)
        _warm_up(spark, docs, work, not args.skip_datatrove)
        sets = [("chain", CHAIN)] + ([(op, (op,)) for op in CHAIN] if args.per_filter else [])
        for name, ops in sets:
            rows.append(
                measure(name, "lakesift", len(docs), repeats, spark_chain(spark, corpus, ops))
            )
            if not args.skip_datatrove:
                rows.append(
                    measure(
                        name, "datatrove", len(docs), repeats, datatrove_chain(corpus, work, ops)
                    )
                )
    spark.stop()
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
