"""What the runner records when it publishes: provenance invariant, license mix, lineage.json."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from pipelines.catalog import connect, ident, literal
from pipelines.lineage import now_iso
from provenance.uri import sanitize_uri
from schemas.errors import InvariantError
from schemas.provenance import (
    LIC_ATTR,
    LIC_ND,
    LIC_RANK,
    LIC_REVIEW,
    LIC_SA,
    LIC_SPDX,
    SRC_IDS,
    USE_CLASSES,
)


def _files(run_dir: Path, info: dict[str, Any]) -> str:
    return "[" + ", ".join(literal(str(run_dir / f["path"])) for f in info["files"]) + "]"


def check_provenance(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Every published row that carries provenance has a non-empty ``_src_ids``."""
    con = connect(allowed=[run_dir.resolve()])
    try:
        for table, info in manifest["tables"].items():
            if SRC_IDS not in info.get("columns", []) or not info["files"]:
                continue
            sql = f"SELECT count(*) FROM read_parquet({_files(run_dir, info)}) WHERE {SRC_IDS} IS NULL OR len({SRC_IDS}) = 0"
            bad = con.execute(sql).fetchall()[0][0]
            if bad:
                raise InvariantError(f"table '{table}': {bad} row(s) without source ids; nothing published")
    finally:
        con.close()


def license_rows(run_dir: Path, info: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows per (rank, SPDX, flags) of one published table, via DuckDB over the listed files."""
    cols = f"{LIC_RANK}, {LIC_SPDX}, {LIC_ATTR}, {LIC_SA}, {LIC_ND}, {LIC_REVIEW}"
    sql = (
        f"SELECT {cols}, list_sort(list_distinct(flatten(list({SRC_IDS})))) AS sources, count(*) AS rows "
        f"FROM read_parquet({_files(run_dir, info)}) GROUP BY ALL ORDER BY ALL"
    )
    con = connect(allowed=[run_dir.resolve()])
    try:
        rel = con.execute(sql)
        names = [d[0] for d in rel.description]
        return [dict(zip(names, row)) for row in rel.fetchall()]
    finally:
        con.close()


def table_licenses(run_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    from provenance.lineage_license import license_summary

    out = {}
    for table, info in manifest["tables"].items():
        if LIC_RANK in info.get("columns", []) and info["files"]:
            out[table] = license_summary(license_rows(run_dir, info))
    return out


def build_lineage(run: Any, manifest: dict[str, Any], licenses: dict[str, Any]) -> dict[str, Any]:
    """The single lineage object of a run (credentials never included: URIs are sanitised)."""
    from pipelines.runner import code_version

    recipe = run.c.recipe
    tables = {}
    for name, info in manifest["tables"].items():
        entry = {k: info[k] for k in ("source", "columns", "schema", "rows")}
        entry["bytes"] = sum(f["bytes"] for f in info["files"])
        entry["file_count"] = len(info["files"])
        if name in licenses:
            entry["license"] = licenses[name]
            entry["facets"] = {"lakesift_license": licenses[name].get("facet", {})}
        tables[name] = entry
    return {
        "run": {
            "run_id": run.run_id, "recipe": recipe.name, "recipe_path": sanitize_uri(str(run.c.path)),
            "started": run.started, "finished": now_iso(), "status": "COMPLETE",
            "code_version": code_version(), "seed": recipe.seed,
            "spark": {"master": sanitize_uri(run.spark.sparkContext.master), "version": run.spark.version},
            "python": platform.python_version(),
        },
        "inputs": _inputs(run),
        "sources": _sources(run),
        "operators": run.steps_lineage,
        "rejects": run.reject_counts,
        "tables": tables,
        "quality": _quality(run),
    }


def _inputs(run: Any) -> list[dict[str, Any]]:
    out = []
    for spec, snap in zip(run.c.recipe.inputs, run.snapshot):
        out.append({
            "name": spec.name, "uri": sanitize_uri(spec.path), "format": spec.format,
            "source": run.provenance.source_id(spec), "columns": list(run.tables[spec.name].columns),
            "files": [{**f, "path": sanitize_uri(f["path"])} for f in snap["files"]],
        })
    if run.c.recipe.lake is not None:
        lake_snap = run.snapshot[-1]
        out.append({"name": "lake", "uri": sanitize_uri(run.c.recipe.lake.root), "format": "lake",
                    "columns": [], "file_count": len(lake_snap["files"])})
    return out


def _sources(run: Any) -> list[dict[str, Any]]:
    """Pinned sources with their (sanitised) URI, revision and license verdict."""
    loaded = run.provenance.registry
    if loaded is None:
        return []
    out = []
    for source in loaded.registry.sources:
        verdict = loaded.verdict(source.id)
        out.append({"id": source.id, "uri": sanitize_uri(source.uri), "revision": getattr(source, "revision", None),
                    "spdx": verdict.spdx, "use_class": USE_CLASSES[verdict.rank], "review": verdict.review})
    return out


def _quality(run: Any) -> list[dict[str, Any]]:
    """Rows of every ``quality_results`` side output (expectation outcomes)."""
    out: list[dict[str, Any]] = []
    for key, df in run.tables.items():
        if key.endswith(".quality_results") and df is not None:
            out.extend(r.asDict(recursive=True) for r in df.collect())
    return out



__all__ = ["build_lineage", "check_provenance", "ident", "license_rows", "table_licenses"]
