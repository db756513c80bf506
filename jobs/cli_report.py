"""``lakesift report OUTPUT [--open]``: write the static HTML report of a published run."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer


def report_cmd(
    output: Annotated[
        Path, typer.Argument(help="output folder of a recipe (holds runs/ and CURRENT)")
    ],
    open_: Annotated[bool, typer.Option("--open", help="open the report in a web browser")] = False,
    run: Annotated[
        str | None, typer.Option("--run", help="run id (default: the CURRENT run)")
    ] = None,
) -> None:
    """Write runs/<run_id>/report.html: a self-contained page (no network access needed)."""
    from pipelines.report import build_report

    path = build_report(output, run)
    typer.echo(f"report: {path}")
    if open_:
        webbrowser.open(path.resolve().as_uri())


__all__ = ["report_cmd"]
