"""Configuration of ``compute_aware_select``: the score, the budget, the law and its options."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from operators.base import OperatorConfig
from operators.selection.parameter_sets import LawParameters, bundled_names
from operators.selection.scaling_law import Objective, TauScaling


class SelectionBudget(OperatorConfig):
    """A training budget in samples, tokens (with a token-count column) or GPU-hours."""

    unit: Literal["samples", "tokens", "gpu_hours"] = Field(
        default="samples", description="what `value` counts"
    )
    value: float = Field(gt=0, description="the budget: samples, tokens or GPU-hours")
    token_column: str | None = Field(
        default=None, description="column with each record's token count (unit: tokens)"
    )
    samples_per_gpu_hour: float | None = Field(
        default=None, gt=0, description="training throughput (unit: gpu_hours)"
    )

    @model_validator(mode="after")
    def _unit_needs_its_setting(self) -> SelectionBudget:
        if self.unit == "tokens" and not self.token_column:
            raise ValueError("a budget in tokens needs token_column")
        if self.unit == "gpu_hours" and self.samples_per_gpu_hour is None:
            raise ValueError("a budget in gpu_hours needs samples_per_gpu_hour")
        return self

    def in_weight_units(self) -> float:
        """The budget in what records are weighed in: whole samples, or tokens."""
        if self.unit == "gpu_hours":
            return float(math.floor(self.value * float(self.samples_per_gpu_hour or 0)))
        return float(round(self.value)) if self.unit == "samples" else self.value


class ComputeAwareSelectConfig(OperatorConfig):
    """Settings of the compute-aware selection stage."""

    score_column: str = Field(
        default="quality_score", description="quality score from a quality operator or the user"
    )
    higher_is_better: bool = Field(default=True, description="false if low scores are good")
    key_columns: list[str] = Field(
        default_factory=lambda: ["_src_ref"],
        min_length=1,
        description="stable unique key of a record: orders the seeded partial pass",
    )
    budget: SelectionBudget = Field(description="the training budget")
    params: str | LawParameters = Field(
        default="tmars_imagenet1k_utility",
        description=(
            "a bundled parameter set's name, or the parameters inline (e.g. the output of "
            "`lakesift selection fit`). A recipe may instead say `params_file: path.json`: the "
            "pipelines layer reads that file and passes its content here as `params`"
        ),
    )
    objective: Objective | None = Field(
        default=None, description="law variant; default: the one the parameters were fitted with"
    )
    tau_scaling: TauScaling = Field(
        default="num_pools",
        description="num_pools: a mixture of p pools decays p times slower (reference code); "
        "none: every pool keeps its fitted tau",
    )
    quantile_relative_error: float = Field(
        default=0.0005, ge=0, le=0.1, description="relative error of the pool score quantiles"
    )

    @field_validator("params")
    @classmethod
    def _known_bundle(cls, value: str | LawParameters) -> str | LawParameters:
        if isinstance(value, str) and value not in bundled_names():
            raise ValueError(
                f"unknown bundled parameter set '{value}' (known: {', '.join(bundled_names())})"
            )
        return value
