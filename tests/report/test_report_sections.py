"""The report's sections over a hand-written published run (FIXTURE tables in the documented
schemas, see report_fixture.py): what each section shows, what it leaves out when data is absent,
and that everything from data is escaped. No Spark needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.report import build_report
from pipelines.report.run_data import RunData
from pipelines.report.sections.containment import build_containment
from schemas.errors import UserError
from tests.report.report_fixture import (
    ALL_TABLES,
    CLUSTER_SIZES,
    DROPS,
    FUNNEL,
    GRAPH_EDGES_DRAWN,
    GRAPH_EDGES_IMPLIED,
    GRAPH_NODES,
    LAKE,
    PROBE,
    REJECTS,
    RUN_ID,
    STEPS,
    VERIFIED,
    write_fixture_run,
)
from tests.report.report_html import parse_page, table_rows

ESCAPED_PROBE = "&lt;script&gt;alert(1)&lt;/script&gt;"
SECTION_IDS = ["summary", "containment", "redundancy", "quality", "licenses", "selection"]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    output = write_fixture_run(tmp_path_factory.mktemp("report_full") / "out")
    path = build_report(output)
    return path, path.read_text(encoding="utf-8")


def test_report_is_written_into_the_run_folder_with_every_section(full: tuple[Path, str]) -> None:
    path, html = full
    assert path == (path.parents[2] / "runs" / RUN_ID / "report.html")
    assert parse_page(html).sections == SECTION_IDS
    assert "could not be rendered" not in html


def test_summary_lists_steps_with_durations_and_row_counts(full: tuple[Path, str]) -> None:
    page = parse_page(full[1])
    steps = table_rows(page, "Steps in order")
    assert [r[0] for r in steps] == [s[0] for s in STEPS]
    for row, (_, _, _, rows_in, main, rejects, seconds) in zip(steps, STEPS):
        assert row[3:6] == [str(rows_in), str(main), str(rejects or 0)]
        assert float(row[7]) == seconds
    assert "wall time" in full[1] and "12.5 s" in full[1]


def test_summary_shows_how_to_query_the_outputs(full: tuple[Path, str]) -> None:
    html = full[1]
    output = full[0].parents[2]
    assert f"lakesift sql {output}" in html and f"duckdb {output}/catalog.duckdb" in html
    assert "SELECT step, reason, count(*) FROM rejects GROUP BY ALL;" in html
    assert "SELECT * FROM license_mix;" in html


def test_containment_graph_merges_duplicates_and_draws_the_transitive_reduction(
    full: tuple[Path, str],
) -> None:
    page = parse_page(full[1])
    nodes = [a for tag, a in page.tags if tag == "g" and "node" in str(a.get("class", "")).split()]
    edges = [a for tag, a in page.tags if tag == "line" and a.get("class") == "edge"]
    assert len(nodes) == GRAPH_NODES
    assert {(e["data-parent"], e["data-child"]) for e in edges} == {
        ("lake/a", "lake/b"),
        ("lake/b", "lake/c"),
    }
    assert len(edges) == GRAPH_EDGES_DRAWN
    merged = next(n for n in nodes if n["data-node"] == "lake/a")
    assert merged["data-members"] == "lake/a\nlake/a_copy"
    assert f"{GRAPH_EDGES_IMPLIED} more implied by transitivity" in full[1]


def test_graph_node_size_grows_with_bytes(full: tuple[Path, str]) -> None:
    circles = re.findall(
        r'data-node="([^"]+)"[^>]*>.*?<circle[^>]* r="([\d.]+)"', full[1], flags=re.DOTALL
    )
    radius = {name: float(r) for name, r in circles}
    by_bytes = sorted(("lake/a", "lake/b", "lake/c"), key=lambda t: LAKE[t][0])
    assert [radius[t] for t in by_bytes] == sorted(radius[t] for t in by_bytes)
    assert radius["lake/a"] > radius["lake/b"] > radius["lake/c"]


def test_edges_table_holds_every_verified_edge_and_no_refuted_one(full: tuple[Path, str]) -> None:
    rows = table_rows(parse_page(full[1]), "Verified containment edges")
    assert sorted((r[0], r[1], r[2]) for r in rows) == sorted(VERIFIED)
    edge_rows = [a for tag, a in parse_page(full[1]).tags if tag == "tr" and "data-parent" in a]
    assert len(edge_rows) == len(VERIFIED)


def test_containment_funnel_table_in_stage_order(full: tuple[Path, str]) -> None:
    rows = table_rows(parse_page(full[1]), "Funnel: pairs removed per stage and reason")
    assert [(r[0], int(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows] == FUNNEL


def test_redundancy_lists_dropped_tables_with_rebuild_method(full: tuple[Path, str]) -> None:
    rows = table_rows(parse_page(full[1]), "Dropped tables and how each is rebuilt")
    assert {r[0]: (r[1], r[2]) for r in rows} == {t: (p, m) for t, (p, m, _) in DROPS.items()}
    assert [r[0] for r in rows] == sorted(DROPS, key=lambda t: -DROPS[t][2])  # biggest saving first
    assert "13.7 KiB" in full[1]  # 14000 bytes saved in total


def test_filter_funnel_per_rule_from_lineage(full: tuple[Path, str]) -> None:
    rows = table_rows(parse_page(full[1]), "Rows per step and reason")
    got = {(r[0], r[4]): int(r[5]) for r in rows}
    assert got == {
        (step, reason): n for step, reasons in REJECTS.items() for reason, n in reasons.items()
    }
    assert 'id="fig-filter-funnel"' in full[1] and 'id="fig-reject-reasons"' in full[1]


def test_cluster_size_histogram_counts_clusters_per_size(tmp_path: Path) -> None:
    output = write_fixture_run(tmp_path / "out")
    data = RunData.open(output)
    try:
        from pipelines.report.sections.curation import _cluster_blocks

        facts = _cluster_blocks(data)[0]
    finally:
        data.close()
    assert dict(facts.items) == {
        "clusters": str(len(CLUSTER_SIZES)),
        "records in clusters": str(sum(CLUSTER_SIZES)),
        "largest cluster": str(max(CLUSTER_SIZES)),
    }


def test_histogram_svg_has_one_bar_per_cluster_size(full: tuple[Path, str]) -> None:
    figure = full[1].split('id="fig-cluster-sizes"', 1)[1].split("</figure>", 1)[0]
    bars = re.findall(r'aria-roledescription="bar"', figure)
    assert len(bars) == len(set(CLUSTER_SIZES))


def test_rejected_examples_are_truncated_and_escaped(full: tuple[Path, str]) -> None:
    html = full[1]
    examples = re.findall(r"<li><code>(.*?)</code></li>", html, flags=re.DOTALL)
    assert examples
    assert (
        max(
            len(e.replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">")) for e in examples
        )
        <= 300
    )
    assert any("word word" in e and e.endswith("…") for e in examples)
    assert any(ESCAPED_PROBE in e for e in examples)
    titles = re.findall(r"<summary>(.*?)</summary>", html)
    assert f"quality — {ESCAPED_PROBE}" in titles


def test_licenses_show_mix_review_and_notices(full: tuple[Path, str]) -> None:
    page = parse_page(full[1])
    row = table_rows(page, "License of each output (the most restrictive of its rows)")[0]
    assert row[:6] == ["documents", "50", "CC-BY-SA-4.0 AND MIT", "unspecified", "yes", "3"]
    assert "Review needed: documents has 3 row(s)" in full[1]
    assert f"Contains material from {ESCAPED_PROBE} used under CC-BY-SA-4.0." in full[1]
    assert 'id="fig-license-mix"' in full[1]


def test_selection_has_three_charts_and_the_candidates(full: tuple[Path, str]) -> None:
    html = full[1]
    for name in ("selection-error-curves", "selection-utility-decay", "selection-frontier"):
        figure = html.split(f'id="fig-{name}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in figure and "<path" in figure, name
    rows = table_rows(parse_page(html), "Candidates (top-k pools)")
    assert [(r[0], r[7]) for r in rows] == [("1", "no"), ("2", "yes"), ("3", "no")]
    assert f"Warning: pool {ESCAPED_PROBE} is small" in html


def test_sections_are_absent_when_their_tables_are(tmp_path: Path) -> None:
    output = write_fixture_run(tmp_path / "out", tables=["documents"], with_curation=False)
    html = build_report(output).read_text(encoding="utf-8")
    assert parse_page(html).sections == ["summary", "licenses"]


def test_only_containment_tables_give_summary_and_containment(tmp_path: Path) -> None:
    output = write_fixture_run(tmp_path / "out", tables=["containment_edges"], with_curation=False)
    html = build_report(output).read_text(encoding="utf-8")
    assert parse_page(html).sections == ["summary", "containment"]
    assert (
        html.count('class="node ') == len({t for e in VERIFIED for t in e[:2]}) - 1
    )  # copy merged into a


def test_missing_columns_are_tolerated(tmp_path: Path) -> None:
    drop = {
        "containment_edges": ["degree", "matched_columns", "dup_class"],
        "dedup_clusters": ["size"],
        "table_profiles": ["num_bytes"],
        "selection_candidates": ["budget_samples"],
        "redundancy_plan": ["bytes_saved", "rebuild_sql_duckdb"],
    }
    output = write_fixture_run(tmp_path / "out", tables=ALL_TABLES, drop_columns=drop)
    html = build_report(output).read_text(encoding="utf-8")
    assert "could not be rendered" not in html
    assert 'id="fig-cluster-sizes"' not in html  # no size column: no histogram
    assert parse_page(html).sections == SECTION_IDS


def test_containment_section_absent_without_its_tables(tmp_path: Path) -> None:
    output = write_fixture_run(tmp_path / "out", tables=["redundancy_summary"], with_curation=False)
    data = RunData.open(output)
    try:
        assert build_containment(data) is None
    finally:
        data.close()


def test_data_never_reaches_the_page_unescaped(full: tuple[Path, str]) -> None:
    html = full[1]
    assert PROBE not in html
    assert html.count("<script") == 1  # the page's own script, nothing from data
    assert ESCAPED_PROBE in html
    page = parse_page(html)
    assert not [
        a for _, a in page.tags if any(k.startswith("on") for k in a)
    ]  # no event handlers at all


def test_page_references_nothing_outside_itself(full: tuple[Path, str]) -> None:
    page = parse_page(full[1])
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "use", "image"), tag
        for key in ("src", "href", "xlink:href", "action"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
    csp = next(
        a["content"]
        for tag, a in page.tags
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in str(csp) and "script-src 'sha256-" in str(csp)
    assert "@import" not in full[1] and "url(http" not in full[1]
    assert len(full[1].encode()) < 5 * 1024 * 1024


def test_no_run_to_report_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no published run"):
        build_report(tmp_path)
