"""LSH candidates of a small input in the driver's memory (NumPy, no Spark).

The same rule as ``candidates.candidate_pairs``: documents sharing a bucket (one band's values)
are candidates, buckets above the cap become stars on their smallest id, pairs must share a band
exactly and reach the estimate floor. Documents are numbered in id order (UTF-8 byte order, as
Spark sorts strings), so "smallest index" is "smallest id" and every pair has ``a < b``. Each pair
also carries the connected component of the candidate graph it belongs to (its smallest id) and
the component's document count, which exact verification groups by.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from operators.dedup.local_components import component_labels
from operators.dedup.signatures import MinHashSpec, candidate_scores
from operators.dedup.sorted_runs import run_pairs, signature_matrix
from schemas.errors import InputError

CANDIDATE_TABLE = pa.schema([("a", pa.string()), ("b", pa.string()), ("est_jaccard", pa.float64()),
                             ("component", pa.string()), ("size", pa.int64())])


def check_unique(ids: pa.Array, id_column: str) -> None:
    """Raise an :class:`InputError` naming up to three ids that occur more than once."""
    counts = pc.value_counts(ids)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated):
        shown = ", ".join(repr(v) for v in repeated.to_pylist()[:3])
        raise InputError(f"minhash_dedup: id column '{id_column}' is not unique (e.g. {shown})")


def _distinct_pairs(left: np.ndarray, right: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.sort(left.astype(np.int64) * n_docs + right)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    return keys // n_docs, keys % n_docs


def candidate_table(docs: pa.Table, spec: MinHashSpec, cap: int,
                    min_est: float | None) -> pa.Table:
    """``(a, b, est_jaccard, component, size)`` of the candidate pairs among ``docs(id,
    signature, bands)``."""
    docs = docs.take(pc.sort_indices(docs, [("id", "ascending")]))
    bands = docs.column("bands").combine_chunks()
    owner = np.repeat(np.arange(docs.num_rows), np.asarray(bands.value_lengths().fill_null(0)))
    buckets = np.asarray(bands.flatten())
    order = np.lexsort((owner, buckets))
    left, right = run_pairs(buckets[order], cap)
    left, right = _distinct_pairs(owner[order][left], owner[order][right], docs.num_rows)
    left, right = left[left != right], right[left != right]  # a bucket-id collision across bands
    sig = signature_matrix(docs.column("signature").combine_chunks(), spec.num_perm)
    keep, est = candidate_scores(sig, left, right, spec, min_est)
    left, right, est = left[keep], right[keep], est[keep]
    labels = component_labels(left, right, docs.num_rows)
    members = np.unique(np.concatenate((left, right)))
    sizes = np.bincount(labels[members], minlength=docs.num_rows)
    ids = docs.column("id").combine_chunks()
    return pa.table([ids.take(pa.array(left)), ids.take(pa.array(right)), pa.array(est),
                     ids.take(pa.array(labels[left])), pa.array(sizes[labels[left]], pa.int64())],
                    schema=CANDIDATE_TABLE)
