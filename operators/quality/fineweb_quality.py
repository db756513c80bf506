"""FineWeb quality heuristics (Penedo et al. 2024, "The FineWeb Datasets: Decanting the Web for
the Finest Text Data at Scale", section 3.3.5), with datatrove's definitions
(src/datatrove/pipeline/filters/fineweb_quality_filter.py): lines are split on "\\n" only and
blank lines ignored; a line "ends with punctuation" when its last character is a Unicode
sentence terminator, trailing spaces included.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from operators.base import OpContext, Operator
from operators.quality._charsets import TERMINAL_PUNCTUATION, char_class
from operators.quality._common import (
    TextFilterConfig,
    above,
    count_matching,
    duplicate_stats,
    first_reason,
    ratio,
    require_text_column,
    strip_ws,
    substring_count,
    text_of,
    with_reason,
)
from operators.quality._words import word_tokens
from operators.registry import register


class FineWebQualityConfig(TextFilterConfig):
    # Thresholds: Penedo et al. 2024, section 3.3.5; same defaults in datatrove FineWebQualityFilter.
    line_punct_thr: float = Field(
        0.12, ge=0, le=1, description="smallest share of lines ending in terminal punctuation"
    )
    line_punct_exclude_zero: bool = Field(
        False, description="do not reject documents where no line ends in punctuation"
    )
    short_line_thr: float = Field(0.67, ge=0, le=1, description="largest share of short lines")
    short_line_length: int = Field(30, ge=0, description="a line this long or shorter is short")
    char_duplicates_ratio: float = Field(
        0.01, ge=0, le=1, description="largest share of characters in repeated lines"
    )
    new_line_ratio: float = Field(0.3, ge=0, description="most line breaks per word")


def _rules(c: FineWebQualityConfig, text: Any) -> list[tuple[Any, str]]:
    from pyspark.sql import functions as F

    lines = F.filter(F.split(text, "\n"), lambda s: strip_ws(s) != "")
    n_lines = F.size(lines)
    punct_share = ratio(
        count_matching(lines, lambda s: s.rlike(char_class(TERMINAL_PUNCTUATION) + r"\z")), n_lines
    )
    low_punct = punct_share < F.lit(c.line_punct_thr)
    if c.line_punct_exclude_zero:
        low_punct = low_punct & (punct_share != 0)
    short_share = ratio(
        count_matching(lines, lambda s: F.length(s) <= c.short_line_length), n_lines
    )
    _, dup_chars = duplicate_stats(lines)
    chars_no_newline = F.length(text) - substring_count(text, "\n")
    return [
        (F.coalesce(n_lines, F.lit(0)) == 0, "empty"),
        (low_punct, "line_punct_ratio"),
        (above(short_share, c.short_line_thr), "short_line_ratio"),
        (above(ratio(dup_chars, chars_no_newline), c.char_duplicates_ratio), "char_dup_ratio"),
        (
            above(ratio(substring_count(text, "\n"), F.size(word_tokens(text))), c.new_line_ratio),
            "list_ratio",
        ),
    ]


@register
class FineWebQuality(Operator):
    """Rejects documents failing a FineWeb quality rule; keeps the rest unchanged.

    Reasons (first failing rule): ``fineweb_quality:empty``, ``line_punct_ratio``,
    ``short_line_ratio``, ``char_dup_ratio``, ``list_ratio`` (datatrove's names). Row-wise column
    expressions, no shuffle.
    """

    name = "fineweb_quality"
    kind = "filter"
    accounting = "filter"
    config_model = FineWebQualityConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "short_line_length": 30}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        c: FineWebQualityConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        return with_reason(df, first_reason(self.name, _rules(c, text_of(c.text_column))))
