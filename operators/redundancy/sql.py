"""Rendering rebuild recipes as DuckDB and Spark SQL (quoting, typed literals, row fingerprints).

A recipe reads the parent, casts every needed parent column to the child's type under the
child's name, then filters (an inferred predicate, or membership of a row fingerprint in the
child's index) and optionally removes duplicate rows.

Row fingerprint (identical in both engines): ``md5`` over the concatenation, per column, of
``'N'`` for null or ``'V' || length(s) || ':' || s`` where ``s`` is the value's canonical text:
the engine's text cast for integers, decimals, booleans, dates and strings, epoch microseconds
for timestamps, upper-case hex for binaries. Floating-point and nested columns have no text form
the engines agree on and are left out of the fingerprint.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Sequence
from typing import Any, Literal

Dialect = Literal["duckdb", "spark"]

_INTS = {"tinyint": "TINYINT", "byte": "TINYINT", "smallint": "SMALLINT", "short": "SMALLINT",
         "int": "INTEGER", "integer": "INTEGER", "bigint": "BIGINT", "long": "BIGINT"}
_SIMPLE = {"float": "FLOAT", "real": "FLOAT", "double": "DOUBLE", "string": "VARCHAR",
           "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMPTZ",
           "timestamp_ltz": "TIMESTAMPTZ", "timestamp_ntz": "TIMESTAMP", "binary": "BLOB"}
_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")
_VARCHAR = re.compile(r"^(var)?char\(\d+\)$")
FINGERPRINTABLE = {"int", "decimal", "string", "boolean", "date", "timestamp", "timestamp_ntz", "binary"}


def family(spark_type: str) -> str:
    """Coarse type family of a Spark type string (``int``, ``decimal``, ``string``, ...)."""
    t = spark_type.strip().lower()
    if t in _INTS:
        return "int"
    if _DECIMAL.match(t):
        return "decimal"
    if _VARCHAR.match(t) or t == "string":
        return "string"
    if t in ("timestamp", "timestamp_ltz"):
        return "timestamp"
    if t in ("float", "real", "double"):
        return "float"
    return t if t in _SIMPLE else "other"


def sql_type(spark_type: str, dialect: Dialect) -> str | None:
    t = spark_type.strip().lower()
    if dialect == "spark":
        return t
    if _DECIMAL.match(t):
        return t.upper()
    return _INTS.get(t) or _SIMPLE.get(t) or ("VARCHAR" if _VARCHAR.match(t) else None)


def ident(name: str, dialect: Dialect) -> str:
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def string_literal(value: str, dialect: Dialect) -> str:
    if dialect == "spark":
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + value.replace("'", "''") + "'"


def cast(expr: str, from_type: str, to_type: str, dialect: Dialect, always: bool = False) -> str | None:
    """``expr`` of ``from_type`` as ``to_type`` (None when impossible). Unchanged when the types are
    equal, unless ``always``: the engine may type the value otherwise than the profile did (both
    engines infer Hive partition columns' types from folder names)."""
    if not always and from_type.strip().lower() == to_type.strip().lower():
        return expr
    target = sql_type(to_type, dialect)
    if target is None:
        return None
    if dialect == "duckdb" and family(to_type) == "date" and family(from_type) == "timestamp":
        expr = f"timezone('UTC', {expr})"  # the date in UTC, as Spark's UTC session sees it
    return f"CAST({expr} AS {target})"


def comparable(expr: str, spark_type: str, dialect: Dialect) -> str:
    """An expression ordered like ``expr`` whose values render exactly (timestamps as micros)."""
    fam = family(spark_type)
    if fam == "timestamp":
        return f"epoch_us({expr})" if dialect == "duckdb" else f"unix_micros({expr})"
    if fam == "timestamp_ntz":
        return f"epoch_us({expr})" if dialect == "duckdb" else f"unix_micros(CAST({expr} AS TIMESTAMP))"
    return expr


def literal(value: Any, spark_type: str, dialect: Dialect) -> str | None:
    """SQL literal of a value of ``comparable(column)``; None when it cannot be rendered exactly."""
    fam = family(spark_type)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if fam in ("int", "timestamp", "timestamp_ntz") and isinstance(value, int):
        return str(value)
    if fam == "decimal" and isinstance(value, decimal.Decimal):
        return f"CAST({string_literal(format(value, 'f'), dialect)} AS {sql_type(spark_type, dialect)})"
    if fam == "string" and isinstance(value, str):
        return string_literal(value, dialect)
    if fam == "date" and isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if fam == "float" and isinstance(value, float) and math.isfinite(value):
        return f"CAST('{value!r}' AS DOUBLE)"
    return None


def _text(expr: str, spark_type: str, dialect: Dialect) -> str:
    text = "VARCHAR" if dialect == "duckdb" else "STRING"
    fam = family(spark_type)
    if fam == "string":
        return expr
    if fam == "binary":
        return f"hex({expr})"
    return f"CAST({comparable(expr, spark_type, dialect)} AS {text})"


def fingerprint(columns: Sequence[tuple[str, str]], dialect: Dialect) -> str | None:
    """Row fingerprint over (expression, Spark type) pairs; None when no column qualifies."""
    text = "VARCHAR" if dialect == "duckdb" else "STRING"
    parts = []
    for expr, spark_type in columns:
        if family(spark_type) in FINGERPRINTABLE:
            s = _text(expr, spark_type, dialect)
            parts.append(f"CASE WHEN {expr} IS NULL THEN 'N' "
                         f"ELSE concat('V', CAST(length({s}) AS {text}), ':', {s}) END")
    return f"md5(concat({', '.join(parts)}))" if parts else None


def parquet_source(path: str, files: Sequence[str], partitioned: bool, dialect: Dialect) -> str:
    """The parent's data: its listed files in DuckDB, its folder (or one file) in Spark."""
    if dialect == "spark":
        return f"parquet.{ident(path, 'spark')}"
    listed = ", ".join(string_literal(f, "duckdb") for f in files)
    return f"read_parquet([{listed}], hive_partitioning = {'true' if partitioned else 'false'})"


def view_name(table_id: str) -> str:
    """A SQL-friendly name for a rebuilt table (``sales/2024`` -> ``sales_2024``)."""
    return re.sub(r"\W+", "_", table_id).strip("_") or "rebuilt_table"


def create_view(name: str, select_sql: str, dialect: Dialect) -> str:
    kind = "VIEW" if dialect == "duckdb" else "TEMPORARY VIEW"
    return f"CREATE OR REPLACE {kind} {ident(name, dialect)} AS {select_sql}"
