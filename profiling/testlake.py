"""A seeded test lake with known-by-brute-force containment, built from TPC-H and synthetic tables.

``build_test_lake`` copies the TPC-H tables (generated offline by ``tpchgen-cli``) into a lake and
derives tables from them the way analysts do (filters, samples, projections, copies with other
row/column orders and writers, widened types, renamed columns, Hive partitions, chains of these),
adds hard negatives (one row missing, one value changed, injected nulls, a value past the max),
synthetic edge cases (NaN/-0.0, decimals, timestamps, all-null columns, empty and very wide
tables), CSV/JSON copies and, optionally, broken tables. ``n_tables`` and ``scale_factor`` size it:
tens of tables for tests, hundreds and >1 GB for the benchmark. Which pairs are contained is not
recorded here: ``profiling.testlake_truth`` computes it with DuckDB.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from profiling import testlake_derive as derive
from profiling import testlake_special as special
from profiling.testlake_write import (
    folder_bytes,
    write_parquet,
    write_partitioned,
    write_with_duckdb,
)
from profiling.tpch import TPCH_TABLES, generate_tpch, load_plain

HARD_NEGATIVE_MAX_ROWS = 200_000
POOL_MAX_ROWS = 500_000
KINDS: dict[str, int] = {
    "filter": 3, "sample": 3, "project": 3, "copy": 2, "widen": 1, "rename": 1, "recase": 1,
    "partition": 1, "minus_one": 1, "changed": 1, "nulls": 1, "beyond_max": 1,
}
POSITIVE = {"filter", "sample", "project", "copy", "widen", "recase"}


@dataclass
class BuiltLake:
    """What the generator wrote: table ids with their format and how they were made."""

    root: Path
    formats: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    faulty: dict[str, str] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return folder_bytes(self.root)

    @property
    def lake_formats(self) -> list[str]:
        return sorted(set(self.formats.values()))


def build_test_lake(root: Path, n_tables: int = 40, scale_factor: float = 0.01, seed: int = 7,
                    tpch_cache: Path | None = None, faults: bool = True, wide_columns: int = 520) -> BuiltLake:
    """Write the lake under ``root`` (emptied first) and describe it."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    lake = BuiltLake(root)
    bases = _write_tpch(lake, scale_factor, tpch_cache or root.parent / ".tpch-cache")
    _write_special(lake, rng, bases, wide_columns)
    if faults:
        lake.faulty = special.write_faults(root)
    _write_derived(lake, rng, bases, n_tables)
    return lake


def _write_tpch(lake: BuiltLake, scale_factor: float, cache: Path) -> dict[str, pa.Table]:
    files = generate_tpch(scale_factor, cache)
    bases = {}
    for name in TPCH_TABLES:
        target = lake.root / "tpch" / name
        target.mkdir(parents=True)
        shutil.copyfile(files[name], target / "part-00000.parquet")
        _record(lake, f"tpch/{name}", "parquet", f"TPC-H {name} at SF {scale_factor:g} (tpchgen-cli)")
        bases[f"tpch/{name}"] = derive.nullable(load_plain(files[name]))
    return bases


def _record(lake: BuiltLake, table_id: str, fmt: str, note: str) -> None:
    lake.formats[table_id] = fmt
    lake.notes[table_id] = note


def _write_special(lake: BuiltLake, rng: np.random.Generator, bases: dict[str, pa.Table], wide_columns: int) -> None:
    families = {**special.floats(rng), **special.decimals(rng), **special.timestamps(rng),
                **special.all_null(rng), **special.wide(rng, wide_columns),
                **special.empties({"customer": bases["tpch/customer"], "region": bases["tpch/region"]})}
    for name, table in families.items():
        write_parquet(lake.root / "special" / name, table)
        _record(lake, f"special/{name}", "parquet", f"synthetic {name}")
    for name, table in special.appended_partitions(rng).items():
        write_partitioned(lake.root / "special" / name, table, "day")
        _record(lake, f"special/{name}", "parquet", f"synthetic {name} (Hive partitions by day)")
    copies = {"nation_csv": ("csv", bases["tpch/nation"]), "region_csv": ("csv", bases["tpch/region"]),
              "supplier_keys_csv": ("csv", bases["tpch/supplier"].select(["s_suppkey", "s_name", "s_nationkey"])),
              "region_json": ("json", bases["tpch/region"])}
    for name, (fmt, table) in copies.items():
        write_with_duckdb(lake.root / "text" / name, table, fmt)
        _record(lake, f"text/{name}", fmt, f"{fmt} copy written by DuckDB")


def _write_derived(lake: BuiltLake, rng: np.random.Generator, bases: dict[str, pa.Table], n_tables: int) -> None:
    pool = dict(bases)
    kinds, weights = list(KINDS), np.array(list(KINDS.values()), dtype=float)
    counter = 0
    while len(lake.formats) + len(lake.faulty) < n_tables:
        source_id = list(pool)[int(rng.integers(len(pool)))]
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        made = _derive(kind, rng, pool[source_id])
        if made is None or made.num_rows == 0:
            continue
        counter += 1
        table_id = f"derived/{kind}_{counter:04d}"
        _write_table(lake, rng, table_id, kind, made)
        lake.notes[table_id] = f"{kind} of {source_id}"
        if kind in POSITIVE and made.num_rows <= POOL_MAX_ROWS:
            pool[table_id] = made


def _derive(kind: str, rng: np.random.Generator, source: pa.Table) -> pa.Table | None:
    simple: dict[str, Callable[..., pa.Table | None]] = {
        "filter": derive.filter_rows, "sample": derive.sample_rows, "project": derive.project,
        "copy": derive.shuffled_copy, "widen": derive.widen, "rename": derive.rename_one,
        "recase": derive.recase,
        "partition": lambda r, t: t if t.num_columns >= 2 and derive.partition_column(t) else None,
    }
    if kind in simple:
        return simple[kind](rng, source)
    if source.num_rows > HARD_NEGATIVE_MAX_ROWS:
        source = derive.sample_rows(rng, source) or source
        if source.num_rows > HARD_NEGATIVE_MAX_ROWS:
            return None
    negatives = {"minus_one": derive.minus_one_row, "changed": derive.change_one_value,
                 "nulls": derive.inject_nulls, "beyond_max": derive.beyond_max}
    return negatives[kind](rng, source)


def _write_table(lake: BuiltLake, rng: np.random.Generator, table_id: str, kind: str, table: pa.Table) -> None:
    folder = lake.root / table_id
    lake.formats[table_id] = "parquet"
    if kind == "partition":
        write_partitioned(folder, table, derive.partition_column(table) or "")
        return
    style = int(rng.integers(4))
    if style == 0:
        write_with_duckdb(folder, table)
    else:
        write_parquet(folder, table, row_group_size=max(1000, table.num_rows // 3) if style == 1 else None,
                      files=3 if style == 2 and table.num_rows >= 3 else 1)
