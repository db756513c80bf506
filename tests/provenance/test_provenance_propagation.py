"""Provenance columns through joins, unions, filters, group-bys and exact dedup (hand-computed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from operators.base import REJECT_REASON, OpContext
from operators.registry import get_operator
from provenance.columns import attach_provenance
from provenance.lineage_license import license_mix_sql, license_summary
from provenance.policy import LicenseVerdict
from schemas.provenance import PROVENANCE_COLUMNS, PROVENANCE_DDL

MIT = LicenseVerdict("MIT", 0, attribution=True)
NC = LicenseVerdict("CC-BY-NC-4.0", 2, attribution=True)
SA = LicenseVerdict("CC-BY-SA-4.0", 0, attribution=True, share_alike=True)
ND = LicenseVerdict("CC-BY-ND-4.0", 0, attribution=True, no_derivatives=True, review=True)


def prov(
    ids: list[str],
    ref: str,
    rank: int,
    spdx: str,
    attr: bool = True,
    sa: bool = False,
    nd: bool = False,
    review: bool = False,
) -> dict[str, Any]:
    """Expected provenance of one row, written by hand."""
    return dict(zip(PROVENANCE_COLUMNS, (ids, ref, rank, spdx, attr, sa, nd, review)))


def table(
    spark: Any, ddl: str, rows: list[tuple[Any, ...]], source: str, verdict: LicenseVerdict
) -> Any:
    return attach_provenance(
        spark.createDataFrame(rows, ddl), source, verdict, ref_mode="id", id_column="id"
    )


def by_key(df: Any, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row.asDict(recursive=True) for row in df.collect()}


def only_prov(row: dict[str, Any]) -> dict[str, Any]:
    return {c: row[c] for c in PROVENANCE_COLUMNS}


@pytest.fixture(scope="module")
def frames(spark: Any) -> dict[str, Any]:
    docs = table(
        spark,
        "id int, text string, lang string",
        [(1, "hello", "en"), (2, "world", "en"), (3, "bonjour", "fr")],
        "A",
        MIT,
    )
    labels = table(spark, "id int, label string", [(1, "x"), (2, "y"), (4, "z")], "B", NC)
    more = table(
        spark, "id int, text string, lang string", [(10, "hi", "en"), (11, "hallo", "de")], "C", SA
    )
    nd_rows = table(spark, "id int, text string, lang string", [(20, "servus", "de")], "D", ND)
    return {"docs": docs, "labels": labels, "more": more, "nd_rows": nd_rows}


def run(op: str, config: dict[str, Any], df: Any, frames: dict[str, Any]) -> Any:
    return get_operator(op)(config).transform(df, OpContext(step="s", tables=frames))


def test_attached_columns_have_the_schema_types(frames: dict[str, Any]) -> None:
    types = dict(frames["docs"].dtypes)
    assert [c for c in frames["docs"].columns[-8:]] == list(PROVENANCE_COLUMNS)
    assert {c: types[c] for c in PROVENANCE_COLUMNS} == PROVENANCE_DDL
    assert only_prov(by_key(frames["docs"], "id")[3]) == prov(["A"], "A:3", 0, "MIT")


def test_left_join_unions_matched_rows_and_keeps_unmatched(frames: dict[str, Any]) -> None:
    out = by_key(
        run(
            "join_tables",
            {"right": "labels", "keys": ["id"], "how": "left"},
            frames["docs"],
            frames,
        ),
        "id",
    )
    both = "CC-BY-NC-4.0 AND MIT"
    assert {k: only_prov(v) for k, v in out.items()} == {
        1: prov(["A", "B"], "A:1", 2, both),
        2: prov(["A", "B"], "A:2", 2, both),
        3: prov(["A"], "A:3", 0, "MIT"),
    }
    assert (out[1]["label"], out[3]["label"]) == ("x", None)


def test_inner_and_full_joins(frames: dict[str, Any]) -> None:
    inner = by_key(
        run("join_tables", {"right": "labels", "keys": ["id"]}, frames["docs"], frames), "id"
    )
    assert sorted(inner) == [1, 2] and inner[2][PROVENANCE_COLUMNS[0]] == ["A", "B"]
    full = by_key(
        run(
            "join_tables",
            {"right": "labels", "keys": ["id"], "how": "full"},
            frames["docs"],
            frames,
        ),
        "id",
    )
    assert only_prov(full[4]) == prov(["B"], "B:4", 2, "CC-BY-NC-4.0")
    assert only_prov(full[3]) == prov(["A"], "A:3", 0, "MIT")


def test_semi_and_anti_joins_keep_left_provenance(frames: dict[str, Any]) -> None:
    semi = by_key(
        run(
            "join_tables",
            {"right": "labels", "keys": ["id"], "how": "semi"},
            frames["docs"],
            frames,
        ),
        "id",
    )
    anti = by_key(
        run(
            "join_tables",
            {"right": "labels", "keys": ["id"], "how": "anti"},
            frames["docs"],
            frames,
        ),
        "id",
    )
    assert {k: only_prov(v) for k, v in semi.items()} == {
        1: prov(["A"], "A:1", 0, "MIT"),
        2: prov(["A"], "A:2", 0, "MIT"),
    }
    assert list(anti) == [3] and "label" not in anti[3]


def test_join_prefixes_clashing_right_columns(spark: Any, frames: dict[str, Any]) -> None:
    other = table(spark, "id int, text string", [(1, "other")], "C", SA)
    out = run(
        "join_tables",
        {"right": "other", "keys": ["id"]},
        frames["docs"],
        {**frames, "other": other},
    )
    row = out.collect()[0].asDict()
    assert (row["text"], row["right_text"]) == ("hello", "other")
    assert row["_lic_spdx"] == "CC-BY-SA-4.0 AND MIT" and row["_lic_sa"] is True


def test_union_rows_keep_their_own_provenance(frames: dict[str, Any]) -> None:
    out = by_key(run("union_tables", {"others": ["more", "nd_rows"]}, frames["docs"], frames), "id")
    assert sorted(out) == [1, 2, 3, 10, 11, 20]
    assert only_prov(out[10]) == prov(["C"], "C:10", 0, "CC-BY-SA-4.0", sa=True)
    assert only_prov(out[20]) == prov(["D"], "D:20", 0, "CC-BY-ND-4.0", nd=True, review=True)


def test_group_by_unions_provenance_per_group(frames: dict[str, Any]) -> None:
    union = run("union_tables", {"others": ["more", "nd_rows"]}, frames["docs"], frames)
    config = {"keys": ["lang"], "aggregations": [{"fn": "count"}, {"fn": "max", "column": "id"}]}
    out = by_key(run("group_by", config, union, frames), "lang")
    assert {k: (v["count"], v["max_id"]) for k, v in out.items()} == {
        "en": (3, 10),
        "fr": (1, 3),
        "de": (2, 20),
    }
    assert only_prov(out["en"]) == prov(["A", "C"], "A:1", 0, "CC-BY-SA-4.0 AND MIT", sa=True)
    assert only_prov(out["fr"]) == prov(["A"], "A:3", 0, "MIT")
    assert only_prov(out["de"]) == prov(
        ["C", "D"], "C:11", 0, "CC-BY-ND-4.0 AND CC-BY-SA-4.0", sa=True, nd=True, review=True
    )


def test_filters_keep_rows_own_provenance(frames: dict[str, Any]) -> None:
    joined = run(
        "join_tables", {"right": "labels", "keys": ["id"], "how": "left"}, frames["docs"], frames
    )
    expected = {k: only_prov(v) for k, v in by_key(joined, "id").items()}
    marked = by_key(run("license_filter", {"max_use_class": "commercial"}, joined, frames), "id")
    assert {k: v[REJECT_REASON] for k, v in marked.items()} == {
        1: "license_filter:max_use_class",
        2: "license_filter:max_use_class",
        3: None,
    }
    assert {k: only_prov(v) for k, v in marked.items()} == expected
    where = by_key(joined.where("id >= 2"), "id")
    assert {k: only_prov(v) for k, v in where.items()} == {k: expected[k] for k in (2, 3)}
    rows = by_key(run("filter_rows", {"expr": "id >= 2"}, joined, frames), "id")
    assert {k: only_prov(v) for k, v in rows.items()} == expected and rows[1][
        REJECT_REASON
    ] == "filter_rows"


def test_license_filter_rules_and_precedence(spark: Any, frames: dict[str, Any]) -> None:
    nc_sa = table(spark, "id int", [(30,)], "E", LicenseVerdict("CC-BY-NC-SA-4.0", 2, True, True))
    tables = {**frames, "nc_sa": nc_sa}
    union = run(
        "union_tables",
        {"others": ["labels", "more", "nd_rows", "nc_sa"], "allow_missing_columns": True},
        frames["docs"],
        tables,
    )
    config = {"max_use_class": "commercial", "exclude_share_alike": True, "exclude_review": True}
    marked = run("license_filter", config, union, tables)
    reasons = {k: v[REJECT_REASON] for k, v in by_key(marked, "_src_ref").items()}
    cls, sa, review = (
        "license_filter:max_use_class",
        "license_filter:share_alike",
        "license_filter:review",
    )
    assert reasons == {
        "A:1": None,
        "A:2": None,
        "A:3": None,
        "B:1": cls,
        "B:2": cls,
        "B:4": cls,
        "C:10": sa,
        "C:11": sa,
        "D:20": review,
        "E:30": cls,
    }
    lenient = run("license_filter", {"max_use_class": "non-commercial"}, union, tables)
    assert all(v[REJECT_REASON] is None for v in by_key(lenient, "_src_ref").values())


@pytest.mark.slow
def test_exact_dedup_keeps_survivor_provenance_and_records_duplicates(spark: Any) -> None:
    a = table(spark, "id int, text string", [(1, "hello"), (2, "other")], "A", MIT)
    b = table(spark, "id int, text string", [(5, "Hello")], "B", NC)
    marked = get_operator("exact_dedup")({"columns": ["text"], "keep": "license"}).transform(
        a.unionByName(b), OpContext(step="dedup")
    )
    rows = {r["_src_ref"]: r.asDict(recursive=True) for r in marked.collect()}
    assert only_prov(rows["A:1"]) == prov(["A"], "A:1", 0, "MIT")
    assert rows["A:1"]["_dup_src_ids"] == ["B"] and rows["A:1"][REJECT_REASON] is None
    assert rows["B:5"][REJECT_REASON] == "exact_dedup:duplicate"
    assert only_prov(rows["B:5"]) == prov(["B"], "B:5", 2, "CC-BY-NC-4.0")
    assert rows["A:2"]["_dup_src_ids"] == [] and rows["A:2"][REJECT_REASON] is None


def _effective_use_class(df: Any, folder: Path) -> str:
    df.drop(REJECT_REASON).coalesce(1).write.parquet(str(folder))
    files = sorted(str(p) for p in folder.glob("part-*.parquet"))
    con = duckdb.connect(
        config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    )
    try:
        con.execute(f"CREATE VIEW published AS SELECT * FROM read_parquet({files!r})")
        rel = con.execute(license_mix_sql("published"))
        names = [d[0] for d in rel.description]
        groups = [dict(zip(names, r)) for r in rel.fetchall()]
    finally:
        con.close()
    return str(license_summary(groups)["effective"]["use_class"])


def test_license_filter_makes_the_output_commercial(frames: dict[str, Any], tmp_path: Path) -> None:
    joined = run(
        "join_tables", {"right": "labels", "keys": ["id"], "how": "full"}, frames["docs"], frames
    )
    marked = run("license_filter", {"max_use_class": "commercial"}, joined, frames)
    kept = marked.where(f"{REJECT_REASON} IS NULL")
    assert _effective_use_class(kept, tmp_path / "filtered") == "commercial"
    assert _effective_use_class(joined, tmp_path / "unfiltered") == "non-commercial"


@pytest.mark.parametrize(
    ("op", "config"),
    [
        ("join_tables", {"right": "labels", "keys": ["id"], "how": "full"}),
        ("join_tables", {"right": "labels", "keys": ["id"], "how": "semi"}),
        ("union_tables", {"others": ["more"]}),
        (
            "group_by",
            {"keys": ["lang"], "aggregations": [{"fn": "count_distinct", "column": "text"}]},
        ),
        ("license_filter", {"max_use_class": "unspecified", "exclude_no_derivatives": True}),
        ("attribution_report", {}),
    ],
)
def test_transforms_start_no_spark_job(
    spark: Any, frames: dict[str, Any], op: str, config: dict[str, Any]
) -> None:
    sc = spark.sparkContext
    group = f"no-job-{op}-{len(config)}"
    sc.setJobGroup(group, "transform must stay lazy")
    try:
        out = run(op, config, frames["docs"], frames)
        assert out.columns
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    assert list(sc.statusTracker().getJobIdsForGroup(group)) == []


def test_attribution_report_has_one_row_per_source_and_license(frames: dict[str, Any]) -> None:
    joined = run(
        "join_tables", {"right": "labels", "keys": ["id"], "how": "full"}, frames["docs"], frames
    )
    report = run("attribution_report", {}, joined, frames)
    rows = {(r["source_id"], r["spdx"]): r.asDict(recursive=True) for r in report.collect()}
    both = "CC-BY-NC-4.0 AND MIT"
    assert {k: v["rows"] for k, v in rows.items()} == {
        ("A", both): 2,
        ("B", both): 2,
        ("A", "MIT"): 1,
        ("B", "CC-BY-NC-4.0"): 1,
    }
    assert rows[("A", "MIT")]["notice"] == (
        "Contains material from A used under MIT. Credit the listed sources (attribution required)."
    )
    assert rows[("B", both)]["_src_ids"] == ["A", "B"] and rows[("B", both)]["_lic_rank"] == 2


def test_join_rejects_unknown_tables_and_columns(frames: dict[str, Any]) -> None:
    from schemas.errors import UserError

    with pytest.raises(UserError, match="unknown table 'nope'"):
        run("join_tables", {"right": "nope", "keys": ["id"]}, frames["docs"], frames)
    with pytest.raises(UserError, match="unknown column"):
        run("join_tables", {"right": "labels", "keys": ["lang"]}, frames["docs"], frames)
    with pytest.raises(ValueError):
        get_operator("group_by")({"keys": ["_src_ids"]})
    with pytest.raises(ValueError):
        get_operator("group_by")(
            {"keys": ["lang"], "aggregations": [{"fn": "median", "column": "id"}]}
        )


def test_job_group_check_detects_an_action(spark: Any, frames: dict[str, Any]) -> None:
    sc = spark.sparkContext
    sc.setJobGroup("control-action", "an action must be seen")
    try:
        frames["docs"].count()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    assert list(sc.statusTracker().getJobIdsForGroup("control-action")) != []
