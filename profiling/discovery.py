"""Finding the tables of a lake: every folder of data files (with optional ``k=v`` partitions).

Rules, applied to every folder under the root (hidden ``.x`` and ``_x`` entries are skipped, as
Spark and Hive do):
- a data file belongs to the nearest ancestor folder whose name is not a ``k=v`` partition; that
  folder is the table (its id is its path relative to the root, ``.`` for the root itself);
- a table's format is the format of most of its data files; any other file in it (another format,
  an unknown extension) is a foreign file, and a table holding one is quarantined;
- every file of a table must sit under the same partition keys, in the same order.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

FORMAT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".parq", ".pq"),
    "csv": (".csv", ".csv.gz"),
    "json": (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz"),
}
PARTITION_DIR = re.compile(r"^([^=/]+)=(.*)$")
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


@dataclass
class DataFile:
    """One file of a table; ``rel_path`` is relative to the table folder."""

    rel_path: str
    size: int
    mtime_ns: int
    partition: tuple[tuple[str, str | None], ...] = ()


@dataclass
class TableLocation:
    """A discovered table before profiling."""

    table_id: str
    path: Path
    format: str
    files: list[DataFile] = field(default_factory=list)
    foreign: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def partition_keys(self) -> list[str]:
        return [k for k, _ in self.files[0].partition] if self.files else []


def format_of(name: str) -> str | None:
    lower = name.lower()
    for fmt, suffixes in FORMAT_SUFFIXES.items():
        if lower.endswith(suffixes):
            return fmt
    return None


def discover_tables(root: Path, formats: list[str], max_tables: int | None = None) -> list[TableLocation]:
    """Every table under ``root`` whose files are in one of ``formats``, sorted by id."""
    groups: dict[Path, list[tuple[Path, os.stat_result]]] = {}
    for path, st in _walk_files(root):
        groups.setdefault(_table_root(path.parent, root), []).append((path, st))
    tables = [t for folder, files in groups.items() if (t := _make_table(root, folder, files, formats))]
    tables.sort(key=lambda t: t.table_id)
    return tables[:max_tables] if max_tables else tables


def _walk_files(root: Path) -> list[tuple[Path, os.stat_result]]:
    found: list[tuple[Path, os.stat_result]] = []
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file():
                    found.append((Path(entry.path), entry.stat()))
    return found


def _table_root(folder: Path, root: Path) -> Path:
    while folder != root and PARTITION_DIR.match(folder.name):
        folder = folder.parent
    return folder


def _make_table(root: Path, folder: Path, files: list[tuple[Path, os.stat_result]],
                formats: list[str]) -> TableLocation | None:
    counts = Counter(f for p, _ in files if (f := format_of(p.name)) in formats)
    if not counts:
        return None
    fmt = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    rel_id = folder.relative_to(root).as_posix()
    table = TableLocation(rel_id or ".", folder, fmt)
    for path, st in sorted(files):
        rel = path.relative_to(folder).as_posix()
        if format_of(path.name) != fmt:
            table.foreign.append((rel, f"not a {fmt} file ({path.suffix or 'no extension'}) in a {fmt} table"))
            continue
        table.files.append(DataFile(rel, st.st_size, st.st_mtime_ns, _partition_of(path, folder)))
    _check_partitions(table)
    return table


def _partition_of(path: Path, folder: Path) -> tuple[tuple[str, str | None], ...]:
    parts = path.parent.relative_to(folder).parts
    pairs = []
    for part in parts:
        match = PARTITION_DIR.match(part)
        if match:
            value = unquote(match.group(2))
            pairs.append((unquote(match.group(1)), None if value == HIVE_NULL else value))
    return tuple(pairs)


def _check_partitions(table: TableLocation) -> None:
    layouts = {tuple(k for k, _ in f.partition) for f in table.files}
    if len(layouts) > 1:
        shown = "; ".join("/".join(keys) or "(none)" for keys in sorted(layouts))
        table.problems.append(f"inconsistent partition layout across files: {shown}")


def partition_type(values: list[str | None]) -> str:
    """``bigint`` when every value is a canonical integer (no leading zeros), else ``string``."""
    present = [v for v in values if v is not None]
    if present and all(re.fullmatch(r"-?(0|[1-9][0-9]{0,17})", v) for v in present):
        return "bigint"
    return "string"
