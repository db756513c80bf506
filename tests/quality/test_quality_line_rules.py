"""One document per FineWeb and C4 rule, each failing exactly that rule, plus C4 rewriting."""

from __future__ import annotations

from typing import Any

import pytest

from operators.base import REJECT_REASON, OpContext
from operators.registry import get_operator
from tests.quality._quality_docs import CLEAN, reasons


def _lines(*parts: str) -> str:
    return "\n".join(parts)


CLEAN_LINES = CLEAN.splitlines()
# Distinct one-word lines of 46 characters ending in ".": 2 tokens each.
LONG_WORD_LINES = [f"{c}pneumonoultramicroscopicsilicovolcanoconiosis." for c in "abcdefghij"]

FINEWEB_DOCS = {
    "clean": CLEAN,
    "empty": "  \n\t\n   ",
    # 12 distinct lines of > 30 characters, none ending in terminal punctuation: 0 < 0.12.
    "line_punct_ratio": _lines(
        *[f"{line[:-1]} and more {n}" for n, line in enumerate(CLEAN_LINES * 2)]
    ),
    # 6 lines of <= 30 characters ending in ".": 1.0 > 0.67.
    "short_line_ratio": _lines(*[f"Short line number {n}." for n in range(6)]),
    # CLEAN plus its first line again: ~77 repeated characters of ~540 > 0.01.
    "char_dup_ratio": _lines(*CLEAN_LINES, CLEAN_LINES[0]),
    # 10 lines, 9 line breaks, 20 tokens: 0.45 > 0.3.
    "list_ratio": _lines(*LONG_WORD_LINES),
}


@pytest.fixture(scope="module")
def fineweb_reasons(spark: Any) -> dict[str, str | None]:
    return reasons(spark, "fineweb_quality", FINEWEB_DOCS)


@pytest.mark.parametrize("rule", [k for k in FINEWEB_DOCS if k != "clean"])
def test_fineweb_rule_fires(rule: str, fineweb_reasons: dict[str, str | None]) -> None:
    assert fineweb_reasons[rule] == f"fineweb_quality:{rule}"


def test_fineweb_keeps_clean_document(fineweb_reasons: dict[str, str | None]) -> None:
    assert fineweb_reasons["clean"] is None


def test_fineweb_punctuation_exclude_zero(spark: Any) -> None:
    doc = FINEWEB_DOCS["line_punct_ratio"]
    got = reasons(spark, "fineweb_quality", {"d": doc}, {"line_punct_exclude_zero": True})
    assert got["d"] is None


JS_LINE = "Please enable JavaScript in your browser to see the map of the valley."
C4_DOCS = {
    "clean": CLEAN,
    "lorem_ipsum": _lines(*CLEAN_LINES, "Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
    "curly_bracket": _lines(
        *CLEAN_LINES, "Use the mapping {key: value} for every entry in the list."
    ),
    # 4 lines, one sentence each.
    "too_few_sentences": _lines(*CLEAN_LINES[:4]),
    # 5 good lines minus one replaced by a javascript line: 4 sentences remain.
    "javascript_line_dropped": _lines(*CLEAN_LINES[:4], JS_LINE),
    # policy phrase, no terminal punctuation, 2 words, a 1001-character word: all dropped.
    "dropped_lines": _lines(
        *CLEAN_LINES[:4],
        "Read our privacy policy before you sign up for the newsletter.",
        "This line has no terminal punctuation at all",
        "Two words.",
        "A " + "x" * 1001 + " word.",
    ),
    # a "{" on a line that is dropped anyway (no terminal punctuation) is not a rejection.
    "bracket_on_dropped_line": _lines(*CLEAN_LINES, "function main() {"),
    # two lines of three sentences each: 6 sentences.
    "multi_sentence_lines": _lines(
        "The mill turns. The river flows past it. Farmers bring their grain.",
        "Bakers buy the flour. They bake bread daily. Everyone eats it.",
    ),
}


@pytest.fixture(scope="module")
def c4_reasons(spark: Any) -> dict[str, str | None]:
    return reasons(spark, "c4_quality", C4_DOCS)


@pytest.mark.parametrize("rule", ["lorem_ipsum", "curly_bracket", "too_few_sentences"])
def test_c4_document_rule_fires(rule: str, c4_reasons: dict[str, str | None]) -> None:
    assert c4_reasons[rule] == f"c4_quality:{rule}"


@pytest.mark.parametrize("doc", ["javascript_line_dropped", "dropped_lines"])
def test_c4_line_rules_remove_lines_before_counting_sentences(
    doc: str, c4_reasons: dict[str, str | None]
) -> None:
    assert c4_reasons[doc] == "c4_quality:too_few_sentences"


@pytest.mark.parametrize("doc", ["clean", "bracket_on_dropped_line", "multi_sentence_lines"])
def test_c4_keeps(doc: str, c4_reasons: dict[str, str | None]) -> None:
    assert c4_reasons[doc] is None


def test_c4_bad_words(spark: Any) -> None:
    docs = {
        "bad": CLEAN + "\nWhat a darn shame it was.",
        "near": CLEAN + "\nThe darning needle broke.",
    }
    got = reasons(spark, "c4_quality", docs, {"bad_words": ["darn"]})
    assert got == {"bad": "c4_quality:document_removed_with_badwords", "near": None}


def test_c4_rewrite_text_keeps_only_kept_lines(spark: Any) -> None:
    doc = _lines(
        CLEAN_LINES[0] + "[1]", JS_LINE, *CLEAN_LINES[1:5], "no punctuation here", CLEAN_LINES[5]
    )
    df = spark.createDataFrame([("d", doc)], "key string, text string")
    op = get_operator("c4_quality")({"rewrite_text": True})
    row = op.transform(df, OpContext(step="t")).collect()[0]
    assert row[REJECT_REASON] is None
    assert row["text"] == CLEAN  # citation removed, javascript and unpunctuated lines dropped


def test_c4_default_leaves_text_unchanged(spark: Any) -> None:
    doc = _lines(*CLEAN_LINES, JS_LINE)
    df = spark.createDataFrame([("d", doc)], "key string, text string")
    row = get_operator("c4_quality")().transform(df, OpContext(step="t")).collect()[0]
    assert row[REJECT_REASON] is None and row["text"] == doc
