"""Lake discovery and footer profiling on real Parquet files (no Spark needed)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from profiling.lake import profile_lake_records
from profiling.records import column_rows, table_row
from schemas.containment import normalise_column_name


def _profiles(root: Path, formats: list[str] | None = None) -> dict[str, object]:
    return {p.location.table_id: p for p in profile_lake_records(None, root, formats or ["parquet"])}


def _columns(profile: object) -> dict[str, dict[str, object]]:
    return {c["column_name"]: c for c in column_rows(profile)}  # type: ignore[arg-type]


def test_normalised_names_fold_case_width_and_punctuation() -> None:
    assert normalise_column_name(" Order-ID ") == "order_id"
    assert normalise_column_name("ＯｒｄｅｒＩＤ") == "orderid"  # full-width letters (NFKC)
    assert normalise_column_name("Größe") == "grösse"
    assert normalise_column_name("a  b__c") == "a_b_c"


def test_tables_partitions_and_footer_statistics(tmp_path: Path) -> None:
    pq.write_table(pa.table({"x": [3, 1, 2], "s": ["b", None, "a"]}), _mk(tmp_path / "t" / "f.parquet"))
    pq.write_table(pa.table({"x": [5, 6]}), _mk(tmp_path / "p" / "year=2024" / "a.parquet"))
    pq.write_table(pa.table({"x": [7]}), _mk(tmp_path / "p" / "year=2025" / "b.parquet"))
    (tmp_path / "t" / "_SUCCESS").write_text("")
    profiles = _profiles(tmp_path)
    assert sorted(profiles) == ["p", "t"]
    t = _columns(profiles["t"])
    assert (t["x"]["min_value"], t["x"]["max_value"], t["x"]["null_count"]) == ("1", "3", 0)
    assert (t["s"]["min_value"], t["s"]["max_value"], t["s"]["null_count"]) == ("a", "b", 1)
    p_row = table_row(profiles["p"])  # type: ignore[arg-type]
    assert p_row["num_rows"] == 3 and p_row["partition_columns"] == ["year"]
    year = _columns(profiles["p"])["year"]
    assert (year["spark_type"], year["min_value"], year["max_value"], year["stats_status"]) == (
        "bigint", "2024", "2025", "exact")


def _mk(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_hundreds_of_footers_in_well_under_a_second(tmp_path: Path) -> None:
    table = pa.table({"a": list(range(50)), "b": [f"v{i}" for i in range(50)], "c": [1.5] * 50})
    for t in range(20):
        for f in range(15):
            pq.write_table(table, _mk(tmp_path / f"t{t:02d}" / f"part-{f}.parquet"))
    started = time.monotonic()
    profiles = _profiles(tmp_path)
    elapsed = time.monotonic() - started
    assert len(profiles) == 20 and all(p.status == "ok" for p in profiles.values())  # type: ignore[attr-defined]
    assert elapsed < 1.0, f"300 footers took {elapsed:.2f}s"


@pytest.mark.parametrize("fault, reason", [
    ("truncated", "unreadable Parquet footer"), ("corrupt_footer", "unreadable Parquet footer"),
    ("not_parquet", "unreadable Parquet footer"), ("drift", "schema drift"),
    ("case", "collide"), ("foreign", "not a parquet file"), ("nanos", "nanosecond"),
])
def test_broken_tables_are_quarantined_with_a_reason(tmp_path: Path, fault: str, reason: str) -> None:
    folder = tmp_path / "bad"
    pq.write_table(pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]}), _mk(folder / "part-0.parquet"))
    _break(folder, fault)
    profile = _profiles(tmp_path)["bad"]
    assert profile.status == "quarantined"  # type: ignore[attr-defined]
    assert any(reason in r for _, r in profile.problems), profile.problems  # type: ignore[attr-defined]


def _break(folder: Path, fault: str) -> None:
    first = folder / "part-0.parquet"
    data = first.read_bytes()
    if fault == "truncated":
        first.write_bytes(data[: len(data) // 2])
    elif fault == "corrupt_footer":
        size = int.from_bytes(data[-8:-4], "little")
        first.write_bytes(data[: -8 - size] + bytes(b ^ 0xFF for b in data[-8 - size: -8]) + data[-8:])
    elif fault == "not_parquet":
        (folder / "part-1.parquet").write_text("a,b\n1,x\n")
    elif fault == "drift":
        pq.write_table(pa.table({"a": ["1"], "b": ["x"]}), folder / "part-1.parquet")
    elif fault == "case":
        pq.write_table(pa.table({"Id": [1], "id": [2]}), first)
    elif fault == "foreign":
        (folder / "README.txt").write_text("notes")
    elif fault == "nanos":
        pq.write_table(pa.table({"t": pa.array([dt.datetime(2024, 1, 1)], pa.timestamp("ns"))}), first)


def test_untrustworthy_statistics_are_flagged(tmp_path: Path) -> None:
    stamps = pa.array([dt.datetime(2024, 1, 1, 1)], pa.timestamp("us", tz="UTC"))
    pq.write_table(pa.table({"ts": stamps}), _mk(tmp_path / "i96" / "a.parquet"), use_deprecated_int96_timestamps=True)
    pq.write_table(pa.table({"f": [float("nan")] * 3, "n": pa.array([None] * 3, pa.int64()), "z": [-0.0, 0.0, 1.0]}),
                   _mk(tmp_path / "floats" / "a.parquet"))
    con = duckdb.connect(config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    _mk(tmp_path / "long" / "x")
    con.execute(f"COPY (SELECT repeat('x', 300) || i::VARCHAR AS s FROM range(5) t(i)) TO '{tmp_path}/long/a.parquet'")
    profiles = _profiles(tmp_path)
    assert _columns(profiles["i96"])["ts"]["stats_status"] == "untrusted_int96"
    assert _columns(profiles["i96"])["ts"]["spark_type"] == "timestamp"
    floats = _columns(profiles["floats"])
    assert floats["f"]["stats_status"] in ("missing", "untrusted_nan")
    assert floats["n"]["stats_status"] == "all_null" and floats["n"]["null_count"] == 3
    assert (floats["z"]["min_value"], floats["z"]["max_value"]) == ("-0.0", "1.0")
    assert _columns(profiles["long"])["s"]["stats_status"] == "truncated"  # DuckDB cuts at 256 bytes


def test_text_and_parquet_tables_are_discovered_by_format(tmp_path: Path) -> None:
    _mk(tmp_path / "c" / "x").parent.mkdir(exist_ok=True)
    (tmp_path / "c" / "a.csv").write_text("k,v\n1,a\n")
    pq.write_table(pa.table({"k": [1]}), _mk(tmp_path / "p" / "a.parquet"))
    assert sorted(p.location.format for p in profile_lake_records(None, tmp_path, ["parquet"])) == ["parquet"]
