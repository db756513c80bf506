"""Combining operators that propagate row provenance: joins and unions (group-by: group_by.py).

Each combined row carries the union of what it combines (see ``operators._provenance``): sorted
distinct ``_src_ids``, the maximum license rank, the AND of the SPDX terms and OR-ed flags.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from operators._provenance import (
    combine_row_exprs,
    data_columns,
    prefixed,
    quoted,
    reject_pipeline_columns,
    require_columns,
    require_provenance,
)
from operators.base import OpContext, Operator, OperatorConfig
from operators.registry import register
from schemas.errors import UserError

_LEFT, _RIGHT = "__left", "__right"
_SPARK_HOW = {
    "inner": "inner",
    "left": "left",
    "right": "right",
    "full": "full",
    "semi": "left_semi",
    "anti": "left_anti",
}


class JoinConfig(OperatorConfig):
    right: str = Field(description="name of the right-hand table (an input or 'step[.output]')")
    keys: list[str] = Field(
        min_length=1,
        description="key columns present in both tables (a bare YAML 'on' would read as true)",
    )
    how: Literal["inner", "left", "right", "full", "semi", "anti"] = Field(
        "inner", description="join type; semi/anti keep only left columns"
    )
    right_prefix: str = Field(
        "right_", min_length=1, description="prefix for right-side columns whose names clash"
    )

    _v_keys = field_validator("keys")(classmethod(lambda cls, v: reject_pipeline_columns(v)))


@register
class JoinTables(Operator):
    """Joins the step's table with ``right`` on key columns. Shuffles (or broadcasts).

    Keeps the key columns, the left columns, then the right columns (clashing names prefixed).
    A joined row's provenance is the union of both sides'; rows of outer joins with no partner
    keep their own side's provenance. Semi/anti joins keep only left rows and their provenance
    (no right content enters the output).
    """

    name = "join_tables"
    accounting = "none"
    config_model = JoinConfig
    example_config: ClassVar[dict[str, Any]] = {"right": "labels", "keys": ["id"], "how": "left"}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        cfg: JoinConfig = self.config  # type: ignore[assignment]
        right = ctx.table(cfg.right)
        require_columns(df.columns, cfg.keys, f"step '{ctx.step}' (left)")
        require_columns(right.columns, cfg.keys, f"step '{ctx.step}' (right '{cfg.right}')")
        require_provenance(df.columns, "input", ctx.step)
        require_provenance(right.columns, cfg.right, ctx.step)
        if cfg.how in ("semi", "anti"):
            keys = right.select(*[quoted(k) for k in cfg.keys])
            return df.join(keys, on=list(cfg.keys), how=_SPARK_HOW[cfg.how])
        return self._combined(df, right, cfg)

    @staticmethod
    def _combined(df: Any, right: Any, cfg: JoinConfig) -> Any:
        left_data = [c for c in data_columns(df.columns) if c not in cfg.keys]
        renames = {
            c: f"{cfg.right_prefix}{c}"
            for c in data_columns(right.columns)
            if c not in cfg.keys and c in df.columns
        }
        right = right.withColumnsRenamed(renames)
        right_data = [c for c in data_columns(right.columns) if c not in cfg.keys]
        clash = sorted(set(right_data) & set(left_data))
        if clash:
            raise UserError(f"join: prefixed right columns still clash: {', '.join(clash)}")
        joined = prefixed(df, _LEFT).join(
            prefixed(right, _RIGHT), on=list(cfg.keys), how=_SPARK_HOW[cfg.how]
        )
        data = [quoted(c) for c in [*cfg.keys, *left_data, *right_data]]
        return joined.select(*data, *combine_row_exprs(_LEFT, _RIGHT))


class UnionConfig(OperatorConfig):
    others: list[str] = Field(min_length=1, description="tables appended to the step's table")
    by_name: bool = Field(True, description="match columns by name (else by position)")
    allow_missing_columns: bool = Field(
        False, description="fill columns absent on one side with null"
    )


@register
class UnionTables(Operator):
    """Appends other tables' rows (UNION ALL). No shuffle; keeps every row of every table.

    Rows keep their own provenance (nothing is combined).
    """

    name = "union_tables"
    accounting = "none"
    config_model = UnionConfig
    example_config: ClassVar[dict[str, Any]] = {"others": ["more_rows"]}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        cfg: UnionConfig = self.config  # type: ignore[assignment]
        require_provenance(df.columns, "input", ctx.step)
        result = df
        for name in cfg.others:
            other = ctx.table(name)
            require_provenance(other.columns, name, ctx.step)
            if cfg.by_name:
                result = result.unionByName(other, allowMissingColumns=cfg.allow_missing_columns)
            else:
                result = result.union(other)
        return result
