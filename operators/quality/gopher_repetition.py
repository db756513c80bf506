"""Gopher repetition heuristics (Rae et al. 2021, appendix A.1.1, table A1), with datatrove's
definitions (src/datatrove/pipeline/filters/gopher_repetition_filter.py).

Line and paragraph duplicates are column expressions. The n-gram rules need a per-document
counter (top n-gram) and a sequential scan (duplicated n-grams skip the words of each repeat),
which no column expression does in linear time, so they run in one vectorised pandas UDF over
the word arrays; documents already rejected by a line/paragraph rule are not scanned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

import pandas as pd
from pydantic import Field

from operators.base import OpContext, Operator
from operators.quality._common import (
    TMP_PREFIX,
    TextFilterConfig,
    above,
    duplicate_stats,
    first_reason,
    ratio,
    require_text_column,
    strip_ws,
    text_of,
    with_reason,
)
from operators.quality._words import word_tokens
from operators.registry import register


class GopherRepetitionConfig(TextFilterConfig):
    # Thresholds: Rae et al. 2021, table A1; same defaults in datatrove GopherRepetitionFilter.
    dup_line_frac: float | None = Field(
        0.3, ge=0, le=1, description="largest share of repeated lines"
    )
    dup_para_frac: float | None = Field(
        0.3, ge=0, le=1, description="largest share of repeated paragraphs"
    )
    dup_line_char_frac: float | None = Field(
        0.2, ge=0, le=1, description="largest share of characters in repeated lines"
    )
    dup_para_char_frac: float | None = Field(
        0.2, ge=0, le=1, description="largest share of characters in repeated paragraphs"
    )
    top_n_grams: list[tuple[int, float]] = Field(
        default_factory=lambda: [(2, 0.2), (3, 0.18), (4, 0.16)],
        description="(n, largest share of characters covered by the most frequent n-gram)",
    )
    dup_n_grams: list[tuple[int, float]] = Field(
        default_factory=lambda: [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)],
        description="(n, largest share of characters in repeated n-grams)",
    )


def top_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters covered by the most frequent n-gram (space-joined), ties to the first seen.

    Words hold no spaces, so counting word tuples equals counting the space-joined strings.
    """
    counts = Counter(zip(*(words[i:] for i in range(n))))
    if not counts:
        return 0
    gram, count = max(counts.items(), key=lambda item: item[1])
    return (sum(map(len, gram)) + n - 1) * count


def repeated_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters of n-grams (joined without spaces) seen before, scanning left to right and
    jumping past each repeat so overlapping repeats count once."""
    seen: set[str] = set()
    total, i = 0, 0
    while i + n <= len(words):
        gram = "".join(words[i : i + n])
        if gram in seen:
            total += len(gram)
            i += n
        else:
            seen.add(gram)
            i += 1
    return total


def ngram_reason(
    words: Sequence[str],
    text_len: int,
    top: Sequence[tuple[int, float]],
    dup: Sequence[tuple[int, float]],
) -> str | None:
    """The first n-gram rule that fires, or None."""
    for n, limit in top:
        if len(words) >= n and top_ngram_chars(words, n) / text_len > limit:
            return f"top_{n}_gram"
    for n, limit in dup:
        if repeated_ngram_chars(words, n) / text_len > limit:
            return f"duplicated_{n}_n_grams"
    return None


def _ngram_udf(top: list[tuple[int, float]], dup: list[tuple[int, float]]) -> Any:
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")  # type: ignore[call-overload]
    def ngram_rules(words: pd.Series, text_len: pd.Series, skip: pd.Series) -> pd.Series:
        out = [
            None if done or not length else ngram_reason(list(ws), int(length), top, dup)
            for ws, length, done in zip(words, text_len, skip)
        ]
        return pd.Series(out, dtype=object)

    return ngram_rules


@register
class GopherRepetition(Operator):
    """Rejects documents with too much repeated content; keeps the rest unchanged.

    Reasons (first failing rule): ``gopher_repetition:empty``, ``dup_para_frac``,
    ``dup_para_char_frac``, ``dup_line_frac``, ``dup_line_char_frac``, ``top_{n}_gram``,
    ``duplicated_{n}_n_grams`` (datatrove's names). Row-wise (column expressions plus one
    pandas UDF), no shuffle.
    """

    name = "gopher_repetition"
    kind = "filter"
    accounting = "filter"
    config_model = GopherRepetitionConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "dup_line_frac": 0.3}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        c: GopherRepetitionConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        text = text_of(c.text_column)
        line_col, words_col = TMP_PREFIX + "line_reason", TMP_PREFIX + "words"
        staged = df.withColumn(line_col, first_reason(self.name, _line_rules(c, text)))
        staged = staged.withColumn(words_col, word_tokens(text))
        udf = _ngram_udf([tuple(t) for t in c.top_n_grams], [tuple(t) for t in c.dup_n_grams])
        ngram = udf(F.col(words_col), F.length(text), F.col(line_col).isNotNull())
        reason = F.coalesce(F.col(line_col), F.concat(F.lit(self.name + ":"), ngram))
        return with_reason(staged, reason, [line_col, words_col])


def _line_rules(c: GopherRepetitionConfig, text: Any) -> list[tuple[Any, str]]:
    from pyspark.sql import functions as F

    paragraphs = F.split(strip_ws(text), r"\n{2,}")
    lines = F.split(text, r"\n+")
    para_dups, para_chars = duplicate_stats(paragraphs)
    line_dups, line_chars = duplicate_stats(lines)
    n_chars = F.length(text)
    return [
        (F.coalesce(text, F.lit("")) == "", "empty"),
        (above(ratio(para_dups, F.size(paragraphs)), c.dup_para_frac), "dup_para_frac"),
        (above(ratio(para_chars, n_chars), c.dup_para_char_frac), "dup_para_char_frac"),
        (above(ratio(line_dups, F.size(lines)), c.dup_line_frac), "dup_line_frac"),
        (above(ratio(line_chars, n_chars), c.dup_line_char_frac), "dup_line_char_frac"),
    ]
