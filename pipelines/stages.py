"""Persisted stage outputs with completion markers, so a crashed run resumes where it stopped.

Layout: ``stages/<step>/<output>/part-*.parquet`` plus ``stages/<step>/_COMPLETE.json`` holding
each output's row count and Spark schema. Sub-stages of a stage live under ``_sub/<step>/<name>/``
with markers of their own. A folder without a marker is a crashed write and is discarded.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from operators.base import REJECT_REASON
from pipelines.fsutil import atomic_write_json, parquet_parts

MARKER = "_COMPLETE.json"
SPLIT_FLAG = "__lakesift_rejected"


def parquet_rows(files: list[Path]) -> int:
    """Row count from Parquet footers only (no data read)."""
    return sum(pq.read_metadata(f).num_rows for f in files)


class StageStore:
    """Reads and writes the persisted outputs of one run's stages."""

    def __init__(self, spark: Any, root: Path) -> None:
        self.spark = spark
        self.root = root

    def marker(self, step: str) -> dict[str, Any] | None:
        path = self.root / step / MARKER
        if not path.is_file():
            return None
        return dict(json.loads(path.read_text()))

    def write(self, step: str, outputs: dict[str, Any], split: bool = False, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """Persist ``outputs`` (``split``: main carries a reject reason to split into main/rejects)."""
        folder = self.root / step
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        started = time.monotonic()
        for name, df in outputs.items():
            if split and name == "main":
                self._write_split(folder, df)
            else:
                df.write.mode("errorifexists").parquet(str(folder / name))
        marker = {"outputs": self._describe(folder), "seconds": round(time.monotonic() - started, 3), **(meta or {})}
        atomic_write_json(folder / MARKER, marker)
        return marker

    def _write_split(self, folder: Path, df: Any) -> None:
        from pyspark.sql import functions as F

        flagged = df.withColumn(SPLIT_FLAG, F.col(REJECT_REASON).isNotNull())
        tmp = folder / "_split"
        flagged.write.partitionBy(SPLIT_FLAG).parquet(str(tmp))
        schema = df.schema
        for flag, name in (("false", "main"), ("true", "rejects")):
            dest = folder / name
            dest.mkdir()
            for part in parquet_parts(tmp / f"{SPLIT_FLAG}={flag}"):
                part.rename(dest / part.name)
            (dest / "_schema.json").write_text(schema.json())
        shutil.rmtree(tmp)

    def _describe(self, folder: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("_")):
            files = parquet_parts(sub)
            schema = self._schema_json(sub, files)
            out[sub.name] = {"rows": parquet_rows(files), "files": len(files), "schema": schema}
        return out

    def _schema_json(self, sub: Path, files: list[Path]) -> str:
        stored = sub / "_schema.json"
        if stored.is_file():
            return stored.read_text()
        return str(self.spark.read.parquet(*map(str, files)).schema.json()) if files else "{}"

    def read(self, step: str) -> dict[str, Any]:
        """DataFrames of a completed step, read from its listed part files."""
        marker = self.marker(step)
        assert marker is not None, f"step {step} has no completion marker"
        return {name: self._read_output(self.root / step / name, info) for name, info in marker["outputs"].items()}

    def _read_output(self, folder: Path, info: dict[str, Any]) -> Any:
        from pyspark.sql.types import StructType

        schema = StructType.fromJson(json.loads(info["schema"])) if info["schema"] != "{}" else StructType([])
        files = parquet_parts(folder)
        if not files:
            return self.spark.createDataFrame([], schema)
        df = self.spark.read.schema(schema).parquet(*map(str, files))
        return df.drop(REJECT_REASON) if folder.name == "main" and REJECT_REASON in df.columns else df

    def checkpoint(self, step: str) -> Callable[[str, Callable[[], Any]], Any]:
        """A ``ctx.checkpoint`` for stage ``step``: persist a sub-stage once, reuse it on resume."""

        def persist(name: str, compute: Callable[[], Any]) -> Any:
            sub = f"_sub/{step}/{name}"
            if self.marker(sub) is None:
                self.write(sub, {"main": compute()})
            return self.read(sub)["main"]

        return persist
