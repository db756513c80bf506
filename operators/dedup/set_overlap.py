"""Exact Jaccard of pairs of shingle-hash sets, each set built once per batch of documents.

A document's set is its distinct 64-bit shingle hashes, sorted. A pair's intersection is counted
by binary-searching the smaller set's hashes in the larger one (``numpy.searchsorted``), so a
pair costs ``O(small * log(large))`` in NumPy and no Python work per shingle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from operators.dedup.shingling import ShingleSpec, Texts, batch_shingle_hashes


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def shingle_sets(texts: Texts, spec: ShingleSpec) -> list[np.ndarray]:
    """The sorted distinct shingle hashes of every text (same hashes as the signatures use)."""
    hashes, docs = batch_shingle_hashes(texts, spec)
    cuts = np.searchsorted(docs, np.arange(len(texts) + 1)).tolist()
    return [_distinct_sorted(hashes[cuts[i] : cuts[i + 1]]) for i in range(len(texts))]


def _common(small: np.ndarray, large: np.ndarray) -> int:
    if not len(small):
        return 0
    at = np.searchsorted(large, small)
    return int(np.count_nonzero(large.take(at, mode="clip") == small))


def pair_jaccard(sets: Sequence[np.ndarray], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Jaccard of the sets of documents ``left[i]`` and ``right[i]`` (0 when both are empty)."""
    out = np.zeros(len(left))
    for i, (x, y) in enumerate(zip(left.tolist(), right.tolist())):
        small, large = sorted((sets[x], sets[y]), key=len)
        common = _common(small, large)
        union = len(small) + len(large) - common
        out[i] = common / union if union else 0.0
    return out
