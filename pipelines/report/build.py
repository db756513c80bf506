"""``build_report``: read a published run, build the sections whose data exists, write the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pipelines.fsutil import atomic_write_text
from pipelines.report.blocks import Paragraph, Section
from pipelines.report.page import render_page
from pipelines.report.run_data import RunData
from pipelines.report.sections.containment import build_containment
from pipelines.report.sections.curation import build_curation
from pipelines.report.sections.licenses import build_licenses
from pipelines.report.sections.redundancy import build_redundancy
from pipelines.report.sections.selection import build_selection
from pipelines.report.sections.summary import build_summary

LOG = logging.getLogger("lakesift.report")
REPORT_NAME = "report.html"

SectionBuilder = Callable[[RunData], Section | None]
SECTIONS: tuple[tuple[str, str, SectionBuilder], ...] = (
    ("summary", "Run summary", build_summary),
    ("containment", "Table containment", build_containment),
    ("redundancy", "Redundancy plan", build_redundancy),
    ("quality", "Quality and dedup", build_curation),
    ("licenses", "Licenses", build_licenses),
    ("selection", "Compute-aware selection", build_selection),
)


def _build_sections(data: RunData) -> list[Section]:
    """Every section with data; a section that fails says so instead of sinking the page."""
    sections = []
    for section_id, title, builder in SECTIONS:
        try:
            section = builder(data)
        except Exception as exc:  # noqa: BLE001 - one broken section must not sink the page
            LOG.warning("report section %s failed: %s: %s", section_id, type(exc).__name__, exc)
            section = Section(
                section_id,
                title,
                [
                    Paragraph(
                        f"This section could not be rendered: {type(exc).__name__}: {str(exc)[:300]}"
                    )
                ],
            )
        if section is not None:
            sections.append(section)
    return sections


def build_report(output_dir: Path, run_id: str | None = None) -> Path:
    """Write ``<output>/runs/<run_id>/report.html`` (default run: CURRENT) and return its path."""
    data = RunData.open(Path(output_dir).resolve(), run_id)
    try:
        sections = _build_sections(data)
        recipe = str((data.lineage.get("run") or {}).get("recipe") or "run")
        html = render_page(data.run_id, recipe, sections)
    finally:
        data.close()
    path = data.run_dir / REPORT_NAME
    atomic_write_text(path, html)
    return path
