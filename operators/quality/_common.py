"""Shared pieces of the text-quality filters: config base, reason column, line and ratio helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from operators.base import REJECT_REASON, OperatorConfig
from operators.quality._charsets import LINE_BREAKS, WHITESPACE, char_class
from schemas.errors import UserError

WS_CLASS = char_class(WHITESPACE)
# str.splitlines(): "\r\n" is one break, every other break character is one.
SPLITLINES_RE = r"\r\n|" + char_class(LINE_BREAKS)
TMP_PREFIX = "__lakesift_q_"


class TextFilterConfig(OperatorConfig):
    """Settings every text filter shares."""

    text_column: str = Field(default="text", description="string column holding the document text")


def let(value: Any, body: Any) -> Any:
    """``body(value)`` with ``value`` computed once (Spark does not share common
    subexpressions inside lambda functions)."""
    from pyspark.sql import functions as F

    return F.element_at(F.transform(F.array(value), body), 1)


def require_text_column(df: Any, column: str, step: str) -> None:
    """Raise a UserError unless ``column`` exists and holds strings."""
    from pyspark.sql.types import StringType

    fields = {f.name: f.dataType for f in df.schema.fields}
    if column not in fields:
        raise UserError(
            f"step '{step}': text column '{column}' not found; available: {', '.join(df.columns)}"
        )
    if not isinstance(fields[column], StringType):
        raise UserError(
            f"step '{step}': column '{column}' is {fields[column].simpleString()}, not string"
        )


def first_reason(operator: str, rules: Sequence[tuple[Any, str]]) -> Any:
    """Column naming the first rule (in order) whose condition is true, as ``operator:rule``.

    A null condition (e.g. a ratio over zero lines) does not fire.
    """
    from pyspark.sql import functions as F

    return F.coalesce(*[F.when(cond, F.lit(f"{operator}:{name}")) for cond, name in rules])


def column(name: str) -> Any:
    """A column reference that is safe for names holding dots or backticks."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def text_of(name: str) -> Any:
    """The text column with nulls read as empty documents."""
    from pyspark.sql import functions as F

    return F.coalesce(column(name), F.lit(""))


def above(value: Any, limit: float | None) -> Any:
    """``value > limit``; a falsy limit (None or 0) disables the rule, as in datatrove."""
    from pyspark.sql import functions as F

    return (value > F.lit(limit)) if limit else F.lit(False)


def below(value: Any, limit: float | None) -> Any:
    """``value < limit``; a falsy limit (None or 0) disables the rule, as in datatrove."""
    from pyspark.sql import functions as F

    return (value < F.lit(limit)) if limit else F.lit(False)


def with_reason(df: Any, reason: Any, helpers: Sequence[str] = ()) -> Any:
    """``df`` plus the reject-reason column (an earlier reason wins), helper columns dropped."""
    from pyspark.sql import functions as F

    if REJECT_REASON in df.columns:
        reason = F.coalesce(F.col(REJECT_REASON), reason)
    return df.withColumn(REJECT_REASON, reason.cast("string")).drop(*helpers)


def strip_ws(col: Any) -> Any:
    """Python's str.strip(): remove leading and trailing Unicode whitespace."""
    from pyspark.sql import functions as F

    return F.regexp_replace(col, f"^{WS_CLASS}+|{WS_CLASS}+$", "")


def splitlines(text: Any) -> Any:
    """Python's str.splitlines(): no trailing empty line after a final line break."""
    from pyspark.sql import functions as F

    parts = F.split(text, SPLITLINES_RE)
    n = F.size(parts)
    last_empty = F.element_at(parts, -1) == ""
    return F.when(last_empty, F.slice(parts, 1, n - 1)).otherwise(parts)


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator as a double; null when the denominator is zero."""
    from pyspark.sql import functions as F

    return F.try_divide(numerator.cast("double"), denominator.cast("double"))


def count_matching(array: Any, predicate: Any) -> Any:
    """Number of elements of ``array`` for which ``predicate`` holds."""
    from pyspark.sql import functions as F

    return F.size(F.filter(array, predicate))


def substring_count(text: Any, needle: str) -> Any:
    """Non-overlapping occurrences of ``needle`` in ``text`` (Python's str.count)."""
    from pyspark.sql import functions as F

    removed = F.length(text) - F.length(F.replace(text, F.lit(needle), F.lit("")))
    return (removed / len(needle)).cast("long")


def duplicate_stats(items: Any) -> tuple[Any, Any]:
    """(number of repeated elements, characters in repeats) of an array of strings.

    Every occurrence after the first counts (the Gopher paper's duplicate fraction; datatrove's
    ``find_duplicates``): repeats = size - distinct size, repeated characters = all characters
    minus the characters of the distinct elements.
    """
    from pyspark.sql import functions as F

    def chars(arr: Any) -> Any:
        return F.aggregate(arr, F.lit(0).cast("long"), lambda acc, s: acc + F.length(s))

    distinct = F.array_distinct(items)
    return F.size(items) - F.size(distinct), chars(items) - chars(distinct)
