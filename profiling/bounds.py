"""Text encoding of column bounds (min/max) for ``column_profiles``, and their trust status.

The encoding is documented in ``schemas.containment.COLUMN_PROFILES_DDL``; the containment stages
parse it back per Spark type, so both sides must agree on it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

TRUNCATION_SUSPECT_BYTES = 64
"""Writers that truncate string statistics do so at 64 bytes (parquet-rs' default
``statistics_truncate_length``; parquet-java's column-index truncation) or 256 bytes (DuckDB, which
also flags the bound inexact). Arrow C++ never truncates: it drops statistics above 4096 bytes."""


def encode_bound(value: Any, spark_type: str) -> str | None:
    """The canonical text of a bound, or None when it cannot be represented faithfully."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if spark_type in ("float", "double"):
        return repr(float(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return _encode_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _encode_bytes(bytes(value), spark_type)
    return str(value)


def _encode_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        utc = value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.isoformat(sep=" ", timespec="microseconds") + "+00:00"
    return value.isoformat(sep=" ", timespec="microseconds")


def _encode_bytes(value: bytes, spark_type: str) -> str | None:
    if spark_type == "binary":
        return value.hex()
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def is_nan_text(text: str | None) -> bool:
    return text is not None and text.lower() == "nan"


def may_be_truncated(value: Any, spark_type: str, created_by: str) -> bool:
    """Could a string/binary statistic be a truncated value rather than the value itself?"""
    if spark_type not in ("string", "binary") or created_by.startswith("parquet-cpp"):
        return False
    size = len(value) if isinstance(value, (bytes, bytearray)) else len(str(value).encode("utf-8"))
    return size >= TRUNCATION_SUSPECT_BYTES


def float_is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
