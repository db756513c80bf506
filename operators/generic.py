"""Generic operators every recipe needs: projection, renaming, row filters and seeded samples."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, field_validator

from operators.base import REJECT_REASON, OpContext, Operator, OperatorConfig
from operators.expr import parse_expression, referenced_columns, to_column
from operators.registry import register
from schemas.errors import UserError
from schemas.provenance import PROVENANCE_COLUMNS, is_pipeline_column


def _missing(df: Any, names: list[str], step: str) -> None:
    absent = [n for n in names if n not in df.columns]
    if absent:
        raise UserError(
            f"step '{step}': unknown column(s) {', '.join(absent)}; available: {', '.join(df.columns)}"
        )


def _quoted(name: str) -> str:
    return f"`{name.replace('`', '``')}`"


class SelectConfig(OperatorConfig):
    columns: list[str] = Field(min_length=1, description="columns to keep, in this order")


@register
class SelectColumns(Operator):
    """Keeps the listed columns (plus the pipeline's provenance columns); drops the rest.

    Row-preserving, no shuffle.
    """

    name = "select_columns"
    config_model = SelectConfig
    example_config: ClassVar[dict[str, Any]] = {"columns": ["id"]}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        cols = list(self.config.columns)  # type: ignore[attr-defined]
        _missing(df, cols, ctx.step)
        keep = cols + [c for c in PROVENANCE_COLUMNS if c in df.columns and c not in cols]
        return df.select(*[_quoted(c) for c in keep])


class RenameConfig(OperatorConfig):
    mapping: dict[str, str] = Field(min_length=1, description="old name -> new name")

    @field_validator("mapping")
    @classmethod
    def _no_pipeline_columns(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [n for pair in v.items() for n in pair if is_pipeline_column(n)]
        if bad:
            raise ValueError(f"pipeline-owned columns cannot be renamed: {', '.join(bad)}")
        if len(set(v.values())) != len(v):
            raise ValueError("two columns would get the same new name")
        return v


@register
class RenameColumns(Operator):
    """Renames columns; keeps every row and column. Row-preserving, no shuffle."""

    name = "rename_columns"
    config_model = RenameConfig
    example_config: ClassVar[dict[str, Any]] = {"mapping": {"id": "record_id"}}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        mapping: dict[str, str] = dict(self.config.mapping)  # type: ignore[attr-defined]
        _missing(df, list(mapping), ctx.step)
        clash = [new for new in mapping.values() if new in df.columns and new not in mapping]
        if clash:
            raise UserError(f"step '{ctx.step}': rename target(s) already exist: {', '.join(clash)}")
        return df.withColumnsRenamed(mapping)


class FilterConfig(OperatorConfig):
    expr: str = Field(description="rows for which this is true are kept (allow-listed language)")
    reason: str = Field(default="filter_rows", description="reason recorded for rejected rows")

    @field_validator("expr")
    @classmethod
    def _parses(cls, v: str) -> str:
        parse_expression(v)
        return v


@register
class FilterRows(Operator):
    """Keeps rows where ``expr`` is true; rows where it is false or null are rejected.

    Marks rejects with a reason instead of dropping them. No shuffle.
    """

    name = "filter_rows"
    kind = "filter"
    accounting = "filter"
    config_model = FilterConfig
    example_config: ClassVar[dict[str, Any]] = {"expr": "id >= 0"}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        node = parse_expression(self.config.expr)  # type: ignore[attr-defined]
        _missing(df, sorted(referenced_columns(node)), ctx.step)
        keep = F.coalesce(to_column(node).cast("boolean"), F.lit(False))
        reason = F.when(~keep, F.lit(self.config.reason))  # type: ignore[attr-defined]
        return df.withColumn(REJECT_REASON, reason.cast("string"))


class SampleConfig(OperatorConfig):
    fraction: float = Field(gt=0.0, le=1.0, description="expected share of rows kept")
    key: list[str] = Field(
        default_factory=list,
        description="columns hashed to decide membership (default: all data columns)",
    )


@register
class SampleRows(Operator):
    """Keeps a seeded, partitioning-independent share of rows (hash of the key and the seed).

    Rows not sampled are dropped, not rejected (counted in the funnel). No shuffle.
    """

    name = "sample_rows"
    accounting = "none"
    config_model = SampleConfig
    example_config: ClassVar[dict[str, Any]] = {"fraction": 0.5}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        key = list(self.config.key) or [c for c in df.columns if not is_pipeline_column(c)]  # type: ignore[attr-defined]
        _missing(df, key, ctx.step)
        scale = 1_000_000
        bucket = F.pmod(F.xxhash64(F.lit(ctx.seed), *[F.col(_quoted(c)) for c in key]), F.lit(scale))
        return df.where(bucket < F.lit(int(self.config.fraction * scale)))  # type: ignore[attr-defined]
