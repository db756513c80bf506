"""Reading recipe inputs: file listing, footer validation, snapshots for run ids."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from schemas.errors import InputError, Problem
from schemas.recipe import InputSpec

DATA_SUFFIXES = {"parquet": (".parquet",), "csv": (".csv", ".csv.gz", ".txt"), "json": (".json", ".jsonl", ".ndjson", ".json.gz")}


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)


def list_data_files(root: Path, fmt: str) -> list[Path]:
    """Data files of a table folder (or the file itself), skipping ``_``/``.``-prefixed entries."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    suffixes = DATA_SUFFIXES[fmt]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(suffixes) and not _hidden(p, root))


def snapshot_files(files: list[Path]) -> list[dict[str, Any]]:
    out = []
    for f in files:
        st = f.stat()
        out.append({"path": str(f), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return out


def snapshot_hash(entries: list[dict[str, Any]]) -> str:
    text = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def validate_parquet_footers(files: list[Path], what: str) -> None:
    """Read every footer up front; a corrupt or truncated file stops the run with its name."""
    problems = []
    for f in files:
        try:
            pq.read_metadata(f)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad footers
            problems.append(Problem(f"unreadable Parquet file: {type(exc).__name__}: {str(exc)[:160]}", str(f)))
    if problems:
        raise InputError(f"{what}: {len(problems)} unreadable file(s); nothing was read or changed", problems)


def input_files(spec: InputSpec) -> list[Path]:
    root = Path(spec.path)
    files = list_data_files(root, spec.format)
    if not files:
        raise InputError(f"input '{spec.name}': no {spec.format} files found at {spec.path}")
    return files


def read_input(spark: Any, spec: InputSpec) -> Any:
    """A lazy DataFrame over an input's listed files (footers validated first for Parquet)."""
    files = input_files(spec)
    reader = spark.read.options(**spec.options)
    root = Path(spec.path)
    if root.is_dir():
        reader = reader.option("basePath", str(root))
    paths = [str(f) for f in files]
    if spec.format == "parquet":
        validate_parquet_footers(files, f"input '{spec.name}'")
        return reader.parquet(*paths)
    if spec.format == "csv":
        return reader.csv(paths)
    return reader.json(paths)
