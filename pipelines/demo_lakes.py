"""Building the demo lakes on first use (kept between demo runs, so reruns are no-ops)."""

from __future__ import annotations

from pathlib import Path

from pipelines.fsutil import atomic_write_text


def ensure_demo_lakes(root: Path) -> bool:
    """Build whatever demo lake is missing under ``root``; True when something was built."""
    built = False
    tables = root / "tables"
    if not (tables / "_BUILT").is_file():
        from profiling.demolake import build_demo_lake

        build_demo_lake(tables)
        atomic_write_text(tables / "_BUILT", "ok\n")
        built = True
    records = root / "records"
    if not (records / "_BUILT").is_file():
        from profiling.demo_records import build_demo_records

        build_demo_records(records)
        atomic_write_text(records / "_BUILT", "ok\n")
        built = True
    return built
