"""Printing query results as a table on the terminal."""

from __future__ import annotations

from typing import Any


def print_table(columns: list[str], rows: list[tuple[Any, ...]], limit: int = 200) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in columns:
        table.add_column(str(col), overflow="fold")
    for row in rows[:limit]:
        table.add_row(*["NULL" if v is None else str(v) for v in row])
    console = Console(width=160)
    console.print(table)
    if len(rows) > limit:
        console.print(f"({len(rows) - limit} more rows not shown)")
