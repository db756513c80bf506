"""Derivations analysts make from a table: subsets, projections, copies, type and name changes,
partitions, and the hard negatives that look contained but are not.

Every function takes a seeded ``numpy.random.Generator`` and an Arrow table and returns a new Arrow
table (or None when the derivation does not apply). Nothing here says which pairs are contained:
the ground truth is computed separately by brute force.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.types as pat


def nullable(table: pa.Table) -> pa.Table:
    return table.cast(pa.schema([pa.field(f.name, f.type) for f in table.schema]))


def rows(table: pa.Table, index: np.ndarray) -> pa.Table:
    return table.take(pa.array(np.sort(index).astype("int64")))


def ordered_columns(table: pa.Table) -> list[str]:
    return [f.name for f in table.schema if _orderable(f.type)]


def _orderable(t: pa.DataType) -> bool:
    return pat.is_integer(t) or pat.is_decimal(t) or pat.is_date(t) or pat.is_floating(t) or pat.is_timestamp(t)


def _as_number(values: Any) -> Any:
    if pat.is_date32(values.type):
        return values.cast(pa.int32()).cast(pa.int64())
    if pat.is_temporal(values.type):
        return values.cast(pa.int64())
    return values.cast(pa.float64())


def filter_rows(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    """Rows whose value in one ordered column is at most a random quantile."""
    columns = ordered_columns(table)
    if not columns or table.num_rows < 4:
        return None
    column = columns[int(rng.integers(len(columns)))]
    numbers = _as_number(table[column])
    threshold = pc.quantile(pc.drop_null(numbers), q=float(rng.uniform(0.1, 0.7)))[0].as_py()
    return table.filter(pc.less_equal(numbers, threshold))


def sample_rows(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    if table.num_rows < 4:
        return None
    k = max(1, int(table.num_rows * rng.uniform(0.05, 0.5)))
    return rows(table, rng.choice(table.num_rows, k, replace=False))


def project(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    if table.num_columns < 2:
        return None
    k = int(rng.integers(1, table.num_columns))
    names = list(rng.choice(table.column_names, k, replace=False))
    return table.select(names)


def shuffled_copy(rng: np.random.Generator, table: pa.Table) -> pa.Table:
    """The same rows and columns, in another order."""
    order = rng.permutation(table.num_rows)
    columns = list(rng.permutation(table.column_names))
    return table.take(pa.array(order.astype("int64"))).select(columns)


def widen(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    """Lossless wider types: integers to int64, decimals two digits wider, dates to timestamps."""
    fields, changed = [], False
    for f in table.schema:
        wider = _wider(f.type)
        changed = changed or wider != f.type
        fields.append(pa.field(f.name, wider))
    return table.cast(pa.schema(fields)) if changed else None


def _wider(t: pa.DataType) -> pa.DataType:
    if pat.is_integer(t) and t != pa.int64():
        return pa.int64()
    if pat.is_decimal(t) and t.precision <= 36:
        return pa.decimal128(t.precision + 2, t.scale)
    if pat.is_date32(t):
        return pa.timestamp("us")
    if pat.is_float32(t):
        return pa.float64()
    return t


def rename_one(rng: np.random.Generator, table: pa.Table) -> pa.Table:
    names = list(table.column_names)
    i = int(rng.integers(len(names)))
    names[i] = names[i] + "_v2"
    return table.rename_columns(names)


def recase(rng: np.random.Generator, table: pa.Table) -> pa.Table:
    """Names that differ only in case and punctuation (they normalise to the same names)."""
    return table.rename_columns([" " + n.upper().replace("_", "-") for n in table.column_names])


def minus_one_row(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    """The table without one row whose removal changes no column's min, max or null count."""
    if table.num_rows < 3:
        return None
    for _ in range(20):
        i = int(rng.integers(table.num_rows))
        candidate = table.take(pa.array([j for j in range(table.num_rows) if j != i]))
        if _same_stats(table, candidate) and not _row_repeated(table, i):
            return candidate
    return None


def _row_repeated(table: pa.Table, i: int) -> bool:
    row = table.slice(i, 1).to_pylist()[0]
    return sum(1 for r in table.to_pylist() if r == row) > 1 if table.num_rows < 5000 else False


def _same_stats(a: pa.Table, b: pa.Table) -> bool:
    for name in a.column_names:
        x, y = a[name], b[name]
        if x.null_count != y.null_count:
            return False
        if (_orderable(x.type) or pat.is_string(x.type)) and pc.min_max(x) != pc.min_max(y):
            return False
    return True


def change_one_value(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    """One value replaced by another value of the same column (bounds unchanged)."""
    if table.num_rows < 3:
        return None
    name = table.column_names[int(rng.integers(table.num_columns))]
    values = table[name].to_pylist()
    i, j = (int(v) for v in rng.choice(len(values), 2, replace=False))
    if values[i] == values[j]:
        return None
    values[i] = values[j]
    return table.set_column(table.column_names.index(name), name, pa.array(values, table[name].type))


def inject_nulls(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    candidates = [n for n in table.column_names if table[n].null_count == 0]
    if not candidates or table.num_rows < 2:
        return None
    name = candidates[int(rng.integers(len(candidates)))]
    values = table[name].to_pylist()
    for i in rng.choice(len(values), min(3, len(values)), replace=False):
        values[int(i)] = None
    return table.set_column(table.column_names.index(name), name, pa.array(values, table[name].type))


def beyond_max(rng: np.random.Generator, table: pa.Table) -> pa.Table | None:
    numeric = [f.name for f in table.schema if pat.is_integer(f.type) or pat.is_floating(f.type)]
    if not numeric or table.num_rows < 1:
        return None
    name = numeric[int(rng.integers(len(numeric)))]
    values: list[Any] = table[name].to_pylist()
    top = pc.max(table[name]).as_py()
    values[int(rng.integers(len(values)))] = (top or 0) + 1
    return table.set_column(table.column_names.index(name), name, pa.array(values, table[name].type))


def partition_column(table: pa.Table) -> str | None:
    """A low-cardinality integer column to partition by (2 to 30 values, no nulls)."""
    for f in table.schema:
        if pat.is_integer(f.type) and table[f.name].null_count == 0:
            distinct = len(pc.unique(table[f.name]))
            if 2 <= distinct <= 30:
                return f.name
    return None
