"""profile_dataframe on a tiny table with known contents; write_profile to Parquet and HTML."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import duckdb
import pytest

from profiling.column_profile import HISTOGRAM_BUCKETS, profile_dataframe
from profiling.profile_report import write_profile

XSS = "<script>alert('x')</script>"
LONG = "word " * 40  # 200 characters: a "text" column
ROWS = [
    (1, 0.5, "en", LONG, [1, 2], dt.datetime(2024, 1, 1, 12, 0)),
    (2, float("nan"), "en", LONG + "more", [], dt.datetime(2024, 3, 1)),
    (3, 2.5, "de", "short text", None, None),
    (None, None, XSS, None, [3], dt.datetime(2023, 12, 31)),
    (5, -1.0, "en", "x", [4], dt.datetime(2024, 2, 2)),
]
DDL = "id int, score double, lang string, body string, tags array<int>, ts timestamp"


@pytest.fixture(scope="module")
def profile(spark: Any) -> dict[str, dict[str, Any]]:
    df = spark.createDataFrame(ROWS, DDL)
    return {p["column_name"]: p for p in profile_dataframe(df)}


def test_counts_nulls_and_distincts(profile: dict[str, dict[str, Any]]) -> None:
    assert [p["rows"] for p in profile.values()] == [5] * 6
    assert {c: p["nulls"] for c, p in profile.items()} == {
        "id": 1,
        "score": 1,
        "lang": 0,
        "body": 1,
        "tags": 1,
        "ts": 1,
    }
    assert profile["score"]["nan_count"] == 1 and profile["id"]["nan_count"] is None
    assert profile["lang"]["distinct_estimate"] == 3 and profile["id"]["distinct_estimate"] == 4
    assert profile["tags"]["distinct_estimate"] is None  # arrays are not counted


def test_min_max_and_types(profile: dict[str, dict[str, Any]]) -> None:
    assert (profile["id"]["min"], profile["id"]["max"]) == ("1", "5")
    assert profile["ts"]["min"].startswith("2023-12-31") and profile["ts"]["max"].startswith(
        "2024-03-01"
    )
    assert profile["tags"]["type"] == "array<int>" and profile["tags"]["min"] is None


def test_top_values_and_text_columns(profile: dict[str, dict[str, Any]]) -> None:
    assert profile["lang"]["top_values"][0] == {"value": "en", "count": 3}
    assert {v["value"] for v in profile["lang"]["top_values"]} == {"en", "de", XSS}
    assert profile["body"]["top_values"] is None  # mean length above the limit: histogram only


def test_length_histogram_covers_every_value(profile: dict[str, dict[str, Any]]) -> None:
    body = profile["body"]
    assert (body["length_min"], body["length_max"]) == (1, 204)
    buckets = body["length_histogram"]
    assert len(buckets) <= HISTOGRAM_BUCKETS and sum(b["count"] for b in buckets) == 4
    assert buckets[0]["low"] == 1 and buckets[-1]["high"] == 204
    assert all(a["high"] + 1 == b["low"] for a, b in itertools.pairwise(buckets))
    assert buckets[0]["count"] == 2  # "x" and "short text" (10 chars) in the first bucket


def test_empty_table(spark: Any) -> None:
    empty = profile_dataframe(spark.createDataFrame([], "a int, b string"))
    assert [(p["rows"], p["nulls"], p["top_values"]) for p in empty] == [(0, 0, None), (0, 0, None)]


def test_write_profile_parquet_and_escaped_html(
    profile: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    paths = write_profile(list(profile.values()), tmp_path / "out", title="t <b>")
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    rows = con.execute(
        "SELECT column_name, nulls, len(top_values) FROM read_parquet(?) ORDER BY column_name",
        [str(paths["parquet"])],
    ).fetchall()
    assert ("lang", 0, 3) in rows and ("body", 1, None) in rows and len(rows) == 6
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "t &lt;b&gt;" in page and "http" not in page.replace("http-equiv", "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "profile.html",
        "profile.parquet",
    ]
