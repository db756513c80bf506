"""What ``lakesift sources check`` and ``lakesift licenses`` print (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from provenance.policy import LicenseVerdict
from provenance.sources import LoadedSources
from schemas.provenance import USE_CLASSES


def _flags(verdict: LicenseVerdict) -> str:
    names = [
        ("attribution", verdict.attribution),
        ("share-alike", verdict.share_alike),
        ("no-derivatives", verdict.no_derivatives),
    ]
    return ",".join(name for name, on in names if on) or "-"


def _notes_by_index(notes: tuple[str, ...]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for note in notes:
        match = re.match(r"^sources\[(\d+)\]\.(.*)$", note)
        if match:
            out.setdefault(int(match.group(1)), []).append(match.group(2))
    return out


def sources_check_rows(loaded: LoadedSources) -> list[dict[str, str]]:
    """One row per source: normalised SPDX, chosen license, use class, flags, review, why."""
    notes = _notes_by_index(loaded.notes)
    rows = []
    for i, source in enumerate(loaded.registry.sources):
        v = loaded.verdict(source.id)
        rows.append(
            {
                "source": source.id,
                "uri": source.uri,
                "revision": source.revision or "",
                "spdx": v.spdx,
                "effective": v.effective_spdx,
                "use_class": v.use_class,
                "flags": _flags(v),
                "review": "REVIEW" if v.review else "",
                "confidence": "" if v.confidence is None else f"{v.confidence:.2f}",
                "reasons": "; ".join([*v.reasons, *notes.get(i, [])]),
            }
        )
    return rows


def _table_lines(name: str, summary: Mapping[str, Any]) -> list[str]:
    eff = summary.get("effective")
    if not eff:
        return [f"{name}: no rows"]
    head = f"{name}: {eff['use_class']} ({eff['spdx']}), {summary['rows']} rows"
    if summary.get("review_rows"):
        head += f", {summary['review_rows']} need review"
    per_class = summary.get("rows_per_use_class", {})
    lines = [
        head,
        "  rows per use class: " + ", ".join(f"{c}={per_class.get(c, 0)}" for c in USE_CLASSES),
    ]
    lines += [f"  {spdx}: {n} rows" for spdx, n in summary.get("rows_per_spdx", {}).items()]
    lines += [f"  notice: {n['text']}" for n in summary.get("notices", []) if n.get("required")]
    lines += [
        f"  CONFLICT {c['kind']}: {c['detail']} ({c['rows']} rows)"
        for c in summary.get("conflicts", [])
    ]
    return lines


def licenses_lines(lineage: Mapping[str, Any]) -> list[str]:
    """Printable license summary of every published table of a run's lineage.json."""
    tables = lineage.get("tables", {})
    lines: list[str] = []
    for name in sorted(tables):
        summary = tables[name].get("license")
        if summary:
            lines += _table_lines(name, summary)
    return lines or ["no license information in this run's lineage"]
