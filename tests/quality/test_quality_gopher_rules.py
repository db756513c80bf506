"""One document per Gopher quality and repetition rule, each failing exactly that rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.quality._quality_docs import CLEAN, SENTENCE, filler, reasons


def _lines(*parts: str) -> str:
    return "\n".join(parts)


# --- gopher_quality -------------------------------------------------------------------------
QUALITY_DOCS = {
    "clean": CLEAN,
    # 14 content words < 50.
    "gopher_short_doc": "The river winds through the valley and feeds the old mill with steady water.",
    # 13 words of mean length 28/13 = 2.2 per sentence, 5 sentences = 65 words.
    "gopher_below_avg_threshold": " ".join(["it is up to us to be on it and so we go ."] * 5),
    # the(3) internationalization(20) and(3) counterrevolutionaries(22) with(4)
    # responsibilities(16): mean 68/6 = 11.3; 10 sentences = 60 words.
    "gopher_above_avg_threshold": " ".join(
        ["the internationalization and counterrevolutionaries with responsibilities ."] * 10
    ),
    # 4 sentences (60 tokens) + 10 "river#bank" tokens: 10 '#' / 70 tokens = 0.14 > 0.1.
    "gopher_too_many_hashes": _lines(*[SENTENCE] * 4, " ".join(["river#bank"] * 10)),
    # 60 tokens + "wait ..." x10 + "done ." = 82 tokens, 10 ellipses: 0.12 > 0.1.
    "gopher_too_many_ellipsis": _lines(*[SENTENCE] * 4, "wait ... " * 10 + "done ."),
    # all 10 lines start with "-": 1.0 > 0.9; words 140, alphabetic share 140/160.
    "gopher_too_many_bullets": _lines(*["- " + SENTENCE] * 10),
    # 4 of 10 lines end with "…": 0.4 > 0.3; only 4 ellipses in ~150 tokens.
    "gopher_too_many_end_ellipsis": _lines(*[SENTENCE] * 6, *[SENTENCE[:-2] + " …"] * 4),
    # 56 words + 4 "." + 20 two-digit numbers: alphabetic share 56/80 = 0.7 < 0.8.
    "gopher_below_alpha_threshold": _lines(
        *[SENTENCE] * 4, " ".join(str(n) for n in range(10, 30))
    ),
    # none of the, be, to, of, and, that, have, with (case-sensitive).
    "gopher_enough_stop_words": " ".join(
        ["Old mills stand beside quiet rivers while farmers bring grain every autumn ."] * 6
    ),
}


@pytest.fixture(scope="module")
def quality_reasons(spark: Any) -> dict[str, str | None]:
    return reasons(spark, "gopher_quality", QUALITY_DOCS)


@pytest.mark.parametrize("rule", [k for k in QUALITY_DOCS if k != "clean"])
def test_gopher_quality_rule_fires(rule: str, quality_reasons: dict[str, str | None]) -> None:
    assert quality_reasons[rule] == f"gopher_quality:{rule}"


def test_gopher_quality_keeps_clean_document(quality_reasons: dict[str, str | None]) -> None:
    assert quality_reasons["clean"] is None


def test_gopher_quality_long_document(spark: Any) -> None:
    # CLEAN has ~95 words, above a lowered maximum of 60 (the default is 100,000).
    got = reasons(spark, "gopher_quality", {"clean": CLEAN}, {"max_doc_words": 60})
    assert got["clean"] == "gopher_quality:gopher_long_doc"


def test_gopher_quality_disabled_rule_does_not_fire(spark: Any) -> None:
    doc = QUALITY_DOCS["gopher_short_doc"]
    got = reasons(spark, "gopher_quality", {"d": doc}, {"min_doc_words": None})
    assert got["d"] is None


# --- gopher_repetition ----------------------------------------------------------------------
LINE_A = "The river winds through the valley and feeds the old mill with steady water."
LONG_LINE = " ".join(CLEAN.splitlines()[1:5])  # ~340 characters, no repeats inside
SHORT = ["A short line here.", "Another brief line.", "One more small line."]


def _ngram_doc(phrase: str, gap_words: int, repeats: int) -> str:
    """``phrase`` ``repeats`` times, separated by ``gap_words`` distinct filler words."""
    parts = [phrase + " " + filler(gap_words, start=i * gap_words) for i in range(repeats)]
    return " ".join(parts)


# 10-letter words: 2-gram 21 chars, 3-gram 32, 4-gram 43 (space-joined); 5-gram 50 (joined).
A, B, C, D, E = "alphaalpha", "bravobravo", "charliecha", "deltadelta", "echoechoec"
REPETITION_DOCS = {
    "clean": CLEAN,
    "empty": "",
    # paragraphs [P, Q, P, P]: 2 repeats / 4 = 0.5 > 0.3.
    "dup_para_frac": "\n\n".join([LINE_A, CLEAN.splitlines()[1], LINE_A, LINE_A]),
    # paragraphs [L, s1, s2, s3, L]: 1/5 = 0.2 (not > 0.3); repeated chars ~340/~760 > 0.2.
    "dup_para_char_frac": "\n\n".join([LONG_LINE, *SHORT, LONG_LINE]),
    # one paragraph; lines [a, b, a, a, c]: 2/5 = 0.4 > 0.3.
    "dup_line_frac": _lines(LINE_A, SHORT[0], LINE_A, LINE_A, SHORT[1]),
    # one paragraph; lines [L, s1, s2, s3, L]: 1/5 = 0.2; repeated chars ~340/~750 > 0.2.
    "dup_line_char_frac": _lines(LONG_LINE, *SHORT, LONG_LINE),
    # "the cat" (7 chars) x 30 in ~260 chars: 0.8 > 0.2.
    "top_2_gram": "the cat " * 30 + filler(5),
    # "A B C" x10 back to back + 176 filler words (1056 chars): total ~1386 chars;
    # top 2-gram 10 * 21 = 210 (0.15 <= 0.2), top 3-gram 10 * 32 = 320 (0.23 > 0.18).
    "top_3_gram": " ".join([f"{A} {B} {C}"] * 10) + " " + filler(176),
    # "A B C D" x10, 5 filler words between: ~2190 chars; 3-gram 320 (0.146 <= 0.18),
    # 4-gram 430 (0.196 > 0.16).
    "top_4_gram": _ngram_doc(f"{A} {B} {C} {D}", 5, 10) + " " + filler(250, start=900),
    # "A B C D E" x10 with 12 filler words between: ~2830 chars; 4-gram 430 (0.152 <= 0.16),
    # repeated 5-grams 9 * 50 = 450 (0.159 > 0.15).
    "duplicated_5_n_grams": _ngram_doc(f"{A} {B} {C} {D} {E}", 12, 10)
    + " "
    + filler(258, start=900),
}


@pytest.fixture(scope="module")
def repetition_reasons(spark: Any) -> dict[str, str | None]:
    return reasons(spark, "gopher_repetition", REPETITION_DOCS)


def test_repetition_documents_have_the_intended_sizes() -> None:
    def share(doc: str, chars: int) -> float:
        return chars / len(doc)

    doc3, doc4 = REPETITION_DOCS["top_3_gram"], REPETITION_DOCS["top_4_gram"]
    assert share(doc3, 210) <= 0.2 and share(doc3, 320) > 0.18
    assert share(doc4, 320) <= 0.18 and share(doc4, 430) > 0.16
    doc5 = REPETITION_DOCS["duplicated_5_n_grams"]
    assert share(doc5, 430) <= 0.16 and share(doc5, 9 * 50) > 0.15


@pytest.mark.parametrize("rule", [k for k in REPETITION_DOCS if k != "clean"])
def test_gopher_repetition_rule_fires(rule: str, repetition_reasons: dict[str, str | None]) -> None:
    assert repetition_reasons[rule] == f"gopher_repetition:{rule}"


def test_gopher_repetition_keeps_clean_document(repetition_reasons: dict[str, str | None]) -> None:
    assert repetition_reasons["clean"] is None


def test_duplicated_10_grams_counted_once_per_repeat(spark: Any) -> None:
    # Ten distinct words twice in a row, then filler: the second copy is one repeated 10-gram of
    # 10 * 5 = 50 chars (joined); the text is 20 * 6 + 40 * 6 - 1 = 359 chars: 0.139 > 0.1.
    ten = filler(10, start=500)
    doc = ten + " " + ten + " " + filler(40)
    config = {"top_n_grams": [], "dup_n_grams": [(10, 0.1)]}
    assert (
        reasons(spark, "gopher_repetition", {"d": doc}, config)["d"]
        == "gopher_repetition:duplicated_10_n_grams"
    )
    looser = {"top_n_grams": [], "dup_n_grams": [(10, 0.15)]}
    assert reasons(spark, "gopher_repetition", {"d": doc}, looser)["d"] is None
