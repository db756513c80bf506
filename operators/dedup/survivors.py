"""From components to survivors and the three outputs of near-duplicate dedup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from operators.base import REJECT_REASON
from operators.dedup.keep_policy import (
    CLUSTER_ID,
    DUP_SRC_IDS,
    SURVIVOR_REF,
    KeepConfig,
    dup_src_ids,
    required_columns,
    spark_order,
)
from schemas.provenance import SRC_IDS

KEY = "_dedup_id"
NEAR_DUPLICATE_REASON = "minhash_dedup:near_duplicate"


def with_key(df: Any, cfg: KeepConfig) -> Any:
    from pyspark.sql import functions as F

    return df.withColumn(KEY, F.col(cfg.id_column).cast("string"))


def assignment(df: Any, nodes: Any, cfg: KeepConfig, content: Sequence[str]) -> Any:
    """Per clustered row: cluster, survivor id, whether it survives, the absorbed sources.

    ``nodes`` holds ``(id, component)`` of every member of a multi-member cluster."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    needed = [c for c in dict.fromkeys([*required_columns(cfg, content), SRC_IDS, DUP_SRC_IDS])
              if c in df.columns]
    clusters = nodes.select(F.col("id").alias(KEY), F.col("component").alias("cluster"))
    members = with_key(df.select(*needed), cfg).join(clusters, KEY)
    ordered = Window.partitionBy("cluster").orderBy(*spark_order(cfg, content))
    ranked = members.withColumn("rank", F.row_number().over(ordered))
    survivor = F.first(KEY).over(ordered)
    is_survivor = F.col("rank") == 1
    cols = [KEY, "cluster", survivor.alias("survivor"), is_survivor.alias("is_survivor")]
    if SRC_IDS in df.columns:
        merged = dup_src_ids(Window.partitionBy("cluster"), is_survivor, DUP_SRC_IDS in df.columns)
        cols.append(merged.alias("absorbed_src_ids"))
    return ranked.select(*cols)


def main_and_rejects(df: Any, assigned: Any) -> tuple[Any, Any]:
    """Survivors and unclustered rows (with ``_cluster_id``) / dropped rows with their reason.

    ``df`` carries the string key column (see :func:`with_key`)."""
    from pyspark.sql import functions as F

    cfg_cols = [c for c in df.columns if c not in (CLUSTER_ID, SURVIVOR_REF, REJECT_REASON, KEY)]
    joined = df.select(*cfg_cols, F.col(KEY)).join(assigned, KEY, "left")
    cluster = F.coalesce(F.col("cluster"), F.col(KEY)).alias(CLUSTER_ID)
    kept = joined.where(F.coalesce(F.col("is_survivor"), F.lit(True)))
    main_cols = [F.col(c) for c in cfg_cols if c != DUP_SRC_IDS] + [cluster]
    if "absorbed_src_ids" in assigned.columns:
        empty = F.array().cast("array<string>")
        previous = F.col(DUP_SRC_IDS) if DUP_SRC_IDS in cfg_cols else empty
        absorbed = F.coalesce(F.col("absorbed_src_ids"), previous, empty)
        main_cols.append(absorbed.alias(DUP_SRC_IDS))
    dropped = joined.where(~F.coalesce(F.col("is_survivor"), F.lit(True)))
    rejects = dropped.select(*cfg_cols, cluster, F.col("survivor").alias(SURVIVOR_REF),
                             F.lit(NEAR_DUPLICATE_REASON).alias(REJECT_REASON))
    return kept.select(*main_cols), rejects


def cluster_table(assigned: Any, edges: Any) -> Any:
    """``dedup_clusters``: id, sorted members, size, survivor and the edges' similarity range.

    Member rows and edge rows (owned by their ``a`` end's cluster) are aggregated in one pass."""
    from pyspark.sql import functions as F

    owner = assigned.select(F.col(KEY).alias("a"), "cluster")
    edge_rows = edges.join(owner, "a").select(
        "cluster", F.lit(None).cast("string").alias(KEY), F.lit(None).cast("boolean").alias(
            "is_survivor"), "est_jaccard", "exact_jaccard", F.lit(1).alias("edge"))
    member_rows = assigned.select(
        "cluster", KEY, "is_survivor", F.lit(None).cast("double").alias("est_jaccard"),
        F.lit(None).cast("double").alias("exact_jaccard"), F.lit(0).alias("edge"))
    groups = member_rows.unionByName(edge_rows).groupBy("cluster").agg(
        F.array_sort(F.collect_list(KEY)).alias("members"), F.count(KEY).alias("size"),
        F.max(F.when(F.col("is_survivor"), F.col(KEY))).alias("survivor"),
        F.sum("edge").alias("edges"),
        F.min("est_jaccard").alias("min_est_jaccard"), F.max("est_jaccard").alias("max_est_jaccard"),
        F.min("exact_jaccard").alias("min_exact_jaccard"),
        F.max("exact_jaccard").alias("max_exact_jaccard"))
    return groups.select(F.col("cluster").alias(CLUSTER_ID), "size", "members", "survivor",
                         "edges", "min_est_jaccard", "max_est_jaccard", "min_exact_jaccard",
                         "max_exact_jaccard")
