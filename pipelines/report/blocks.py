"""What a report section is made of: text, key/value lists, sortable tables, figures, code.

Values are kept as plain text here; the page template escapes every one of them. Only figures
carry markup, and that markup is sanitised SVG built by :mod:`pipelines.report.svg`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

MISSING = "—"


@dataclass(frozen=True)
class Cell:
    """Displayed text and the key a table sorts on (numbers sort numerically)."""

    text: str
    sort: str = ""
    numeric: bool = False


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    table_id: str = ""
    note: str = ""
    row_data: list[dict[str, str]] = field(default_factory=list)
    kind: str = "table"


@dataclass
class KeyValues:
    items: list[tuple[str, str]]
    kind: str = "keyvalues"


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass
class Figure:
    svg: Markup
    caption: str
    figure_id: str = ""
    kind: str = "figure"


@dataclass
class Code:
    text: str
    caption: str = ""
    kind: str = "code"


@dataclass
class Records:
    """Example records per heading (already truncated text)."""

    title: str
    records: list[str]
    kind: str = "records"


@dataclass
class Section:
    section_id: str
    title: str
    blocks: list[Any] = field(default_factory=list)
    intro: str = ""


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (lineage fields may be absent)."""
    return value if isinstance(value, dict) else {}


def human_bytes(n: Any) -> str:
    if n is None:
        return MISSING
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def fmt(value: Any) -> str:
    """Short display text of a value of any type."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return MISSING if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def cell(value: Any, text: str | None = None) -> Cell:
    """A cell sorting numerically for numbers and by text otherwise."""
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    shown = fmt(value) if text is None else text
    if numeric and not (isinstance(value, float) and math.isnan(value)):
        return Cell(shown, repr(float(value)), True)
    return Cell(shown, shown.casefold())


def table(
    columns: list[str], rows: list[list[Any]], caption: str = "", table_id: str = "", note: str = ""
) -> Table:
    """A sortable table from raw values (a value may already be a :class:`Cell`)."""
    cells = [[v if isinstance(v, Cell) else cell(v) for v in row] for row in rows]
    return Table(columns, cells, caption, table_id, note)


def generic_table(
    records: list[dict[str, Any]], caption: str = "", limit: int = 200
) -> Table | None:
    """Every column of records whose schema is not known in advance."""
    if not records:
        return None
    columns = list(dict.fromkeys(k for r in records for k in r))
    note = f"first {limit} of {len(records)} rows" if len(records) > limit else ""
    rows = [[_short_cell(r.get(c)) for c in columns] for r in records[:limit]]
    return table(columns, rows, caption, note=note)


def _short_cell(value: Any, limit: int = 200) -> Any:
    """Long values (e.g. a big cluster's member list) cut to ``limit`` characters."""
    shown = fmt(value)
    return value if len(shown) <= limit else cell(value, truncate(shown, limit))


def truncate(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
