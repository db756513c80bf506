"""FIXTURE, not operator output: a published run folder written by hand for the report's unit tests.

Every table is real Parquet written with pyarrow in the schema its contract documents
(``schemas/containment.py``, ``schemas/redundancy.py``, ``operators/selection/selection_tables.py``,
the dedup cluster table and the runner's ``filter_funnel``); the manifest is written by the real
publish code; lineage.json is hand-written in the shape ``pipelines/publish_meta.py`` builds. The
values are chosen so the expected report content can be derived by hand (see the constants).
Names, a column, a reason and record text carry the HTML-injection probe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from operators.selection.selection_tables import CANDIDATES_DDL, PLAN_DDL
from pipelines.publish import mark_done, point_current, write_manifest
from schemas.containment import (
    CONTAINMENT_EDGES_DDL,
    CONTAINMENT_FUNNEL_DDL,
    DUPLICATE_CLASSES_DDL,
    EMPTY_TABLES_DDL,
    QUARANTINE_DDL,
    TABLE_PROFILES_DDL,
)
from schemas.redundancy import REDUNDANCY_PLAN_DDL, REDUNDANCY_SUMMARY_DDL

PROBE = "<script>alert(1)</script>"
RUN_ID = "fixture0000run000001"
LONG_TEXT = "word " * 400  # 2000 characters: must be cut to ~300 in the examples
DEDUP_CLUSTERS_DDL = (
    "_cluster_id long, size long, members array<long>, survivor long, edges long, "
    "min_est_jaccard double, max_est_jaccard double"
)
FILTER_FUNNEL_DDL = (
    "step string, op string, rows_in long, rows_kept long, reason string, rows_rejected long"
)
QUALITY_RESULTS_DDL = f"expectation string, `{PROBE}` string, success boolean"
DOCUMENTS_DDL = "id long, text string, _src_ids array<string>"

# lake tables: id -> (bytes, rows); lake/a_copy duplicates lake/a; a > b > c (and a > c, implied)
LAKE = {
    "lake/a": (9000, 100),
    "lake/a_copy": (9000, 100),
    "lake/b": (4000, 40),
    "lake/c": (1000, 10),
    PROBE: (500, 5),
    "empty/t": (300, 0),
}
VERIFIED = [
    ("lake/a", "lake/b", "contained"),
    ("lake/b", "lake/c", "contained"),
    ("lake/a", "lake/c", "contained"),
    ("lake/a_copy", "lake/b", "contained"),
    ("lake/a_copy", "lake/c", "contained"),
    ("lake/a", "lake/a_copy", "duplicate"),
    ("lake/a_copy", "lake/a", "duplicate"),
]
REFUTED = [("lake/c", "lake/a", "not_contained"), ("lake/b", "lake/a", "not_contained")]
GRAPH_NODES = 5  # a (+ its copy), b, c, the probe table, the empty table
GRAPH_EDGES_DRAWN = 2  # a -> b -> c after merging the duplicate class and transitive reduction
GRAPH_EDGES_IMPLIED = 1
FUNNEL = [
    ("schema_containment", 30, 12, 18, "columns_missing"),
    ("minmax_prune", 12, 8, 4, "max_above_parent"),
    ("content_prune", 8, 6, 2, "sample_miss"),
    ("verify_containment", 6, 0, 6, "verified"),
]
DROPS = {
    "lake/a_copy": ("lake/a", "duplicate", 9000),
    "lake/b": ("lake/a", "predicate", 4000),
    "lake/c": ("lake/a", "projection", 1000),
}
CLUSTER_SIZES = [2, 2, 3, 5]  # histogram: size 2 -> 2 clusters, 3 -> 1, 5 -> 1
STEPS = [  # step, op, kind, rows_in, main, rejects, seconds
    ("union_tables", "union_tables", "transform", 60, 100, None, 0.5),
    ("drop_short", "filter_rows", "filter", 100, 90, 10, 1.25),
    ("quality", "gopher_quality", "filter", 90, 80, 10, 2.5),
    ("dedup", "minhash_dedup", "stage", 80, 70, 10, 4.0),
    ("select", "compute_aware_select", "stage", 70, 50, 20, 3.0),
]
REJECTS = {
    "drop_short": {"too_short": 10},
    "quality": {"gopher_quality:min_words": 6, PROBE: 4},
    "dedup": {"minhash_dedup:near_duplicate": 10},
    "select": {"compute_aware_select:below_threshold": 20},
}

ALL_TABLES = (
    "table_profiles",
    "containment_edges",
    "containment_funnel",
    "duplicate_classes",
    "empty_tables",
    "quarantine",
    "redundancy_plan",
    "redundancy_summary",
    "dedup_clusters",
    "filter_funnel",
    "selection_candidates",
    "selection_plan",
    "quality_results",
    "documents",
)


def _split_top(ddl: str) -> list[str]:
    parts, depth, current, quoted = [], 0, "", False
    for ch in ddl:
        quoted = not quoted if ch == "`" else quoted
        if not quoted and ch in "<(":
            depth += 1
        elif not quoted and ch in ">)":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return parts + [current.strip()]


_SCALARS = {
    "string": pa.string(),
    "long": pa.int64(),
    "int": pa.int32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}


def arrow_type(ddl_type: str) -> pa.DataType:
    """Arrow type of a Spark DDL type (the ones the report's tables use)."""
    t = ddl_type.strip()
    if t in _SCALARS:
        return _SCALARS[t]
    if t.startswith("array<"):
        return pa.list_(arrow_type(t[6:-1]))
    if t.startswith("map<"):
        key, value = _split_top(t[4:-1])
        return pa.map_(arrow_type(key), arrow_type(value))
    if t.startswith("struct<"):
        return pa.struct(
            [(f.split(":", 1)[0], arrow_type(f.split(":", 1)[1])) for f in _split_top(t[7:-1])]
        )
    raise ValueError(f"type not handled by the fixture: {t}")


def arrow_schema(ddl: str, drop: Iterable[str] = ()) -> pa.Schema:
    fields = []
    for part in _split_top(ddl):
        m = re.match(r"^`([^`]*)`\s+(.*)$", part) or re.match(r"^(\S+)\s+(.*)$", part)
        assert m, part
        if m.group(1) not in drop:
            fields.append((m.group(1), arrow_type(m.group(2))))
    return pa.schema(fields)


def _containment_rows() -> dict[str, list[dict[str, Any]]]:
    profiles = [
        {
            "table_id": t,
            "path": f"/lake/{t}",
            "format": "parquet",
            "num_files": 1,
            "num_rows": r,
            "num_bytes": b,
            "num_columns": 2,
            "status": "ok",
            "files": [],
        }
        for t, (b, r) in LAKE.items()
    ]
    edges = [
        {
            "parent": p,
            "child": c,
            "verdict": v,
            "degree": 1.0,
            "rows_checked": LAKE[c][1],
            "bytes_read": LAKE[p][0],
            "stage": "verify_containment",
            "matched_columns": ["id", PROBE],
            "reason": "verified: all rows found",
            "dup_class": "dup:lake/a" if v == "duplicate" else None,
        }
        for p, c, v in VERIFIED
    ]
    edges += [
        {
            "parent": p,
            "child": c,
            "verdict": v,
            "stage": "minmax_prune",
            "reason": "max_above_parent: id",
        }
        for p, c, v in REFUTED
    ]
    funnel = [
        {"stage": s, "pairs_in": i, "pairs_out": o, "removed": r, "reason": why, "seconds": 0.1}
        for s, i, o, r, why in FUNNEL
    ]
    dups = [
        {"dup_class": "dup:lake/a", "table_id": "lake/a", "is_representative": True},
        {"dup_class": "dup:lake/a", "table_id": "lake/a_copy", "is_representative": False},
    ]
    return {
        "table_profiles": profiles,
        "containment_edges": edges,
        "containment_funnel": funnel,
        "duplicate_classes": dups,
        "empty_tables": [{"table_id": "empty/t", "num_columns": 2}],
        "quarantine": [{"table_id": PROBE, "file": "part-1.parquet", "reason": "corrupt footer"}],
    }


def _redundancy_rows() -> dict[str, list[dict[str, Any]]]:
    plan = [
        {
            "table_id": t,
            "action": "drop",
            "parent": p,
            "rebuild_method": m,
            "bytes_saved": b,
            "cost_saved_per_month": b * 2e-8,
            "rebuild_latency_s": 0.01,
            "view_name": t.replace("/", "_"),
            "rebuild_sql_duckdb": f'CREATE OR REPLACE VIEW "{t}" AS SELECT * FROM p',
            "reason": "cheaper_to_rebuild",
        }
        for t, (p, m, b) in DROPS.items()
    ]
    plan += [
        {"table_id": t, "action": "keep", "reason": "not_contained"} for t in LAKE if t not in DROPS
    ]
    summary = [
        {
            "tables_total": len(LAKE),
            "tables_dropped": len(DROPS),
            "bytes_saved": 14000,
            "cost_saved_per_month": 0.00028,
            "storage_cost_before": 0.0005,
            "objective": 0.0002,
            "solver": "ilp",
            "optimality_gap": 0.0,
            "optimal": True,
            "seconds": 0.2,
        }
    ]
    return {"redundancy_plan": plan, "redundancy_summary": summary}


def _curation_rows() -> dict[str, list[dict[str, Any]]]:
    clusters = [
        {
            "_cluster_id": i,
            "size": s,
            "members": list(range(i, i + s)),
            "survivor": i,
            "edges": s - 1,
            "min_est_jaccard": 0.8,
            "max_est_jaccard": 0.95,
        }
        for i, s in enumerate(CLUSTER_SIZES)
    ]
    funnel = [
        {"step": s, "op": op, "rows_in": i, "rows_kept": m, "reason": r, "rows_rejected": n}
        for s, op, _, i, m, _, _ in STEPS
        if s in REJECTS
        for r, n in REJECTS[s].items()
    ]
    candidates = [
        {
            "candidate_k": k,
            "pools": ["top 0-10%", "top 10-20%", "top 20-30%"][:k],
            "score_threshold": 90.0 - 10 * k,
            "budget_samples": 5e7,
            "unique_samples": 1000 * k,
            "repetitions": 5e4 / k,
            "predicted_error": [0.9, 0.8, 0.85][k - 1],
            "chosen": k == 2,
            "runner_up": k == 3,
            "margin": 0.05,
        }
        for k in (1, 2, 3)
    ]
    plan = [
        {
            "chosen_k": 2,
            "chosen_pools": ["top 0-10%", "top 10-20%"],
            "score_threshold": 70.0,
            "budget_unit": "samples",
            "budget_value": 5e7,
            "budget_samples": 5e7,
            "unique_samples": 2000,
            "repetitions": 2.5e4,
            "full_passes": 25000,
            "predicted_error": 0.8,
            "runner_up_k": 3,
            "runner_up_pools": ["top 0-10%", "top 10-20%", "top 20-30%"],
            "runner_up_error": 0.85,
            "margin": 0.05,
            "parameters": "tmars_imagenet1k_utility",
            "objective": "effective_utility",
            "tau_scaling": "num_pools",
            "seed": 42,
            "warnings": [f"pool {PROBE} is small"],
        }
    ]
    quality = [
        {"expectation": "expect_column_values_to_not_be_null", PROBE: PROBE, "success": False}
    ]
    docs = [{"id": i, "text": f"document {i}", "_src_ids": ["wiki"]} for i in range(50)]
    return {
        "dedup_clusters": clusters,
        "filter_funnel": funnel,
        "selection_candidates": candidates,
        "selection_plan": plan,
        "quality_results": quality,
        "documents": docs,
    }


DDLS = {
    "table_profiles": TABLE_PROFILES_DDL,
    "containment_edges": CONTAINMENT_EDGES_DDL,
    "containment_funnel": CONTAINMENT_FUNNEL_DDL,
    "duplicate_classes": DUPLICATE_CLASSES_DDL,
    "empty_tables": EMPTY_TABLES_DDL,
    "quarantine": QUARANTINE_DDL,
    "redundancy_plan": REDUNDANCY_PLAN_DDL,
    "redundancy_summary": REDUNDANCY_SUMMARY_DDL,
    "dedup_clusters": DEDUP_CLUSTERS_DDL,
    "filter_funnel": FILTER_FUNNEL_DDL,
    "selection_candidates": CANDIDATES_DDL,
    "selection_plan": PLAN_DDL,
    "quality_results": QUALITY_RESULTS_DDL,
    "documents": DOCUMENTS_DDL,
}


def _write(
    folder: Path, ddl: str, rows: list[dict[str, Any]], drop: Iterable[str] = ()
) -> list[str]:
    schema = arrow_schema(ddl, drop)
    folder.mkdir(parents=True)
    data = {name: [r.get(name) for r in rows] for name in schema.names}
    pq.write_table(pa.table(data, schema=schema), folder / "part-00000.parquet")
    return list(schema.names)


def _reject_rows(step: str) -> list[dict[str, Any]]:
    rows = []
    for reason, n in REJECTS[step].items():
        for i in range(n):
            text = LONG_TEXT if i == 0 else (PROBE if i == 1 else f"{step} record {i}")
            rows.append(
                {
                    "id": i,
                    "text": text,
                    PROBE: "value",
                    "_reject_reason": reason,
                    "_src_ids": ["wiki"],
                }
            )
    return rows


def _write_rejects(run_dir: Path) -> None:
    for step in REJECTS:
        rows = _reject_rows(step)
        folder = run_dir / "rejects" / step
        folder.mkdir(parents=True)
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, folder / "part-00000.parquet")


def _license() -> dict[str, Any]:
    return {
        "rows": 50,
        "review_rows": 3,
        "conflicts": [],
        "effective": {
            "spdx": "CC-BY-SA-4.0 AND MIT",
            "use_class": "unspecified",
            "rank": 1,
            "review": True,
            "attribution": True,
            "share_alike": True,
            "no_derivatives": False,
        },
        "rows_per_use_class": {
            "commercial": 40,
            "unspecified": 10,
            "non-commercial": 0,
            "academic-only": 0,
        },
        "notices": [
            {
                "spdx": "CC-BY-SA-4.0",
                "sources": ["wiki"],
                "required": True,
                "text": f"Contains material from {PROBE} used under CC-BY-SA-4.0.",
            }
        ],
    }


def _lineage(manifest: dict[str, Any], with_curation: bool) -> dict[str, Any]:
    ops = []
    for step, op, kind, rows_in, main, rejects, seconds in STEPS if with_curation else []:
        rows = {"main": main} | ({"rejects": rejects} if rejects is not None else {})
        config = (
            {"params": "tmars_imagenet1k_utility", "tau_scaling": "num_pools"}
            if op == "compute_aware_select"
            else {}
        )
        ops.append(
            {
                "step": step,
                "op": op,
                "name": op,
                "kind": kind,
                "version": "1",
                "config": config,
                "rows_in": rows_in,
                "rows": rows,
                "seconds": seconds,
                "input": None,
            }
        )
    tables = {
        t: {"rows": i["rows"], "columns": i["columns"], "source": i["source"]}
        for t, i in manifest["tables"].items()
    }
    if "documents" in tables:
        tables["documents"]["license"] = _license()
    return {
        "run": {
            "run_id": RUN_ID,
            "recipe": f"fixture_{PROBE}",
            "started": "2026-01-01T00:00:00.000Z",
            "finished": "2026-01-01T00:00:12.500Z",
            "status": "COMPLETE",
            "seed": 42,
        },
        "inputs": [
            {
                "name": "wiki",
                "uri": "/data/wiki",
                "format": "parquet",
                "source": "wiki",
                "files": [{"path": "/data/wiki/part-0.parquet", "size": 1234, "mtime_ns": 1}],
            }
        ],
        "sources": [
            {
                "id": "wiki",
                "uri": "https://example.com/wiki",
                "spdx": "CC-BY-SA-4.0",
                "use_class": "commercial",
                "review": False,
            }
        ]
        if with_curation
        else [],
        "operators": ops,
        "rejects": REJECTS if with_curation else {},
        "tables": tables,
        "quality": [],
    }


def _rows_of(tables: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    everything = {**_containment_rows(), **_redundancy_rows(), **_curation_rows()}
    return {t: everything[t] for t in tables}


def write_fixture_run(
    output: Path,
    tables: Iterable[str] = ALL_TABLES,
    with_curation: bool = True,
    drop_columns: dict[str, list[str]] | None = None,
) -> Path:
    """Publish the fixture tables under ``output/runs/RUN_ID`` with manifest, lineage, _DONE, CURRENT."""
    run_dir = output / "runs" / RUN_ID
    info = {}
    for name, rows in _rows_of(tables).items():
        cols = _write(run_dir / "data" / name, DDLS[name], rows, (drop_columns or {}).get(name, ()))
        info[name] = {"source": f"fixture.{name}", "columns": cols, "schema": "{}"}
    if with_curation:
        _write_rejects(run_dir)
    manifest = write_manifest(run_dir, info, sorted(REJECTS) if with_curation else [])
    (run_dir / "lineage.json").write_text(json.dumps(_lineage(manifest, with_curation), indent=1))
    mark_done(run_dir)
    point_current(output, RUN_ID)
    return output
