"""Engine-independent description of a rebuild recipe, and its rendering to SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from operators.redundancy.sql import (
    Dialect,
    cast,
    comparable,
    fingerprint,
    ident,
    literal,
    parquet_source,
    string_literal,
)

FP_COLUMN = "row_fp"
"""Column of a membership index holding the child's row fingerprints."""


@dataclass(frozen=True)
class ProjectedColumn:
    child: str
    child_type: str
    parent: str
    parent_type: str


@dataclass(frozen=True)
class Predicate:
    """``column IN values`` or ``column BETWEEN values[0] AND values[1]`` on a child column."""

    column: str
    spark_type: str
    kind: str  # "in" | "between"
    values: tuple[Any, ...]
    include_null: bool = False


@dataclass(frozen=True)
class Source:
    """Where a table's data is: its folder, its data files, and the version they make up."""

    path: str
    files: tuple[str, ...]
    version: str
    partitioned: bool = False


@dataclass(frozen=True)
class RecipeSpec:
    method: str  # "duplicate" | "projection" | "predicate" | "membership_index"
    columns: tuple[ProjectedColumn, ...]
    predicate: Predicate | None = None
    distinct: bool = False
    index: Source | None = None

    def with_distinct(self) -> RecipeSpec:
        return replace(self, distinct=True)


def _projection(spec: RecipeSpec, parent: Source, dialect: Dialect) -> str | None:
    """The parent's needed columns under the child's names and types (every column cast when the
    parent is partitioned, whose partition columns' types the engine infers)."""
    items = []
    for col in spec.columns:
        expr = cast(f"p.{ident(col.parent, dialect)}", col.parent_type, col.child_type, dialect,
                    always=parent.partitioned)
        if expr is None:
            return None
        items.append(f"{expr} AS {ident(col.child, dialect)}")
    return ", ".join(items)


def predicate_sql(pred: Predicate, dialect: Dialect) -> str | None:
    col = f"r.{ident(pred.column, dialect)}"
    values = [literal(v, pred.spark_type, dialect) for v in pred.values]
    if any(v is None for v in values) or not values:
        return None
    expr = comparable(col, pred.spark_type, dialect)
    cond = (f"{expr} BETWEEN {values[0]} AND {values[1]}" if pred.kind == "between"
            else f"{expr} IN ({', '.join(values)})")  # type: ignore[arg-type]
    return f"({cond} OR {col} IS NULL)" if pred.include_null else cond


def _membership_sql(spec: RecipeSpec, dialect: Dialect) -> str | None:
    assert spec.index is not None
    row = [(f"r.{ident(c.child, dialect)}", c.child_type) for c in spec.columns]
    fp = fingerprint(row, dialect)
    if fp is None:
        return None
    if dialect == "spark":
        src = f"parquet.{ident(spec.index.path, 'spark')}"
    else:
        src = "read_parquet([" + ", ".join(string_literal(f, dialect) for f in spec.index.files) + "])"
    return f"{fp} IN (SELECT {ident(FP_COLUMN, dialect)} FROM {src})"


def render_select(spec: RecipeSpec, parent: Source, dialect: Dialect) -> str | None:
    """The SELECT that rebuilds the child in ``dialect`` (None when it cannot be expressed)."""
    projection = _projection(spec, parent, dialect)
    if projection is None:
        return None
    conditions = []
    if spec.predicate is not None:
        conditions.append(predicate_sql(spec.predicate, dialect))
    if spec.index is not None:
        conditions.append(_membership_sql(spec, dialect))
    if any(c is None for c in conditions):
        return None
    source = parquet_source(parent.path, parent.files, parent.partitioned, dialect)
    inner = f"SELECT {projection} FROM {source} AS p"
    outer = ", ".join(f"r.{ident(c.child, dialect)}" for c in spec.columns)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""  # type: ignore[arg-type]
    distinct = "DISTINCT " if spec.distinct else ""
    return f"SELECT {distinct}{outer} FROM ({inner}) AS r{where}"


def render_probe(spec: RecipeSpec, parent: Source, conditions: list[str]) -> str | None:
    """Spark SQL computing, in one scan of the parent, (rows, sum of xxhash64, sum of murmur3)
    of the recipe's rows filtered by each condition, as columns 3i, 3i+1, 3i+2."""
    projection = _projection(spec, parent, "spark")
    if projection is None or not conditions:
        return None
    cols = ", ".join(f"r.{ident(c.child, 'spark')}" for c in spec.columns)
    aggs = []
    for cond in conditions:
        aggs += [f"count_if({cond})",
                 f"sum(CASE WHEN {cond} THEN CAST(xxhash64({cols}) AS DECIMAL(38,0)) END)",
                 f"sum(CASE WHEN {cond} THEN CAST(hash({cols}) AS DECIMAL(38,0)) END)"]
    source = parquet_source(parent.path, parent.files, parent.partitioned, "spark")
    return f"SELECT {', '.join(aggs)} FROM (SELECT {projection} FROM {source} AS p) AS r"
