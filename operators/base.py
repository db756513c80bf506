"""The operator contract.

An operator is a class with a recipe name, a version, a frozen pydantic config and a lazy
``transform``. Three kinds exist:

- ``transform``: DataFrame -> DataFrame, row-preserving or not; no Spark actions.
- ``filter``: returns the input with a :data:`REJECT_REASON` column (null = keep). The runner
  splits kept and rejected rows, writes rejects under ``rejects/`` and counts them by reason.
- ``stage``: a global decision (dedup clustering, containment verification). Its ``run`` may call
  Spark actions; it gets a :class:`StageContext` whose ``checkpoint`` persists intermediates so a
  crashed run resumes from the last completed sub-stage.

Operators never touch the filesystem themselves: a stage reads lake tables through
``StageContext.read_table`` and persists through ``StageContext.checkpoint``, both provided by the
runner.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from schemas.errors import UserError

REJECT_REASON = "_reject_reason"
"""Column a filter operator adds: null keeps the row, a string names the rule that fired."""

MAIN = "main"
"""Name of the output that flows to the next step."""

REJECTS = "rejects"
"""Side output a stage returns for rows it removed (e.g. dedup duplicates), with a reason."""

OperatorKind = Literal["transform", "filter", "stage"]
Accounting = Literal["preserve", "filter", "none"]


class OperatorConfig(BaseModel):
    """Base of every operator config: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoConfig(OperatorConfig):
    """For operators without settings."""


@dataclass(frozen=True)
class OpContext:
    """What a lazy operator may see: named DataFrames of the recipe and the run's seed."""

    step: str
    seed: int = 0
    tables: Mapping[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Any:
        """A named DataFrame (a recipe input or an earlier step's output)."""
        if name not in self.tables:
            known = ", ".join(sorted(self.tables)) or "none"
            raise UserError(f"step '{self.step}' refers to unknown table '{name}' (known: {known})")
        return self.tables[name]


class Progress(Protocol):
    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None: ...


@dataclass(frozen=True)
class StageContext(OpContext):
    """What a stage may additionally do: run Spark actions, read lake tables, persist work."""

    spark: Any = None
    read_table: Callable[[str, list[str] | None], Any] | None = None
    checkpoint: Callable[[str, Callable[[], Any]], Any] | None = None
    progress: Progress | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def persist(self, name: str, compute: Callable[[], Any]) -> Any:
        """Persist ``compute()``'s DataFrame as sub-stage ``name`` (or reuse a completed one)."""
        if self.checkpoint is None:
            return compute()
        return self.checkpoint(name, compute)

    def report(self, message: str, done: int | None = None, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(message, done, total)


class Operator(ABC):
    """Base class of every operator. Subclasses set the class variables and one method.

    ``transform(df, ctx)`` for ``transform``/``filter`` kinds (lazy, no actions) and
    ``run(df, ctx)`` for the ``stage`` kind. Both return a DataFrame or a mapping of named
    DataFrames with :data:`MAIN` the one flowing on.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    kind: ClassVar[OperatorKind] = "transform"
    accounting: ClassVar[Accounting] = "preserve"
    config_model: ClassVar[type[OperatorConfig]] = NoConfig
    example_config: ClassVar[dict[str, Any]] = {}
    needs_input: ClassVar[bool] = True

    def __init__(self, config: OperatorConfig | Mapping[str, Any] | None = None) -> None:
        if isinstance(config, OperatorConfig):
            self.config = config
        else:
            self.config = self.config_model.model_validate(dict(config or {}))

    def transform(self, df: Any, ctx: OpContext) -> Any:
        raise NotImplementedError(f"operator '{self.name}' is a stage: use run()")

    def run(self, df: Any, ctx: StageContext) -> Any:
        """Stages override this; lazy operators run their transform."""
        return self.transform(df, ctx)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "config": self.config.model_dump(mode="json"),
        }


def as_outputs(result: Any) -> dict[str, Any]:
    """Normalise an operator's return value to a mapping with a :data:`MAIN` entry."""
    if isinstance(result, Mapping):
        return dict(result)
    return {MAIN: result}
