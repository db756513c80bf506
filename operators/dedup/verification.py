"""Exact verification of candidate pairs, grouped so that each document's text travels once.

The candidate pairs (after the estimate prefilter) form a graph; each connected component is a
verification group. A group's member texts and its pairs are shuffled to one partition, sorted by
group, and ``verify_batches`` builds each member's shingle set once for all of the group's pairs
(instead of copying two shingle sets into every pair row). A component with more than
``max_group_docs`` members is split into one group per pair's smaller end ``a`` (``a`` and all
its partners), which bounds a group by a document's candidate count at the price of copying
partners' texts. Shuffles: the group join and one repartition by group.
"""

from __future__ import annotations

from typing import Any, Literal

from operators.dedup.arrow_batches import SIMILARITY_SCHEMA, VERIFY_INPUT, verify_batches
from operators.dedup.signatures import MinHashSpec

Verify = Literal["exact", "estimated", "none"]


def _grouped_pairs(candidates: Any, nodes: Any, max_group_docs: int) -> Any:
    """Candidate pairs with their group: ``c:<component>``, or ``a:<a>`` in oversize ones."""
    from pyspark.sql import functions as F

    ends = nodes.withColumnRenamed("id", "a")
    group = F.when(F.col("size") <= max_group_docs, F.concat(F.lit("c:"), "component"))
    return candidates.join(ends, "a").withColumn(
        "group", group.otherwise(F.concat(F.lit("a:"), "a")))


def _group_members(pairs: Any, nodes: Any, max_group_docs: int) -> Any:
    """``(group, id)``: members of small components once, split groups' documents per group."""
    from pyspark.sql import functions as F

    whole = nodes.where(F.col("size") <= max_group_docs).select(
        F.concat(F.lit("c:"), "component").alias("group"), "id")
    split = pairs.where(F.col("size") > max_group_docs)
    ends = split.select("group", F.col("a").alias("id")).unionByName(
        split.select("group", F.col("b").alias("id")))
    return whole.unionByName(ends.distinct())


def exact_edges(candidates: Any, texts: Any, nodes: Any, spec: MinHashSpec,
                max_group_docs: int) -> Any:
    """``(a, b, est_jaccard, exact_jaccard)`` of every candidate pair; ``texts`` is ``(id,
    text)``, ``nodes`` the ``(id, component, size)`` of the candidate graph."""
    from pyspark.sql import functions as F

    pairs = _grouped_pairs(candidates, nodes, max_group_docs)
    docs = _group_members(pairs, nodes, max_group_docs).join(texts.toDF("id", "text"), "id")
    doc_rows = docs.select("group", F.col("id").alias("a"), F.lit(None).cast("string").alias("b"),
                           F.lit(None).cast("double").alias("est_jaccard"), "text")
    pair_rows = pairs.select("group", "a", "b", "est_jaccard",
                             F.lit(None).cast("string").alias("text"))
    rows = doc_rows.unionByName(pair_rows).select(*VERIFY_INPUT)
    return (rows.repartition("group").sortWithinPartitions("group")
            .mapInArrow(verify_batches(spec), SIMILARITY_SCHEMA))


def edges_above(scored: Any, verify: Verify, threshold: float) -> Any:
    """The scored pairs kept as duplicate edges under the verification mode."""
    from pyspark.sql import functions as F

    if verify == "exact":
        return scored.where(F.col("exact_jaccard") >= threshold)
    if verify == "estimated":
        return scored.where(F.col("est_jaccard") >= threshold)
    return scored
