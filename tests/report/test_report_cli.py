"""``report_cmd`` (wired as ``lakesift report OUTPUT [--open]``) over the hand-written FIXTURE run."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from jobs.cli_report import report_cmd
from tests.report.report_fixture import RUN_ID, write_fixture_run


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report_cmd)
    app.command("noop")(lambda: None)  # two commands: "report" stays a sub-command
    return app


def test_report_command_writes_the_page_and_prints_its_path(tmp_path: Path) -> None:
    output = write_fixture_run(tmp_path / "out", tables=["documents"], with_curation=False)
    result = CliRunner().invoke(_app(), ["report", str(output)])
    assert result.exit_code == 0, result.output
    page = output / "runs" / RUN_ID / "report.html"
    assert page.is_file() and f"report: {page.resolve()}" in result.output


def test_report_command_on_an_empty_folder_fails_with_the_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["report", str(tmp_path)])
    assert result.exit_code != 0
    assert "no published run" in str(result.exception)
