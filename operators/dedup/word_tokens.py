"""Word tokens of many texts at once, by scanning their UTF-8 bytes with NumPy.

A token is a maximal run of word characters inside one text: letters, digits, marks and ``_``
(the regular-expression classes ``[\\p{L}\\p{N}\\p{M}_]``, decided by Arrow's RE2 itself, so the
tokens are exactly those of splitting on ``[^\\p{L}\\p{N}\\p{M}_]+``). ASCII bytes are
classified with a 128-entry table; each multi-byte character is decoded at its lead byte, the
distinct code points of a batch are classified once, and continuation bytes inherit their
lead's class. This replaces a regular-expression split (about 5x slower on this workload).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_WORD_CHAR = r"^[\p{L}\p{N}\p{M}_]$"


def _is_word_char(code_points: np.ndarray) -> np.ndarray:
    """Per code point: is it a letter, digit, mark or underscore (as RE2 classifies it)."""
    distinct, inverse = np.unique(code_points, return_inverse=True)
    chars = pa.array([chr(c) for c in distinct.tolist()], pa.string())
    return np.asarray(pc.match_substring_regex(chars, _WORD_CHAR), dtype=bool)[inverse.reshape(-1)]


@lru_cache(maxsize=1)
def _byte_table() -> np.ndarray:
    """Word class of every byte value as a one-byte character (non-ASCII bytes: False)."""
    table = np.zeros(256, dtype=bool)
    table[:128] = _is_word_char(np.arange(128))
    return table


def _lead_code_points(data: np.ndarray, leads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code points and byte lengths of the multi-byte characters starting at ``leads``."""
    last = len(data) - 1
    b0, b1, b2, b3 = (data[np.minimum(leads + k, last)].astype(np.int64) & (0xFF if k == 0 else 0x3F)
                      for k in range(4))
    two = ((b0 & 0x1F) << 6) | b1
    three = ((b0 & 0x0F) << 12) | (b1 << 6) | b2
    four = ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3
    lengths = np.where(b0 < 0xE0, 2, np.where(b0 < 0xF0, 3, 4))
    return np.where(lengths == 2, two, np.where(lengths == 3, three, four)), lengths


def _word_bytes(data: np.ndarray) -> np.ndarray:
    """Per byte: does it belong to a word character?"""
    word = _byte_table()[data]
    leads = np.flatnonzero(data >= 0xC0)
    if len(leads):
        code_points, lengths = _lead_code_points(data, leads)
        lead_word = _is_word_char(code_points)
        for k in range(4):  # the lead byte and its continuation bytes
            within = lengths > k
            word[leads[within] + k] = lead_word[within]
    return word


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of a large_string array and its offsets, rebased to start at 0."""
    offsets = np.frombuffer(arr.buffers()[1], np.int64)[arr.offset : arr.offset + len(arr) + 1]
    raw = arr.buffers()[2]
    data = np.frombuffer(raw, np.uint8) if raw is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def word_tokens(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """All word tokens of ``texts`` (large_string, no nulls) in order, and the count per text."""
    data, offsets = _string_buffers(texts)
    if not len(data):
        return pa.array([], pa.large_string()), np.zeros(len(texts), np.int64)
    word = _word_bytes(data)
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    inner = offsets[1:-1]
    inner = np.unique(inner[(inner > 0) & (inner < len(data))])
    joined = inner[word[inner] & word[inner - 1]]  # a token never runs across two texts
    starts = np.insert(starts, np.searchsorted(starts, joined), joined)
    ends = np.insert(ends, np.searchsorted(ends, joined), joined)
    lengths = ends - starts
    token_offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = pa.Array.from_buffers(pa.large_string(), len(starts), [
        None, pa.py_buffer(token_offsets), pa.py_buffer(np.ascontiguousarray(data[word]))])
    owner = np.searchsorted(offsets[1:], starts, side="right")
    return values, np.bincount(owner, minlength=len(texts)).astype(np.int64)
