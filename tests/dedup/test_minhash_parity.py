"""The Spark path against the datasketch reference, quality against exact Jaccard, and skew."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from operators.base import MAIN, REJECTS
from operators.dedup.minhash_dedup import MinHashDedup, MinHashDedupConfig
from operators.dedup.reference import reference_dedup

pytestmark = pytest.mark.slow


def _spark_result(spark: Any, docs: list[dict], ctx: Any, config: dict) -> tuple[dict, dict, Any]:
    rows = [(d["id"], d["text"], [d.get("base", d["id"])]) for d in docs]
    df = spark.createDataFrame(rows, "id string, text string, _src_ids array<string>")
    out = MinHashDedup(config).run(df, ctx)
    table = out["dedup_clusters"].collect()
    return ({r["_cluster_id"]: r["members"] for r in table},
            {r["_cluster_id"]: r["survivor"] for r in table}, out)


def test_spark_and_datasketch_reference_agree_on_2000_documents(
    spark: Any, stage_context: Callable, dedup_benchmark: Any
) -> None:
    docs = dedup_benchmark.build_docs(2400, share=0.25)[:2000]
    assert len(docs) == 2000
    config = {"id_column": "id", "keep": "longest"}
    ctx, _ = stage_context(seed=3)
    clusters, survivors, _ = _spark_result(spark, docs, ctx, config)
    expected = reference_dedup(docs, MinHashDedupConfig(**config), seed=3)
    assert len(expected.clusters) >= 50            # the input really has near-duplicates
    assert clusters == expected.clusters
    assert survivors == expected.survivors


def test_fallback_paths_give_the_reference_clusters(
    spark: Any, stage_context: Callable, dedup_benchmark: Any
) -> None:
    """Buckets shuffled on the cluster, distributed components for every graph and verification
    groups split per document."""
    docs = dedup_benchmark.build_docs(300, share=0.4)
    config = {"id_column": "id", "keep": "longest", "driver_max_docs": 0, "driver_max_edges": 0,
              "max_group_docs": 2}
    ctx, ckpt = stage_context()
    clusters, survivors, _ = _spark_result(spark, docs, ctx, config)
    expected = reference_dedup(docs, MinHashDedupConfig(**config), seed=1)
    assert max(len(m) for m in expected.clusters.values()) > 2   # groups really had to be split
    assert (clusters, survivors) == (expected.clusters, expected.survivors)
    assert any(name.startswith("candidate_components_") for name in ckpt.computed)
    assert any(name.startswith("components_") for name in ckpt.computed)


def test_ci_sized_quality_against_exact_jaccard(
    spark: Any, stage_context: Callable, dedup_benchmark: Any
) -> None:
    docs = dedup_benchmark.build_docs(300, share=0.4)
    ctx, ckpt = stage_context()
    clusters, _, _ = _spark_result(spark, docs, ctx, {"id_column": "id"})
    edges = {tuple(sorted((r["a"], r["b"]))) for r in spark.read.parquet(str(ckpt.root / "edges")).collect()}
    report = dedup_benchmark.quality_report(docs, list(clusters.values()), edges, 0.8)
    for level in ("edges", "clusters"):
        for kind in ("all", *dedup_benchmark.KINDS):
            assert report[level][kind]["true"] > 0, (level, kind)
            assert report[level][kind]["precision"] >= 0.95, (level, kind, report[level][kind])
            assert report[level][kind]["recall"] >= 0.95, (level, kind, report[level][kind])


def test_a_2000_copy_cluster_and_a_5mb_document(spark: Any, stage_context: Callable) -> None:
    big = " ".join(f"w{i % 90_001}q{i % 13}" for i in range(760_000))[: 5 * 1024 * 1024]
    docs = [{"id": f"copy{i:04d}", "text": "the same boilerplate notice repeated in every file "
             "of this lake, word for word, with nothing changed at all"} for i in range(2000)]
    docs += [{"id": "big1", "text": big}, {"id": "big2", "text": big + " one more line at the end"},
             {"id": "lone", "text": "a short unrelated document about something else entirely"}]
    config = {"id_column": "id", "keep": "first"}
    ctx, _ = stage_context()
    clusters, survivors, out = _spark_result(spark, docs, ctx, config)
    copies = sorted(f"copy{i:04d}" for i in range(2000))
    assert clusters == {"copy0000": copies, "big1": ["big1", "big2"]}
    assert survivors == {"copy0000": "copy0000", "big1": "big1"}
    refs = {r["_survivor_ref"] for r in out[REJECTS].select("_survivor_ref").collect()}
    assert refs == {"copy0000", "big1"} and out[REJECTS].count() == 2000
    assert sorted(r["id"] for r in out[MAIN].select("id").collect()) == ["big1", "copy0000", "lone"]
    expected = reference_dedup(docs, MinHashDedupConfig(**config), seed=1)
    assert (clusters, survivors) == (expected.clusters, expected.survivors)
