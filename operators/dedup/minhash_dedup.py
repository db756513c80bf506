"""Near-duplicate dedup: shingles -> MinHash -> LSH buckets -> verified edges -> components."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from operators.base import MAIN, REJECTS, Operator, StageContext
from operators.dedup.arrow_batches import SIGNATURE_SCHEMA, signature_batches
from operators.dedup.candidates import candidate_pairs
from operators.dedup.components import connected_members
from operators.dedup.keep_policy import KeepConfig, check_columns, required_columns
from operators.dedup.local_candidates import candidate_table, check_unique
from operators.dedup.shingling import SHINGLE_HASH_SCHEME, ShingleSpec
from operators.dedup.signatures import MinHashSpec
from operators.dedup.survivors import KEY, assignment, cluster_table, main_and_rejects, with_key
from operators.dedup.verification import Verify, edges_above, exact_edges, with_components
from operators.registry import register
from schemas.errors import InputError, UserError

CLUSTERS = "dedup_clusters"


class MinHashDedupConfig(KeepConfig):
    """Shingling, MinHash, LSH banding, verification and survivor policy.

    Defaults: 5-word shingles, 128 permutations, 20 bands x 6 rows (LSH threshold
    (1/20)^(1/6) ~= 0.61, so pairs at the 0.8 verification threshold become candidates with
    probability 1 - (1 - 0.8^6)^20 ~= 0.998), exact Jaccard verification at 0.8 of the
    candidates whose signature estimate reaches 0.8 - 0.15 (the estimate from 128 permutations
    has a standard deviation of sqrt(J(1 - J)/128) ~= 0.035 at J = 0.8, so the prefilter drops
    a pair at the threshold with probability ~1e-5, a 4.2-sigma deviation).
    """

    text_column: str = Field("text", description="Column holding the document text.")
    unit: Literal["word", "char"] = Field("word", description="Shingle unit: words or characters.")
    ngram: int = Field(5, ge=1, description="Tokens per shingle.")
    lowercase: bool = Field(True, description="Lower-case before tokenising.")
    num_perm: int = Field(128, ge=2, description="MinHash permutations.")
    bands: int = Field(20, ge=2, description="LSH bands.")
    rows: int = Field(6, ge=1, description="MinHash values per band.")
    scheme: Literal["affine32", "legacy"] = Field("affine32", description="datasketch scheme.")
    seed: int | None = Field(None, description="Permutation seed (default: the run seed).")
    threshold: float = Field(0.8, ge=0.0, le=1.0, description="Jaccard threshold of an edge.")
    verify: Verify = Field("exact", description="Edge check: exact Jaccard, estimate or none.")
    prefilter_margin: float = Field(
        0.15, ge=0.0, le=1.0, description="verify=exact: candidates whose estimated Jaccard is "
        "below threshold - margin are dropped without exact verification.")
    bucket_cap: int = Field(100, ge=2, description="Buckets larger than this become stars.")
    max_group_docs: int = Field(
        10_000, ge=2, description="Candidate components up to this size are verified as one "
        "group (each text shipped once); larger ones per document and its partners.")
    driver_max_docs: int = Field(
        250_000, ge=0, description="Inputs of at most this many documents get LSH buckets and "
        "candidate scoring on the driver (signatures collected through Arrow, ~700 bytes a "
        "document); larger ones shuffle bucket members on the cluster.")
    driver_max_edges: int = Field(
        2_000_000, ge=0, description="Graphs with at most this many edges get connected "
        "components on the driver (collected through Arrow); larger ones large-star/small-star.")
    checkpoint_every: int = Field(3, ge=1, description="Component rounds per persisted block.")
    max_rounds: int = Field(60, ge=1, description="Component rounds before giving up.")

    @model_validator(mode="after")
    def _bands_fit(self) -> MinHashDedupConfig:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows = {self.bands * self.rows} exceeds num_perm {self.num_perm}")
        return self

    def min_est_jaccard(self) -> float | None:
        """Smallest signature estimate a candidate needs to be kept (None: no estimate rule)."""
        if self.verify == "exact":
            return max(0.0, self.threshold - self.prefilter_margin)
        return self.threshold if self.verify == "estimated" else None

    def spec(self, run_seed: int) -> MinHashSpec:
        return MinHashSpec(ShingleSpec(self.unit, self.ngram, self.lowercase), self.num_perm,
                           run_seed if self.seed is None else self.seed, self.scheme,
                           self.bands, self.rows)


def _check_unique_ids(signatures: Any, id_column: str) -> None:
    from pyspark.sql import functions as F

    repeated = signatures.groupBy("id").count().where(F.col("count") > 1).limit(3).collect()
    if repeated:
        shown = ", ".join(repr(r["id"]) for r in repeated)
        raise InputError(f"minhash_dedup: id column '{id_column}' is not unique (e.g. {shown})")


def _scheme(spec: MinHashSpec) -> Any:
    """The scheme stored with every persisted signature (hash values carry no trace of it)."""
    from pyspark.sql import functions as F

    return F.lit(f"datasketch-{spec.scheme}/seed={spec.seed}/num_perm={spec.num_perm}/"
                 f"{SHINGLE_HASH_SCHEME}/{spec.shingles.unit}{spec.shingles.n}"
                 f"{'-lower' if spec.shingles.lowercase else ''}")


def _spread(texts: Any, ctx: StageContext) -> Any:
    """Use every core for signatures even when the input arrives in fewer partitions."""
    cores = ctx.spark.sparkContext.defaultParallelism if ctx.spark is not None else 1
    return texts.repartition(cores) if texts.rdd.getNumPartitions() < cores else texts


def _candidates(signatures: Any, cfg: MinHashDedupConfig, spec: MinHashSpec) -> Any:
    """Scored candidate pairs ``(a, b, est_jaccard)``; on the driver for small inputs, where each
    pair also gets its candidate-graph ``component`` and its ``size`` (see local_candidates)."""
    if signatures.count() > cfg.driver_max_docs:
        _check_unique_ids(signatures, cfg.id_column)
        return candidate_pairs(signatures, spec, cfg.bucket_cap, cfg.min_est_jaccard())
    docs = signatures.select("id", "signature", "bands").toArrow()
    check_unique(docs.column("id"), cfg.id_column)
    table = candidate_table(docs, spec, cfg.bucket_cap, cfg.min_est_jaccard())
    return signatures.sparkSession.createDataFrame(table)


def _edges(candidates: Any, texts: Any, cfg: MinHashDedupConfig, spec: MinHashSpec,
           ctx: StageContext) -> Any:
    """Verified duplicate edges ``(a, b, est_jaccard, exact_jaccard)``."""
    from pyspark.sql import functions as F

    if cfg.verify != "exact":
        return candidates.withColumn("exact_jaccard", F.lit(None).cast("double"))
    if "component" not in candidates.columns:  # cluster-side candidates: components here
        candidates = with_components(candidates, connected_members(
            candidates, ctx, cfg.driver_max_edges, cfg.checkpoint_every, cfg.max_rounds,
            name="candidate_components"))
    scored = exact_edges(candidates, texts, spec, cfg.max_group_docs)
    return edges_above(scored, cfg.verify, cfg.threshold)


@register
class MinHashDedup(Operator):
    """Removes near-duplicate documents; shuffles (LSH buckets, signature joins, verification
    groups, survivor window).

    Keeps every document outside a cluster and one survivor per cluster (``keep`` policy, ties by
    ``id_column``) with its own columns and provenance, plus ``_cluster_id`` (the cluster's
    smallest id, or the row's own id) and ``_dup_src_ids`` (the absorbed duplicates' sources).
    Drops the other cluster members into ``rejects`` with ``_reject_reason``, ``_cluster_id`` and
    ``_survivor_ref``; ``dedup_clusters`` lists each cluster's members, survivor and edge evidence.
    Sub-stages persisted: signatures, candidates (estimate-prefiltered), verified edges and
    survivors (the final clusters); components are computed on the driver for graphs up to
    ``driver_max_edges`` edges, else in persisted large-star/small-star blocks.
    """

    name: ClassVar[str] = "minhash_dedup"
    version: ClassVar[str] = "3"
    kind: ClassVar[Literal["stage"]] = "stage"
    accounting: ClassVar[Literal["filter"]] = "filter"
    config_model = MinHashDedupConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "id_column": "id",
                                                "keep": "longest", "bands": 16, "rows": 8}

    def run(self, df: Any, ctx: StageContext) -> dict[str, Any]:
        cfg: MinHashDedupConfig = self.config  # type: ignore[assignment]
        content = [cfg.text_column]
        check_columns(df.columns, [cfg.text_column, *required_columns(cfg, content)], ctx.step)
        if df.schema[cfg.text_column].dataType.simpleString() != "string":
            raise UserError(f"{ctx.step}: text column '{cfg.text_column}' must be a string")
        spec = cfg.spec(ctx.seed)
        keyed = with_key(df, cfg)
        texts = keyed.select(KEY, cfg.text_column)
        signatures = ctx.persist("signatures", lambda: _spread(texts, ctx).mapInArrow(
            signature_batches(spec), SIGNATURE_SCHEMA).withColumn("sketch_scheme", _scheme(spec)))
        ctx.report("signatures done")
        candidates = ctx.persist("candidates", lambda: _candidates(signatures, cfg, spec))
        edges = ctx.persist("edges", lambda: _edges(candidates, texts, cfg, spec, ctx))
        nodes = connected_members(edges, ctx, cfg.driver_max_edges, cfg.checkpoint_every,
                                  cfg.max_rounds)
        assigned = ctx.persist("survivors", lambda: assignment(df, nodes, cfg, content))
        main, rejects = main_and_rejects(keyed, assigned)
        return {MAIN: main, REJECTS: rejects, CLUSTERS: cluster_table(assigned, edges)}
