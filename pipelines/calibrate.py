"""Measuring the engine's Parquet scan throughput for the redundancy plan's latency estimates.

``measure_scan_throughput`` writes a small Parquet table, scans all of it a few times (every
column is read: the scan hashes all columns) and returns the median on-disk bytes per second.
The result is saved as JSON; ``calibration_overrides`` turns it into the plan step's config
field ``scan_bytes_per_second``.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from pipelines.fsutil import atomic_write_json, parquet_parts
from schemas.errors import UserError
from schemas.redundancy import CALIBRATION_KEY


def _write_sample(spark: Any, folder: Path, rows: int) -> int:
    from pyspark.sql import functions as F

    df = spark.range(rows).select(
        F.col("id"), (F.col("id") * 7919 % 100_003).cast("double").alias("amount"),
        F.sha2(F.col("id").cast("string"), 256).alias("text"), (F.col("id") % 97).cast("int").alias("bucket"),
    )
    df.coalesce(2).write.parquet(str(folder))
    return sum(p.stat().st_size for p in parquet_parts(folder))


def _timed_scan(spark: Any, folder: Path) -> float:
    from pyspark.sql import functions as F

    started = time.perf_counter()
    df = spark.read.parquet(str(folder))
    df.agg(F.sum(F.xxhash64(*df.columns).cast("decimal(38,0)"))).collect()
    return time.perf_counter() - started


def measure_scan_throughput(spark: Any, tmp_dir: str | Path, rows: int = 400_000, repeats: int = 3) -> float:
    """Median bytes per second of full scans of a freshly written Parquet table."""
    folder = Path(tmp_dir) / f"lakesift-calibration-{uuid.uuid4().hex[:8]}"
    size = _write_sample(spark, folder, rows)
    _timed_scan(spark, folder)  # warm-up: JIT, file cache
    seconds = [_timed_scan(spark, folder) for _ in range(max(1, repeats))]
    return size / max(statistics.median(seconds), 1e-9)


def save_calibration(path: str | Path, bytes_per_second: float, spark: Any = None) -> dict[str, Any]:
    """Write the calibration JSON (atomically) and return what was written."""
    data: dict[str, Any] = {
        CALIBRATION_KEY: float(bytes_per_second),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    if spark is not None:
        data["engine"] = f"spark {spark.version}"
        data["master"] = spark.sparkContext.master
    atomic_write_json(Path(path), data)
    return data


def load_calibration(path: str | Path) -> float:
    """The measured throughput stored at ``path``."""
    try:
        value = float(json.loads(Path(path).read_text(encoding="utf-8"))[CALIBRATION_KEY])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"cannot read a calibration from {path}: {exc}") from exc
    if not value > 0:
        raise UserError(f"calibration at {path} has a non-positive throughput {value}")
    return value


def calibration_overrides(path: str | Path) -> dict[str, float]:
    """Config fields for the ``plan_redundancy`` step from a saved calibration."""
    return {CALIBRATION_KEY: load_calibration(path)}
