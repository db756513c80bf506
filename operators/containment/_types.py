"""Type widening between a child column and a parent column, and typed column bounds.

Lossless widenings (design section 4): int8 < int16 < int32 < int64 < decimal(38,0), an integer
into any decimal with enough integer digits, decimal(p,s) into decimal(p2,s2) iff s2 >= s and
p2 - s2 >= p - s, float < double, date < timestamp (and timestamp_ntz); string variants are equal.
Everything else, including nested types that are not identical, gives no edge.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

_INTEGRAL = {"tinyint": 1, "smallint": 2, "int": 3, "bigint": 4}
_INT_DIGITS = {"tinyint": 3, "smallint": 5, "int": 10, "bigint": 19}
_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")
_STRING = re.compile(r"^(string|varchar\(\d+\)|char\(\d+\))$")


def canonical_type(spark_type: str) -> str:
    t = spark_type.strip().lower()
    aliases = {"integer": "int", "long": "bigint", "short": "smallint", "byte": "tinyint", "real": "float"}
    t = aliases.get(t, t)
    return "string" if _STRING.match(t) else t


def decimal_of(spark_type: str) -> tuple[int, int] | None:
    match = _DECIMAL.match(spark_type)
    return (int(match.group(1)), int(match.group(2))) if match else None


def widens(child_type: str, parent_type: str) -> bool:
    """May a child column of ``child_type`` be compared, losslessly cast, to ``parent_type``?"""
    child, parent = canonical_type(child_type), canonical_type(parent_type)
    if child == parent:
        return True
    if child in _INTEGRAL and parent in _INTEGRAL:
        return _INTEGRAL[child] <= _INTEGRAL[parent]
    parent_dec = decimal_of(parent)
    if parent_dec is not None:
        child_dec = decimal_of(child)
        if child in _INT_DIGITS:
            return parent_dec[0] - parent_dec[1] >= _INT_DIGITS[child]
        if child_dec is not None:
            return parent_dec[1] >= child_dec[1] and parent_dec[0] - parent_dec[1] >= child_dec[0] - child_dec[1]
        return False
    if child == "float":
        return parent == "double"
    if child == "date":
        return parent in ("timestamp", "timestamp_ntz")
    return False


def is_float(spark_type: str) -> bool:
    return canonical_type(spark_type) in ("float", "double")


def parse_bound(text: str, spark_type: str) -> Any:
    """The comparable Python value of a profile bound (see ``COLUMN_PROFILES_DDL``)."""
    t = canonical_type(spark_type)
    if t in _INTEGRAL:
        return int(text)
    if t in ("float", "double"):
        return float(text)
    if decimal_of(t) is not None:
        return Decimal(text)
    if t == "date":
        return dt.date.fromisoformat(text)
    if t in ("timestamp", "timestamp_ntz"):
        return _naive_utc(dt.datetime.fromisoformat(text))
    if t == "boolean":
        return text == "true"
    if t == "binary":
        return bytes.fromhex(text)
    return text


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def as_parent_domain(value: Any, child_type: str, parent_type: str) -> Any:
    """A child bound converted so it compares with a parent bound of ``parent_type``."""
    parent = canonical_type(parent_type)
    if decimal_of(parent) is not None and isinstance(value, int):
        return Decimal(value)
    if parent in ("timestamp", "timestamp_ntz") and canonical_type(child_type) == "date":
        return dt.datetime(value.year, value.month, value.day)
    return value
