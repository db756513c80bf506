"""Applying a redundancy plan (moving dropped tables to a quarantine folder) and undoing it.

Nothing is ever deleted. ``apply_plan`` first re-verifies every dropped table against the files
as they are now: the parent's version (its data files' paths, sizes and mtimes) must equal the
one the plan verified, the table itself must be unchanged, and the DuckDB rebuild recipe must
reproduce its current rows exactly (order-insensitive, duplicates counted). Only when all of
that holds for every dropped table does it move their files, after writing a manifest with the
sha256 of every file and a ``restore.sh``. ``restore_plan`` moves everything back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipelines.catalog import connect, ident, literal
from pipelines.fsutil import atomic_write_json, atomic_write_text, sha256_file
from schemas.errors import PathPolicyError, Problem, UserError
from schemas.redundancy import table_version

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "lakesift-quarantine/1"


@dataclass(frozen=True)
class ApplyResult:
    manifest: Path
    tables: list[str]
    files: int
    bytes: int


def _hidden(rel: Path) -> bool:
    return any(part.startswith(("_", ".")) for part in rel.parts)


def data_files(table_dir: Path) -> list[Path]:
    """Files Spark reads as the table's data (no ``_``/``.``-prefixed path component)."""
    return sorted(p for p in table_dir.rglob("*") if p.is_file() and not _hidden(p.relative_to(table_dir)))


def _has_rows(path: Path) -> bool:
    try:
        return pq.read_metadata(path).num_rows > 0
    except (OSError, ValueError):  # an unreadable footer is a change the version must show
        return True


def current_version(table_dir: Path) -> str:
    """The table's version now, computed like the plan stage computes it from Spark's listing."""
    entries = []
    for path in data_files(table_dir):
        if _has_rows(path):
            st = path.stat()
            entries.append((path.relative_to(table_dir).as_posix(), st.st_size, st.st_mtime_ns // 1_000_000))
    return table_version(entries)


def _row(row: Any) -> dict[str, Any]:
    return dict(row.asDict()) if hasattr(row, "asDict") else dict(row)


def _inside(root: Path, table_id: str) -> Path:
    path = (root / table_id).resolve()
    if path == root or root not in path.parents:
        raise PathPolicyError(f"table '{table_id}' is not inside the lake root {root}")
    return path


def _hive_partitioned(table_dir: Path, files: list[Path]) -> bool:
    """Whether the table's files sit in Hive partition folders (``day=3/...``)."""
    return any("=" in part for f in files for part in f.relative_to(table_dir).parts[:-1])


def rebuild_matches(row: Mapping[str, Any], table_dir: Path, allowed: list[Path]) -> bool:
    """Whether the plan's DuckDB view rebuilds exactly the rows of the table's current files."""
    files = [p for p in data_files(table_dir) if _has_rows(p)]
    hive = "true" if _hive_partitioned(table_dir, files) else "false"
    con = connect(allowed=allowed)
    try:
        con.execute(row["rebuild_sql_duckdb"])
        view = ident(row["view_name"])
        cols = ", ".join(ident(d[0]) for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description)
        src = f"read_parquet([{', '.join(literal(str(f)) for f in files)}], hive_partitioning = {hive})"
        diff = (f"SELECT count(*) FROM ((SELECT {cols} FROM {view} EXCEPT ALL SELECT {cols} FROM {src}) "
                f"UNION ALL (SELECT {cols} FROM {src} EXCEPT ALL SELECT {cols} FROM {view}))")
        return con.execute(diff).fetchall()[0][0] == 0
    finally:
        con.close()


def _check(row: Mapping[str, Any], root: Path, dropped: set[str]) -> list[Problem]:
    table, parent = row["table_id"], row["parent"]
    if parent in dropped:
        return [Problem(f"parent '{parent}' is dropped too (rebuilds are single hop)", table)]
    parent_dir, table_dir = _inside(root, parent), _inside(root, table)
    if not parent_dir.is_dir() or current_version(parent_dir) != row["parent_version"]:
        return [Problem(f"parent '{parent}' changed since the plan was verified; re-run the plan", table)]
    if not table_dir.is_dir() or current_version(table_dir) != row["child_version"]:
        return [Problem("table changed since the plan was verified; re-run the plan", table)]
    index_dirs = [Path(f).resolve().parent for f in row.get("index_files") or []]
    if not rebuild_matches(row, table_dir, [root, *index_dirs]):
        return [Problem("its rebuild recipe no longer reproduces it; re-run the plan", table)]
    return []


def _moves(root: Path, table_dir: Path, skip: set[Path]) -> list[dict[str, Any]]:
    out = []
    for path in sorted(p for p in table_dir.rglob("*") if p.is_file()):
        if any(s == path or s in path.parents for s in skip):
            continue
        rel = path.relative_to(root).as_posix()
        st = path.stat()
        out.append({"path": rel, "quarantine_path": f"files/{rel}", "size": st.st_size,
                    "mtime_ns": st.st_mtime_ns, "sha256": sha256_file(path)})
    return out


def _move(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dest)
    except OSError:  # another filesystem: copy with metadata, verify, then remove the source
        shutil.copy2(src, dest)
        if sha256_file(src) != sha256_file(dest):
            raise UserError(f"copy of {src} to {dest} differs; source kept") from None
        src.unlink()


def _prune_dirs(table_dir: Path, root: Path) -> list[str]:
    """Remove the now-empty folders of a moved table (deepest first); returns them for restore."""
    removed = []
    for folder in sorted((p for p in [table_dir, *table_dir.rglob("*")] if p.is_dir()),
                         key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
            removed.append(folder.relative_to(root).as_posix())
    return removed


def _restore_script(manifest: dict[str, Any], quarantine: Path) -> str:
    lines = ["#!/bin/sh", "# Moves the quarantined tables back into the lake.", "set -e"]
    root = Path(manifest["lake_root"])
    for table in manifest["tables"]:
        for f in table["files"]:
            dest = root / f["path"]
            lines.append(f"mkdir -p {shlex.quote(str(dest.parent))}")
            lines.append(f"mv -n {shlex.quote(str(quarantine / f['quarantine_path']))} {shlex.quote(str(dest))}")
    return "\n".join(lines) + "\n"


def _prepare(quarantine: Path, root: Path) -> None:
    if quarantine == root or root in quarantine.parents:
        raise PathPolicyError(f"quarantine folder {quarantine} must be outside the lake {root}")
    manifest = quarantine / MANIFEST
    if manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("status") != "restored":
        raise UserError(f"{quarantine} already holds an applied plan: restore it or use another folder")


def apply_plan(plan_rows: Iterable[Any], lake_root: str | Path, quarantine_dir: str | Path) -> ApplyResult:
    """Move the dropped tables' files to ``quarantine_dir`` after re-verifying every one.

    Raises :class:`UserError` (moving nothing) when a parent or a table changed since the plan
    was verified or a recipe no longer reproduces its table.
    """
    root, quarantine = Path(lake_root).resolve(), Path(quarantine_dir).resolve()
    _prepare(quarantine, root)
    rows = [_row(r) for r in plan_rows]
    drops = [r for r in rows if r["action"] == "drop"]
    dropped = {r["table_id"] for r in drops}
    problems = [p for r in drops for p in _check(r, root, dropped)]
    if problems:
        raise UserError("refusing to apply the redundancy plan", problems)
    others = {(root / r["table_id"]).resolve() for r in rows}
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT, "lake_root": str(root), "status": "applying",
        "created_at": dt.datetime.now(dt.UTC).isoformat(), "tables": [],
    }
    for r in drops:
        table_dir = _inside(root, r["table_id"])
        skip = {o for o in others if table_dir in o.parents}
        manifest["tables"].append({
            "table_id": r["table_id"], "parent": r["parent"], "parent_version": r["parent_version"],
            "rebuild_method": r["rebuild_method"], "rebuild_sql_duckdb": r["rebuild_sql_duckdb"],
            "files": _moves(root, table_dir, skip), "dirs": [],
        })
    quarantine.mkdir(parents=True, exist_ok=True)
    atomic_write_json(quarantine / MANIFEST, manifest)
    atomic_write_text(quarantine / "restore.sh", _restore_script(manifest, quarantine))
    for table in manifest["tables"]:
        for f in table["files"]:
            _move(root / f["path"], quarantine / f["quarantine_path"])
        table["dirs"] = _prune_dirs(_inside(root, table["table_id"]), root)
    manifest["status"] = "applied"
    atomic_write_json(quarantine / MANIFEST, manifest)
    files = [f for t in manifest["tables"] for f in t["files"]]
    return ApplyResult(quarantine / MANIFEST, sorted(dropped), len(files), sum(f["size"] for f in files))


def _restore_problems(manifest: dict[str, Any], root: Path, quarantine: Path) -> list[Problem]:
    problems = []
    for table in manifest["tables"]:
        for f in table["files"]:
            src, dest = quarantine / f["quarantine_path"], root / f["path"]
            if dest.exists():
                if sha256_file(dest) != f["sha256"]:
                    problems.append(Problem("a different file now exists at the original path", f["path"]))
            elif not src.is_file() or sha256_file(src) != f["sha256"]:
                problems.append(Problem("quarantined copy is missing or differs from the manifest", f["path"]))
    return problems


def restore_plan(quarantine_dir: str | Path) -> list[str]:
    """Move every quarantined file back to where it was; returns the restored table ids."""
    quarantine = Path(quarantine_dir).resolve()
    path = quarantine / MANIFEST
    if not path.is_file():
        raise UserError(f"no quarantine manifest at {path}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("status") == "restored":
        raise UserError(f"the plan quarantined in {quarantine} was already restored")
    root = Path(manifest["lake_root"])
    problems = _restore_problems(manifest, root, quarantine)
    if problems:
        raise UserError("refusing to restore the redundancy plan", problems)
    for table in manifest["tables"]:
        for folder in table.get("dirs", []):
            (root / folder).mkdir(parents=True, exist_ok=True)
        for f in table["files"]:
            if not (root / f["path"]).exists():
                _move(quarantine / f["quarantine_path"], root / f["path"])
    manifest["status"] = "restored"
    manifest["restored_at"] = dt.datetime.now(dt.UTC).isoformat()
    atomic_write_json(path, manifest)
    return [t["table_id"] for t in manifest["tables"]]
