"""Python rows -> Spark DataFrames with a DDL, through Arrow (fast for nested types)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pyarrow as pa


def rows_to_frame(spark: Any, rows: Sequence[dict[str, Any]], ddl: str) -> Any:
    """A DataFrame of ``rows`` (dicts keyed by column) typed by the Spark ``ddl``."""
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import StructType

    schema = cast(StructType, StructType.fromDDL(ddl))
    if not rows:
        return spark.createDataFrame([], schema)
    table = pa.Table.from_pylist(list(rows), schema=to_arrow_schema(schema))
    return spark.createDataFrame(table, schema)


def frame_rows(df: Any) -> list[dict[str, Any]]:
    """Every row of a (small) DataFrame as a plain dict."""
    return [r.asDict(recursive=True) for r in df.collect()]
