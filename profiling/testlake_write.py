"""Writers the test-lake generator uses: Parquet (pyarrow or DuckDB), Hive partitions, CSV, JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def duck() -> Any:
    con = duckdb.connect(config=DUCKDB_CONFIG)
    con.execute("SET TimeZone = 'UTC'")
    return con


def write_parquet(folder: Path, table: pa.Table, row_group_size: int | None = None, files: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, -(-table.num_rows // files))
    for i in range(files):
        part = table.slice(i * step, step)
        pq.write_table(part, folder / f"part-{i:05d}.parquet", row_group_size=row_group_size or None)


def write_with_duckdb(folder: Path, table: pa.Table, fmt: str = "parquet") -> None:
    """DuckDB's writers: Parquet (it truncates long string statistics), CSV or JSON lines."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = {"parquet": "parquet", "csv": "csv", "json": "jsonl"}[fmt]
    options = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true", "json": "FORMAT json"}[fmt]
    con = duck()
    con.register("src", table)
    con.execute(f"COPY src TO '{folder / f'part-00000.{suffix}'}' ({options})")
    con.close()


def write_partitioned(folder: Path, table: pa.Table, column: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_to_dataset(table, str(folder), partition_cols=[column],
                        basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore")


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
