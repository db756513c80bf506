"""License-aware operators: a filter on the provenance columns and an attribution report."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from operators._provenance import combine_agg_exprs, require_provenance
from operators.base import REJECT_REASON, NoConfig, OpContext, Operator, OperatorConfig
from operators.registry import register
from schemas.provenance import (
    LIC_ATTR,
    LIC_ND,
    LIC_RANK,
    LIC_REVIEW,
    LIC_SA,
    LIC_SPDX,
    MOST_RESTRICTIVE_RANK,
    PROVENANCE_COLUMNS,
    SRC_IDS,
    USE_CLASSES,
)
from schemas.sources import (
    NOTICE_ATTRIBUTION,
    NOTICE_HEAD,
    NOTICE_NO_DERIVATIVES,
    NOTICE_REVIEW,
    NOTICE_SHARE_ALIKE,
    UseClassName,
)


class LicenseFilterConfig(OperatorConfig):
    max_use_class: UseClassName = Field(
        "commercial",
        description="most restrictive use class kept (commercial keeps only commercial)",
    )
    exclude_share_alike: bool = Field(False, description="reject rows under share-alike terms")
    exclude_no_derivatives: bool = Field(
        False, description="reject rows under no-derivatives terms"
    )
    exclude_review: bool = Field(
        False, description="reject rows whose license evidence needs review"
    )


@register
class LicenseFilter(Operator):
    """Rejects rows whose license is more restrictive than ``max_use_class`` or carries an
    excluded obligation. The reason names the first rule that fired
    (``license_filter:max_use_class``, ``:share_alike``, ``:no_derivatives``, ``:review``);
    a row without a rank counts as most restrictive. Keeps every column; no shuffle.
    """

    name = "license_filter"
    kind = "filter"
    accounting = "filter"
    config_model = LicenseFilterConfig
    example_config: ClassVar[dict[str, Any]] = {
        "max_use_class": "commercial",
        "exclude_review": True,
    }

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        cfg: LicenseFilterConfig = self.config  # type: ignore[assignment]
        require_provenance(df.columns, "input", ctx.step)
        rank = F.coalesce(F.col(LIC_RANK), F.lit(MOST_RESTRICTIVE_RANK))
        rules = [("max_use_class", rank > USE_CLASSES.index(cfg.max_use_class))]
        optional = [
            ("share_alike", cfg.exclude_share_alike, LIC_SA),
            ("no_derivatives", cfg.exclude_no_derivatives, LIC_ND),
            ("review", cfg.exclude_review, LIC_REVIEW),
        ]
        rules += [(rule, F.coalesce(F.col(col), F.lit(True))) for rule, on, col in optional if on]
        reason = F.lit(None).cast("string")
        for rule, fired in reversed(rules):
            reason = F.when(fired, F.lit(f"license_filter:{rule}")).otherwise(reason)
        return df.withColumn(REJECT_REASON, reason.cast("string"))


def _notice(source: Any, spdx: Any) -> Any:
    from pyspark.sql import functions as F

    head_format = NOTICE_HEAD.replace("{sources}", "%s").replace("{spdx}", "%s")
    parts = [F.format_string(head_format, source, spdx)]
    for flag, text in (
        (LIC_ATTR, NOTICE_ATTRIBUTION),
        (LIC_SA, NOTICE_SHARE_ALIKE),
        (LIC_ND, NOTICE_NO_DERIVATIVES),
        (LIC_REVIEW, NOTICE_REVIEW),
    ):
        parts.append(F.when(F.col(flag), F.lit(text)).otherwise(F.lit("")))
    return F.concat(*parts)


@register
class AttributionReport(Operator):
    """One row per distinct (source id, SPDX terms, attribution, share-alike, no-derivatives)
    of the input, with ``rows`` (input rows naming that source), ``review`` and the ``notice``
    text an output built from those rows must ship with. Shuffles (a group-by).

    A combined row names every source it contains under its combined SPDX conjunction, so a
    source may appear under several conjunctions. Report rows carry provenance of their group.
    """

    name = "attribution_report"
    accounting = "none"
    config_model = NoConfig
    example_config: ClassVar[dict[str, Any]] = {}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        require_provenance(df.columns, "input", ctx.step)
        exploded = df.select(F.explode(SRC_IDS).alias("source_id"), *PROVENANCE_COLUMNS)
        keys = ["source_id", LIC_SPDX, LIC_ATTR, LIC_SA, LIC_ND]
        grouped = exploded.groupBy(*keys).agg(
            F.count(F.lit(1)).alias("rows"), *combine_agg_exprs(exclude=tuple(keys))
        )
        return grouped.select(
            "source_id",
            F.col(LIC_SPDX).alias("spdx"),
            F.col(LIC_ATTR).alias("attribution"),
            F.col(LIC_SA).alias("share_alike"),
            F.col(LIC_ND).alias("no_derivatives"),
            F.col(LIC_REVIEW).alias("review"),
            "rows",
            _notice(F.col("source_id"), F.col(LIC_SPDX)).alias("notice"),
            *PROVENANCE_COLUMNS,
        )
