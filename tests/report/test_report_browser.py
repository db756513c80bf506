"""The reports of real published runs, opened from ``file://`` in headless Chromium (Debian's
package at /usr/bin/chromium, driven by Playwright; no browser download).

Checks every section is there, the graph and the plots rendered (non-empty SVG), the page made no
request off the machine, no dialog fired (the injection probe stays text and is visible), the
page's own script ran (sorting, graph highlighting), and size and load time are within budget.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.report_runs import PROBE, PublishedRun, PublishedRuns

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_LOAD_MS = 2000
MAX_BYTES = 5 * 1024 * 1024

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=(
            "BROWSER TEST SKIPPED: /usr/bin/chromium is missing. Install Debian's chromium package "
            "(apt-get install -y chromium; `make browser` does it as root) to run it."
        ),
    ),
]


class OpenedReport:
    """A report loaded in a fresh page, with everything the page did while loading."""

    def __init__(self, page: Any, path: Path) -> None:
        self.page, self.path = page, path
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        started = time.monotonic()
        page.goto(path.resolve().as_uri(), wait_until="load")
        self.wall_seconds = time.monotonic() - started
        self.load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1300, "height": 900},
            env={**os.environ, "HOME": str(profile)},
        )
        yield context
        context.close()


def _open(browser: Any, run: PublishedRun) -> OpenedReport:
    return OpenedReport(browser.new_page(), run.report)


def _check_self_contained(opened: OpenedReport) -> None:
    assert opened.requests and opened.requests[0].startswith("file://")
    off_machine = [u for u in opened.requests if not u.startswith(("file://", "data:"))]
    assert off_machine == [], off_machine
    assert opened.dialogs == []
    assert opened.errors == []  # includes Content-Security-Policy violations
    assert opened.load_ms < MAX_LOAD_MS, opened.load_ms
    assert opened.path.stat().st_size < MAX_BYTES


def _check_sections(opened: OpenedReport, expected: list[str]) -> None:
    ids = opened.page.eval_on_selector_all("main > section", "els => els.map(e => e.id)")
    assert ids == expected
    for section in expected:
        assert opened.page.locator(f"section#{section}").is_visible()


def _check_figures(opened: OpenedReport, minimum: int) -> None:
    figures = opened.page.eval_on_selector_all(
        "figure svg",
        """els => els.map(s => {
        const r = s.getBoundingClientRect();
        return [r.width, r.height, s.querySelectorAll('path, line, circle, rect, text').length]; })""",
    )
    assert len(figures) >= minimum
    for width, height, marks in figures:
        assert width > 50 and height > 50 and marks > 5, (width, height, marks)


def _screenshot(opened: OpenedReport, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / f"{name}.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    return shot


def test_containment_report_in_chromium(
    browser: Any, published_runs: PublishedRuns, tmp_path: Path
) -> None:
    opened = _open(browser, published_runs.containment)
    _check_self_contained(opened)
    _check_sections(opened, ["summary", "containment", "redundancy"])
    _check_figures(opened, minimum=3)  # durations, graph, funnel
    page = opened.page
    nodes = page.locator("svg.containment-graph g.node")
    assert nodes.count() == 5
    probe_label = page.locator("svg.containment-graph text", has_text=PROBE)
    assert probe_label.count() == 1 and probe_label.is_visible()
    assert page.get_by_role("cell", name=PROBE, exact=True).first.is_visible()
    _screenshot(opened, tmp_path, "containment_report")


def test_graph_click_highlights_the_tables_edges(
    browser: Any, published_runs: PublishedRuns
) -> None:
    page = _open(browser, published_runs.containment).page
    edge_rows = page.locator("#t-edges tbody tr")
    involving = [
        i
        for i in range(edge_rows.count())
        if {
            edge_rows.nth(i).get_attribute("data-parent"),
            edge_rows.nth(i).get_attribute("data-child"),
        }
        & {"sales/all", "sales/copy"}
    ]
    page.locator('svg.containment-graph g.node[data-node="sales/all"]').click()
    assert page.locator("#t-edges tbody tr.hit").count() == len(involving) > 0
    assert page.locator("svg.containment-graph line.edge.lit").count() == 2
    assert (
        page.locator("svg.containment-graph g.node.dim").count() == 2
    )  # other/t and the probe table
    page.locator('svg.containment-graph g.node[data-node="sales/all"]').click()
    assert page.locator("#t-edges tbody tr.hit").count() == 0


def test_tables_sort_by_a_clicked_column(browser: Any, published_runs: PublishedRuns) -> None:
    page = _open(browser, published_runs.containment).page
    header = page.locator("#t-published th", has_text="rows")
    header.click()
    keys = page.eval_on_selector_all(
        "#t-published tbody tr td:nth-child(2)", "tds => tds.map(td => parseFloat(td.dataset.sort))"
    )
    assert keys == sorted(keys) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    keys = page.eval_on_selector_all(
        "#t-published tbody tr td:nth-child(2)", "tds => tds.map(td => parseFloat(td.dataset.sort))"
    )
    assert keys == sorted(keys, reverse=True)


def test_curation_report_in_chromium(
    browser: Any, published_runs: PublishedRuns, tmp_path: Path
) -> None:
    opened = _open(browser, published_runs.curation)
    _check_self_contained(opened)
    _check_sections(opened, ["summary", "quality", "licenses", "selection"])
    # durations, filter funnel, reject reasons, cluster sizes, license mix, three selection charts
    _check_figures(opened, minimum=8)
    example = opened.page.locator("details.records code", has_text=PROBE).first
    assert example.is_visible()
    _screenshot(opened, tmp_path, "curation_report")


def test_tiny_report_in_chromium(
    browser: Any, published_runs: PublishedRuns, tmp_path: Path
) -> None:
    opened = _open(browser, published_runs.tiny)
    _check_self_contained(opened)
    _check_sections(opened, ["summary", "quality", "licenses"])
    _check_figures(opened, minimum=3)
    _screenshot(opened, tmp_path, "tiny_report")
