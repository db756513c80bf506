"""Redundancy plan: bytes and money saved, and every dropped table with how it is rebuilt."""

from __future__ import annotations

from typing import Any

from pipelines.report.blocks import Code, KeyValues, Section, Table, cell, fmt, human_bytes, table
from pipelines.report.run_data import RunData

MAX_SQL_SHOWN = 20


def _money(value: Any) -> str:
    """Dollars: cents for large amounts, three significant digits for tiny ones."""
    if value is None:
        return fmt(None)
    amount = float(value)
    return f"${amount:,.2f}" if abs(amount) >= 1 or amount == 0 else f"${amount:.3g}"


def _summary(data: RunData) -> KeyValues | None:
    if not data.has("redundancy_summary"):
        return None
    rows = data.rows("redundancy_summary", limit=1)
    if not rows:
        return None
    r = rows[0]
    items = [
        ("tables dropped", f"{fmt(r.get('tables_dropped'))} of {fmt(r.get('tables_total'))}"),
        ("bytes saved", human_bytes(r.get("bytes_saved"))),
        ("cost saved per month", _money(r.get("cost_saved_per_month"))),
        ("storage cost before, per month", _money(r.get("storage_cost_before"))),
        ("plan objective, per month", _money(r.get("objective"))),
        (
            "solver",
            f"{fmt(r.get('solver'))} ({'optimal' if r.get('optimal') else 'gap ' + fmt(r.get('optimality_gap'))})",
        ),
        ("planning time", f"{fmt(r.get('seconds'))} s"),
    ]
    return KeyValues(items)


def _dropped(data: RunData) -> list[dict[str, Any]]:
    if not data.has("redundancy_plan", "table_id", "action"):
        return []
    rows = [r for r in data.rows("redundancy_plan") if r.get("action") == "drop"]
    return sorted(rows, key=lambda r: (-(r.get("bytes_saved") or 0), str(r["table_id"])))


def _drops_table(drops: list[dict[str, Any]]) -> Table:
    columns = [
        "table",
        "rebuilt from",
        "rebuild method",
        "bytes saved",
        "cost saved / month",
        "rebuild latency (s)",
        "view",
        "reason",
    ]
    rows = [
        [
            r["table_id"],
            r.get("parent"),
            r.get("rebuild_method"),
            cell(r.get("bytes_saved"), human_bytes(r.get("bytes_saved"))),
            cell(r.get("cost_saved_per_month"), _money(r.get("cost_saved_per_month"))),
            r.get("rebuild_latency_s"),
            r.get("view_name"),
            r.get("reason"),
        ]
        for r in drops
    ]
    return table(columns, rows, "Dropped tables and how each is rebuilt", "drops")


def _kept_table(data: RunData) -> Table | None:
    kept = (
        [r for r in data.rows("redundancy_plan") if r.get("action") == "keep"]
        if data.has("redundancy_plan", "action")
        else []
    )
    if not kept:
        return None
    rows = [[r.get("table_id"), r.get("reason")] for r in kept]
    return table(["table", "why kept"], rows, "Kept tables", "kept")


def _sql(drops: list[dict[str, Any]]) -> Code | None:
    statements = [
        str(r["rebuild_sql_duckdb"]) + ";"
        for r in drops[:MAX_SQL_SHOWN]
        if r.get("rebuild_sql_duckdb")
    ]
    if not statements:
        return None
    return Code(
        "\n".join(statements), "Rebuild views (DuckDB); nothing is deleted until a plan is applied"
    )


def build_redundancy(data: RunData) -> Section | None:
    summary = _summary(data)
    drops = _dropped(data)
    blocks: list[Any] = [
        b
        for b in (summary, _drops_table(drops) if drops else None, _kept_table(data), _sql(drops))
        if b is not None
    ]
    if not blocks:
        return None
    return Section(
        "redundancy",
        "Redundancy plan",
        blocks,
        f"{len(drops)} table(s) can be dropped and rebuilt on demand.",
    )
