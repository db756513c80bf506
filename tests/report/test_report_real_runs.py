"""Reports built from runs published by ``run_recipe`` with the session SparkSession: the tiny
curation lake, a containment + redundancy run over a small lake, and a curation run with filters,
quality rules, near-duplicate dedup and compute-aware selection. Expected values are derived from
the generated inputs (pyarrow) or read from the published files with DuckDB, not from the report
code."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.report.report_html import parse_page, table_rows
from tests.report.report_runs import PROBE, PublishedRun, PublishedRuns

pytestmark = pytest.mark.slow
ESCAPED_PROBE = "&lt;script&gt;alert(1)&lt;/script&gt;"
SAFE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _html(run: PublishedRun) -> str:
    return run.report.read_text(encoding="utf-8")


def _published(run: PublishedRun, table: str) -> list[dict[str, object]]:
    """A published table read with DuckDB from the files its manifest lists."""
    manifest = json.loads((run.result.run_dir / "manifest.json").read_text())
    files = [str(run.result.run_dir / f["path"]) for f in manifest["tables"][table]["files"]]
    con = duckdb.connect(config=dict(SAFE))
    rel = con.execute(f"SELECT * FROM read_parquet({files!r})")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r)) for r in rel.fetchall()]


def test_reports_sit_in_their_run_folders(published_runs: PublishedRuns) -> None:
    for run in (published_runs.tiny, published_runs.containment, published_runs.curation):
        assert run.report == run.result.run_dir / "report.html"
        assert "could not be rendered" not in _html(run)
        assert run.report.stat().st_size < 5 * 1024 * 1024


def test_tiny_run_funnel_matches_its_inputs(published_runs: PublishedRuns) -> None:
    run = published_runs.tiny
    lake = run.recipe.parent / "lake"
    amounts = [
        v for t in ("orders", "posts") for v in pq.read_table(lake / t).column("amount").to_pylist()
    ]
    page = parse_page(_html(run))
    assert page.sections == ["summary", "quality", "licenses"]
    row = table_rows(page, "Rows per step and reason")[0]
    rejected = sum(1 for a in amounts if not a > 0)
    assert row[:6] == [
        "positive",
        "filter_rows",
        str(len(amounts)),
        str(len(amounts) - rejected),
        "non_positive",
        str(rejected),
    ]


def test_containment_run_report_draws_the_lake(published_runs: PublishedRuns) -> None:
    run = published_runs.containment
    page = parse_page(_html(run))
    assert page.sections == ["summary", "containment", "redundancy"]
    nodes = {
        a["data-node"]: a
        for tag, a in page.tags
        if tag == "g" and "node" in str(a.get("class")).split()
    }
    lake_tables = 6  # sales/{all,copy,eu,ids}, other/t and the probe table
    assert len(nodes) == lake_tables - 1  # sales/copy duplicates sales/all: one node
    assert nodes["sales/all"]["data-members"] == "sales/all\nsales/copy"
    assert PROBE in nodes  # the attribute value, decoded by the parser
    edges = {
        (a["data-parent"], a["data-child"])
        for tag, a in page.tags
        if tag == "line" and a.get("class") == "edge"
    }
    assert edges == {("sales/all", "sales/eu"), ("sales/all", "sales/ids")}


def test_containment_edges_table_is_the_published_verified_edges(
    published_runs: PublishedRuns,
) -> None:
    run = published_runs.containment
    published = {
        (e["parent"], e["child"], e["verdict"])
        for e in _published(run, "containment_edges")
        if e["verdict"] in ("contained", "duplicate")
    }
    shown = {
        (r[0], r[1], r[2]) for r in table_rows(parse_page(_html(run)), "Verified containment edges")
    }
    assert shown == published
    assert {(p, c) for p, c, _ in shown} >= {
        ("sales/all", "sales/eu"),
        ("sales/all", "sales/ids"),
        ("sales/all", "sales/copy"),
        ("sales/copy", "sales/all"),
    }


def test_redundancy_section_lists_the_published_drops(published_runs: PublishedRuns) -> None:
    run = published_runs.containment
    drops = {
        r["table_id"]: (r["parent"], r["rebuild_method"])
        for r in _published(run, "redundancy_plan")
        if r["action"] == "drop"
    }
    shown = table_rows(parse_page(_html(run)), "Dropped tables and how each is rebuilt")
    assert drops and {r[0]: (r[1], r[2]) for r in shown} == drops
    kept = [r[0] for r in table_rows(parse_page(_html(run)), "Kept tables")]
    assert PROBE in kept and ESCAPED_PROBE in _html(run) and PROBE not in _html(run)


def test_curation_run_report_sections_and_funnel(published_runs: PublishedRuns) -> None:
    run = published_runs.curation
    page = parse_page(_html(run))
    assert page.sections == ["summary", "quality", "licenses", "selection"]
    docs = run.recipe.parent / "docs"
    chars = (
        pc.sum(pc.less(pq.read_table(docs / "wiki").column("chars"), 40)).as_py()
        + pc.sum(pc.less(pq.read_table(docs / "forum").column("chars"), 40)).as_py()
    )
    rows = {(r[0], r[4]): int(r[5]) for r in table_rows(page, "Rows per step and reason")}
    assert rows[("drop_short", "too_short")] == chars
    lineage = json.loads((run.result.run_dir / "lineage.json").read_text())
    assert rows == {
        (s, r): n for s, reasons in lineage["rejects"].items() for r, n in reasons.items()
    }


def test_curation_run_cluster_histogram(published_runs: PublishedRuns) -> None:
    run = published_runs.curation
    sizes = sorted(int(r["size"]) for r in _published(run, "dedup_clusters"))
    assert sizes == [2, 3, 5]  # the forum copies: 4 of one wiki text, 2 of another, 1 of a third
    html = _html(run)
    assert "<dt>clusters</dt><dd>3</dd>" in html and "<dt>largest cluster</dt><dd>5</dd>" in html


def test_curation_run_examples_escape_the_probe(published_runs: PublishedRuns) -> None:
    html = _html(published_runs.curation)
    assert PROBE not in html and html.count("<script") == 1
    drop_short = html.split("<summary>drop_short — too_short</summary>", 1)[1].split(
        "</details>", 1
    )[0]
    assert ESCAPED_PROBE in drop_short


def test_curation_run_licenses_and_selection(published_runs: PublishedRuns) -> None:
    run = published_runs.curation
    page = parse_page(_html(run))
    lineage = json.loads((run.result.run_dir / "lineage.json").read_text())
    effective = lineage["tables"]["documents"]["license"]["effective"]
    row = table_rows(page, "License of each output (the most restrictive of its rows)")[0]
    assert row[:4] == [
        "documents",
        str(lineage["tables"]["documents"]["rows"]),
        effective["spdx"],
        effective["use_class"],
    ]
    plan = _published(run, "selection_plan")[0]
    chosen = [r for r in table_rows(page, "Candidates (top-k pools)") if r[7] == "yes"]
    assert [int(r[0]) for r in chosen] == [plan["chosen_k"]]
    for name in ("selection-error-curves", "selection-utility-decay", "selection-frontier"):
        assert f'id="fig-{name}"' in _html(run)


def test_report_can_be_rebuilt_for_a_named_run(
    published_runs: PublishedRuns, tmp_path: Path
) -> None:
    from pipelines.report import build_report

    run = published_runs.tiny
    path = build_report(run.result.output_dir, run.result.run_id)
    assert path == run.report and "<h1>lakesift run report: tiny</h1>" in path.read_text(
        encoding="utf-8"
    )
