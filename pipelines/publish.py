"""Publishing a run: data and rejects folders, manifest, _DONE, and the atomic CURRENT pointer."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipelines.fsutil import (
    atomic_write_json,
    atomic_write_text,
    fsync_dir,
    parquet_parts,
    sha256_file,
)
from schemas.errors import InvariantError

CURRENT = "CURRENT"
DONE = "_DONE"


def current_run(output: Path) -> str | None:
    path = output / CURRENT
    return path.read_text().strip() or None if path.is_file() else None


def describe_files(run_dir: Path, folder: Path) -> list[dict[str, Any]]:
    return [
        {"path": str(f.relative_to(run_dir)), "bytes": f.stat().st_size,
         "rows": pq.read_metadata(f).num_rows, "sha256": sha256_file(f)}
        for f in parquet_parts(folder)
    ]


def write_table(df: Any, folder: Path, expected_rows: int, name: str) -> list[str]:
    """Write a published table with Spark into a fresh folder and verify its row count."""
    if folder.exists():
        shutil.rmtree(folder)
    internal = [c for c in df.columns if c.startswith("__")]
    df.drop(*internal).write.mode("errorifexists").parquet(str(folder))
    rows = sum(pq.read_metadata(f).num_rows for f in parquet_parts(folder))
    if rows != expected_rows:
        raise InvariantError(f"table '{name}': wrote {rows} rows but the stage held {expected_rows}; nothing published")
    return list(df.drop(*internal).columns)


def copy_rejects(src: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for part in parquet_parts(src):
        shutil.copy2(part, dest / part.name)


def write_manifest(run_dir: Path, tables: dict[str, dict[str, Any]], rejects: list[str]) -> dict[str, Any]:
    manifest: dict[str, Any] = {"tables": {}, "rejects": {}}
    for name, info in tables.items():
        files = describe_files(run_dir, run_dir / "data" / name)
        manifest["tables"][name] = {**info, "files": files, "rows": sum(f["rows"] for f in files)}
    for step in rejects:
        files = describe_files(run_dir, run_dir / "rejects" / step)
        manifest["rejects"][step] = {"files": files, "rows": sum(f["rows"] for f in files)}
    atomic_write_json(run_dir / "manifest.json", manifest)
    return manifest


def mark_done(run_dir: Path) -> None:
    atomic_write_text(run_dir / DONE, "ok\n")


def point_current(output: Path, run_id: str) -> None:
    """Atomically replace CURRENT (temp file, fsync, rename, fsync folder)."""
    atomic_write_text(output / CURRENT, run_id + "\n")


def install_catalog(output: Path, built: Path) -> None:
    """Copy the run's catalog next to CURRENT atomically."""
    tmp = output / f".catalog.duckdb.tmp-{os.getpid()}"
    shutil.copy2(built, tmp)
    os.replace(tmp, output / "catalog.duckdb")
    fsync_dir(output)
