"""The run report: one self-contained static HTML page per published run.

``build_report(output_dir, run_id=None)`` reads a published run through its manifest (DuckDB over
the listed files, limited to the run folder), builds each section whose data exists, renders the
charts to inline SVG offline (Vega-Lite through vl-convert) and writes
``<output>/runs/<run_id>/report.html``. Nothing on the page is fetched from the network.
"""

from __future__ import annotations

from pipelines.report.build import REPORT_NAME, build_report

__all__ = ["REPORT_NAME", "build_report"]
