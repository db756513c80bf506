"""Scaling-law parameter sets: the model users write inline, and the bundled sets.

A parameter set holds the shared ``a`` and ``d``, one ``(b, tau)`` per pool (best pool first),
the pool fraction the pools were cut at (0.1 = deciles), the pool size the parameters were fitted
at, and what the fit covered (samples seen, repetitions, residual). Bundled sets are JSON files in
``operators/selection/params/`` shipped with the package; a user's file is read by the pipelines
layer (``params_file`` in a recipe) and handed to the operator inline.
"""

from __future__ import annotations

import json
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from operators.selection.scaling_law import NORMALIZER, Objective, PoolLaw
from schemas.errors import Problem, UserError

_PARAMS_PACKAGE = "operators.selection.params"


class PoolParameters(BaseModel):
    """One pool's fitted utility ``b`` (negative) and half-life ``tau`` in repetitions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="display name, e.g. 'top 0-10%'")
    b: float = Field(lt=0, description="utility: exponent of the power law (negative)")
    tau: float = Field(gt=0, description="repetitions after which the utility halves")


class LawParameters(BaseModel):
    """A fitted scaling law for a list of equal-size quality pools, best first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="inline", description="name shown in plans and reports")
    description: str = ""
    citation: str = ""
    objective: Objective = Field(
        default="effective_utility", description="law variant the parameters were fitted with"
    )
    a: float = Field(gt=0, description="sample-efficiency scale shared by all pools")
    d: float = Field(ge=0, description="irreducible error")
    pool_fraction: float = Field(
        default=0.1, gt=0, le=1, description="fraction of the scored records in each pool"
    )
    pool_size: float = Field(gt=0, description="unique samples per pool at fitting time")
    pools: list[PoolParameters] = Field(min_length=1, description="pools, best first")
    fitted_samples_seen: tuple[float, float] | None = Field(
        default=None, description="smallest and largest samples seen in the fit"
    )
    max_fitted_repetitions: float | None = Field(default=None, gt=0)
    fit_rmse: float | None = Field(default=None, ge=0, description="residual of the fit")
    normalizer: float = Field(default=NORMALIZER, gt=0)

    @model_validator(mode="after")
    def _pools_fit_in_the_data(self) -> LawParameters:
        if len(self.pools) * self.pool_fraction > 1 + 1e-9:
            raise ValueError(
                f"{len(self.pools)} pools of {self.pool_fraction:g} each exceed the whole data"
            )
        return self

    def pool_laws(self) -> list[PoolLaw]:
        return [PoolLaw(p.name, p.b, p.tau) for p in self.pools]

    @property
    def valid_from(self) -> float:
        """Samples seen below which ``a * n / normalizer < 1`` and the law does not hold."""
        return self.normalizer / self.a


def bundled_names() -> list[str]:
    """Names of the parameter sets shipped with lakesift."""
    folder = resources.files(_PARAMS_PACKAGE)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def bundled(name: str) -> LawParameters:
    """A bundled parameter set by name (package data, not a user path)."""
    if name not in bundled_names():
        known = ", ".join(bundled_names())
        raise UserError(f"unknown bundled parameter set '{name}' (known: {known})")
    text = resources.files(_PARAMS_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return parameters_from_mapping(json.loads(text), where=name)


def parameters_from_mapping(data: object, where: str = "params") -> LawParameters:
    """Validate a parameter set given as a mapping (inline config or a parsed JSON file)."""
    try:
        return LawParameters.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(e["msg"], ".".join([where, *(str(p) for p in e["loc"])])) for e in exc.errors()
        ]
        raise UserError(f"invalid scaling-law parameters in {where}", problems) from None


def resolve(params: str | LawParameters) -> LawParameters:
    """A bundled name or an inline parameter set, as a validated :class:`LawParameters`."""
    return bundled(params) if isinstance(params, str) else params
