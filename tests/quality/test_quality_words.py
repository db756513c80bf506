"""The column-expression word tokenizer on cases where spaCy's English rules matter."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import functions as F

from operators.quality._words import word_tokens

# Expected lists follow spaCy's blank English tokenizer (prefix/suffix/infix rules and special
# cases, spacy/lang/punctuation.py and tokenizer_exceptions.py).
CASES = {
    "(e.g., see U.S.A. and the U.S.)": [
        "(",
        "e.g.",
        ",",
        "see",
        "U.S.A.",
        "and",
        "the",
        "U.S.",
        ")",
    ],
    "Mr. Smith etc.) a.b.c.": ["Mr.", "Smith", "etc", ".", ")", "a.b.c", "."],
    "5km 10% $10 +5 +x": ["5", "km", "10", "%", "$", "10", "+5", "+", "x"],
    "A. B.C. 3.14.": ["A.", "B.C.", "3.14", "."],
    "foo-bar 5-6 a/b and/or": ["foo", "-", "bar", "5", "-", "6", "a", "/", "b", "and/or"],
    "http://x.com/a-b os.path.join(a, b).": [
        "http://x.com/a-b",
        "os.path.join(a",
        ",",
        "b",
        ")",
        ".",
    ],
    'foo,bar "Hi!" ...and': ["foo", ",", "bar", '"', "Hi", "!", '"', "...", "and"],
    "I'm done... x...y": ["I", "'m", "done", "...", "x", "...", "y"],
    "don't cannot id": ["do", "n't", "can", "not", "i", "d"],
    "func(): (see 8) ''foo'' it's": [
        "func",
        "(",
        "):",
        "(",
        "see",
        "8)",
        "''",
        "foo",
        "''",
        "it",
        "'s",
    ],
    "  \n\t ": [],
    "naïve café—tea": ["naïve", "café", "—", "tea"],
}


@pytest.fixture(scope="module")
def tokens(spark: Any) -> dict[str, list[str]]:
    df = spark.createDataFrame([(t,) for t in CASES], "text string")
    rows = df.select("text", word_tokens(F.col("text")).alias("w")).collect()
    return {r["text"]: list(r["w"]) for r in rows}


@pytest.mark.parametrize("text", list(CASES))
def test_tokens_follow_spacy_rules(text: str, tokens: dict[str, list[str]]) -> None:
    assert tokens[text] == CASES[text]


def test_matches_spacy_when_installed(tokens: dict[str, list[str]]) -> None:
    spacy = pytest.importorskip(
        "spacy", reason="spaCy (bench extra) not installed: cross-check skipped"
    )
    nlp = spacy.blank("en")
    for text, ours in tokens.items():
        theirs = [t.text.strip() for t in nlp(text) if t.text.strip()]
        assert ours == theirs, text
