"""Human-readable lines about a redundancy plan (printed by the CLI and the demo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.redundancy import BYTES_PER_GB


def _gap_text(row: Mapping[str, Any]) -> str:
    if row.get("optimal"):
        return "optimal"
    gap = row.get("optimality_gap")
    return "gap unknown" if gap is None else f"within {100 * float(gap):.1f}% of optimal"


def plan_summary_lines(summary_row: Mapping[str, Any]) -> list[str]:
    """Three lines: tables dropped, storage saved in GB (3 significant digits), money saved per month."""
    row = summary_row
    dropped, total = int(row["tables_dropped"]), int(row["tables_total"])
    gb = int(row["bytes_saved"] or 0) / BYTES_PER_GB
    before = float(row.get("storage_cost_before") or 0.0)
    return [
        f"Redundancy plan: drop {dropped} of {total} tables (solver {row['solver']}, {_gap_text(row)})",
        f"Storage saved: {gb:.3g} GB ({int(row['bytes_saved'] or 0):,} bytes)",
        (f"Cost saved: ${float(row['cost_saved_per_month'] or 0.0):.4g} per month "
         f"(storage before ${before:.4g}/month, plan ${float(row['objective'] or 0.0):.4g}/month)"),
    ]
