"""Configuration shared by the containment stages."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from operators.base import OperatorConfig
from operators.containment._jobs import JobPlan


class ProfileTables(OperatorConfig):
    """Where a stage finds the lake profiles among the recipe's named tables."""

    table_profiles: str = Field("table_profiles", description="named table with the table profiles")
    column_profiles: str = Field("column_profiles", description="named table with the column profiles")


class Semantics(ProfileTables):
    """What 'contained' means; set on ``schema_containment`` and carried to the later stages."""

    mode: Literal["exact", "approximate"] = Field(
        "exact", description="exact: degree must be 1; approximate: degree >= tau")
    tau: float = Field(0.95, gt=0.0, le=1.0, description="minimum degree in approximate mode")
    confidence: float = Field(
        0.95, gt=0.0, lt=1.0, description="confidence of sample-based decisions in approximate mode")
    semantics: Literal["set", "bag"] = Field(
        "set", description="set: distinct rows; bag: row multiplicities must fit in the parent")


class ScanJobs(ProfileTables):
    """How a comparison stage cuts its table scans into Spark jobs."""

    concurrent_jobs: int = Field(2, ge=1, description="Spark jobs submitted at once (from driver threads)")
    group_mb: float = Field(32.0, gt=0, description="tables smaller than this share jobs, up to this many MB per job")
    group_tables: int = Field(16, ge=1, description="most tables one job reads")

    def job_plan(self) -> JobPlan:
        return JobPlan(self.concurrent_jobs, int(self.group_mb * (1 << 20)), self.group_tables)
