"""Python halves that read key-sorted partitions: runs of equal keys, never split across chunks.

``whole_runs`` regroups a partition's Arrow batches (sorted by a key) into chunks that end at a
key change, so a bucket or verification group is always processed whole.
``bucket_pair_batches`` turns sorted ``(bucket, id, signature)`` rows into scored candidate
pairs with NumPy index arithmetic (no Python loop over buckets or pairs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from operators.dedup.signatures import MinHashSpec, candidate_scores


def whole_runs(batches: Iterator[pa.RecordBatch], key: str,
               chunk_rows: int) -> Iterator[pa.Table]:
    """Tables of at least ``chunk_rows`` rows (except the last) that never split a run of equal
    ``key`` values, from batches sorted by ``key``."""
    pending: pa.Table | None = None
    for batch in batches:
        table = pa.Table.from_batches([batch])
        pending = table if pending is None else pa.concat_tables([pending, table])
        if pending.num_rows >= chunk_rows:
            keys = pending.column(key)
            cut = int(pc.index(keys, keys[pending.num_rows - 1]).as_py())  # last run may go on
            if cut > 0:
                yield pending.slice(0, cut).combine_chunks()
                pending = pending.slice(cut)
    if pending is not None and pending.num_rows:
        yield pending.combine_chunks()


CANDIDATE_SCHEMA = "a string, b string, est_jaccard double"


def _ragged_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[i], .., starts[i] + lengths[i] - 1`` for every i, concatenated."""
    base = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return base + np.arange(int(lengths.sum()), dtype=np.int64)


def run_pairs(buckets: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i < j``, inside each run of equal bucket ids; a run longer than
    ``cap`` gives only ``(first, j)`` pairs (a star)."""
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    sizes = np.diff(np.r_[starts, len(buckets)])
    run_end = np.repeat(starts + sizes, sizes)
    run_size = np.repeat(sizes, sizes)
    rows = np.arange(len(buckets))
    first = rows == np.repeat(starts, sizes)
    partners = np.where(run_size > cap, np.where(first, run_size - 1, 0), run_end - rows - 1)
    left = np.repeat(rows, partners)
    return left, _ragged_ranges(rows + 1, partners)


def signature_matrix(column: pa.Array, num_perm: int) -> np.ndarray:
    """``(rows, num_perm)`` uint32 view of a binary column of signatures (no copy per row)."""
    wide = pa.types.is_large_binary(column.type)
    offsets = np.frombuffer(column.buffers()[1], np.int64 if wide else np.int32)
    offsets = offsets[column.offset : column.offset + len(column) + 1]
    raw = column.buffers()[2]
    data = np.frombuffer(raw, np.uint8) if raw is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]].view(np.uint32).reshape(-1, num_perm)


def _scored_pairs(rows: pa.Table, spec: MinHashSpec, cap: int,
                  min_est: float | None) -> pa.RecordBatch:
    left, right = run_pairs(np.asarray(rows.column("bucket")), cap)
    sig = signature_matrix(rows.column("signature").combine_chunks(), spec.num_perm)
    keep, est = candidate_scores(sig, left, right, spec, min_est)
    ids = rows.column("id").combine_chunks()
    return pa.RecordBatch.from_arrays(
        [ids.take(pa.array(left[keep])), ids.take(pa.array(right[keep])), pa.array(est[keep])],
        names=["a", "b", "est_jaccard"])


def bucket_pair_batches(spec: MinHashSpec, cap: int, min_est: float | None,
                        chunk_rows: int = 1 << 14) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow function: ``(bucket, id, signature)`` rows sorted by bucket then id ->
    ``CANDIDATE_SCHEMA``: every pair of a bucket (above ``cap`` members: the smallest id with
    each other one) that shares a band exactly and whose estimated Jaccard reaches ``min_est``."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for rows in whole_runs(batches, "bucket", chunk_rows):
            yield _scored_pairs(rows, spec, cap, min_est)

    return run
