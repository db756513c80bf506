"""The Python halves of the MinHash stage: functions Spark runs over Arrow batches.

``signature_batches`` turns ``(id, text)`` batches into signatures and LSH bucket ids;
``verify_batches`` gets whole verification groups (each member document's text once, plus the
group's candidate pairs) and gives the exact Jaccard of the pairs' 64-bit shingle-hash sets,
building each document's set once. Hashing and MinHash are vectorised per batch (NumPy); the
only Python loops run once per document (its sorted set) and once per pair (one binary search).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from operators.dedup.set_overlap import pair_jaccard, shingle_sets
from operators.dedup.shingling import batch_shingle_hashes
from operators.dedup.signatures import MinHashSpec, band_hashes, permutations, signatures
from operators.dedup.sorted_runs import whole_runs
from schemas.errors import InvariantError

SIGNATURE_SCHEMA = "id string, n_shingles int, signature binary, bands array<bigint>"
SIMILARITY_SCHEMA = "a string, b string, est_jaccard double, exact_jaccard double"


def _binary_rows(matrix: np.ndarray) -> pa.Array:
    """Each row of a 2-D array as one binary value (no per-row Python objects)."""
    width = matrix.shape[1] * matrix.itemsize
    offsets = np.arange(len(matrix) + 1, dtype=np.int32) * width
    return pa.Array.from_buffers(pa.binary(), len(matrix), [
        None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix).tobytes())])


def _bucket_lists(buckets: np.ndarray, counts: np.ndarray) -> pa.Array:
    """Per document its bucket ids, or an empty list when it has no shingles."""
    has = counts > 0
    offsets = np.concatenate(([0], np.cumsum(np.where(has, buckets.shape[1], 0)))).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(buckets[has].reshape(-1)))


def signature_batches(spec: MinHashSpec) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function: ``(id, text)`` -> ``SIGNATURE_SCHEMA`` rows."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        perms = permutations(spec.num_perm, spec.seed, spec.scheme)
        for batch in batches:
            hashes, docs = batch_shingle_hashes(batch.column(1), spec.shingles)
            sig = signatures((hashes >> np.uint64(32)).astype(np.uint32), docs, batch.num_rows, perms)
            counts = np.bincount(docs, minlength=batch.num_rows).astype(np.int32)
            buckets = band_hashes(sig, spec.bands, spec.rows)
            yield pa.RecordBatch.from_arrays(
                [batch.column(0).cast(pa.string()), pa.array(counts, pa.int32()),
                 _binary_rows(sig), _bucket_lists(buckets, counts)],
                names=["id", "n_shingles", "signature", "bands"],
            )

    return run


ESTIMATE_SCHEMA = "a string, b string, est_jaccard double"


VERIFY_INPUT = ["group", "a", "b", "est_jaccard", "text"]
SIMILARITY_SCHEMA = "a string, b string, est_jaccard double, exact_jaccard double"


def _exact_scores(rows: pa.Table, spec: MinHashSpec) -> pa.RecordBatch:
    """Exact Jaccard of the pair rows (``b`` set) from the document rows (``b`` null) of
    whole verification groups; each distinct text's shingle set is built once."""
    is_pair = pc.is_valid(rows.column("b"))
    docs, pairs = rows.filter(pc.invert(is_pair)), rows.filter(is_pair)
    ids = docs.column("a").combine_chunks()
    first = np.unique(np.asarray(pc.index_in(ids, value_set=pc.unique(ids))), return_index=True)[1]
    ids, texts = ids.take(pa.array(first)), docs.column("text").combine_chunks().take(pa.array(first))
    distinct = pc.unique(texts)  # identical texts (exact duplicates) share one shingle set
    text_of = np.asarray(pc.index_in(texts, value_set=distinct, skip_nulls=False), np.int64)
    sets = shingle_sets(distinct, spec.shingles)
    left, right = (pc.index_in(pairs.column(end), value_set=ids) for end in ("a", "b"))
    if left.null_count or right.null_count:
        raise InvariantError("minhash_dedup: a candidate pair's document is not in its group")
    exact = pair_jaccard(sets, text_of[np.asarray(left, np.int64)], text_of[np.asarray(right, np.int64)])
    return pa.RecordBatch.from_arrays(
        [pairs.column("a").combine_chunks(), pairs.column("b").combine_chunks(),
         pairs.column("est_jaccard").combine_chunks(), pa.array(exact, pa.float64())],
        names=["a", "b", "est_jaccard", "exact_jaccard"])


def verify_batches(spec: MinHashSpec, chunk_rows: int = 4096) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function over ``VERIFY_INPUT`` rows sorted by ``group`` within the partition
    (document rows: ``a`` = id, ``text``; pair rows: ``a``, ``b``, ``est_jaccard``) ->
    ``SIMILARITY_SCHEMA``; whole groups are scored together in chunks of about ``chunk_rows``."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for rows in whole_runs(batches, "group", chunk_rows):
            yield _exact_scores(rows, spec)

    return run
