"""Document length bounds in characters and whitespace-separated words."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from operators.base import OpContext, Operator
from operators.quality._common import (
    TextFilterConfig,
    first_reason,
    require_text_column,
    text_of,
    with_reason,
)
from operators.quality._words import WHITESPACE_RUN
from operators.registry import register


class LengthFilterConfig(TextFilterConfig):
    min_chars: int | None = Field(None, ge=0, description="fewest characters (code points)")
    max_chars: int | None = Field(None, ge=0, description="most characters (code points)")
    min_words: int | None = Field(None, ge=0, description="fewest whitespace-separated words")
    max_words: int | None = Field(None, ge=0, description="most whitespace-separated words")

    @model_validator(mode="after")
    def _bounds(self) -> LengthFilterConfig:
        if all(v is None for v in (self.min_chars, self.max_chars, self.min_words, self.max_words)):
            raise ValueError("set at least one of min_chars, max_chars, min_words, max_words")
        for low, high in ((self.min_chars, self.max_chars), (self.min_words, self.max_words)):
            if low is not None and high is not None and low > high:
                raise ValueError(f"minimum {low} is above maximum {high}")
        return self


@register
class LengthFilter(Operator):
    """Rejects documents outside the length bounds; keeps the rest unchanged.

    Reasons: ``length_filter:too_few_chars``, ``too_many_chars``, ``too_few_words``,
    ``too_many_words`` (checked in this order; null text counts as empty). No shuffle.
    """

    name = "length_filter"
    kind = "filter"
    accounting = "filter"
    config_model = LengthFilterConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "min_words": 5}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        c: LengthFilterConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        text = text_of(c.text_column)
        chars = F.length(text)
        words = F.size(F.filter(F.split(text, WHITESPACE_RUN), lambda w: w != ""))
        checks = [
            (c.min_chars, lambda limit: chars < limit, "too_few_chars"),
            (c.max_chars, lambda limit: chars > limit, "too_many_chars"),
            (c.min_words, lambda limit: words < limit, "too_few_words"),
            (c.max_words, lambda limit: words > limit, "too_many_words"),
        ]
        rules = [(test(F.lit(limit)), name) for limit, test, name in checks if limit is not None]
        return with_reason(df, first_reason(self.name, rules))
