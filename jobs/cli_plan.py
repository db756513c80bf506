"""``lakesift plan`` (apply / restore a redundancy plan) and ``lakesift calibrate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

plan_app = typer.Typer(no_args_is_help=True, help="Apply or undo a redundancy plan (files are moved, never deleted).")


def _plan_rows(output: Path) -> tuple[list[dict[str, object]], Path]:
    """The published plan of an output and the lake root its run profiled."""
    from pipelines.catalog import run_sql
    from pipelines.publish import current_run
    from schemas.errors import UserError

    run_id = current_run(output)
    if run_id is None:
        raise UserError(f"{output} has no published run (no CURRENT)")
    lineage = json.loads((output / "runs" / run_id / "lineage.json").read_text())
    lakes = [i for i in lineage.get("inputs", []) if i.get("format") == "lake"]
    if not lakes:
        raise UserError(f"{output}: the published run did not profile a lake")
    cols, rows = run_sql(output, "SELECT * FROM redundancy_plan")
    return [dict(zip(cols, r)) for r in rows], Path(str(lakes[0]["uri"]))


@plan_app.command("apply")
def apply_cmd(
    output: Annotated[Path, typer.Argument(help="output folder of the run that published redundancy_plan")],
    to: Annotated[Path, typer.Option("--to", help="quarantine folder (outside the lake)")],
) -> None:
    """Re-verify every dropped table against the current files, then move them to quarantine."""
    from pipelines.plan_apply import apply_plan

    rows, lake = _plan_rows(output)
    result = apply_plan(rows, lake, to)
    typer.echo(f"moved {len(result.tables)} table(s), {result.files} file(s), {result.bytes:,} bytes to {to}")
    typer.echo(f"undo with: lakesift plan restore {to}   (manifest: {result.manifest})")


@plan_app.command("restore")
def restore_cmd(quarantine: Path) -> None:
    """Move every file of an applied plan back where it was (checks sha256 first)."""
    from pipelines.plan_apply import restore_plan

    restored = restore_plan(quarantine)
    typer.echo(f"restored {len(restored)} table(s): {', '.join(restored)}")


def calibrate_cmd(
    out: Annotated[Path, typer.Option(help="where to save the measurement")] = Path("calibration.json"),
    master: Annotated[str, typer.Option(help="Spark master to measure")] = "local[2]",
    tmp: Annotated[Path, typer.Option(help="scratch folder")] = Path("/tmp"),
) -> None:
    """Measure the engine's Parquet scan throughput (bytes/s) for rebuild-cost estimates."""
    from pipelines.calibrate import measure_scan_throughput, save_calibration
    from pipelines.session import build_spark_session

    spark = build_spark_session(master, "lakesift-calibrate")
    try:
        value = measure_scan_throughput(spark, tmp)
        save_calibration(out, value, spark)
    finally:
        spark.stop()
    typer.echo(f"scan throughput: {value / 1e6:,.1f} MB/s, saved to {out}")
    typer.echo(f"use it in a plan_redundancy step: config: {{scan_bytes_per_second: {value:.0f}}}")
