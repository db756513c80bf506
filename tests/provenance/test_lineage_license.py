"""Dataset-level license summary, the license-mix query, the OpenLineage facet and CLI lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from provenance.cli_views import licenses_lines
from provenance.lineage_license import FACET_NAME, license_mix_sql, license_summary

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "license_facet.json").read_text()
)


def validate_facet(facet: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        facet
    )


def group(
    rank: int,
    spdx: str,
    rows: int,
    sources: list[str],
    attr: bool = True,
    sa: bool = False,
    nd: bool = False,
    review_rows: int = 0,
    combined_rows: int = 0,
) -> dict[str, Any]:
    return {
        "rank": rank,
        "spdx": spdx,
        "rows": rows,
        "review_rows": review_rows,
        "attribution": attr,
        "share_alike": sa,
        "no_derivatives": nd,
        "combined_rows": combined_rows,
        "sources": sources,
    }


MIXED = [
    group(0, "MIT", 10, ["code"]),
    group(0, "CC-BY-SA-4.0", 5, ["wiki"], sa=True),
    group(0, "GPL-3.0-only", 3, ["gpl_code"], sa=True),
    group(2, "CC-BY-NC-ND-4.0 AND MIT", 2, ["code", "news"], nd=True, combined_rows=2),
    group(3, "LicenseRef-lakesift-unknown", 1, ["scraped"], sa=True, nd=True, review_rows=1),
]


def test_effective_license_is_the_maximum_over_rows() -> None:
    s = license_summary(MIXED)
    assert s["effective"]["use_class"] == "academic-only" and s["effective"]["review"] is True
    assert s["rows"] == 21 and s["review_rows"] == 1
    assert s["rows_per_use_class"] == {
        "commercial": 18,
        "unspecified": 0,
        "non-commercial": 2,
        "academic-only": 1,
    }
    assert s["rows_per_spdx"]["MIT"] == 10
    assert s["effective"]["spdx"] == (
        "CC-BY-NC-ND-4.0 AND CC-BY-SA-4.0 AND GPL-3.0-only AND LicenseRef-lakesift-unknown AND MIT"
    )
    commercial_only = license_summary(MIXED[:3])
    assert commercial_only["effective"]["use_class"] == "commercial"


def test_conflicts_name_share_alike_families_and_no_derivatives_combinations() -> None:
    s = license_summary(MIXED, modified=True)
    kinds = {c["kind"]: c for c in s["conflicts"]}
    assert set(kinds) == {"share_alike_mix", "no_derivatives_combined", "no_derivatives_modified"}
    assert (
        "CC-BY-SA, GPL" in kinds["share_alike_mix"]["detail"]
        and kinds["share_alike_mix"]["rows"] == 8
    )
    assert kinds["no_derivatives_combined"]["spdx"] == ["CC-BY-NC-ND-4.0 AND MIT"]
    assert kinds["no_derivatives_modified"]["rows"] == 3
    same_family = license_summary(
        [group(0, "CC-BY-SA-3.0", 1, ["a"], sa=True), group(0, "CC-BY-SA-4.0", 1, ["b"], sa=True)]
    )
    assert same_family["conflicts"] == []
    in_row = license_summary(
        [group(0, "CC-BY-SA-4.0 AND GPL-2.0-only", 1, ["a", "b"], sa=True, combined_rows=1)]
    )
    assert [c["kind"] for c in in_row["conflicts"]] == ["share_alike_combined", "share_alike_mix"]


def test_notices_list_sources_and_obligations_per_license() -> None:
    notices = {n["spdx"]: n for n in license_summary(MIXED)["notices"]}
    assert notices["MIT"]["sources"] == ["code", "news"]
    assert "attribution required" in notices["CC-BY-SA-4.0"]["text"]
    assert "share-alike" in notices["CC-BY-SA-4.0"]["text"]
    assert "no-derivatives" in notices["CC-BY-NC-ND-4.0"]["text"]
    assert "review" in notices["LicenseRef-lakesift-unknown"]["text"]
    cc0 = license_summary([group(0, "CC0-1.0", 4, ["pd"], attr=False)])["notices"][0]
    assert (
        cc0["required"] is False and cc0["text"] == "Contains material from pd used under CC0-1.0."
    )


def test_raw_column_rows_give_the_same_summary() -> None:
    raw = [
        {
            "_lic_rank": 2,
            "_lic_spdx": "CC-BY-NC-4.0",
            "_lic_attr": True,
            "_lic_sa": False,
            "_lic_nd": False,
            "_lic_review": True,
            "sources": ["n"],
            "rows": 4,
        },
        {
            "_lic_rank": 0,
            "_lic_spdx": "MIT",
            "_lic_attr": True,
            "_lic_sa": False,
            "_lic_nd": False,
            "_lic_review": False,
            "sources": ["m"],
            "rows": 6,
        },
    ]
    s = license_summary(raw)
    assert (s["effective"]["use_class"], s["rows"], s["review_rows"]) == ("non-commercial", 10, 4)


def test_facet_validates_and_the_schema_can_fail() -> None:
    for rows in (MIXED, [], MIXED[:1]):
        validate_facet(license_summary(rows, modified=True)["facet"])
    assert license_summary([])["facet"]["effectiveUseClass"] is None
    bad = dict(license_summary(MIXED)["facet"], effectiveUseClass="free-for-all")
    with pytest.raises(jsonschema.ValidationError):
        validate_facet(bad)
    extra = dict(license_summary(MIXED)["facet"], secret="x")
    with pytest.raises(jsonschema.ValidationError):
        validate_facet(extra)


def test_license_mix_sql_over_real_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "text": ["a", "b", "c", "d"],
            "_src_ids": [["x"], ["x", "y"], ["y"], ["z"]],
            "_src_ref": ["x:1", "x:2", "y:1", "z:1"],
            "_lic_rank": pa.array([0, 2, 2, 3], pa.int32()),
            "_lic_spdx": [
                "MIT",
                "CC-BY-NC-4.0 AND MIT",
                "CC-BY-NC-4.0 AND MIT",
                "LicenseRef-lakesift-unknown",
            ],
            "_lic_attr": [True, True, True, True],
            "_lic_sa": [False, False, False, True],
            "_lic_nd": [False, False, False, True],
            "_lic_review": [False, False, False, True],
        }
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    con = duckdb.connect(
        config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    )
    try:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{tmp_path / 'part-0.parquet'}')")
        rel = con.execute(license_mix_sql("t"))
        names = [d[0] for d in rel.description]
        rows = [dict(zip(names, r)) for r in rel.fetchall()]
    finally:
        con.close()
    assert [
        (r["use_class"], r["spdx"], r["rows"], r["review_rows"], r["combined_rows"], r["sources"])
        for r in rows
    ] == [
        ("commercial", "MIT", 1, 0, 0, ["x"]),
        ("non-commercial", "CC-BY-NC-4.0 AND MIT", 2, 0, 1, ["x", "y"]),
        ("academic-only", "LicenseRef-lakesift-unknown", 1, 1, 0, ["z"]),
    ]
    assert license_summary(rows)["effective"]["use_class"] == "academic-only"


def test_license_mix_sql_refuses_non_identifiers() -> None:
    with pytest.raises(ValueError):
        license_mix_sql("t; DROP TABLE x")


def test_licenses_lines_for_a_lineage_object() -> None:
    summary = license_summary(MIXED)
    lineage = {
        "tables": {
            "docs": {"license": summary, "facets": {FACET_NAME: summary["facet"]}},
            "plain": {"rows": 3},
        }
    }
    lines = licenses_lines(lineage)
    assert lines[0].startswith("docs: academic-only (") and "21 rows, 1 need review" in lines[0]
    assert "commercial=18" in lines[1] and "academic-only=1" in lines[1]
    assert any(line.startswith("  CONFLICT share_alike_mix") for line in lines)
    assert any(line.startswith("  notice: Contains material from wiki") for line in lines)
    assert licenses_lines({"tables": {}}) == ["no license information in this run's lineage"]
