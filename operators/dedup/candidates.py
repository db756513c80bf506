"""Candidate pairs from LSH buckets, and their verification, as Spark DataFrame plans.

A bucket is one ``(band, key)``; documents sharing any bucket are candidates, exactly the pairs
datasketch's ``MinHashLSH.query`` returns. Buckets larger than ``bucket_cap`` (skew: e.g. thousands
of identical documents) link each member to the bucket's smallest id instead of all pairs: the
star has the same connected component and O(size) edges instead of O(size^2).
"""

from __future__ import annotations

from typing import Any, Literal

from operators.dedup.arrow_batches import (
    SHINGLE_SET_SCHEMA,
    SIMILARITY_SCHEMA,
    MinHashSpec,
    shingle_set_batches,
    similarity_batches,
)

Verify = Literal["exact", "estimated", "none"]


def candidate_pairs(signatures: Any, bucket_cap: int) -> Any:
    """Distinct ``(a, b)`` with ``a < b`` sharing at least one LSH bucket (stars above the cap)."""
    from pyspark.sql import functions as F

    members = signatures.select("id", F.posexplode("bands").alias("band", "key"))
    buckets = (members.groupBy("band", "key").agg(F.array_sort(F.collect_list("id")).alias("ids"))
               .where(F.size("ids") > 1))
    small = buckets.where(F.size("ids") <= bucket_cap).select(F.explode("ids").alias("a"), "ids")
    pairs = small.select("a", F.explode(F.filter("ids", lambda x: x > F.col("a"))).alias("b"))
    big = buckets.where(F.size("ids") > bucket_cap)
    stars = big.select(F.col("ids")[0].alias("a"), F.explode(F.slice("ids", 2, 1 << 30)).alias("b"))
    return pairs.unionByName(stars).distinct()


def _profiles(pairs: Any, signatures: Any, texts: Any | None, spec: MinHashSpec) -> Any:
    """``(id, signature[, shingle_set])`` of every document in a candidate pair."""
    involved = pairs.select(pairs.a.alias("id")).unionByName(pairs.select(pairs.b.alias("id"))).distinct()
    profile = signatures.select("id", "signature").join(involved, "id")
    if texts is None:
        return profile
    sets = texts.toDF("id", "text").join(involved, "id").mapInArrow(
        shingle_set_batches(spec), SHINGLE_SET_SCHEMA)
    return profile.join(sets, "id")


def scored_pairs(pairs: Any, signatures: Any, texts: Any | None, spec: MinHashSpec) -> Any:
    """Candidate pairs with estimated (and, given ``(id, text)`` rows, exact) Jaccard."""
    profile = _profiles(pairs, signatures, texts, spec)
    cols = profile.columns[1:]
    left = profile.toDF("a", *[f"{c}_a" for c in cols])
    right = profile.toDF("b", *[f"{c}_b" for c in cols])
    joined = pairs.join(left, "a").join(right, "b")
    ordered = ["a", "b", "signature_a", "signature_b"]
    if texts is not None:
        ordered += ["shingle_set_a", "shingle_set_b"]
    return joined.select(*ordered).mapInArrow(similarity_batches(spec, texts is not None),
                                              SIMILARITY_SCHEMA)


def verified_edges(scored: Any, verify: Verify, threshold: float) -> Any:
    """The pairs kept as duplicate edges under the verification mode."""
    from pyspark.sql import functions as F

    if verify == "exact":
        return scored.where(F.col("exact_jaccard") >= threshold)
    if verify == "estimated":
        return scored.where(F.col("est_jaccard") >= threshold)
    return scored
