"""Every 'Derived from Datasets' link of the DPI fixtures, as parent and child rows through
union_tables and join_tables in one Spark job each: the combined license is never looser
than either side's."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from operators.base import OpContext
from operators.registry import get_operator
from provenance.classify import classify_evidence
from provenance.policy import LicenseVerdict, and_verdicts, load_policy
from schemas.provenance import PROVENANCE_COLUMNS, PROVENANCE_DDL
from schemas.sources import LicenseEvidence
from tests.provenance.dpi_fixture_records import load_records

pytestmark = pytest.mark.slow

SCHEMA = "link_id int, side string, " + ", ".join(
    f"{c} {PROVENANCE_DDL[c]}" for c in PROVENANCE_COLUMNS
)


def resolve_links(records: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(child id, parent id) for links naming a record by id, by a unique dataset name, or by a
    unique case-insensitive id/name; self-links and unresolved names are skipped."""
    by_name: dict[str, set[str]] = defaultdict(set)
    folded: dict[str, set[str]] = defaultdict(set)
    for uid, r in records.items():
        by_name[r["Dataset Name"]].add(uid)
        folded[uid.casefold()].add(uid)
        folded[r["Dataset Name"].casefold()].add(uid)
    links = set()
    for child, record in records.items():
        for name in record.get("Derived from Datasets") or []:
            hits = (
                {name}
                if name in records
                else by_name.get(name) or folded.get(name.casefold(), set())
            )
            if len(hits) == 1 and next(iter(hits)) != child:
                links.add((child, next(iter(hits))))
    return sorted(links)


def verdict_of(record: dict[str, Any]) -> LicenseVerdict:
    policy = load_policy()
    return and_verdicts(
        classify_evidence(policy, LicenseEvidence(mention=e["License"], url=e["License URL"]))
        for e in record["Licenses"]
    )


def row(link_id: int, side: str, uid: str, v: LicenseVerdict) -> tuple[Any, ...]:
    return (
        link_id,
        side,
        [uid],
        f"{uid}:{link_id}",
        v.rank,
        v.effective_spdx,
        v.attribution,
        v.share_alike,
        v.no_derivatives,
        v.review,
    )


@pytest.fixture(scope="module")
def linked(spark: Any, dpi_fixtures: Path) -> dict[str, Any]:
    records = load_records(dpi_fixtures)
    links = resolve_links(records)
    verdicts = {uid: verdict_of(records[uid]) for link in links for uid in link}
    parents = spark.createDataFrame(
        [row(i, "parent", p, verdicts[p]) for i, (_, p) in enumerate(links)], SCHEMA
    )
    children = spark.createDataFrame(
        [row(i, "child", c, verdicts[c]) for i, (c, _) in enumerate(links)], SCHEMA
    )
    return {"links": links, "verdicts": verdicts, "parents": parents, "children": children}


def at_least_as_restrictive(out: dict[str, Any], v: LicenseVerdict, uid: str) -> list[str]:
    problems = []
    if out["_lic_rank"] < v.rank:
        problems.append(f"rank {out['_lic_rank']} < {v.rank}")
    for column, flag in (
        ("_lic_attr", v.attribution),
        ("_lic_sa", v.share_alike),
        ("_lic_nd", v.no_derivatives),
        ("_lic_review", v.review),
    ):
        if flag and not out[column]:
            problems.append(f"{column} lost")
    if not set(v.effective_spdx.split(" AND ")) <= set(out["_lic_spdx"].split(" AND ")):
        problems.append(f"{v.effective_spdx} missing from {out['_lic_spdx']}")
    if uid not in out["_src_ids"]:
        problems.append(f"{uid} missing from sources")
    return problems


def test_links_resolve_to_many_records(linked: dict[str, Any]) -> None:
    assert len(linked["links"]) >= 50
    ranks = {v.rank for v in linked["verdicts"].values()}
    assert len(ranks) >= 3, "links should span several use classes to make the test meaningful"


def test_joined_rows_are_at_least_as_restrictive_as_both_sides(linked: dict[str, Any]) -> None:
    op = get_operator("join_tables")(
        {"right": "parents", "keys": ["link_id"], "right_prefix": "parent_"}
    )
    out = op.transform(
        linked["children"], OpContext(step="join", tables={"parents": linked["parents"]})
    )
    rows = {r["link_id"]: r.asDict(recursive=True) for r in out.collect()}
    assert sorted(rows) == list(range(len(linked["links"])))
    problems = []
    for i, (child, parent) in enumerate(linked["links"]):
        for uid in (child, parent):
            problems += [
                f"link {child}<-{parent}: {p}"
                for p in at_least_as_restrictive(rows[i], linked["verdicts"][uid], uid)
            ]
        expected_rank = max(linked["verdicts"][child].rank, linked["verdicts"][parent].rank)
        if rows[i]["_lic_rank"] != expected_rank or rows[i]["_src_ids"] != sorted({child, parent}):
            problems.append(f"link {child}<-{parent}: not the union {rows[i]}")
    assert problems == []


def test_union_then_group_by_link_is_at_least_as_restrictive(linked: dict[str, Any]) -> None:
    ctx = OpContext(step="union", tables={"parents": linked["parents"]})
    union = get_operator("union_tables")({"others": ["parents"]}).transform(linked["children"], ctx)
    grouped = get_operator("group_by")({"keys": ["link_id"]}).transform(union, ctx)
    rows = {r["link_id"]: r.asDict(recursive=True) for r in grouped.collect()}
    problems = []
    for i, (child, parent) in enumerate(linked["links"]):
        assert rows[i]["count"] == 2
        for uid in (child, parent):
            problems += [
                f"link {child}<-{parent}: {p}"
                for p in at_least_as_restrictive(rows[i], linked["verdicts"][uid], uid)
            ]
    assert problems == []
