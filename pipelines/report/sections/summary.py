"""Run summary: recipe, inputs, steps with their durations and row counts, published tables, and
how to query the outputs in DuckDB."""

from __future__ import annotations

import re
import shlex
from datetime import datetime
from typing import Any

from pipelines.catalog import CATALOG_NAME
from pipelines.publish import current_run
from pipelines.report.blocks import (
    Cell,
    Code,
    Figure,
    KeyValues,
    Paragraph,
    Section,
    cell,
    fmt,
    human_bytes,
    mapping,
    table,
)
from pipelines.report.charts import hbar
from pipelines.report.run_data import RunData
from pipelines.report.svg import chart_svg

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_METADATA_TABLES = ("filter_funnel", "redundancy_summary", "selection_plan", "containment_funnel")


def _seconds_between(started: Any, finished: Any) -> float | None:
    try:
        a = datetime.fromisoformat(str(started))
        b = datetime.fromisoformat(str(finished))
    except ValueError:
        return None
    return (b - a).total_seconds()


def _run_facts(data: RunData) -> KeyValues:
    run = data.lineage.get("run") or {}
    spark = run.get("spark") or {}
    wall = _seconds_between(run.get("started"), run.get("finished"))
    items = [
        ("run id", data.run_id),
        ("recipe", fmt(run.get("recipe"))),
        ("status", fmt(run.get("status"))),
        ("started", fmt(run.get("started"))),
        ("finished", fmt(run.get("finished"))),
        ("wall time", fmt(None) if wall is None else f"{wall:.1f} s"),
        ("seed", fmt(run.get("seed"))),
        ("code version", fmt(run.get("code_version"))),
        ("Spark", f"{fmt(spark.get('version'))} on {fmt(spark.get('master'))}"),
        ("recipe file", fmt(run.get("recipe_path"))),
        ("output", str(data.output_dir)),
    ]
    return KeyValues(items)


def _inputs_table(data: RunData) -> Any:
    inputs = [i for i in data.lineage.get("inputs") or [] if isinstance(i, dict)]
    if not inputs:
        return None
    rows = []
    for i in inputs:
        files = i.get("files") or []
        count = len(files) if files else i.get("file_count")
        size = sum(int(f.get("size") or 0) for f in files) if files else None
        rows.append(
            [
                i.get("name"),
                i.get("uri"),
                i.get("format"),
                i.get("source"),
                count,
                _bytes_cell(size),
            ]
        )
    return table(["input", "uri", "format", "source", "files", "bytes"], rows, "Inputs")


def _bytes_cell(n: Any) -> Cell:
    return cell(n, human_bytes(n))


def _side_outputs(rows: dict[str, Any]) -> str:
    side = {k: v for k, v in rows.items() if k not in ("main", "rejects")}
    return ", ".join(f"{k}: {fmt(v)}" for k, v in sorted(side.items())) or "—"


def _steps_table(data: RunData) -> Any:
    ops = data.operators()
    if not ops:
        return None
    rows = []
    for op in ops:
        counts = mapping(op.get("rows"))
        rows.append(
            [
                op.get("step"),
                op.get("op"),
                op.get("kind"),
                op.get("rows_in"),
                counts.get("main"),
                counts.get("rejects", 0),
                _side_outputs(counts),
                op.get("seconds"),
            ]
        )
    columns = [
        "step",
        "operator",
        "kind",
        "rows in",
        "rows kept",
        "rows rejected",
        "side outputs",
        "seconds",
    ]
    return table(columns, rows, "Steps in order", table_id="steps")


def _durations_figure(data: RunData) -> Figure | None:
    rows = [
        {"step": str(op.get("step")), "seconds": float(op["seconds"])}
        for op in data.operators()
        if isinstance(op.get("seconds"), (int, float))
    ]
    if not rows:
        return None
    chart = hbar(rows, "seconds", "step", "Duration per step", "seconds")
    return Figure(
        chart_svg(chart), "Wall time of each step (lineage.json operators[].seconds).", "durations"
    )


def _published_table(data: RunData) -> Any:
    tables = data.manifest.get("tables") or {}
    if not tables:
        return None
    rows = []
    for name, info in tables.items():
        files = info.get("files") or []
        size = sum(int(f.get("bytes") or 0) for f in files)
        rows.append([name, info.get("rows"), _bytes_cell(size), len(files), info.get("source")])
    return table(["table", "rows", "bytes", "files", "from"], rows, "Published tables", "published")


def _sql_name(name: str) -> str:
    return name if _PLAIN_NAME.match(name) else '"' + name.replace('"', '""') + '"'


def _shell_sql(sql: str) -> str:
    return f'"{sql}"' if not re.search(r'["$`\\!]', sql) else shlex.quote(sql)


def _main_table(data: RunData, tables: list[str]) -> str:
    """The table the last step published as its main output, else the first non-metadata one."""
    ops = data.operators()
    last = str(ops[-1].get("step")) if ops else None
    sources = {t: (data.manifest["tables"][t] or {}).get("source") for t in tables}
    return next(
        (t for t in tables if last and sources[t] == last),
        next((t for t in tables if t not in _METADATA_TABLES), tables[0]),
    )


def _query_blocks(data: RunData) -> list[Any]:
    tables = list(data.manifest.get("tables") or {})
    if not tables:
        return []
    main = _main_table(data, tables)
    sql = f"SELECT * FROM {_sql_name(main)} LIMIT 10"
    out = shlex.quote(str(data.output_dir))
    commands = [
        f"lakesift sql {out} {_shell_sql(sql)}",
        f"duckdb {shlex.quote(str(data.output_dir / CATALOG_NAME))}",
    ]
    extra = ["SELECT * FROM runs;", "SELECT * FROM lineage;"]
    if data.manifest.get("rejects"):
        extra.insert(0, "SELECT step, reason, count(*) FROM rejects GROUP BY ALL;")
    if data.lineage_tables() and any("license" in t for t in data.lineage_tables().values()):
        extra.insert(0, "SELECT * FROM license_mix;")
    blocks: list[Any] = [
        Code("\n".join(commands), "From a shell"),
        Code(sql + ";\n" + "\n".join(extra), "SQL inside the catalog"),
    ]
    if current_run(data.output_dir) != data.run_id:
        blocks.insert(
            0,
            Paragraph(
                "This run is not the output's CURRENT run: the catalog shows the current one."
            ),
        )
    return blocks


def build_summary(data: RunData) -> Section:
    blocks: list[Any] = [_run_facts(data)]
    for part in (
        _inputs_table(data),
        _durations_figure(data),
        _steps_table(data),
        _published_table(data),
    ):
        if part is not None:
            blocks.append(part)
    blocks.extend(_query_blocks(data))
    total_rejected = sum(sum(r.values()) for r in (data.lineage.get("rejects") or {}).values())
    intro = f"{len(data.operators())} step(s); {total_rejected:,} row(s) rejected by filters."
    return Section("summary", "Run summary", blocks, intro)
