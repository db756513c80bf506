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


def with_components(candidates: Any, nodes: Any) -> Any:
    """Candidate pairs with their component and its size, from the ``(id, component, size)``
    nodes of the candidate graph."""
    return candidates.join(nodes.withColumnRenamed("id", "a"), "a")


def _groups(pairs: Any, max_group_docs: int) -> tuple[Any, Any]:
    """Pairs with their group (``c:<component>``, or ``a:<a>`` in oversize components) and the
    ``(group, id)`` members: each document once per group."""
    from pyspark.sql import functions as F

    group = F.when(F.col("size") <= max_group_docs, F.concat(F.lit("c:"), "component"))
    grouped = pairs.withColumn("group", group.otherwise(F.concat(F.lit("a:"), "a")))
    ends = grouped.select("group", F.col("a").alias("id")).unionByName(
        grouped.select("group", F.col("b").alias("id")))
    return grouped, ends.distinct()


def exact_edges(pairs: Any, texts: Any, spec: MinHashSpec, max_group_docs: int) -> Any:
    """``(a, b, est_jaccard, exact_jaccard)`` of every candidate pair; ``pairs`` is ``(a, b,
    est_jaccard, component, size)`` (see :func:`with_components`), ``texts`` is ``(id, text)``."""
    from pyspark.sql import functions as F

    grouped, members = _groups(pairs, max_group_docs)
    docs = members.join(texts.toDF("id", "text"), "id")
    doc_rows = docs.select("group", F.col("id").alias("a"), F.lit(None).cast("string").alias("b"),
                           F.lit(None).cast("double").alias("est_jaccard"), "text")
    pair_rows = grouped.select("group", "a", "b", "est_jaccard",
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
