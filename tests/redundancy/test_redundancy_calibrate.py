"""Scan-throughput calibration on the real engine, and its JSON round trip into the plan config."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from operators.redundancy.plan_stage import PlanRedundancyConfig
from pipelines.calibrate import (
    calibration_overrides,
    load_calibration,
    measure_scan_throughput,
    save_calibration,
)
from schemas.errors import UserError


def test_measured_throughput_is_plausible_and_feeds_the_plan_config(spark: Any, tmp_path: Path) -> None:
    value = measure_scan_throughput(spark, tmp_path, rows=20_000, repeats=3)
    written = sorted(tmp_path.glob("lakesift-calibration-*/part-*.parquet"))
    size = sum(p.stat().st_size for p in written)
    assert size > 100_000  # 20k rows with a 64-character hex column
    # a full scan of a few hundred KB takes between 0.1 ms and 60 s on any machine
    assert size / 60 < value < size / 1e-4 and math.isfinite(value)
    saved = save_calibration(tmp_path / "calibration.json", value, spark)
    assert json.loads((tmp_path / "calibration.json").read_text()) == saved
    assert load_calibration(tmp_path / "calibration.json") == value
    config = PlanRedundancyConfig.model_validate(calibration_overrides(tmp_path / "calibration.json"))
    assert config.scan_bytes_per_second == value


def test_a_broken_calibration_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"scan_bytes_per_second": -3}')
    with pytest.raises(UserError):
        load_calibration(tmp_path / "bad.json")
    with pytest.raises(UserError):
        load_calibration(tmp_path / "missing.json")
