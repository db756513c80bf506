"""Which Spark type a Parquet column is read as, derived from its Arrow type and physical type.

The mapping mirrors Spark's Parquet reader (``ParquetToSparkSchemaConverter``): unsigned integers
widen (uint8 -> smallint, uint16 -> int, uint32 -> bigint, uint64 -> decimal(20,0)), INT96 is a
timestamp, timestamps adjusted to UTC are ``timestamp`` and the others ``timestamp_ntz``. Types
Spark cannot read (nanosecond timestamps, time of day, float16, null, intervals) raise
:class:`UnsupportedType` so the table is quarantined instead of failing a stage later.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.types as pat


class UnsupportedType(ValueError):
    """An Arrow type with no Spark equivalent the Parquet reader accepts."""


_SIMPLE: list[tuple[object, str]] = [
    (pat.is_boolean, "boolean"), (pat.is_int8, "tinyint"), (pat.is_int16, "smallint"),
    (pat.is_int32, "int"), (pat.is_int64, "bigint"), (pat.is_uint8, "smallint"),
    (pat.is_uint16, "int"), (pat.is_uint32, "bigint"), (pat.is_uint64, "decimal(20,0)"),
    (pat.is_float32, "float"), (pat.is_float64, "double"), (pat.is_date, "date"),
]
_STRINGS = (pat.is_string, pat.is_large_string, pat.is_string_view)
_BINARIES = (pat.is_binary, pat.is_large_binary, pat.is_fixed_size_binary, pat.is_binary_view)


def quote_name(name: str) -> str:
    """A column name as a Spark DDL identifier."""
    return "`" + name.replace("`", "``") + "`"


def spark_type_of(arrow_type: pa.DataType, physical_type: str | None = None) -> str:
    """The Spark DDL type of an Arrow type as stored in Parquet (``physical_type`` of a leaf)."""
    if physical_type == "INT96":
        return "timestamp"
    if pat.is_dictionary(arrow_type):
        return spark_type_of(arrow_type.value_type)
    for test, name in _SIMPLE:
        if test(arrow_type):  # type: ignore[operator]
            return name
    if any(test(arrow_type) for test in _STRINGS):
        return "string"
    if any(test(arrow_type) for test in _BINARIES):
        return "binary"
    return _complex_type(arrow_type)


def _complex_type(arrow_type: pa.DataType) -> str:
    if pat.is_decimal(arrow_type):
        if arrow_type.precision > 38:
            raise UnsupportedType(f"{arrow_type} (precision above 38)")
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pat.is_timestamp(arrow_type):
        if arrow_type.unit == "ns":
            raise UnsupportedType(f"{arrow_type} (nanosecond timestamps)")
        return "timestamp" if arrow_type.tz is not None else "timestamp_ntz"
    if pat.is_list(arrow_type) or pat.is_large_list(arrow_type) or pat.is_fixed_size_list(arrow_type):
        return f"array<{spark_type_of(arrow_type.value_type)}>"
    if pat.is_map(arrow_type):
        return f"map<{spark_type_of(arrow_type.key_type)},{spark_type_of(arrow_type.item_type)}>"
    if pat.is_struct(arrow_type):
        fields = [f"{quote_name(f.name)}:{spark_type_of(f.type)}" for f in arrow_type]
        return f"struct<{','.join(fields)}>"
    raise UnsupportedType(str(arrow_type))


def is_nested(spark_type: str) -> bool:
    return spark_type.startswith(("array<", "map<", "struct<"))
