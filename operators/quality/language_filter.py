"""Language identification with py3langid, whose naive-Bayes model ships inside its wheel
(no download at run time). Scores are normalised probabilities; the default threshold 0.65 is
datatrove's LanguageFilter default (src/datatrove/pipeline/filters/language_filter.py).
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import pandas as pd
from pydantic import Field, field_validator

from operators.base import OpContext, Operator
from operators.quality._common import (
    TMP_PREFIX,
    TextFilterConfig,
    first_reason,
    require_text_column,
    text_of,
    with_reason,
)
from operators.registry import register
from schemas.errors import UserError

RESULT_DDL = "language string, score double"


class LanguageFilterConfig(TextFilterConfig):
    languages: list[str] = Field(
        default_factory=lambda: ["en"], min_length=1, description="ISO 639-1 codes to keep"
    )
    min_score: float = Field(0.65, ge=0, le=1, description="keep when the top score is above this")
    language_column: str | None = Field(
        None,
        description="when set, add the detected language as this column and its score as "
        "<language_column>_score",
    )

    @field_validator("languages")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        bad = [
            c
            for c in codes
            if not (c.isascii() and c.isalpha() and c.islower() and 2 <= len(c) <= 3)
        ]
        if bad:
            raise ValueError(f"not ISO 639 language codes: {', '.join(bad)}")
        return codes


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """The packaged py3langid model, loaded once per Python worker."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_languages(texts: pd.Series) -> pd.DataFrame:
    """(language, score) of each text; the score is the top language's probability."""
    identifier = _identifier()
    pairs = [
        identifier.classify(t) if isinstance(t, str) and t.strip() else ("und", 0.0) for t in texts
    ]
    return pd.DataFrame({"language": [p[0] for p in pairs], "score": [float(p[1]) for p in pairs]})


def _detect_udf() -> Any:
    from pyspark.sql.functions import pandas_udf

    return pandas_udf(detect_languages, RESULT_DDL)  # type: ignore[call-overload]


@register
class LanguageFilter(Operator):
    """Keeps documents whose detected language is one of ``languages`` with a score above
    ``min_score``; rejects the rest with ``language_filter:other_language`` or
    ``language_filter:low_language_score``. Empty documents are ``und`` (undetermined).
    Vectorised pandas UDF, no shuffle.
    """

    name = "language_filter"
    kind = "filter"
    accounting = "filter"
    config_model = LanguageFilterConfig
    example_config: ClassVar[dict[str, Any]] = {"languages": ["en"], "min_score": 0.65}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        c: LanguageFilterConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        if c.language_column and c.language_column in df.columns:
            raise UserError(f"step '{ctx.step}': column '{c.language_column}' already exists")
        found = TMP_PREFIX + "language"
        staged = df.withColumn(found, _detect_udf()(text_of(c.text_column)))
        lang, score = F.col(found)["language"], F.col(found)["score"]
        rules = [
            (~lang.isin(*c.languages), "other_language"),
            (score <= F.lit(c.min_score), "low_language_score"),
        ]
        out = with_reason(staged, first_reason(self.name, rules))
        if c.language_column:
            out = out.withColumn(c.language_column, lang).withColumn(
                f"{c.language_column}_score", score
            )
        return out.drop(found)
