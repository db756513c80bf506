"""The ``lakesift`` command line.

User errors print one line per problem and exit 2; internal errors exit 1; tracebacks only with
``--debug``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer

from jobs.cli_plan import calibrate_cmd, plan_app
from jobs.cli_report import report_cmd
from jobs.cli_selection import selection_app
from schemas.errors import LakesiftError, UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Curate a data lake with Spark: containment, dedup, quality, selection, provenance.")
sources_app = typer.Typer(no_args_is_help=True, help="Sources registry commands.")
app.add_typer(sources_app, name="sources")
app.add_typer(selection_app, name="selection")
app.add_typer(plan_app, name="plan")
app.command("calibrate")(calibrate_cmd)
app.command("report")(report_cmd)
_state: dict[str, bool] = {"debug": False}

SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a recipe value: key.path=value")]


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False) -> None:
    _state["debug"] = debug


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


@app.command()
def run(
    recipe: Path,
    set_: SetOpt = None,
    master: Annotated[str | None, typer.Option(help="Spark master (overrides the recipe)")] = None,
    wait: Annotated[float, typer.Option(help="seconds to wait for another run's lock")] = 0.0,
    quiet: Annotated[bool, typer.Option(help="no progress output")] = False,
) -> None:
    """Run a recipe: validate, execute stages (resuming a crashed run), publish."""
    from pipelines.progress import Reporter
    from pipelines.runner import run_recipe

    result = run_recipe(recipe, set_, master=master, reporter=Reporter(quiet=quiet), wait_seconds=wait)
    state = "unchanged inputs: reused" if result.reused else "published"
    typer.echo(f"{state} run {result.run_id} -> {result.run_dir}")
    for table, rows in result.tables.items():
        typer.echo(f"  {table}: {rows:,} rows")
    typer.echo(f"catalog: {result.output_dir / 'catalog.duckdb'}")


@app.command()
def validate(recipe: Path, set_: SetOpt = None) -> None:
    """Check a recipe without starting Spark (exit 2 and one line per problem if invalid)."""
    from pipelines.recipe import load_recipe

    compiled = load_recipe(recipe, set_)
    typer.echo(f"ok: {compiled.recipe.name} ({len(compiled.steps)} steps)")


@app.command()
def explain(recipe: Path, set_: SetOpt = None) -> None:
    """Print the compiled plan of a recipe."""
    from pipelines.introspect import explain as explain_plan
    from pipelines.recipe import load_recipe

    _echo_json(explain_plan(load_recipe(recipe, set_)))


@app.command()
def schema(out: Annotated[Path | None, typer.Option(help="write to this file")] = None) -> None:
    """Write the recipe JSON Schema (for editor autocompletion and checks)."""
    from pipelines.introspect import recipe_json_schema

    text = json.dumps(recipe_json_schema(), indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        typer.echo(f"wrote {out}")


@app.command("list-operators")
def list_operators() -> None:
    """List registered operators with their config fields."""
    from pipelines.introspect import operator_listing

    for op in operator_listing():
        typer.echo(f"{op['name']}  [{op['kind']}, v{op['version']}]  {op['doc']}")
        for line in op["fields"]:
            typer.echo(f"    {line}")


@app.command()
def sql(output: Path, query: str) -> None:
    """Run a SQL query against an output's DuckDB catalog and print a table."""
    from pipelines.catalog import run_sql
    from pipelines.tables import print_table

    cols, rows = run_sql(output, query)
    print_table(cols, rows)


@sources_app.command("check")
def sources_check(path: Path) -> None:
    """Normalise, classify and flag every source of a sources registry."""
    from pipelines.tables import print_table
    from provenance.cli_views import sources_check_rows
    from provenance.sources import load_sources

    rows = sources_check_rows(load_sources(str(path)))
    cols = list(rows[0]) if rows else ["source"]
    print_table(cols, [tuple(r.values()) for r in rows])


@app.command()
def licenses(output: Path) -> None:
    """Effective license, license mix and notices of an output's published tables."""
    from pipelines.publish import current_run
    from provenance.cli_views import licenses_lines

    run_id = current_run(output)
    if run_id is None:
        raise UserError(f"{output} has no published run (no CURRENT)")
    lineage = json.loads((output / "runs" / run_id / "lineage.json").read_text())
    for line in licenses_lines(lineage):
        typer.echo(line)


def main(argv: list[str] | None = None) -> int:
    """Entry point with lakesift's error conventions."""
    try:
        app(args=argv, standalone_mode=False)
    except LakesiftError as exc:
        if _state["debug"]:
            raise
        for line in exc.lines():
            typer.echo(f"error: {line}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        return 130
    except Exception as exc:  # internal error
        if _state["debug"]:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)", err=True)
        return 1
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
