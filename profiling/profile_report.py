"""Writing a column profile as a Parquet table and a static, self-contained HTML page.

The HTML page has no scripts and no external resources; every value from the data is escaped.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from profiling.column_profile import PROFILE_KEYS

PARQUET_NAME: Final = "profile.parquet"
HTML_NAME: Final = "profile.html"

PROFILE_SCHEMA: Final = pa.schema(
    [
        ("column_name", pa.string()),
        ("type", pa.string()),
        ("rows", pa.int64()),
        ("nulls", pa.int64()),
        ("null_fraction", pa.float64()),
        ("nan_count", pa.int64()),
        ("distinct_estimate", pa.int64()),
        ("min", pa.string()),
        ("max", pa.string()),
        ("length_min", pa.int64()),
        ("length_max", pa.int64()),
        ("length_mean", pa.float64()),
        (
            "length_histogram",
            pa.list_(pa.struct([("low", pa.int64()), ("high", pa.int64()), ("count", pa.int64())])),
        ),
        ("top_values", pa.list_(pa.struct([("value", pa.string()), ("count", pa.int64())]))),
    ]
)

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin-bottom:2rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#4a7bd0;height:.8rem;display:inline-block}
.v{font-family:monospace;white-space:nowrap;max-width:15rem;overflow:hidden;text-overflow:ellipsis}
td.v,div.v{display:block}table table td{border:none;padding:0 .4rem;white-space:nowrap}
"""
CELL_CHARS: Final = 60


def _atomic_write(path: Path, write: Any) -> None:
    """Write via a temporary file in the same folder, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _esc(value: Any) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _value_html(value: Any) -> str:
    """A value on one line (whitespace runs shown as one space), shortened; full text on hover."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    short = text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"
    return f"<div class='v' title='{_esc(text)}'>{_esc(short)}</div>"


def _num(value: Any, digits: int = 4) -> str:
    if value is None:
        return ""
    return _esc(f"{value:.{digits}g}" if isinstance(value, float) else f"{value:,}")


def _histogram_html(buckets: list[dict[str, Any]] | None) -> str:
    if not buckets:
        return ""
    peak = max(b["count"] for b in buckets) or 1
    rows = "".join(
        f"<tr><td class='num'>{_num(b['low'])}–{_num(b['high'])}</td>"
        f"<td><span class='bar' style='width:{int(120 * b['count'] / peak)}px'></span> {_num(b['count'])}</td></tr>"
        for b in buckets
    )
    return f"<table>{rows}</table>"


def _top_html(values: list[dict[str, Any]] | None) -> str:
    if not values:
        return ""
    rows = "".join(
        f"<tr><td>{_value_html(v['value'])}</td><td class='num'>{_num(v['count'])}</td></tr>"
        for v in values
    )
    return f"<table>{rows}</table>"


def _row_html(p: dict[str, Any]) -> str:
    cells = [
        f"<td>{_value_html(p['column_name'])}</td>",
        f"<td>{_esc(p['type'])}</td>",
        f"<td class='num'>{_num(p['nulls'])} ({_num(100 * p['null_fraction'], 3)}%)</td>",
        f"<td class='num'>{_num(p['distinct_estimate'])}</td>",
        f"<td>{_value_html(p['min'])}</td>",
        f"<td>{_value_html(p['max'])}</td>",
        f"<td>{_top_html(p['top_values'])}</td>",
        f"<td>{_histogram_html(p['length_histogram'])}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def render_html(profile: list[dict[str, Any]], title: str = "Column profile") -> str:
    """The profile as one HTML document (no scripts, no external resources)."""
    rows = profile[0]["rows"] if profile else 0
    header = "".join(
        f"<th>{h}</th>"
        for h in (
            "column",
            "type",
            "nulls",
            "distinct (est.)",
            "min",
            "max",
            "top values",
            "length histogram",
        )
    )
    body = "".join(_row_html(p) for p in profile)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_esc(title)}</h1><p>{_num(rows)} rows, {len(profile)} columns.</p>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )


def profile_table(profile: list[dict[str, Any]]) -> pa.Table:
    """The profile as an Arrow table with :data:`PROFILE_SCHEMA`."""
    columns = {key: [p.get(key) for p in profile] for key in PROFILE_KEYS}
    return pa.table(columns, schema=PROFILE_SCHEMA)


def write_profile(
    profile: list[dict[str, Any]], out_dir: str | Path, title: str = "Column profile"
) -> dict[str, Path]:
    """Write ``profile.parquet`` and ``profile.html`` into ``out_dir``; return their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"parquet": folder / PARQUET_NAME, "html": folder / HTML_NAME}
    table = profile_table(profile)
    _atomic_write(paths["parquet"], lambda tmp: pq.write_table(table, tmp, write_statistics=True))
    page = render_html(profile, title)
    _atomic_write(paths["html"], lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return paths
