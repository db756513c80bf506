"""length_filter, regex_filter and language_filter: each rule, configs, provenance, laziness."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from operators.base import REJECT_REASON, OpContext
from operators.registry import get_operator
from schemas.errors import UserError
from tests.quality._quality_docs import CLEAN, reasons

FRENCH = (
    "Le moulin se trouve au bord de la rivière et les paysans y apportent leur grain chaque "
    "semaine. Les enfants marchent jusqu'à l'école sur la colline avec leurs livres."
)


def test_length_filter_rules(spark: Any) -> None:
    docs = {
        "ok": "one two three four",
        "short": "a b",
        "long": "x" * 50,
        "many": "w " * 20,
        "none": None,
    }
    config = {"min_chars": 5, "max_chars": 40, "min_words": 3, "max_words": 10}
    got = reasons(spark, "length_filter", docs, config)
    assert got == {
        "ok": None,
        "short": "length_filter:too_few_chars",  # 3 characters
        "long": "length_filter:too_many_chars",
        "many": "length_filter:too_many_words",  # 40 characters, 20 words
        "none": "length_filter:too_few_chars",  # null text reads as empty
    }


@pytest.mark.parametrize("config", [{}, {"min_words": 5, "max_words": 2}, {"min_chars": -1}])
def test_length_filter_rejects_bad_config(config: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        get_operator("length_filter")(config)


def test_regex_filter_rules(spark: Any) -> None:
    config = {
        "reject_if_match": {"lorem": "lorem ipsum", "email": r"[\w.]+@[\w.]+"},
        "require_match": {"sentence": r"[.!?]\s*$"},
        "case_insensitive": True,
    }
    docs = {
        "ok": "A fine sentence.",
        "lorem": "LOREM IPSUM dolor.",
        "mail": "Write to a@b.org now.",
        "nosent": "no terminal punctuation",
    }
    assert reasons(spark, "regex_filter", docs, config) == {
        "ok": None,
        "lorem": "regex_filter:lorem",
        "mail": "regex_filter:email",
        "nosent": "regex_filter:missing_sentence",
    }


@pytest.mark.parametrize(
    "config",
    [{}, {"reject_if_match": {"bad name": "x"}}, {"reject_if_match": {"broken": "(unclosed"}}],
)
def test_regex_filter_rejects_bad_config(config: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        get_operator("regex_filter")(config)


def test_language_filter_keeps_listed_languages(spark: Any) -> None:
    docs = {"en": CLEAN, "fr": FRENCH, "empty": ""}
    got = reasons(spark, "language_filter", docs, {"languages": ["en"]})
    assert got == {
        "en": None,
        "fr": "language_filter:other_language",
        "empty": "language_filter:other_language",  # undetermined
    }
    both = reasons(spark, "language_filter", docs, {"languages": ["en", "fr"]})
    assert both["fr"] is None and both["en"] is None


def test_language_filter_threshold_and_columns(spark: Any) -> None:
    df = spark.createDataFrame([("en", CLEAN)], "key string, text string")
    strict = get_operator("language_filter")({"min_score": 1.0, "language_column": "lang"})
    row = strict.transform(df, OpContext(step="t")).collect()[0]
    assert row["lang"] == "en" and 0.5 < row["lang_score"] <= 1.0
    assert row[REJECT_REASON] == "language_filter:low_language_score"


def test_language_filter_rejects_bad_codes() -> None:
    with pytest.raises(ValidationError):
        get_operator("language_filter")({"languages": ["English"]})


@pytest.mark.parametrize(
    "op",
    [
        "gopher_quality",
        "gopher_repetition",
        "c4_quality",
        "fineweb_quality",
        "length_filter",
        "language_filter",
        "regex_filter",
    ],
)
def test_filters_keep_every_column_and_name_the_text_column(spark: Any, op: str) -> None:
    cls = get_operator(op)
    df = spark.createDataFrame(
        [("a", CLEAN, ["src1"], 0)],
        "key string, body string, _src_ids array<string>, _lic_rank int",
    )
    config = {**cls.example_config, "text_column": "body"}
    out = cls(config).transform(df, OpContext(step="t"))
    assert out.columns[:4] == df.columns and out.columns[-1] == REJECT_REASON
    row = out.collect()[0]
    assert list(row["_src_ids"]) == ["src1"] and row["body"] == CLEAN
    with pytest.raises(UserError, match="text column 'text' not found"):
        cls({**config, "text_column": "text"}).transform(df, OpContext(step="t"))
