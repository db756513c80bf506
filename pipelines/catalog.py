"""The DuckDB catalog over published outputs: one view per table, built from the manifest.

Views list the manifest's files explicitly (never a glob), so files a crashed writer left behind
never appear. Sessions opened by lakesift never install or load extensions and can only reach
the output and lake folders.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from schemas.errors import UserError
from schemas.provenance import LIC_RANK, LIC_REVIEW, LIC_SPDX, SRC_IDS, SRC_REF, USE_CLASSES

CATALOG_NAME = "catalog.duckdb"
SAFE_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(database: str = ":memory:", allowed: Iterable[Path] = (), read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection limited to ``allowed`` folders (when given), with no extension loading."""
    con = duckdb.connect(database, read_only=read_only, config=dict(SAFE_CONFIG))
    dirs = [str(p) for p in allowed]
    if dirs:
        con.execute(f"SET allowed_directories=[{', '.join(literal(d + os.sep) for d in dirs)}]")
        con.execute("SET enable_external_access=false")
        con.execute("SET lock_configuration=true")
    return con


def _files_sql(files: list[str]) -> str:
    return "[" + ", ".join(literal(f) for f in files) + "]"


def _view(con: Any, name: str, files: list[str], schema_sql: str | None = None) -> None:
    if files:
        con.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM read_parquet({_files_sql(files)}, union_by_name=true)")
    elif schema_sql:
        con.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM (SELECT {schema_sql}) WHERE false")


def build_catalog(path: Path, run_dir: Path, manifest: dict[str, Any], lineage: dict[str, Any]) -> None:
    """Create the catalog file at ``path`` (written fresh; callers move it into place)."""
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path), config=dict(SAFE_CONFIG))
    try:
        tables = manifest.get("tables", {})
        for table, info in tables.items():
            _view(con, table, [str(run_dir / f["path"]) for f in info["files"]])
        _rejects_view(con, run_dir, manifest.get("rejects", {}))
        _provenance_views(con, tables)
        _metadata_tables(con, lineage)
    finally:
        con.close()


def _rejects_view(con: Any, run_dir: Path, rejects: dict[str, Any]) -> None:
    parts = []
    for step, info in rejects.items():
        files = [str(run_dir / f["path"]) for f in info["files"]]
        if files:
            parts.append(
                f"SELECT {literal(step)} AS step, _reject_reason AS reason, to_json(t) AS record "
                f"FROM read_parquet({_files_sql(files)}) AS t"
            )
    body = " UNION ALL ".join(parts) or "SELECT NULL::VARCHAR AS step, NULL::VARCHAR AS reason, NULL::JSON AS record WHERE false"
    con.execute(f"CREATE OR REPLACE VIEW rejects AS {body}")


def _provenance_views(con: Any, tables: dict[str, Any]) -> None:
    with_prov = [t for t, info in tables.items() if SRC_IDS in info.get("columns", [])]
    classes = "[" + ", ".join(literal(c) for c in USE_CLASSES) + "]"
    src = [f"SELECT {literal(t)} AS output_table, unnest({SRC_IDS}) AS source_id FROM {ident(t)}" for t in with_prov]
    mix = [
        f"SELECT {literal(t)} AS output_table, {LIC_RANK} AS lic_rank, {classes}[{LIC_RANK} + 1] AS use_class, "
        f"{LIC_SPDX} AS spdx, count(*) AS rows, count(*) FILTER (WHERE {LIC_REVIEW}) AS review_rows "
        f"FROM {ident(t)} GROUP BY ALL" for t in with_prov
    ]
    review = [
        f"SELECT {literal(t)} AS output_table, {SRC_REF} AS src_ref, {SRC_IDS} AS src_ids, {LIC_SPDX} AS spdx "
        f"FROM {ident(t)} WHERE {LIC_REVIEW}" for t in with_prov
    ]
    empty_src = "SELECT NULL::VARCHAR AS output_table, NULL::VARCHAR AS source_id WHERE false"
    empty_mix = ("SELECT NULL::VARCHAR AS output_table, NULL::INT AS lic_rank, NULL::VARCHAR AS use_class, "
                 "NULL::VARCHAR AS spdx, 0::BIGINT AS rows, 0::BIGINT AS review_rows WHERE false")
    empty_review = "SELECT NULL::VARCHAR AS output_table, NULL::VARCHAR AS src_ref, NULL::VARCHAR[] AS src_ids, NULL::VARCHAR AS spdx WHERE false"
    con.execute("CREATE OR REPLACE VIEW source_rows AS " + (" UNION ALL ".join(src) or empty_src))
    con.execute("CREATE OR REPLACE VIEW license_mix AS " + (" UNION ALL ".join(mix) or empty_mix))
    con.execute("CREATE OR REPLACE VIEW review_rows AS " + (" UNION ALL ".join(review) or empty_review))


def _metadata_tables(con: Any, lineage: dict[str, Any]) -> None:
    run = lineage.get("run", {})
    con.execute("CREATE TABLE runs (run_id VARCHAR, recipe VARCHAR, started VARCHAR, finished VARCHAR, status VARCHAR, lineage JSON)")
    con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)", [
        run.get("run_id"), run.get("recipe"), run.get("started"), run.get("finished"), run.get("status"),
        json.dumps(lineage, default=str),
    ])
    con.execute("CREATE TABLE lineage_steps (step VARCHAR, op VARCHAR, version VARCHAR, kind VARCHAR, config JSON, rows JSON, seconds DOUBLE)")
    for op in lineage.get("operators", []):
        con.execute("INSERT INTO lineage_steps VALUES (?, ?, ?, ?, ?, ?, ?)", [
            op["step"], op["op"], op["version"], op["kind"], json.dumps(op["config"]), json.dumps(op.get("rows", {})), op.get("seconds"),
        ])
    con.execute("CREATE VIEW lineage AS SELECT r.run_id, s.* FROM lineage_steps s, runs r")


def run_sql(output: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a read-only query against an output's catalog, limited to the output folder."""
    catalog = output / CATALOG_NAME
    if not catalog.is_file():
        raise UserError(f"{output} has no catalog ({CATALOG_NAME}): has a run been published there?")
    con = connect(":memory:", allowed=[output.resolve()])
    try:
        con.execute(f"ATTACH {literal(str(catalog.resolve()))} AS cat (READ_ONLY)")
        con.execute("USE cat")
        try:
            rel = con.execute(sql)
            cols = [d[0] for d in rel.description] if rel.description else []
            return cols, rel.fetchall()
        except duckdb.Error as exc:
            raise UserError(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
