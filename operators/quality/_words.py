"""Word tokenisation as Spark column expressions, modelled on spaCy's blank English tokenizer.

datatrove's Gopher, C4 and FineWeb filters count words with spaCy (``spacy.blank("en")``). This
module reproduces that tokenizer's rules (spacy/tokenizer.pyx, spacy/lang/punctuation.py,
spacy/lang/char_classes.py, spacy/lang/tokenizer_exceptions.py) as regular expressions:

1. split on whitespace into chunks;
2. per chunk: a run of prefix punctuation, a core, a run of suffix punctuation (the core is the
   shortest one the suffix rules allow; known abbreviations such as ``e.g.`` keep their dot);
3. the core is split at infixes (hyphens between letters, ``/`` ``:`` ``=`` between alphanumerics
   and letters, ``,`` between letters, ellipses, dots between a lower- and an upper-case letter)
   unless it looks like a URL or domain; contractions (``don't`` -> ``do`` ``n't``) and spaCy's
   apostrophe-less special cases (``cannot`` -> ``can`` ``not``) are split.

Rare spaCy behaviours (emoticons, special cases re-matched across affixes) are not modelled;
the parity test measures the effect on filter decisions.
"""

from __future__ import annotations

from typing import Any, Final

from operators.quality._charsets import (
    SPACY_CURRENCY_CODES,
    SPACY_CURRENCY_SIGNS,
    SPACY_HYPHENS,
    SPACY_PUNCT,
    SPACY_QUOTES,
    SPACY_UNITS,
    WHITESPACE,
    alternation,
    char_class,
)
from operators.quality._common import let

WHITESPACE_RUN: Final = char_class(WHITESPACE) + "+"
_PQ = SPACY_PUNCT + SPACY_QUOTES
_CODES = alternation(SPACY_CURRENCY_CODES)[3:-1]  # the alternatives without their group
_CURRENCY = "(?:" + char_class(SPACY_CURRENCY_SIGNS) + "|" + _CODES + ")"

PREFIX: Final = (
    r"(?:\.\.+|"
    + _CODES
    + r"|\+(?![0-9])|"
    + char_class("§%=—–" + _PQ + SPACY_CURRENCY_SIGNS)
    + r"|\p{So})"
)
# A dot is a suffix after a digit, a lower-case letter, %, ², -, +, punctuation or a quote, or
# after two upper-case letters (spacy/lang/punctuation.py TOKENIZER_SUFFIXES).
_DOT_AFTER = char_class("0123456789%²-+|()?:" + _PQ)[:-1] + r"\p{Ll}]"
SUFFIX: Final = (
    r"(?:\.\.+|…|['’][sS]|(?<=[0-9])\+|(?<=°[FfCcKk])\.|(?<=[0-9])"
    + _CURRENCY
    + r"|(?<=[0-9])"
    + alternation(SPACY_UNITS)
    + r"|(?<="
    + _DOT_AFTER
    + r")\.|(?<=\p{Lu}\p{Lu})\."
    + r"|"
    + char_class(_PQ + "—–")
    + r"|\p{So})"
)
# spaCy tokenizer exceptions ending in a dot that the suffix rules would otherwise split
# (spacy/lang/en/tokenizer_exceptions.py, spacy/lang/tokenizer_exceptions.py).
ABBREVIATIONS: Final = (
    "Adm.",
    "Ak.",
    "Ala.",
    "Apr.",
    "Ariz.",
    "Ark.",
    "Aug.",
    "Bros.",
    "Calif.",
    "Co.",
    "Colo.",
    "Conn.",
    "Corp.",
    "Dec.",
    "Del.",
    "Dr.",
    "E.g.",
    "Feb.",
    "Fla.",
    "Ga.",
    "Gen.",
    "Gov.",
    "I.e.",
    "Ia.",
    "Id.",
    "Ill.",
    "Inc.",
    "Ind.",
    "Jan.",
    "Jr.",
    "Jul.",
    "Jun.",
    "Kan.",
    "Kans.",
    "Ky.",
    "La.",
    "Ltd.",
    "Mar.",
    "Mass.",
    "Md.",
    "Messrs.",
    "Mich.",
    "Minn.",
    "Miss.",
    "Mo.",
    "Mont.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Mt.",
    "Neb.",
    "Nebr.",
    "Nev.",
    "Nov.",
    "Oct.",
    "Okla.",
    "Ore.",
    "Pa.",
    "Prof.",
    "Rep.",
    "Rev.",
    "Sen.",
    "Sep.",
    "Sept.",
    "St.",
    "Tenn.",
    "Va.",
    "Wash.",
    "Wis.",
    "a.m.",
    "co.",
    "e.g.",
    "i.e.",
    "p.m.",
    "v.s.",
    "vs.",
    "ä.",
    "ö.",
    "ü.",
)
_ABBREVIATION = "(?:" + alternation(ABBREVIATIONS) + r"|\p{Ll}\.)"
CHUNK: Final = "^(" + PREFIX + "*)(" + _ABBREVIATION + "(?=" + SUFFIX + "*$)|.*?)(" + SUFFIX + "*)$"
PREFIX_PIECE: Final = r"\.\.+|" + _CODES + "|."
SUFFIX_PIECE: Final = r"\.\.+|['’][sS]|" + alternation(SPACY_UNITS)[3:-1] + "|" + _CODES + "|."
_LETTER_OR_QUOTE_LOWER = char_class(SPACY_QUOTES)[:-1] + r"\p{Ll}]"
_LETTER_OR_QUOTE_UPPER = char_class(SPACY_QUOTES)[:-1] + r"\p{Lu}]"
INFIX: Final = (
    r"(?<!^)(?:\.\.+|…|\p{So}|(?<=[0-9])[+\-*^](?=[0-9\-])"
    + r"|(?<="
    + _LETTER_OR_QUOTE_LOWER
    + r")\.(?="
    + _LETTER_OR_QUOTE_UPPER
    + ")"
    + r"|(?<=\p{L}),(?=\p{L})|(?<=[\p{L}0-9])"
    + alternation(SPACY_HYPHENS)
    + r"(?=\p{L})"
    + r"|(?<=[\p{L}0-9])[:<>=/](?=\p{L}))"
)
CORE_PIECE: Final = INFIX + "|(?:(?!" + INFIX + ").)+"
# Host names and URLs are not split at infixes (spaCy's URL_MATCH, after D. Perini's URL regex).
_HOST_CHAR = "A-Za-z0-9\u00a1-\uffff"
URL: Final = (
    r"^(?:[A-Za-z0-9_+\-.]{2,}://)?(?:\S+(?::\S*)?@)?(?:(?:["
    + _HOST_CHAR
    + "]["
    + _HOST_CHAR
    + r"_\-]{0,62})?["
    + _HOST_CHAR
    + r"]\.)+\p{Ll}{2,63}(?::\d{2,5})?(?:[/?#]\S*)?$"
)
CONTRACTION: Final = r"^(\p{L}+?)(n['’]t|['’](?:ll|ve|re|d|m))$"
SINGLE_TOKENS: Final = ("and/or", "w/o")

# spaCy re-joins adjacent pieces that spell a special case (emoticons, ``''``, ``'s``, ``x.``):
# (first piece, second piece) pairs from spacy/lang/tokenizer_exceptions.py and
# spacy/lang/en/tokenizer_exceptions.py.
_EMOTICON_PAIRS = "(: (; (= ): 8) :( :) :* :/ :0 :1 :3 :> :D :O :P :X :] :o :p :x :| :} ;) ;D <3 =( =) =/ =3 =D =[ =] =| [: [= ]="
_QUOTE_PAIRS = "'' 'S 'd 's ‘S ‘s ’S ’d ’s ’’ 'em 'll 're ’em ’ll ’re"
MERGED_PAIRS: Final = tuple(
    (pair[0], pair[1:])
    for pair in (_EMOTICON_PAIRS + " " + _QUOTE_PAIRS).split()
    + [c + "." for c in "abcdefghijklmnopqrstuvwxyzäöü"]
)


_NT_STEMS = "ai are ca could dare did does do had has have is may might must need ought sha should was were wo would"
_VE_STEMS = "could might must should would"
_PRONOUN_TAILS = {
    "i": "d m ve",
    "you": "d ll re ve",
    "he": "d s",
    "she": "s",
    "it": "d ll",
    "we": "d ve",
    "they": "d ll re ve",
    "that": "d ll s",
    "this": "d ll s",
    "these": "d ll re ve",
    "those": "d ll re ve",
    "there": "d ll re s ve",
    "what": "d ll re s ve",
    "where": "d ll re s ve",
    "when": "d ll re s ve",
    "why": "d ll re s ve",
    "how": "d ll re s ve",
    "who": "d ll s ve",
}


def _apostrophe_free_splits() -> dict[str, list[str]]:
    """spaCy's special cases for contractions written without an apostrophe (``dont``)."""
    splits = {stem + "nt": [stem, "nt"] for stem in _NT_STEMS.split()}
    splits.update({stem + "ve": [stem, "ve"] for stem in _VE_STEMS.split()})
    for pron, tails in _PRONOUN_TAILS.items():
        splits.update({pron + tail: [pron, tail] for tail in tails.split()})
    splits.update({"cannot": ["can", "not"], "gonna": ["gon", "na"], "gotta": ["got", "ta"]})
    splits["yall"] = ["y", "all"]
    return splits


def _with_titles(splits: dict[str, list[str]]) -> dict[str, list[str]]:
    titled = {k.title(): [v[0].title(), *v[1:]] for k, v in splits.items()}
    return {**splits, **titled}


APOSTROPHE_FREE: Final = _with_titles(_apostrophe_free_splits())


def _escaped(piece: str) -> str:
    return "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in piece)


# Within one chunk pieces are joined by " " and chunks by "\n"; a pair is merged by dropping
# the space between its pieces. Both pieces are consumed, so merges never overlap.
MERGE: Final = (
    r"(?<=^|[ \n])(?=(?:"
    + "|".join(_escaped(a) + " " + _escaped(b) for a, b in MERGED_PAIRS)
    + r")(?:[ \n]|$))(.) ([^ \n]+)"
)


def _core_tokens(core: Any) -> Any:
    from pyspark.sql import functions as F

    contraction = F.array(
        F.regexp_extract(core, CONTRACTION, 1), F.regexp_extract(core, CONTRACTION, 2)
    )
    split = (
        F.when(core.isin(*SINGLE_TOKENS) | core.rlike(URL), F.array(core))
        .when(core.rlike(CONTRACTION), contraction)
        .when(core.rlike(INFIX), F.regexp_extract_all(core, F.lit(CORE_PIECE), 0))
        .otherwise(F.array(core))
    )
    return F.when(core == "", F.array().cast("array<string>")).otherwise(_special_or(core, split))


def _special_map() -> Any:
    from pyspark.sql import functions as F

    pairs = [(F.lit(k), F.array(*map(F.lit, v))) for k, v in sorted(APOSTROPHE_FREE.items())]
    return F.create_map(*[x for pair in pairs for x in pair])


def _special_or(word: Any, default: Any) -> Any:
    """spaCy's split of an apostrophe-free contraction (``dont``), else ``default``."""
    from pyspark.sql import functions as F

    return F.when(word.isin(*APOSTROPHE_FREE), F.element_at(_special_map(), word)).otherwise(
        default
    )


PLAIN_WORD: Final = r"^\p{L}+$"


def _chunk_tokens(chunk: Any) -> Any:
    """Tokens of one whitespace-free chunk; plain words skip the affix machinery."""
    from pyspark.sql import functions as F

    return F.when(chunk.rlike(PLAIN_WORD), _special_or(chunk, F.array(chunk))).otherwise(
        _affixed_chunk_tokens(chunk)
    )


def _affixed_chunk_tokens(chunk: Any) -> Any:
    """Prefix pieces, core tokens, suffix pieces; the chunk regex runs once (``$1 $2 $3``)."""
    from pyspark.sql import functions as F

    parts = F.split(F.regexp_replace(chunk, CHUNK, "$1 $2 $3"), " ", -1)
    return let(
        parts,
        lambda p: F.concat(
            F.regexp_extract_all(p[0], F.lit(PREFIX_PIECE), 0),
            let(p[1], _core_tokens),
            F.regexp_extract_all(p[2], F.lit(SUFFIX_PIECE), 0),
        ),
    )


def word_string(text: Any) -> Any:
    """The words spaCy's English tokenizer would produce, joined by single spaces ("" if none).

    Words never contain whitespace, so counting and matching on this string (``(?<![^ ])`` and
    ``(?![^ ])`` mark word edges) is exact and avoids a lambda per word.
    """
    from pyspark.sql import functions as F

    chunks = F.filter(F.split(text, WHITESPACE_RUN), lambda c: c != "")
    joined = F.array_join(F.transform(chunks, lambda c: F.array_join(_chunk_tokens(c), " ")), "\n")
    return F.translate(F.regexp_replace(joined, MERGE, "$1$2"), "\n", " ")


def words_of(joined: Any) -> Any:
    """array<string> of the words in a :func:`word_string`."""
    from pyspark.sql import functions as F

    return F.when(joined == "", F.array().cast("array<string>")).otherwise(F.split(joined, " "))


def word_tokens(text: Any) -> Any:
    """array<string> of the words spaCy's English tokenizer would produce (no whitespace tokens)."""
    return words_of(word_string(text))
