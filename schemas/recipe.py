"""Pydantic models of a recipe (the YAML a user writes) and of a sources registry reference.

Every model forbids unknown keys. Operator configs are validated later against the registry
(``pipelines.recipe``), so this module stays free of operator imports.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_name(value: str) -> str:
    if not NAME_RE.match(value):
        raise ValueError(
            f"'{value}' is not a valid name (letters, digits and '_', starting with a letter or '_', "
            "at most 64 characters)"
        )
    return value


class SparkSettings(Strict):
    """How the run's SparkSession is built (ignored when a session is handed in)."""

    master: str = "local[2]"
    app_name: str | None = None
    conf: dict[str, str] = Field(default_factory=dict)


class InputSpec(Strict):
    """A table read from the lake."""

    name: str
    path: str
    format: Literal["parquet", "csv", "json"] = "parquet"
    options: dict[str, str] = Field(default_factory=dict)
    source: str | None = Field(
        default=None, description="id in the sources registry; defaults to the input's name"
    )

    _v_name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))


class LakeSpec(Strict):
    """A whole lake root: every folder of data files below it is a table."""

    root: str
    formats: list[Literal["parquet", "csv", "json"]] = Field(default_factory=lambda: ["parquet"])
    options: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="reader options per format, e.g. {csv: {header: 'true'}}"
    )
    max_tables: int | None = Field(default=None, ge=1)


class StepSpec(Strict):
    """One operator application."""

    op: str
    name: str | None = None
    input: str | None = Field(
        default=None, description="table or 'step' / 'step.output' the step reads; default: previous"
    )
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        return None if v is None else _check_name(v)


class PublishSpec(Strict):
    """A published table: its name and which step output it comes from."""

    table: str
    source: str = Field(alias="from", description="'step' or 'step.output'")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _v_table = field_validator("table")(classmethod(lambda cls, v: _check_name(v)))


class Recipe(Strict):
    """A lakesift job."""

    name: str
    description: str = ""
    output: str = Field(description="output folder (runs/, CURRENT, catalog.duckdb live here)")
    allowed_roots: list[str] = Field(
        default_factory=list,
        description="folders inputs and outputs may live under; default: the recipe's folder",
    )
    sources: str | None = Field(default=None, description="path of a sources registry YAML")
    seed: int = 42
    spark: SparkSettings = Field(default_factory=SparkSettings)
    inputs: list[InputSpec] = Field(default_factory=list)
    lake: LakeSpec | None = None
    steps: list[StepSpec] = Field(default_factory=list)
    publish: list[PublishSpec] = Field(default_factory=list)

    _v_name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @model_validator(mode="after")
    def _has_data(self) -> Recipe:
        if not self.inputs and self.lake is None:
            raise ValueError("a recipe needs 'inputs' or a 'lake'")
        names = [i.name for i in self.inputs]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"input names must be unique: {', '.join(dupes)}")
        return self
