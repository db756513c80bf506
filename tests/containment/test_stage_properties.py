"""Property: schema containment and min/max pruning never lose a truly contained pair.

Random small tables (random column subsets, narrower integer types, nulls, NaN, -0.0, empty
tables) are written as real Parquet files and profiled from their footers; the truth is computed
here in plain Python with the design's equality (NULL = NULL, NaN = NaN, -0.0 = 0.0).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operators.containment._config import Semantics
from operators.containment._profiles import infos_from_rows
from operators.containment.minmax_prune import MinmaxPruneConfig, refutation
from operators.containment.schema_containment import candidate_pairs
from profiling.lake import profile_lake_records
from profiling.records import column_rows, table_row

COLUMNS = {"a": pa.int64(), "b": pa.int32(), "c": pa.string(), "d": pa.float64()}
VALUES = {
    "a": st.one_of(st.none(), st.integers(-3, 3)),
    "b": st.one_of(st.none(), st.integers(-3, 3)),
    "c": st.one_of(st.none(), st.sampled_from(["x", "y", "z", ""])),
    "d": st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, float("nan"), -2.0])),
}


@st.composite
def tables(draw: Any) -> tuple[dict[str, pa.DataType], list[dict[str, Any]]]:
    names = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=4, unique=True))
    types = {n: (pa.int64() if n == "b" and draw(st.booleans()) else COLUMNS[n]) for n in names}
    rows = draw(st.lists(st.fixed_dictionaries({n: VALUES[n] for n in names}), max_size=6))
    return types, rows


def _key(value: Any) -> Any:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else value + 0.0
    return value


def _contained(child: tuple[dict, list], parent: tuple[dict, list]) -> bool:
    ctypes, crows = child
    ptypes, prows = parent
    if not crows or not prows or not set(ctypes) <= set(ptypes):
        return False
    if any(ctypes[n] == pa.int64() and ptypes[n] == pa.int32() for n in ctypes):
        return False
    names = sorted(ctypes)
    have = {tuple(_key(r[n]) for n in names) for r in prows}
    return all(tuple(_key(r[n]) for n in names) in have for r in crows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tables(), min_size=2, max_size=5))
def test_stages_one_and_two_keep_every_true_edge(lake: list[tuple[dict, list]]) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        for i, (types, rows) in enumerate(lake):
            (root / f"t{i}").mkdir()
            schema = pa.schema([pa.field(n, t) for n, t in types.items()])
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), root / f"t{i}" / "part-0.parquet")
        profiles = profile_lake_records(None, root, ["parquet"])
        infos = infos_from_rows([table_row(p) for p in profiles], [r for p in profiles for r in column_rows(p)])
    finally:
        shutil.rmtree(root)
    pairs = {p.key: p for p in candidate_pairs(infos, {}, Semantics())[0]}
    for i, child in enumerate(lake):
        for j, parent in enumerate(lake):
            if i != j and _contained(child, parent):
                pair = pairs.get((f"t{j}", f"t{i}"))
                assert pair is not None, f"schema stage lost t{j} >= t{i}"
                assert refutation(pair, infos[pair.parent], infos[pair.child], MinmaxPruneConfig()) is None
