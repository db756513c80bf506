"""Named regular-expression rules over a text column (Java regex syntax, as Spark runs them)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from operators.base import OpContext, Operator
from operators.quality._common import (
    TextFilterConfig,
    first_reason,
    require_text_column,
    text_of,
    with_reason,
)
from operators.registry import register
from schemas.recipe import NAME_RE

MAX_PATTERN_CHARS = 2000


class RegexFilterConfig(TextFilterConfig):
    reject_if_match: dict[str, str] = Field(
        default_factory=dict,
        description="rule name -> pattern; a document where the pattern is found is rejected "
        "with reason regex_filter:<rule name> (datatrove RegexFilter semantics)",
    )
    require_match: dict[str, str] = Field(
        default_factory=dict,
        description="rule name -> pattern; a document where the pattern is NOT found is "
        "rejected with reason regex_filter:missing_<rule name>",
    )
    case_insensitive: bool = Field(False, description="match ignoring case")

    @field_validator("reject_if_match", "require_match")
    @classmethod
    def _patterns(cls, rules: dict[str, str]) -> dict[str, str]:
        for name, pattern in rules.items():
            if not NAME_RE.match(name):
                raise ValueError(f"rule name '{name}' must be letters, digits and '_'")
            if len(pattern) > MAX_PATTERN_CHARS:
                raise ValueError(f"pattern of rule '{name}' is longer than {MAX_PATTERN_CHARS}")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern of rule '{name}' does not compile: {exc}") from exc
        return rules

    @model_validator(mode="after")
    def _some_rule(self) -> RegexFilterConfig:
        if not self.reject_if_match and not self.require_match:
            raise ValueError("give at least one rule in reject_if_match or require_match")
        return self


@register
class RegexFilter(Operator):
    """Rejects documents matching a ``reject_if_match`` pattern or missing a ``require_match``
    pattern; keeps the rest unchanged. The first failing rule (in the order written) names the
    reason. No shuffle.
    """

    name = "regex_filter"
    kind = "filter"
    accounting = "filter"
    config_model = RegexFilterConfig
    example_config: ClassVar[dict[str, Any]] = {"reject_if_match": {"lorem": "(?i)lorem ipsum"}}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        c: RegexFilterConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        text = text_of(c.text_column)
        flag = "(?i)" if c.case_insensitive else ""
        rules = [(text.rlike(flag + p), name) for name, p in c.reject_if_match.items()]
        rules += [(~text.rlike(flag + p), f"missing_{name}") for name, p in c.require_match.items()]
        return with_reason(df, first_reason(self.name, rules))
