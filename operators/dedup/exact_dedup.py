"""Exact dedup: rows whose normalised content is equal form a cluster; one survives."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pandas as pd
from pydantic import Field

from operators.base import REJECT_REASON, OpContext, Operator
from operators.dedup.keep_policy import (
    CLUSTER_ID,
    DUP_SRC_IDS,
    SURVIVOR_REF,
    KeepConfig,
    check_columns,
    dup_src_ids,
    required_columns,
    spark_order,
)
from operators.registry import register
from schemas.provenance import SRC_IDS

DUPLICATE_REASON = "exact_dedup:duplicate"


class ExactDedupConfig(KeepConfig):
    """Content columns, normalisation and survivor policy of exact dedup."""

    columns: list[str] = Field(default_factory=lambda: ["text"],
                               description="Columns whose normalised values form the content.")
    lowercase: bool = Field(True, description="Compare case-insensitively (Unicode lower case).")
    collapse_whitespace: bool = Field(True, description="Whitespace runs -> one space, trimmed.")
    unicode_form: Literal["NFKC", "NFC", "none"] = Field("NFKC", description="Unicode normal form.")
    strip_punctuation: bool = Field(False, description="Drop Unicode punctuation (\\p{P}).")


def _unicode_normalizer(form: str) -> Any:
    """A vectorised pandas UDF applying one Unicode normal form (Spark SQL has none)."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")  # type: ignore[call-overload]
    def normalize(values: pd.Series) -> pd.Series:
        return values.str.normalize(form)

    return normalize


def normalised(column: str, cfg: ExactDedupConfig) -> Any:
    """One content column as a normalised string expression (null stays null)."""
    from pyspark.sql import functions as F

    value = F.col(column).cast("string")
    if cfg.unicode_form != "none":
        value = _unicode_normalizer(cfg.unicode_form)(value)
    if cfg.lowercase:
        value = F.lower(value)
    if cfg.strip_punctuation:
        value = F.regexp_replace(value, r"\p{P}+", "")
    if cfg.collapse_whitespace:
        value = F.trim(F.regexp_replace(value, r"(?U)\s+", " "))
    return value


def content_hash(cfg: ExactDedupConfig) -> Any:
    """128-bit hex digest of the JSON array of normalised values (nulls kept distinct)."""
    from pyspark.sql import functions as F

    values = F.to_json(F.array(*[normalised(c, cfg) for c in cfg.columns]))
    return F.substring(F.sha2(values, 256), 1, 32)


@register
class ExactDedup(Operator):
    """Marks exact duplicates (after normalisation) as rejects; shuffles once (a window).

    Keeps one survivor per content hash (``keep`` policy, ties by ``id_column``) with all its own
    columns and provenance, plus ``_cluster_id`` (the content hash) and ``_dup_src_ids`` (sorted
    union of the duplicates' ``_src_ids``; empty when it had none). Drops the other rows with
    ``_reject_reason = "exact_dedup:duplicate"``, ``_cluster_id`` and ``_survivor_ref`` (the
    survivor's id).
    """

    name: ClassVar[str] = "exact_dedup"
    version: ClassVar[str] = "1"
    kind: ClassVar[Literal["filter"]] = "filter"
    accounting: ClassVar[Literal["filter"]] = "filter"
    config_model = ExactDedupConfig
    example_config: ClassVar[dict[str, Any]] = {"columns": ["text"], "keep": "longest",
                                                "id_column": "id"}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        cfg: ExactDedupConfig = self.config  # type: ignore[assignment]
        check_columns(df.columns, [*cfg.columns, *required_columns(cfg, cfg.columns)], ctx.step)
        hashed = df.withColumn(CLUSTER_ID, content_hash(cfg))
        ordered = Window.partitionBy(CLUSTER_ID).orderBy(*spark_order(cfg, cfg.columns))
        whole = Window.partitionBy(CLUSTER_ID)
        ranked = hashed.withColumn("_dedup_rank", F.row_number().over(ordered))
        survivor = F.first(F.col(cfg.id_column).cast("string")).over(ordered)
        is_survivor = F.col("_dedup_rank") == 1
        out = ranked.withColumn(SURVIVOR_REF, F.when(~is_survivor, survivor))
        if SRC_IDS in df.columns:
            merged = dup_src_ids(whole, is_survivor, DUP_SRC_IDS in df.columns)
            out = out.withColumn(DUP_SRC_IDS, F.when(is_survivor, merged))
        reason = F.when(~is_survivor, F.lit(DUPLICATE_REASON)).cast("string")
        return out.withColumn(REJECT_REASON, reason).drop("_dedup_rank")
