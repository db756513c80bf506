"""``make demo``: build the demo lake if absent, run the demo recipes in Spark local mode, and show
what was produced with DuckDB queries the user can paste."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from schemas.redundancy import PLAN_QUERY_SQL

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "demo"
RECIPES = REPO / "recipes"

# (recipe, query shown and run against its output, what the query answers)
DEMO_RUNS: list[tuple[str, str, str]] = [
    (
        "find_redundancy.yaml",
        ("SELECT parent, child, verdict, stage, degree FROM containment_edges "
         "WHERE verdict IN ('contained', 'duplicate') ORDER BY parent, child"),
        "tables contained in other tables",
    ),
    (
        "find_redundancy.yaml",
        "SELECT stage, pairs_in, pairs_out, removed, reason FROM containment_funnel",
        "pairs left after each containment stage",
    ),
    (
        "find_redundancy.yaml",
        PLAN_QUERY_SQL,
        "the redundancy plan: which tables can be dropped and how each is rebuilt",
    ),
    (
        "curate_demo.yaml",
        "SELECT origin, count(*) AS docs, round(avg(chars)) AS avg_chars FROM documents GROUP BY origin ORDER BY docs DESC",
        "documents kept per origin",
    ),
    (
        "curate_demo.yaml",
        "SELECT step, reason, rows_rejected FROM filter_funnel WHERE rows_rejected > 0 ORDER BY rows_rejected DESC",
        "why documents were dropped (one row per rule that fired)",
    ),
    (
        "curate_demo.yaml",
        "SELECT use_class, spdx, rows, review_rows FROM license_mix ORDER BY rows DESC",
        "license mix of the curated documents",
    ),
]


def _build_lakes() -> None:
    from pipelines.demo_lakes import ensure_demo_lakes

    started = time.monotonic()
    built = ensure_demo_lakes(DEMO / "lake")
    if built:
        print(f"built demo lake under {DEMO / 'lake'} in {time.monotonic() - started:.0f}s")


def _run(spark: object, recipe: str) -> Path:
    from pipelines.runner import run_recipe

    result = run_recipe(RECIPES / recipe, spark=spark)
    state = "reused (inputs unchanged)" if result.reused else "published"
    print(f"\n{recipe}: {state} run {result.run_id}")
    for table, rows in result.tables.items():
        print(f"  {table}: {rows:,} rows")
    for step, reasons in result.rejects.items():
        print(f"  rejected at {step}: " + ", ".join(f"{r}={n:,}" for r, n in reasons.items()))
    return result.output_dir


def _show(output: Path, query: str, what: str) -> None:
    from pipelines.catalog import run_sql
    from pipelines.tables import print_table

    print(f"\n{what}  ({output.relative_to(REPO)})")
    cols, rows = run_sql(output, query)
    print_table(cols, rows, limit=15)
    rel = output.relative_to(REPO)
    print(f'  try it:  .venv/bin/lakesift sql {rel} "{query}"')
    print(f"  or any DuckDB client:  duckdb {rel}/catalog.duckdb")


def main() -> int:
    from pipelines.session import build_spark_session

    _build_lakes()
    spark = build_spark_session("local[2]", "lakesift-demo")
    try:
        done = {recipe: _run(spark, recipe) for recipe in dict.fromkeys(r for r, _, _ in DEMO_RUNS)}
    finally:
        spark.stop()
    print("\n=== what the demo produced ===")
    for recipe, query, what in DEMO_RUNS:
        _show(done[recipe], query, what)
    _plan_summary(done["find_redundancy.yaml"])
    for output in dict.fromkeys(done.values()):
        print(f"report: {_report_of(output)}")
    return 0


def _plan_summary(output: Path) -> None:
    from operators.redundancy.summary import plan_summary_lines
    from pipelines.catalog import run_sql

    cols, rows = run_sql(output, "SELECT * FROM redundancy_summary")
    print("\nredundancy plan summary")
    for line in plan_summary_lines(dict(zip(cols, rows[0]))):
        print(f"  {line}")


def _report_of(output: Path) -> Path:
    from pipelines.publish import current_run

    return (output / "runs" / str(current_run(output)) / "report.html").relative_to(REPO)


if __name__ == "__main__":
    sys.exit(main())
