"""Gopher quality heuristics (Rae et al. 2021, "Scaling Language Models: Methods, Analysis &
Insights from Training Gopher", appendix A.1.1), with datatrove's definitions
(src/datatrove/pipeline/filters/gopher_quality_filter.py): words are spaCy English tokens,
"symbol" tokens consist only of punctuation and are left out of the word count and mean length.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field

from operators.base import OpContext, Operator
from operators.quality._charsets import SYMBOL_CHARS, char_class
from operators.quality._common import (
    TMP_PREFIX,
    WS_CLASS,
    TextFilterConfig,
    above,
    below,
    count_matching,
    first_reason,
    ratio,
    require_text_column,
    splitlines,
    substring_count,
    text_of,
    with_reason,
)
from operators.quality._words import word_string
from operators.registry import register

# Stop words the paper requires at least two of (appendix A.1.1).
GOPHER_STOP_WORDS = ("the", "be", "to", "of", "and", "that", "have", "with")


class GopherQualityConfig(TextFilterConfig):
    # Thresholds: Rae et al. 2021, appendix A.1.1; same defaults in datatrove GopherQualityFilter.
    min_doc_words: int | None = Field(50, ge=0, description="fewest non-symbol words")
    max_doc_words: int | None = Field(100_000, ge=0, description="most non-symbol words")
    min_avg_word_length: float | None = Field(3, ge=0, description="lowest mean word length")
    max_avg_word_length: float | None = Field(10, ge=0, description="highest mean word length")
    max_symbol_word_ratio: float | None = Field(
        0.1, ge=0, description="most '#' (and, separately, ellipses) per word"
    )
    max_bullet_lines_ratio: float | None = Field(
        0.9, ge=0, le=1, description="largest share of lines starting with a bullet"
    )
    max_ellipsis_lines_ratio: float | None = Field(
        0.3, ge=0, le=1, description="largest share of lines ending with an ellipsis"
    )
    min_alpha_words_ratio: float | None = Field(
        0.8, ge=0, le=1, description="smallest share of words holding an alphabetic character"
    )
    min_stop_words: int | None = Field(2, ge=0, description="fewest distinct stop words present")
    stop_words: list[str] = Field(
        default_factory=lambda: list(GOPHER_STOP_WORDS), description="stop words (case-sensitive)"
    )


WORD_EDGE_BEFORE, WORD_EDGE_AFTER = "(?<![^ ])", "(?![^ ])"
SYMBOL_WORD = WORD_EDGE_BEFORE + char_class(SYMBOL_CHARS) + "+" + WORD_EDGE_AFTER
ALPHA_WORD = WORD_EDGE_BEFORE + r"[^ \p{L}]*\p{L}"


def _metrics(c: GopherQualityConfig, text: Any, joined: Any) -> Any:
    """Every count the rules need, in one struct (computed once per row)."""
    from pyspark.sql import functions as F

    n_words = F.when(joined == "", 0).otherwise(F.size(F.split(joined, " ")))
    n_symbol = F.regexp_count(joined, F.lit(SYMBOL_WORD))
    symbol_chars = F.length(F.array_join(F.regexp_extract_all(joined, F.lit(SYMBOL_WORD), 0), ""))
    word_chars = F.length(joined) - F.greatest(n_words - 1, F.lit(0))
    lines = splitlines(text)
    stops = [
        joined.rlike(WORD_EDGE_BEFORE + re.escape(w) + WORD_EDGE_AFTER).cast("int")
        for w in c.stop_words
    ]
    return F.struct(
        n_words.alias("words"),
        (n_words - n_symbol).alias("content"),
        (word_chars - symbol_chars).alias("content_chars"),
        F.regexp_count(joined, F.lit(ALPHA_WORD)).alias("alpha"),
        (sum(stops[1:], stops[0]) if stops else F.lit(0)).alias("stops"),
        substring_count(text, "#").alias("hashes"),
        (substring_count(text, "...") + substring_count(text, "…")).alias("ellipses"),
        F.size(lines).alias("lines"),
        count_matching(lines, lambda s: s.rlike(f"^{WS_CLASS}*[•-]")).alias("bullets"),
        count_matching(lines, lambda s: s.rlike(f"(\\.\\.\\.|…){WS_CLASS}*$")).alias(
            "end_ellipsis"
        ),
    )


def _rules(c: GopherQualityConfig, m: Any) -> list[tuple[Any, str]]:
    mean_len = ratio(m["content_chars"], m["content"])
    return [
        (below(m["content"], c.min_doc_words), "gopher_short_doc"),
        (above(m["content"], c.max_doc_words), "gopher_long_doc"),
        (below(mean_len, c.min_avg_word_length), "gopher_below_avg_threshold"),
        (above(mean_len, c.max_avg_word_length), "gopher_above_avg_threshold"),
        (above(ratio(m["hashes"], m["words"]), c.max_symbol_word_ratio), "gopher_too_many_hashes"),
        (
            above(ratio(m["ellipses"], m["words"]), c.max_symbol_word_ratio),
            "gopher_too_many_ellipsis",
        ),
        (
            above(ratio(m["bullets"], m["lines"]), c.max_bullet_lines_ratio),
            "gopher_too_many_bullets",
        ),
        (
            above(ratio(m["end_ellipsis"], m["lines"]), c.max_ellipsis_lines_ratio),
            "gopher_too_many_end_ellipsis",
        ),
        (
            below(ratio(m["alpha"], m["words"]), c.min_alpha_words_ratio),
            "gopher_below_alpha_threshold",
        ),
        (below(m["stops"], c.min_stop_words), "gopher_enough_stop_words"),
    ]


@register
class GopherQuality(Operator):
    """Rejects documents failing a Gopher quality rule; keeps the rest unchanged.

    Reasons (first failing rule, in this order): ``gopher_quality:gopher_short_doc``,
    ``gopher_long_doc``, ``gopher_below_avg_threshold``, ``gopher_above_avg_threshold``,
    ``gopher_too_many_hashes``, ``gopher_too_many_ellipsis``, ``gopher_too_many_bullets``,
    ``gopher_too_many_end_ellipsis``, ``gopher_below_alpha_threshold``,
    ``gopher_enough_stop_words`` (datatrove's names). Row-wise column expressions, no shuffle.
    """

    name = "gopher_quality"
    kind = "filter"
    accounting = "filter"
    config_model = GopherQualityConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "min_doc_words": 50}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        c: GopherQualityConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        text = text_of(c.text_column)
        words_col, metrics_col = TMP_PREFIX + "words", TMP_PREFIX + "metrics"
        staged = df.withColumn(words_col, word_string(text))
        staged = staged.withColumn(metrics_col, _metrics(c, text, F.col(words_col)))
        reason = first_reason(self.name, _rules(c, F.col(metrics_col)))
        return with_reason(staged, reason, [words_col, metrics_col])
