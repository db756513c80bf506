"""Tokens, shingles and the shingle hash shared by the Spark path and the datasketch reference.

Hash scheme (stored with every signature as :data:`SHINGLE_HASH_SCHEME`):

1. token hash: ``datasketch.hashfunc.sha1_hash64(token.encode("utf-8"))`` (first 8 bytes of
   SHA-1, little endian);
2. shingle of tokens ``t1..tn``: ``acc = ((..(h(t1) * M + h(t2)) * M + ..) + h(tn)) mod 2**64``
   with ``M`` = the 64-bit FNV prime, then ``fmix64(acc)`` (the MurmurHash3 finalizer, constants
   as in datasketch.minhash._FMIX_CONSTANTS[64]) gives the 64-bit shingle hash;
3. the MinHash input is the top 32 bits of the shingle hash (datasketch's ``affine32`` scheme
   takes 32-bit inputs), exact Jaccard verification uses the full 64 bits.

A document with fewer tokens than ``n`` has one shingle made of all its tokens; a document without
tokens has no shingles and never joins a cluster. The batch function hashes each distinct token of
an Arrow batch once and builds every window with vectorised NumPy arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasketch.hashfunc import sha1_hash64

from operators.dedup.word_tokens import word_tokens

SHINGLE_HASH_SCHEME = "sha1_64-token/fnv-poly/fmix64"
_MASK64 = (1 << 64) - 1
FNV64_PRIME = np.uint64(0x100000001B3)  # FNV-1 64-bit prime (Fowler/Noll/Vo)
_FMIX64 = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)  # MurmurHash3 fmix64 (Appleby)
Texts = Sequence[str | None] | pa.Array  # plain strings or an Arrow string array


@dataclass(frozen=True)
class ShingleSpec:
    """How a text becomes shingles: word or character n-grams, optionally lower-cased."""

    unit: str = "word"  # "word" (letter/digit/mark/_ runs) or "char" (whitespace runs -> " ")
    n: int = 5
    lowercase: bool = True


def _word_tokens(texts: Texts, lowercase: bool) -> tuple[pa.Array, np.ndarray]:
    """Flat word tokens (runs of letters, digits, marks and ``_``) and per-text counts (Arrow)."""
    arr = texts if isinstance(texts, pa.Array) else pa.array(list(texts), pa.large_string())
    arr = pc.fill_null(arr.cast(pa.large_string()), "")
    if lowercase:
        arr = pc.utf8_lower(arr)
    return word_tokens(arr)


def _char_tokens(texts: Texts, lowercase: bool) -> tuple[pa.Array, np.ndarray]:
    """Characters of each text with whitespace runs folded to one space (trimmed)."""
    if isinstance(texts, pa.Array):
        texts = texts.to_pylist()
    folded = [" ".join((t.lower() if lowercase else t).split()) if t else "" for t in texts]
    chars = list(chain.from_iterable(folded))
    return pa.array(chars, pa.large_string()), np.array([len(t) for t in folded], np.int64)


def batch_tokens(texts: Texts, spec: ShingleSpec) -> tuple[pa.Array, np.ndarray]:
    """All tokens of many texts in order, and how many each text has."""
    if spec.unit == "char":
        return _char_tokens(texts, spec.lowercase)
    return _word_tokens(texts, spec.lowercase)


def tokens(text: str | None, spec: ShingleSpec) -> list[str]:
    """The tokens of one text under ``spec`` (same function as the batch path)."""
    flat, _ = batch_tokens([text], spec)
    return flat.to_pylist()


def fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, element-wise on a uint64 array (wrapping arithmetic)."""
    s1, m1, s2, m2, s3 = (np.uint64(c) for c in _FMIX64)
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _fmix64_int(value: int) -> int:
    s1, m1, s2, m2, s3 = _FMIX64
    value ^= value >> s1
    value = (value * m1) & _MASK64
    value ^= value >> s2
    value = (value * m2) & _MASK64
    return value ^ (value >> s3)


@lru_cache(maxsize=1 << 18)  # a corpus vocabulary; misses cost one SHA-1 each
def _token_hash(token: str) -> int:
    return int(sha1_hash64(token.encode("utf-8")))


def shingle_hash64(shingle: Sequence[str]) -> int:
    """The 64-bit hash of one shingle (a tuple of tokens), per the module's scheme."""
    acc = 0
    for token in shingle:
        acc = (acc * int(FNV64_PRIME) + _token_hash(token)) & _MASK64
    return _fmix64_int(acc)


def minhash_input32(shingle: Sequence[str]) -> int:
    """The 32-bit value a MinHash is updated with for one shingle (datasketch ``hashfunc``)."""
    return shingle_hash64(shingle) >> 32


def shingles(text: str | None, spec: ShingleSpec) -> set[tuple[str, ...]]:
    """The shingle set of one text (scalar path, used by the reference and by tests)."""
    toks = tokens(text, spec)
    if not toks:
        return set()
    if len(toks) < spec.n:
        return {tuple(toks)}
    return {tuple(toks[i : i + spec.n]) for i in range(len(toks) - spec.n + 1)}


def _token_hashes(flat: pa.Array) -> np.ndarray:
    """uint64 hashes of every token in order, hashing each distinct token once."""
    encoded = flat.dictionary_encode()
    table = np.fromiter((_token_hash(t) for t in encoded.dictionary.to_pylist()), np.uint64,
                        len(encoded.dictionary))
    return table[np.asarray(encoded.indices, dtype=np.int64)]


def batch_shingle_hashes(
    texts: Texts, spec: ShingleSpec
) -> tuple[np.ndarray, np.ndarray]:
    """64-bit shingle hashes of many texts: ``(hashes, doc_index)`` (doc order, one per window)."""
    flat, counts = batch_tokens(texts, spec)
    counts = counts.astype(np.int64)
    hashes = _token_hashes(flat)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    full = _window_hashes(hashes, starts, counts, spec.n)
    short_docs = np.flatnonzero((counts > 0) & (counts < spec.n))
    short = [(int(i), _short_hash(hashes[starts[i] : starts[i] + counts[i]])) for i in short_docs]
    return _merge_short(full, short)


def _short_hash(token_hashes: np.ndarray) -> int:
    acc = 0
    for h in token_hashes.tolist():
        acc = (acc * int(FNV64_PRIME) + h) & _MASK64
    return _fmix64_int(acc)


def _window_hashes(
    hashes: np.ndarray, starts: np.ndarray, counts: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes and doc indexes of all complete n-token windows, vectorised over the batch."""
    total = len(hashes)
    if total < n:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    with np.errstate(over="ignore"):
        acc = hashes[: total - n + 1].copy()
        for j in range(1, n):
            acc = acc * FNV64_PRIME + hashes[j : total - n + 1 + j]
    doc_of = np.repeat(np.arange(len(counts)), counts)[: total - n + 1]
    valid = np.arange(total - n + 1) + n <= (starts + counts)[doc_of]
    return fmix64(acc[valid]), doc_of[valid]


def _merge_short(
    full: tuple[np.ndarray, np.ndarray], short: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Add the one-shingle hashes of documents shorter than n, keeping doc order."""
    if not short:
        return full
    docs = np.concatenate((full[1], np.array([d for d, _ in short], np.int64)))
    hashes = np.concatenate((full[0], np.array([h for _, h in short], np.uint64)))
    order = np.argsort(docs, kind="stable")
    return hashes[order], docs[order]
