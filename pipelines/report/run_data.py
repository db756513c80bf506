"""A published run as the report sees it: manifest, lineage and one DuckDB view per table.

Views list the manifest's files explicitly (never a glob), and the DuckDB session may only read
the run folder. Every accessor tolerates what is absent: a missing table or column yields
nothing, never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.catalog import connect, ident, literal
from pipelines.publish import DONE, current_run
from schemas.errors import UserError

REJECT_REASON = "_reject_reason"


def _files_sql(run_dir: Path, files: list[dict[str, Any]]) -> str:
    return "[" + ", ".join(literal(str(run_dir / f["path"])) for f in files) + "]"


def resolve_run(output_dir: Path, run_id: str | None) -> tuple[str, Path]:
    """The run to report on (default: CURRENT); it must be completely published."""
    chosen = run_id or current_run(output_dir)
    if not chosen:
        raise UserError(f"{output_dir} has no published run (no CURRENT pointer)")
    run_dir = output_dir / "runs" / chosen
    if not (run_dir / DONE).is_file():
        raise UserError(f"run '{chosen}' under {output_dir} is not completely published")
    return chosen, run_dir


@dataclass
class RunData:
    """What one published run holds, read-only."""

    output_dir: Path
    run_id: str
    run_dir: Path
    manifest: dict[str, Any]
    lineage: dict[str, Any]
    con: Any = field(repr=False)
    columns: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, output_dir: Path, run_id: str | None = None) -> RunData:
        chosen, run_dir = resolve_run(output_dir, run_id)
        manifest = _read_json(run_dir / "manifest.json")
        lineage = _read_json(run_dir / "lineage.json")
        con = connect(allowed=[run_dir.resolve()])
        data = cls(output_dir, chosen, run_dir, manifest, lineage, con)
        data._create_views()
        return data

    def close(self) -> None:
        self.con.close()

    def _create_views(self) -> None:
        for table, info in self.manifest.get("tables", {}).items():
            files = info.get("files") or []
            if not files:
                continue
            sql = f"SELECT * FROM read_parquet({_files_sql(self.run_dir.resolve(), files)}, union_by_name=true)"
            self.con.execute(f"CREATE VIEW {ident(table)} AS {sql}")
            self.columns[table] = [
                d[0] for d in self.con.execute(f"SELECT * FROM {ident(table)} LIMIT 0").description
            ]

    def has(self, table: str, *columns: str) -> bool:
        """Whether ``table`` was published (with files) and has every one of ``columns``."""
        return table in self.columns and all(c in self.columns[table] for c in columns)

    def fetch(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        rel = self.con.execute(sql, params or [])
        names = [d[0] for d in rel.description]
        return [dict(zip(names, row)) for row in rel.fetchall()]

    def rows(self, table: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Every row of a published table (``[]`` when it is absent)."""
        if not self.has(table):
            return []
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return self.fetch(f"SELECT * FROM {ident(table)}{tail}")

    def table_rows_count(self, table: str) -> int:
        info = self.manifest.get("tables", {}).get(table, {})
        return int(info.get("rows") or 0)

    def reject_samples(self, per_reason: int = 3) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """A few rejected records per (step, reason), from the rejects files the manifest lists."""
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for step, info in sorted(self.manifest.get("rejects", {}).items()):
            files = [f for f in info.get("files") or [] if f.get("rows")]
            if files:
                out[step] = self._samples_of(files, per_reason)
        return {step: samples for step, samples in out.items() if samples}

    def _samples_of(
        self, files: list[dict[str, Any]], per_reason: int
    ) -> dict[str, list[dict[str, Any]]]:
        source = f"read_parquet({_files_sql(self.run_dir.resolve(), files)}, union_by_name=true)"
        names = [d[0] for d in self.con.execute(f"SELECT * FROM {source} LIMIT 0").description]
        reason = ident(REJECT_REASON) if REJECT_REASON in names else "'unspecified'"
        sql = (
            f"SELECT {reason} AS __reason, * FROM {source} "
            f"QUALIFY row_number() OVER (PARTITION BY {reason}) <= {int(per_reason)} ORDER BY 1"
        )
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.fetch(sql):
            grouped.setdefault(str(row.pop("__reason")), []).append(row)
        return grouped

    def lineage_tables(self) -> dict[str, Any]:
        tables = self.lineage.get("tables")
        return tables if isinstance(tables, dict) else {}

    def operators(self) -> list[dict[str, Any]]:
        ops = self.lineage.get("operators")
        return [o for o in ops if isinstance(o, dict)] if isinstance(ops, list) else []


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
