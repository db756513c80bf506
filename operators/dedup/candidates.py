"""Candidate pairs from LSH buckets, scored by their signatures, as one Spark DataFrame plan.

A bucket is one band's values; documents sharing any bucket are candidates, exactly the pairs
datasketch's ``MinHashLSH.query`` returns. Buckets larger than ``bucket_cap`` (skew: e.g. thousands
of identical documents) link each member to the bucket's smallest id instead of all pairs: the
star has the same connected component and O(size) edges instead of O(size^2).

Plan: bucket ids are counted and only the members of buckets with two or more documents are
shuffled, with their signatures, by bucket; each partition, sorted by (bucket, id), is turned into
scored pairs in NumPy (``sorted_runs.bucket_pair_batches``), so no pair is ever joined back to its
signatures. A pair sharing several buckets is scored once per bucket and deduplicated after.
"""

from __future__ import annotations

from typing import Any

from operators.dedup.signatures import MinHashSpec
from operators.dedup.sorted_runs import CANDIDATE_SCHEMA, bucket_pair_batches


def candidate_pairs(signatures: Any, spec: MinHashSpec, bucket_cap: int,
                    min_est_jaccard: float | None) -> Any:
    """Distinct ``(a, b, est_jaccard)`` with ``a < b`` sharing at least one LSH band exactly
    (stars above the cap) whose estimate reaches ``min_est_jaccard`` (None: every pair).

    Buckets are the 64-bit ids of ``signatures.band_hashes``; a hash collision could only add a
    pair, and pairs that share no band's values are dropped."""
    from pyspark.sql import functions as F

    members = signatures.select(F.explode("bands").alias("bucket"), "id", "signature")
    shared = members.groupBy("bucket").count().where(F.col("count") > 1).select("bucket")
    runs = (members.join(shared, "bucket", "left_semi").repartition("bucket")
            .sortWithinPartitions("bucket", "id"))
    scored = runs.mapInArrow(bucket_pair_batches(spec, bucket_cap, min_est_jaccard),
                             CANDIDATE_SCHEMA)
    return scored.dropDuplicates(["a", "b"])
