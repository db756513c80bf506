"""Reading the Data Provenance Initiative fixtures and the collection's own license rule.

The rule is written here from the fixture README, independently of lakesift's policy: all
listed licenses apply, the most restrictive wins (commercial < unspecified < non-commercial <
academic-only); a "Custom" license is looked up by its URL in custom_license_classes.json, any
other by name in license_classes.json; a license missing from both tables (or classed "?")
counts as academic-only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DPI_USE_RANK = {"All": 0, "Unspecified": 1, "NC": 2, "Acad": 3}
ACADEMIC_ONLY = 3
TEMPLATE = "_template.json"


def summary_files(dpi: Path) -> list[Path]:
    """Every collection file (spaces, parentheses and case-twins included), template excluded."""
    return sorted(
        p for p in (dpi / "data_summaries").iterdir() if p.suffix == ".json" and p.name != TEMPLATE
    )


def load_entries(dpi: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file name, record) for every record of every collection file, duplicates kept."""
    entries = []
    for path in summary_files(dpi):
        for record in json.loads(path.read_text(encoding="utf-8")).values():
            entries.append((path.name, record))
    return entries


def load_records(dpi: Path) -> dict[str, dict[str, Any]]:
    """Records deduplicated by 'Unique Dataset Identifier' (first file in name order wins)."""
    records: dict[str, dict[str, Any]] = {}
    for _, record in load_entries(dpi):
        records.setdefault(record["Unique Dataset Identifier"], record)
    return records


def load_class_tables(dpi: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    named = json.loads((dpi / "license_classes.json").read_text(encoding="utf-8"))
    custom = json.loads((dpi / "custom_license_classes.json").read_text(encoding="utf-8"))
    return named, custom


def dpi_entry_rank(
    entry: dict[str, Any], named: dict[str, list[str]], custom: dict[str, list[str]]
) -> int:
    if entry["License"] == "Custom":
        triple = custom.get(entry["License URL"] or "")
    else:
        triple = named.get(entry["License"])
    return DPI_USE_RANK.get(triple[0], ACADEMIC_ONLY) if triple else ACADEMIC_ONLY


def dpi_record_rank(
    record: dict[str, Any], named: dict[str, list[str]], custom: dict[str, list[str]]
) -> int:
    ranks = [dpi_entry_rank(e, named, custom) for e in record["Licenses"]]
    return max(ranks) if ranks else ACADEMIC_ONLY
