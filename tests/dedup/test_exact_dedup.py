"""exact_dedup: normalisation, keep policies, provenance of survivors and rejects."""

from __future__ import annotations

from typing import Any

import pytest

from operators.base import REJECT_REASON, OpContext
from operators.dedup.exact_dedup import ExactDedup
from schemas.errors import UserError

SCHEMA = "id string, text string, q double, _lic_rank int, _src_ids array<string>"


def _run(spark: Any, rows: list[tuple], **config: Any) -> tuple[dict, dict]:
    df = spark.createDataFrame(rows, SCHEMA)
    out = ExactDedup({"id_column": "id", **config}).transform(df, OpContext(step="exact"))
    collected = {r["id"]: r.asDict() for r in out.collect()}
    kept = {k: v for k, v in collected.items() if v[REJECT_REASON] is None}
    dropped = {k: v for k, v in collected.items() if v[REJECT_REASON] is not None}
    return kept, dropped


def test_default_normalisation_merges_case_whitespace_and_compatibility_forms(spark: Any) -> None:
    rows = [
        ("r1", "The  ﬁle\tis Ready", 0.0, 0, ["a"]),   # ligature fi, double space, tab
        ("r2", "the file is ready ", 0.0, 0, ["b"]),
        ("r3", "ＴＨＥ FILE IS READY", 0.0, 0, ["c"]),  # full-width letters (NFKC folds them)
        ("r4", "the file is ready!", 0.0, 0, ["d"]),   # punctuation kept by default: distinct
    ]
    kept, dropped = _run(spark, rows)
    assert sorted(kept) == ["r1", "r4"]
    assert sorted(dropped) == ["r2", "r3"]
    assert {d["_survivor_ref"] for d in dropped.values()} == {"r1"}
    assert all(d[REJECT_REASON] == "exact_dedup:duplicate" for d in dropped.values())
    assert dropped["r2"]["_cluster_id"] == kept["r1"]["_cluster_id"] != kept["r4"]["_cluster_id"]


def test_punctuation_and_case_options(spark: Any) -> None:
    rows = [("p1", "Hello, World!", 0.0, 0, ["a"]), ("p2", "hello world", 0.0, 0, ["b"])]
    kept, _ = _run(spark, rows)
    assert sorted(kept) == ["p1", "p2"]
    kept, dropped = _run(spark, rows, strip_punctuation=True)
    assert sorted(kept) == ["p1"] and sorted(dropped) == ["p2"]
    kept, _ = _run(spark, rows, strip_punctuation=True, lowercase=False)
    assert sorted(kept) == ["p1", "p2"]


CLUSTER = [
    ("k3", "same text", 0.5, 2, ["s3"]),
    ("k1", "Same  text", 0.9, 1, ["s1"]),
    ("k2", "SAME TEXT", 0.9, 0, ["s2", "s1"]),
    ("k4", "same  text ", None, 0, ["s4"]),
]


@pytest.mark.parametrize(
    ("config", "survivor"),
    [
        ({"keep": "first"}, "k1"),                               # smallest id
        ({"keep": "first", "order_column": "q"}, "k3"),          # smallest q (null last)
        ({"keep": "longest"}, "k4"),                             # 11 raw chars beat 10 and 9
        ({"keep": "quality", "quality_column": "q"}, "k1"),      # q tie 0.9: k1 < k2
        ({"keep": "license"}, "k2"),                             # rank tie 0: k2 < k4
    ],
)
def test_keep_policies_choose_the_expected_survivor(spark: Any, config: dict, survivor: str) -> None:
    kept, dropped = _run(spark, CLUSTER, **config)
    assert list(kept) == [survivor]
    assert {d["_survivor_ref"] for d in dropped.values()} == {survivor}


def test_survivor_keeps_its_sources_and_records_the_duplicates(spark: Any) -> None:
    kept, dropped = _run(spark, CLUSTER, keep="license")
    survivor = kept["k2"]
    assert survivor["_src_ids"] == ["s2", "s1"]        # its own provenance, untouched
    assert survivor["_lic_rank"] == 0
    assert survivor["_dup_src_ids"] == ["s1", "s3", "s4"]  # union of k1, k3, k4 sources
    assert dropped["k3"]["_src_ids"] == ["s3"] and dropped["k3"]["_dup_src_ids"] is None


def test_singletons_get_an_empty_dup_list_and_rows_are_accounted(spark: Any) -> None:
    rows = [*CLUSTER, ("u1", "unique words", 0.1, 3, ["s9"])]
    kept, dropped = _run(spark, rows)
    assert kept["u1"]["_dup_src_ids"] == []
    assert len(kept) + len(dropped) == len(rows)


def test_multi_column_content_and_null_handling(spark: Any) -> None:
    df = spark.createDataFrame(
        [("m1", "a", None), ("m2", "a", None), ("m3", "a", "x"), ("m4", None, "a")],
        "id string, t1 string, t2 string",
    )
    out = ExactDedup({"id_column": "id", "columns": ["t1", "t2"]}).transform(df, OpContext("e"))
    reasons = {r["id"]: r[REJECT_REASON] for r in out.collect()}
    assert reasons == {"m1": None, "m2": "exact_dedup:duplicate", "m3": None, "m4": None}
    assert "_dup_src_ids" not in out.columns   # no provenance input, nothing to record


def test_missing_columns_are_a_user_error(spark: Any) -> None:
    df = spark.createDataFrame([("x", "t")], "id string, body string")
    with pytest.raises(UserError, match="text"):
        ExactDedup({"id_column": "id"}).transform(df, OpContext("e"))
    with pytest.raises(UserError, match="quality_column"):
        ExactDedup({"id_column": "id", "columns": ["body"], "keep": "quality"}).transform(
            df, OpContext("e"))


def test_transform_is_lazy(spark: Any) -> None:
    df = spark.createDataFrame(CLUSTER, SCHEMA)
    tracker = spark.sparkContext.statusTracker()
    before = set(tracker.getJobIdsForGroup())
    ExactDedup({"id_column": "id", "keep": "longest"}).transform(df, OpContext("e"))
    assert set(tracker.getJobIdsForGroup()) == before
