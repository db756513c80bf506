"""MinHash signatures in NumPy, bit-identical to datasketch 2.0's ``MinHash``.

Permutations follow datasketch/minhash.py (``MinHash._init_permutations`` and ``update_batch``):

- ``affine32`` (datasketch 2.0's default): ``rng = numpy.random.RandomState(seed)``;
  ``a = rng.randint(0, 2**31, num_perm, uint32) * 2 + 1`` (odd), ``b = rng.randint(0, 2**32,
  num_perm, uint32)``; each input is pre-mixed with the 32-bit MurmurHash3 finalizer and permuted
  as ``a * h + b mod 2**32``; the empty signature is all ``2**32 - 1``.
- ``legacy`` (datasketch < 2.0): ``a, b`` drawn pairwise from ``[1, p)``/``[0, p)`` with the
  Mersenne prime ``p = 2**61 - 1``; ``(a * h + b) mod p`` (uint64 wrapping product, as datasketch
  computes it) masked to 32 bits.

Documents are processed as one flat array of shingle hashes per Arrow batch, in blocks of
:data:`BLOCK_ROWS` shingles, so a very long document never materialises a full
``shingles x num_perm`` matrix (blocks are laid out ``num_perm x shingles`` so the per-document
minimum is a contiguous ``reduceat``). datasketch's ``MinHashLSH`` files a document under the
bytes of each band's values; here a band is a 64-bit hash of its index and values
(:func:`band_hashes`), and :func:`share_a_band` compares the values themselves, so candidate pairs
coincide exactly with datasketch's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from operators.dedup.shingling import FNV64_PRIME, ShingleSpec, fmix64

BLOCK_ROWS = 8192  # 4 MiB blocks at 128 permutations: fastest of 2K..64K measured
MAX_HASH32 = np.uint32(0xFFFFFFFF)
_MERSENNE = np.uint64((1 << 61) - 1)
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3 fmix32 (as datasketch.minhash)


@dataclass(frozen=True)
class MinHashSpec:
    """Everything that fixes a signature: shingles, permutations and LSH banding."""

    shingles: ShingleSpec
    num_perm: int
    seed: int
    scheme: str
    bands: int
    rows: int


@dataclass(frozen=True)
class Permutations:
    """The ``a`` and ``b`` parameters of ``num_perm`` permutations of one scheme and seed."""

    scheme: str
    a: np.ndarray
    b: np.ndarray


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int, scheme: str = "affine32") -> Permutations:
    """The permutations datasketch's ``MinHash(num_perm, seed, scheme=scheme)`` draws."""
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        ab = np.array(pairs, dtype=np.uint64).T
        return Permutations(scheme, ab[0], ab[1])
    if scheme != "affine32":
        raise ValueError(f"unknown MinHash scheme {scheme!r} (affine32 or legacy)")
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return Permutations(scheme, a, b)


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise on a uint32 array."""
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _permute(inputs32: np.ndarray, perms: Permutations) -> np.ndarray:
    """``(num_perm, len(inputs))`` permuted values of a block of 32-bit inputs."""
    if perms.scheme == "legacy":
        hv = inputs32.astype(np.uint64)[None, :]
        product = hv * perms.a[:, None] + perms.b[:, None]
        return np.bitwise_and(product % _MERSENNE, np.uint64(0xFFFFFFFF))
    out = np.multiply(perms.a[:, None], fmix32(inputs32)[None, :])
    out += perms.b[:, None]
    return out


def signatures(
    inputs32: np.ndarray, doc_index: np.ndarray, n_docs: int, perms: Permutations
) -> np.ndarray:
    """Per-document MinHash signatures (uint32, ``n_docs x num_perm``) from sorted doc indexes."""
    sig = np.full((n_docs, len(perms.a)), MAX_HASH32, dtype=np.uint32)
    for start in range(0, len(inputs32), BLOCK_ROWS):
        block_docs = doc_index[start : start + BLOCK_ROWS]
        permuted = _permute(inputs32[start : start + BLOCK_ROWS], perms)
        seg = np.flatnonzero(np.r_[True, block_docs[1:] != block_docs[:-1]])
        part = np.minimum.reduceat(permuted, seg, axis=1).T.astype(np.uint32)
        docs = block_docs[seg]
        sig[docs] = np.minimum(sig[docs], part)
    return sig


def band_hashes(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n_docs, bands)`` int64 LSH bucket ids: a 64-bit hash of each band's index and values.

    Two documents fall in the same datasketch ``MinHashLSH`` bucket exactly when they agree on
    all of a band's values; equal values give equal ids here, and the rare collision of unequal
    bands is removed later by :func:`share_a_band`."""
    values = sig[:, : bands * rows].reshape(len(sig), bands, rows).astype(np.uint64)
    acc = np.repeat(np.arange(bands, dtype=np.uint64)[None, :], len(sig), axis=0)
    with np.errstate(over="ignore"):
        for k in range(rows):
            acc = acc * FNV64_PRIME + values[:, :, k]
    return fmix64(acc).view(np.int64)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Row-wise fraction of equal signature values (datasketch ``MinHash.jaccard``)."""
    return (sig_a == sig_b).mean(axis=1)


def share_a_band(sig_a: np.ndarray, sig_b: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Row-wise: do the two signatures agree on all ``rows`` values of at least one band?"""
    width = bands * rows
    same = sig_a[:, :width].reshape(-1, bands, rows) == sig_b[:, :width].reshape(-1, bands, rows)
    return same.all(axis=2).any(axis=1)


def candidate_scores(sig: np.ndarray, left: np.ndarray, right: np.ndarray, spec: MinHashSpec,
                     min_est: float | None, block: int = 1 << 15) -> tuple[np.ndarray, np.ndarray]:
    """For pairs of signature rows ``(left[i], right[i])``: whether the pair is a candidate (it
    shares a band exactly and its estimate reaches ``min_est``) and its estimated Jaccard."""
    keep, est = np.zeros(len(left), bool), np.zeros(len(left))
    for start in range(0, len(left), block):
        sig_a, sig_b = sig[left[start : start + block]], sig[right[start : start + block]]
        est[start : start + block] = estimated_jaccard(sig_a, sig_b)
        keep[start : start + block] = share_a_band(sig_a, sig_b, spec.bands, spec.rows)
    if min_est is not None:
        keep &= est >= min_est
    return keep, est
