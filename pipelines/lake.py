"""The runner's access to a whole lake: profiling it once, then reading its tables for stages.

Relies on ``profiling.lake``:
- ``profile_lake(spark, root, formats, options, max_tables, progress) -> dict[str, DataFrame]``
  with keys ``table_profiles``, ``column_profiles``, ``quarantine`` (DDLs in
  ``schemas/containment.py``);
- ``read_lake_table(spark, profile: dict, columns: list[str] | None) -> DataFrame`` where
  ``profile`` is one ``table_profiles`` row as a dict (plus its ``files`` list when available).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas.errors import InputError
from schemas.recipe import LakeSpec


class LakeAccess:
    """Profiles a lake and serves ``StageContext.read_table``."""

    def __init__(self, spark: Any, spec: LakeSpec) -> None:
        self.spark = spark
        self.spec = spec
        self._profiles: dict[str, dict[str, Any]] = {}

    def profile(self, progress: Callable[..., None] | None = None) -> dict[str, Any]:
        from profiling.lake import profile_lake

        return dict(profile_lake(
            self.spark, self.spec.root, list(self.spec.formats), dict(self.spec.options),
            self.spec.max_tables, progress,
        ))

    def use_profiles(self, outputs: dict[str, Any]) -> None:
        rows = outputs["table_profiles"].collect()
        self._profiles = {r["table_id"]: r.asDict(recursive=True) for r in rows}

    def read_table(self, table_id: str, columns: list[str] | None = None) -> Any:
        from profiling.lake import read_lake_table

        profile = self._profiles.get(table_id)
        if profile is None:
            raise InputError(f"lake table '{table_id}' is not in the lake profile")
        return read_lake_table(self.spark, profile, columns)
