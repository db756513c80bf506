"""The filter expression language: allow-listed, compiled to Columns, never SQL text."""

from __future__ import annotations

from typing import Any

import pytest

from operators.expr import compile_expression, parse_expression, referenced_columns
from schemas.errors import ExpressionError


@pytest.mark.parametrize("text, fragment", [
    ("reflect('java.lang.Runtime', 'getRuntime')", "function 'reflect' is not allowed"),
    ("java_method('java.lang.System', 'exit', 0) = 1", "function 'java_method' is not allowed"),
    ("a IN (SELECT b FROM t)", "not allowed"),
    ("(select max(a) from t) > 1", "not allowed"),
    ("a = 1; DROP TABLE t", "';' is not allowed"),
    ("a = \"x\"", "not allowed"),
    ("a = 1 /* hidden */", "unexpected"),
    ("", "non-empty"),
])
def test_rejected_before_spark(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment.replace("(", "\\(").replace(")", "\\)")):
        parse_expression(text)


def test_referenced_columns() -> None:
    node = parse_expression("lower(`odd name`) LIKE 'a%' AND (b BETWEEN 1 AND 3 OR c IS NOT NULL)")
    assert referenced_columns(node) == {"odd name", "b", "c"}


def test_compiled_expressions_evaluate(spark: Any) -> None:
    df = spark.createDataFrame([(1, "Apple", None), (5, "banana", 2.0), (9, None, float("nan"))], "a int, s string, x double")
    cases = {
        "a >= 5": [5, 9],
        "a BETWEEN 2 AND 8 OR s = 'Apple'": [1, 5],
        "lower(s) LIKE 'b%'": [5],
        "s IS NULL": [9],
        "a NOT IN (1, 9)": [5],
        "NOT a = 1 AND x IS NOT NULL AND NOT isnan(x)": [5],
        "a * 2 - 1 > 8 AND a % 2 = 1": [5, 9],
        "coalesce(s, 'none') = 'none'": [9],
    }
    for text, expected in cases.items():
        got = sorted(r["a"] for r in df.where(compile_expression(text)).collect())
        assert got == expected, text
