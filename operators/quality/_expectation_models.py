"""Recipe models of table expectations (one entry per check) for the ``expectations`` stage."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from operators.base import OperatorConfig

Severity = Literal["warn", "error"]
Scalar = str | int | float | bool


class _Expectation(OperatorConfig):
    name: str | None = Field(None, description="unique name; default '<type>_<column>'")
    severity: Severity = Field("error", description="'error' fails the run, 'warn' records it")

    def display_name(self) -> str:
        column = getattr(self, "column", None)
        return self.name or (f"{self.type}_{column}" if column else self.type)  # type: ignore[attr-defined]


class _RowLevel(_Expectation):
    column: str = Field(description="column checked")
    mostly: float | None = Field(
        None, gt=0, le=1, description="least share of rows that must pass (default: all)"
    )
    quarantine: bool = Field(
        False,
        description="move failing rows to rejects (reason 'expectation:<name>') instead of "
        "failing the run; an 'error' expectation with 'mostly' still fails the run when the "
        "share of failing rows exceeds 1 - mostly",
    )


class NotNull(_RowLevel):
    type: Literal["not_null"]


class Unique(_RowLevel):
    type: Literal["unique"]


class Between(_RowLevel):
    type: Literal["between"]
    min: float | None = Field(None, description="lowest allowed value (inclusive)")
    max: float | None = Field(None, description="highest allowed value (inclusive)")

    @model_validator(mode="after")
    def _bounds(self) -> Between:
        if self.min is None and self.max is None:
            raise ValueError("between needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class InSet(_RowLevel):
    type: Literal["in_set"]
    values: list[Scalar] = Field(min_length=1, description="allowed values")


class Regex(_RowLevel):
    type: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=2000, description="Java regex that must be found")


class RowCountBetween(_Expectation):
    type: Literal["row_count_between"]
    min: int | None = Field(None, ge=0, description="fewest rows")
    max: int | None = Field(None, ge=0, description="most rows")

    @model_validator(mode="after")
    def _bounds(self) -> RowCountBetween:
        if self.min is None and self.max is None:
            raise ValueError("row_count_between needs min, max or both")
        return self


class ColumnSet(_Expectation):
    type: Literal["column_set"]
    columns: list[str] = Field(min_length=1, description="expected column names")
    exact: bool = Field(True, description="no other columns allowed")


Expectation = Annotated[
    NotNull | Unique | Between | InSet | Regex | RowCountBetween | ColumnSet,
    Field(discriminator="type"),
]
ROW_LEVEL = (NotNull, Unique, Between, InSet, Regex)


class ExpectationsConfig(OperatorConfig):
    expectations: list[Expectation] = Field(min_length=1, description="checks, run in this order")

    @model_validator(mode="after")
    def _unique_names(self) -> ExpectationsConfig:
        names = [e.display_name() for e in self.expectations]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"expectation names must be unique; repeated: {', '.join(repeated)}")
        return self
