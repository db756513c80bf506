"""The Python halves of the MinHash stage: functions Spark runs over Arrow batches.

``signature_batches`` turns ``(id, text)`` batches into signatures and LSH band keys;
``shingle_set_batches`` gives candidate documents' sorted shingle-hash sets (computed once per
document); ``similarity_batches`` scores candidate pairs (estimated Jaccard from signatures and,
given the sets, exact Jaccard of the 64-bit shingle-hash sets). Both are vectorised per batch
(NumPy), never a per-row loop over permutations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from operators.dedup.shingling import ShingleSpec, batch_shingle_hashes
from operators.dedup.signatures import band_keys, estimated_jaccard, permutations, signatures

SIGNATURE_SCHEMA = "id string, n_shingles int, signature binary, bands array<binary>"
SIMILARITY_SCHEMA = "a string, b string, est_jaccard double, exact_jaccard double"


@dataclass(frozen=True)
class MinHashSpec:
    """Everything that fixes a signature: shingles, permutations and LSH banding."""

    shingles: ShingleSpec
    num_perm: int
    seed: int
    scheme: str
    bands: int
    rows: int


def signature_batches(spec: MinHashSpec) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function: ``(id, text)`` -> ``SIGNATURE_SCHEMA`` rows."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        perms = permutations(spec.num_perm, spec.seed, spec.scheme)
        for batch in batches:
            texts = batch.column(1).to_pylist()
            hashes, docs = batch_shingle_hashes(texts, spec.shingles)
            sig = signatures((hashes >> np.uint64(32)).astype(np.uint32), docs, len(texts), perms)
            counts = np.bincount(docs, minlength=len(texts)).astype(np.int32)
            keys = band_keys(sig, spec.bands, spec.rows)
            keys = [k if c > 0 else [] for k, c in zip(keys, counts)]
            yield pa.RecordBatch.from_arrays(
                [batch.column(0).cast(pa.string()), pa.array(counts, pa.int32()),
                 pa.array([row.tobytes() for row in sig], pa.binary()),
                 pa.array(keys, pa.list_(pa.binary()))],
                names=["id", "n_shingles", "signature", "bands"],
            )

    return run


SHINGLE_SET_SCHEMA = "id string, shingle_set binary"


def shingle_set_batches(spec: MinHashSpec) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function: ``(id, text)`` -> sorted distinct 64-bit shingle hashes (bytes)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            hashes, docs = batch_shingle_hashes(batch.column(1).to_pylist(), spec.shingles)
            cuts = np.searchsorted(docs, np.arange(batch.num_rows + 1))
            sets = [np.unique(hashes[cuts[i] : cuts[i + 1]]).tobytes() for i in range(batch.num_rows)]
            yield pa.RecordBatch.from_arrays([batch.column(0), pa.array(sets, pa.binary())],
                                             names=["id", "shingle_set"])

    return run


def _set_jaccard(set_a: list[bytes], set_b: list[bytes]) -> np.ndarray:
    """Jaccard of each pair of serialised sorted shingle-hash sets."""
    out = np.zeros(len(set_a))
    for i, (raw_a, raw_b) in enumerate(zip(set_a, set_b)):
        sa, sb = np.frombuffer(raw_a, np.uint64), np.frombuffer(raw_b, np.uint64)
        common = np.intersect1d(sa, sb, assume_unique=True).size
        union = sa.size + sb.size - common
        out[i] = common / union if union else 0.0
    return out


def _as_matrix(column: pa.Array, num_perm: int) -> np.ndarray:
    raw = b"".join(column.to_pylist())
    return np.frombuffer(raw, dtype=np.uint32).reshape(-1, num_perm)


def similarity_batches(spec: MinHashSpec, with_sets: bool) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function: ``(a, b, sig_a, sig_b[, set_a, set_b])`` -> ``SIMILARITY_SCHEMA``."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            est = estimated_jaccard(_as_matrix(batch.column(2), spec.num_perm),
                                    _as_matrix(batch.column(3), spec.num_perm))
            exact = (_set_jaccard(batch.column(4).to_pylist(), batch.column(5).to_pylist())
                     if with_sets else np.full(len(est), np.nan))
            yield pa.RecordBatch.from_arrays(
                [batch.column(0), batch.column(1), pa.array(est, pa.float64()),
                 pa.array(exact, pa.float64(), mask=np.isnan(exact))],
                names=["a", "b", "est_jaccard", "exact_jaccard"],
            )

    return run
