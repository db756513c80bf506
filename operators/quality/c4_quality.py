"""C4 heuristics (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
Text-to-Text Transformer", section 2.2), with datatrove's definitions
(src/datatrove/pipeline/filters/c4_filters.py, C4QualityFilter and C4BadWordsFilter).

C4's line rules REMOVE lines (too long a word, no terminal punctuation, fewer than 3 words,
"javascript", cookie/terms-of-use phrases); the document is rejected when a kept line holds
"lorem ipsum" or "{", or when the kept lines hold fewer than 5 sentences. As a filter this
operator makes the document-level decision on the rewritten text exactly as datatrove does, and
by default leaves the text column unchanged; ``rewrite_text: true`` replaces the text of kept
documents with the kept lines (joined by "\\n"), which is what datatrove emits.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from operators.base import REJECT_REASON, OpContext, Operator
from operators.quality._charsets import SENTENCE_END, char_class
from operators.quality._common import (
    TMP_PREFIX,
    TextFilterConfig,
    column,
    first_reason,
    require_text_column,
    splitlines,
    strip_ws,
    text_of,
    with_reason,
)
from operators.quality._words import WHITESPACE_RUN, word_tokens
from operators.registry import register

# datatrove c4_filters.py: Wikipedia-style citation markers and the policy phrases of the C4 code
# (tensorflow_datasets c4_utils.py).
CITATION = r"\[\p{Nd}*]|\[edit]|\[citation needed]"
POLICY_PHRASES = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
DOC_LEVEL = ("lorem_ipsum", "curly_bracket")


class C4QualityConfig(TextFilterConfig):
    # Defaults: Raffel et al. 2020 section 2.2; same as datatrove C4QualityFilter.
    remove_citations: bool = Field(True, description="strip [1], [edit], [citation needed]")
    filter_no_terminal_punct: bool = Field(True, description="drop lines not ending in . ? ! \" '")
    min_num_sentences: int = Field(5, ge=-1, description="fewest sentences in kept lines; -1 = off")
    min_words_per_line: int = Field(3, ge=-1, description="drop lines with fewer words; -1 = off")
    max_word_length: int = Field(1000, ge=-1, description="drop lines with a longer word; -1 = off")
    filter_lorem_ipsum: bool = Field(True, description="reject documents with 'lorem ipsum'")
    filter_javascript: bool = Field(True, description="drop lines mentioning javascript")
    filter_curly_bracket: bool = Field(True, description="reject documents with '{'")
    filter_policy: bool = Field(True, description="drop lines with cookie/terms-of-use phrases")
    bad_words: list[str] = Field(
        default_factory=list,
        description="reject documents containing one of these words (C4 used the LDNOOBW list, "
        "which is not shipped: supply it); matched lower-case between non-word characters",
    )
    rewrite_text: bool = Field(False, description="replace the text of kept rows by the kept lines")


def _line_code(c: C4QualityConfig, line: Any) -> Any:
    """struct(code, text) of one line: 'keep', 'drop' or a document-level reason."""
    from pyspark.sql import functions as F

    stripped = strip_ws(line)
    words = F.filter(F.split(stripped, WHITESPACE_RUN), lambda w: w != "")
    cleaned = F.regexp_replace(stripped, CITATION, "") if c.remove_citations else stripped
    lower = F.lower(cleaned)
    policy = F.array(*map(F.lit, POLICY_PHRASES))
    checks = [
        (
            c.max_word_length != -1,
            F.exists(words, lambda w: F.length(w) > c.max_word_length),
            "drop",
        ),
        (
            c.filter_no_terminal_punct,
            ~cleaned.rlike(r"""[.?!"']\z""") | cleaned.rlike(r"\.\.\.\z"),
            "drop",
        ),
        (True, F.size(words) < c.min_words_per_line, "drop"),
        (c.filter_lorem_ipsum, lower.contains("lorem ipsum"), "lorem_ipsum"),
        (c.filter_javascript, lower.contains("javascript"), "drop"),
        (c.filter_curly_bracket, cleaned.contains("{"), "curly_bracket"),
        (c.filter_policy, F.exists(policy, lambda p: F.instr(lower, p) > 0), "drop"),
    ]
    code = F.lit("keep")
    for enabled, cond, outcome in reversed(checks):
        if enabled:
            code = F.when(cond, F.lit(outcome)).otherwise(code)
    return F.struct(code.alias("code"), cleaned.alias("text"))


def sentence_count(line: Any) -> Any:
    """Sentences spaCy's Sentencizer finds in a line: one, plus one per word token that follows
    a sentence-final punctuation token with only punctuation tokens in between."""
    from pyspark.sql import functions as F

    end = "^" + char_class(SENTENCE_END) + r"\z"
    codes = F.transform(
        word_tokens(line),
        lambda t: F.when(t.rlike(end), "q").when(t.rlike(r"^\p{P}+\z"), "").otherwise("w"),
    )
    return F.regexp_count(F.array_join(codes, ""), F.lit("q+w")) + 1


def _bad_words_regex(words: list[str]) -> str:
    alternatives = "|".join(_java_quote(w.lower()) for w in sorted(words, key=len, reverse=True))
    return rf"(?:[^\p{{L}}\p{{N}}_]|^)(?:{alternatives})(?:[^\p{{L}}\p{{N}}_]|$)"


def _java_quote(word: str) -> str:
    return "".join("\\" + ch if ch.isascii() and not ch.isalnum() else ch for ch in word)


@register
class C4Quality(Operator):
    """Rejects documents failing the C4 rules; keeps the rest (text unchanged unless
    ``rewrite_text``).

    Reasons: ``c4_quality:lorem_ipsum``, ``c4_quality:curly_bracket`` (first such kept line),
    ``c4_quality:too_few_sentences`` and, with ``bad_words``,
    ``c4_quality:document_removed_with_badwords`` (datatrove's names). Row-wise, no shuffle.
    """

    name = "c4_quality"
    kind = "filter"
    accounting = "filter"
    config_model = C4QualityConfig
    example_config: ClassVar[dict[str, Any]] = {"text_column": "text", "min_num_sentences": 5}

    def transform(self, df: Any, ctx: OpContext) -> Any:
        from pyspark.sql import functions as F

        c: C4QualityConfig = self.config  # type: ignore[assignment]
        require_text_column(df, c.text_column, ctx.step)
        text = text_of(c.text_column)
        lines_col = TMP_PREFIX + "c4_lines"
        staged = df.withColumn(lines_col, F.transform(splitlines(text), lambda l: _line_code(c, l)))
        lines = F.col(lines_col)
        reason = first_reason(self.name, self._rules(c, text, lines))
        out = with_reason(staged, reason)
        if c.rewrite_text:
            kept = F.transform(F.filter(lines, lambda l: l["code"] == "keep"), lambda l: l["text"])
            rewritten = strip_ws(F.array_join(kept, "\n"))
            keep_row = F.col(REJECT_REASON).isNull()
            out = out.withColumn(
                c.text_column, F.when(keep_row, rewritten).otherwise(column(c.text_column))
            )
        return out.drop(lines_col)

    @staticmethod
    def _rules(c: C4QualityConfig, text: Any, lines: Any) -> list[tuple[Any, str]]:
        from pyspark.sql import functions as F

        doc_hits = F.filter(lines, lambda l: l["code"].isin(*DOC_LEVEL))
        first_hit = F.get(doc_hits, 0)["code"]
        kept = F.transform(F.filter(lines, lambda l: l["code"] == "keep"), lambda l: l["text"])
        sentences = F.aggregate(kept, F.lit(0), lambda acc, l: acc + sentence_count(l))
        rules = [(first_hit == name, name) for name in DOC_LEVEL]
        if c.min_num_sentences != -1:
            rules.append((sentences < c.min_num_sentences, "too_few_sentences"))
        if c.bad_words:
            bad = F.lower(text).rlike(_bad_words_regex(c.bad_words))
            rules.append((bad, "document_removed_with_badwords"))
        return rules
