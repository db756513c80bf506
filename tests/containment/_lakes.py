"""Helpers of the containment tests: writing small lakes and reading edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def write_table(root: Path, table_id: str, table: pa.Table, files: int = 1, **options: Any) -> Path:
    """Write ``table`` as table ``table_id`` (split over ``files`` Parquet files)."""
    folder = root / table_id
    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, -(-table.num_rows // files))
    for i in range(files):
        pq.write_table(table.slice(i * step, step), folder / f"part-{i}.parquet", **options)
    return folder


def edges_by_pair(outputs: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["parent"], r["child"]): r.asDict() for r in outputs["verify_containment"].collect()}
