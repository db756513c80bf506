"""Character sets the text-quality heuristics are defined over, as data and regex classes.

The filters reproduce the definitions datatrove (huggingface/datatrove, v0.10) uses for the Gopher,
C4 and FineWeb heuristics, which tokenise words with spaCy's blank English tokenizer. The sets
below are facts taken from those projects, cited per set; the regular expressions built from
them are valid both for Java (Spark) and Python's ``regex`` module.
"""

from __future__ import annotations

from typing import Final


def _ranges(*spans: tuple[int, ...]) -> str:
    return "".join(chr(c) for span in spans for c in range(span[0], span[-1] + 1))


# Unicode Sentence_Terminal characters, as listed in datatrove src/datatrove/utils/text.py
# (TERMINAL_PUNCTUATION); spaCy's Sentencizer (spacy/pipeline/sentencizer.pyx) uses a subset.
TERMINAL_PUNCTUATION: Final = _ranges(
    (0x21,),
    (0x2E,),
    (0x3F,),
    (0x589,),
    (0x61D, 0x61F),
    (0x6D4,),
    (0x700, 0x702),
    (0x7F9,),
    (0x837,),
    (0x839,),
    (0x83D, 0x83E),
    (0x964, 0x965),
    (0x104A, 0x104B),
    (0x1362,),
    (0x1367, 0x1368),
    (0x166E,),
    (0x1735, 0x1736),
    (0x17D4, 0x17D6),
    (0x17D9, 0x17DA),
    (0x1803,),
    (0x1809,),
    (0x1944, 0x1945),
    (0x1AA8, 0x1AAB),
    (0x1B5A, 0x1B5B),
    (0x1B5E, 0x1B5F),
    (0x1B7D, 0x1B7E),
    (0x1C3B, 0x1C3C),
    (0x1C7E, 0x1C7F),
    (0x203C, 0x203D),
    (0x2047, 0x2049),
    (0x2E2E,),
    (0x2E3C,),
    (0x2E53, 0x2E54),
    (0x3002,),
    (0xA4FF,),
    (0xA60E, 0xA60F),
    (0xA6F3,),
    (0xA6F7,),
    (0xA876, 0xA877),
    (0xA8CE, 0xA8CF),
    (0xA92F,),
    (0xA9C8, 0xA9C9),
    (0xAA5D, 0xAA5F),
    (0xAAF0, 0xAAF1),
    (0xABEB,),
    (0xFE52,),
    (0xFE56, 0xFE57),
    (0xFF01,),
    (0xFF0E,),
    (0xFF1F,),
    (0xFF61,),
    (0x10A56, 0x10A57),
    (0x10F55, 0x10F59),
    (0x10F86, 0x10F89),
    (0x11047, 0x11048),
    (0x110BE, 0x110C1),
    (0x11141, 0x11143),
    (0x111C5, 0x111C6),
    (0x111CD,),
    (0x111DE, 0x111DF),
    (0x11238, 0x11239),
    (0x1123B, 0x1123C),
    (0x112A9,),
    (0x1144B, 0x1144C),
    (0x115C2, 0x115C3),
    (0x115C9, 0x115D7),
    (0x11641, 0x11642),
    (0x1173C, 0x1173E),
    (0x11944,),
    (0x11946,),
    (0x11A42, 0x11A43),
    (0x11A9B, 0x11A9C),
    (0x11C41, 0x11C42),
    (0x11EF7, 0x11EF8),
    (0x11F43, 0x11F44),
    (0x16A6E, 0x16A6F),
    (0x16AF5,),
    (0x16B37, 0x16B38),
    (0x16B44,),
    (0x16E98,),
    (0x1BC9F,),
    (0x1DA88,),
)

# Characters that make a token a "symbol" rather than a word: datatrove
# src/datatrove/utils/text.py PUNCTUATION (ASCII punctuation, CJK full-width forms, C0/C1
# controls) plus TERMINAL_PUNCTUATION.
SYMBOL_CHARS: Final = (
    "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»"
    + _ranges((0x0, 0x8), (0xB, 0xC), (0xD, 0x1F), (0x7F, 0x9F))
    + TERMINAL_PUNCTUATION
)

# Python's str.isspace() characters: spaCy splits tokens on them (spacy/tokenizer.pyx).
WHITESPACE: Final = _ranges(
    (0x9, 0xD),
    (0x1C, 0x20),
    (0x85,),
    (0xA0,),
    (0x1680,),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F,),
    (0x205F,),
    (0x3000,),
)

# str.splitlines() boundaries (Python docs, "str.splitlines"), without the \r\n pair.
LINE_BREAKS: Final = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# spaCy character classes (spacy/lang/char_classes.py): punctuation, quotes, currency, units.
SPACY_PUNCT: Final = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"
SPACY_QUOTES: Final = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"
SPACY_CURRENCY_SIGNS: Final = "$£€¥฿₽﷼₴₠₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₵₶₷₸₹₺₻₼₾₿"
SPACY_CURRENCY_CODES: Final = ("US$", "C$", "A$")
SPACY_UNITS: Final = [
    "km",
    "km²",
    "km³",
    "m",
    "m²",
    "m³",
    "dm",
    "dm²",
    "dm³",
    "cm",
    "cm²",
    "cm³",
    "mm",
    "mm²",
    "mm³",
    "ha",
    "µm",
    "nm",
    "yd",
    "in",
    "ft",
    "kg",
    "g",
    "mg",
    "µg",
    "t",
    "lb",
    "oz",
    "m/s",
    "km/h",
    "kmh",
    "mph",
    "hPa",
    "Pa",
    "mbar",
    "mb",
    "MB",
    "kb",
    "KB",
    "gb",
    "GB",
    "tb",
    "TB",
    "T",
    "G",
    "M",
    "K",
    "%",
]
SPACY_HYPHENS: Final = ("---", "--", "——", "-", "–", "—", "~")
# Sentence ends for spaCy's Sentencizer: the terminal punctuation above (a superset: it also
# holds characters added to Unicode after spaCy's list was made).
SENTENCE_END: Final = TERMINAL_PUNCTUATION


def char_class(chars: str, negate: bool = False) -> str:
    """A regex character class matching exactly ``chars`` (Java and Python ``regex`` syntax)."""
    parts = []
    for ch in dict.fromkeys(chars):
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F:
            parts.append(f"\\x{code:02X}")
        elif ch.isascii() and not ch.isalnum():
            parts.append("\\" + ch)
        else:
            parts.append(ch)
    return ("[^" if negate else "[") + "".join(parts) + "]"


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """Literal alternatives, longest first, each escaped."""
    escaped = [
        "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in item)
        for item in sorted(items, key=len, reverse=True)
    ]
    return "(?:" + "|".join(escaped) + ")"
