"""Group-by with allow-listed aggregates; each group's provenance is the union of its rows'."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from operators._provenance import (
    PROVENANCE_COLUMNS,
    combine_agg_exprs,
    quoted,
    reject_pipeline_columns,
    require_columns,
    require_provenance,
)
from operators.base import OpContext, Operator, OperatorConfig
from operators.registry import register
from schemas.errors import UserError

AggregationName = Literal["count", "sum", "min", "max", "avg", "count_distinct"]


class Aggregation(OperatorConfig):
    fn: AggregationName = Field(description="aggregate function (allow-listed)")
    column: str | None = Field(None, description="input column; omit for count(*)")
    alias: str | None = Field(None, description="output name; default '<fn>_<column>'")

    def output_name(self) -> str:
        return self.alias or (f"{self.fn}_{self.column}" if self.column else self.fn)


class GroupByConfig(OperatorConfig):
    keys: list[str] = Field(min_length=1, description="grouping columns")
    aggregations: list[Aggregation] = Field(
        default_factory=lambda: [Aggregation(fn="count", column=None, alias=None)],
        description="aggregates computed per group",
    )

    _v_keys = field_validator("keys")(classmethod(lambda cls, v: reject_pipeline_columns(v)))

    @field_validator("aggregations")
    @classmethod
    def _checked(cls, v: list[Aggregation]) -> list[Aggregation]:
        for agg in v:
            if agg.column is None and agg.fn != "count":
                raise ValueError(f"'{agg.fn}' needs a column")
            reject_pipeline_columns([agg.column] if agg.column else [])
        names = [a.output_name() for a in v]
        if len(set(names)) != len(names):
            raise ValueError("two aggregations have the same output name; set 'alias'")
        return v


def _aggregate(agg: Aggregation) -> Any:
    from pyspark.sql import functions as F

    if agg.column is None:
        return F.count(F.lit(1)).alias(agg.output_name())
    col = F.col(quoted(agg.column))
    fns = {
        "count": F.count,
        "sum": F.sum,
        "min": F.min,
        "max": F.max,
        "avg": F.avg,
        "count_distinct": F.countDistinct,
    }
    return fns[agg.fn](col).alias(agg.output_name())


@register
class GroupBy(Operator):
    """One row per distinct key: the keys, the allow-listed aggregates and the group's
    combined provenance (union of sources, max rank, AND of SPDX, OR of flags). Shuffles.

    Drops every other column.
    """

    name = "group_by"
    accounting = "none"
    config_model = GroupByConfig
    example_config: ClassVar[dict[str, Any]] = {
        "keys": ["lang"],
        "aggregations": [{"fn": "count"}, {"fn": "avg", "column": "score"}],
    }

    def transform(self, df: Any, ctx: OpContext) -> Any:
        cfg: GroupByConfig = self.config  # type: ignore[assignment]
        used = [*cfg.keys, *[a.column for a in cfg.aggregations if a.column]]
        require_columns(df.columns, used, f"step '{ctx.step}'")
        require_provenance(df.columns, "input", ctx.step)
        clash = [
            a.output_name()
            for a in cfg.aggregations
            if a.output_name() in cfg.keys or a.output_name() in PROVENANCE_COLUMNS
        ]
        if clash:
            raise UserError(
                f"step '{ctx.step}': aggregate names clash with keys: {', '.join(clash)}"
            )
        aggs = [_aggregate(a) for a in cfg.aggregations]
        return df.groupBy(*[quoted(k) for k in cfg.keys]).agg(*aggs, *combine_agg_exprs())
