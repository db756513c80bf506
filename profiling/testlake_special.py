"""Synthetic tables for the cases TPC-H lacks: NaN/-0.0, decimals of several scales, timestamps
and dates, all-null columns, empty tables, very wide tables; and deliberately broken files."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from profiling.testlake_derive import rows


def floats(rng: np.random.Generator, n: int = 400) -> dict[str, pa.Table]:
    x = rng.normal(size=n).round(3)
    x[rng.choice(n, n // 20, replace=False)] = np.nan
    x[rng.choice(n, n // 20, replace=False)] = 0.0
    base = pa.table({"k": np.arange(n, dtype="int64"), "x": x, "y": rng.normal(size=n).astype("float32")})
    sub = rows(base, rng.choice(n, n // 3, replace=False))
    negzero = sub.set_column(1, "x", pa.array([-0.0 if v == 0.0 else v for v in sub["x"].to_numpy()]))
    valued = [i for i, v in enumerate(sub["x"].to_pylist()) if not math.isnan(v) and v != 0.0]
    nan_values = sub["x"].to_numpy().copy()
    nan_values[valued[0]] = np.nan
    return {"float_base": base, "float_negzero": negzero,
            "float_nan_where_value": sub.set_column(1, "x", pa.array(nan_values))}


def decimals(rng: np.random.Generator, n: int = 300) -> dict[str, pa.Table]:
    from decimal import Decimal

    cents = rng.integers(-10**9, 10**9, size=n)
    amounts = [Decimal(int(c)).scaleb(-2) for c in cents]
    base = pa.table({"id": np.arange(n, dtype="int64"), "amount": pa.array(amounts, pa.decimal128(12, 2))})
    small = rows(base, np.flatnonzero(np.abs(cents) < 10**7))
    return {
        "dec_base": base,
        "dec_narrow": small.cast(pa.schema([pa.field("id", pa.int64()), pa.field("amount", pa.decimal128(10, 2))])),
        "dec_wide": base.cast(pa.schema([pa.field("id", pa.int64()), pa.field("amount", pa.decimal128(14, 3))])),
        "dec_scale3": pa.table({"id": base["id"], "amount": pa.array(
            [a + Decimal("0.001") for a in amounts], pa.decimal128(12, 3))}),
    }


def timestamps(rng: np.random.Generator, n: int = 300) -> dict[str, pa.Table]:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    offsets = rng.integers(0, 86400 * 60, size=n) * 1_000_000
    offsets[: n // 5] = (offsets[: n // 5] // 86_400_000_000) * 86_400_000_000  # some at midnight
    stamps = [start + dt.timedelta(microseconds=int(o)) for o in offsets]
    base = pa.table({"id": np.arange(n, dtype="int64"), "ts": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                     "day": pa.array([s.date() for s in stamps], pa.date32())})
    sub = rows(base, rng.choice(n, n // 4, replace=False))
    shifted = sub["ts"].to_pylist()
    shifted[0] = shifted[0] + dt.timedelta(microseconds=1)
    midnight = [s.date() for s in stamps[: n // 5]]
    return {"ev_base": base, "ev_subset": sub,
            "ev_shifted": sub.set_column(1, "ts", pa.array(shifted, pa.timestamp("us", tz="UTC"))),
            "ev_dates": pa.table({"ts": pa.array(midnight, pa.date32())})}


def all_null(rng: np.random.Generator, n: int = 50) -> dict[str, pa.Table]:
    base = pa.table({"k": np.arange(n, dtype="int64"), "note": pa.array([None] * n, pa.string())})
    child = rows(base, rng.choice(n, n // 2, replace=False))
    filled = child.set_column(1, "note", pa.array(["x"] * child.num_rows, pa.string()))
    return {"allnull_base": base, "allnull_child": child, "allnull_filled": filled}


def appended_partitions(rng: np.random.Generator, n: int = 250) -> dict[str, pa.Table]:
    """A daily-partitioned table and the same table after two more days were appended."""
    day = np.repeat(np.arange(1, 6, dtype="int64"), n // 5)
    table = pa.table({"day": day, "reading": rng.integers(0, 10_000, size=day.size)})
    return {"daily_3_days": table.filter(pc.less_equal(table["day"], 3)), "daily_5_days": table}


def empties(templates: dict[str, pa.Table]) -> dict[str, pa.Table]:
    return {f"empty_{name}": t.slice(0, 0) for name, t in templates.items()}


def wide(rng: np.random.Generator, columns: int = 520, n: int = 200) -> dict[str, pa.Table]:
    data = {f"c{i:03d}": rng.integers(0, 1000, size=n) for i in range(columns)}
    base = pa.table(data)
    proj = rows(base.select([f"c{i:03d}" for i in range(0, columns, 13)]), rng.choice(n, n // 2, replace=False))
    changed = base.to_pydict()
    changed["c007"][5] = changed["c007"][6] if changed["c007"][5] != changed["c007"][6] else changed["c007"][7]
    return {"wide_base": base, "wide_proj": proj, "wide_changed": pa.table(changed)}


def write_faults(root: Path) -> dict[str, str]:
    """Broken tables, each with the quarantine reason fragment it must produce."""
    good = pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    faults = {
        "fault_truncated": "unreadable Parquet footer", "fault_corrupt_footer": "unreadable Parquet footer",
        "fault_not_parquet": "unreadable Parquet footer", "fault_drift": "schema drift",
        "fault_case": "collide", "fault_foreign": "not a parquet file",
    }
    for name in faults:
        (root / name).mkdir(parents=True, exist_ok=True)
        pq.write_table(good, root / name / "part-0.parquet")
    _truncate(root / "fault_truncated" / "part-0.parquet")
    _corrupt_footer(root / "fault_corrupt_footer" / "part-0.parquet")
    (root / "fault_not_parquet" / "part-1.parquet").write_text("a,b\n1,x\n")
    pq.write_table(pa.table({"a": ["1"], "b": ["x"]}), root / "fault_drift" / "part-1.parquet")
    pq.write_table(pa.table({"Id": [1], "id": [2]}), root / "fault_case" / "part-0.parquet")
    (root / "fault_foreign" / "notes.txt").write_text("not data\n")
    return faults


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt_footer(path: Path) -> None:
    data = bytearray(path.read_bytes())
    footer_len = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - footer_len
    for i in range(start, start + footer_len, 3):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
