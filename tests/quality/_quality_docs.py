"""Hand-built documents for the quality-rule tests and a helper to run a filter on them.

Each document is built so that one rule fails; the comments derive the relevant counts by hand
(spaCy English tokenisation: punctuation at a word's edges is its own token).
"""

from __future__ import annotations

from typing import Any

from operators.base import REJECT_REASON, OpContext
from operators.registry import get_operator

# 6 lines, 6 sentences, ~95 words of 3-10 letters, stop words "the", "and", "with", "have",
# "to", "of"; 6 "." and 6 "," tokens -> alphabetic share ~0.89; no repeats.
CLEAN_LINES = (
    "The river winds through the valley and feeds the old mill with steady water.",
    "Farmers have worked these fields for generations, and they still gather at the market.",
    "Children walk to the school on the hill, carrying books and lunches wrapped in cloth.",
    "In autumn the leaves turn red and gold, and visitors come to photograph the colours.",
    "The village council meets in a stone hall that was built with timber from the forest.",
    "Everyone agrees that the bakery on the square makes the best bread of the whole region.",
)
CLEAN = "\n".join(CLEAN_LINES)

# 14 words + "." = 15 tokens; word lengths 3,3,4,6,2,3,5,3,3,7,5,5,2,2 (mean 3.8).
SENTENCE = "the old mill stands by the river and the farmers bring grain to it ."


def reasons(
    spark: Any,
    op: str,
    docs: dict[str, str],
    config: dict[str, Any] | None = None,
    text_column: str = "text",
) -> dict[str, str | None]:
    """Run operator ``op`` on ``docs`` (key -> text); the reject reason per key."""
    df = spark.createDataFrame(list(docs.items()), f"key string, {text_column} string")
    out = get_operator(op)(dict(config or {})).transform(df, OpContext(step="test"))
    return {row["key"]: row[REJECT_REASON] for row in out.collect()}


def filler(count: int, start: int = 0) -> str:
    """``count`` distinct five-letter lowercase words ("baaaa", "baaab", ...) separated by spaces."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for i in range(start, start + count):
        digits = [letters[(i // 26**k) % 26] for k in range(4)]
        words.append("b" + "".join(reversed(digits)))
    return " ".join(words)
