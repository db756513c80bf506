"""Column-containment candidates by content (rename-aware), via datasketch's LSH Ensemble.

For the containment stages' optional rename-aware mode: columns are matched by their value sets,
not their names. Each column's distinct non-null values (canonical strings, see
:func:`canonical_value`) are sketched with MinHash; every column is indexed in a
``MinHashLSHEnsemble`` (Zhu et al., "LSH Ensemble: Internet-Scale Domain Search", VLDB 2016) and
queried as a child; hits in other tables are candidate (child in parent) column pairs with an
estimated containment ``C = J (|Q| + |X|) / (|Q| (1 + J))`` from the Jaccard estimate ``J``
(the relation used by the LSH Ensemble paper, section 3). The index is tuned for
``threshold - recall_margin``: tuned at the threshold itself, its recall for a child much smaller
than its parent (Jaccard far below the containment) is poor. Hits whose estimate falls below
``threshold - recall_margin`` are dropped. Candidates are hints only: the containment
verification stages decide. Pure function, no Spark, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from datasketch import MinHash, MinHashLSHEnsemble

ColumnKey = tuple[str, str]  # (table, column)
Candidate = tuple[str, str, str, str, float]


def canonical_value(value: Any) -> str | None:
    """One value as the string compared across columns (None for null; -0.0 == 0.0; 1.0 == 1)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return canonical_value(float(value)) if value == value.to_integral_value() else str(value.normalize())
    return str(value)


def _sketch(values: set[str], num_perm: int, seed: int) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch([v.encode("utf-8") for v in values])
    return m


def containment_estimate(jaccard: float, child_size: int, parent_size: int) -> float:
    """Containment of the child set in the parent from their Jaccard and sizes (capped at 1)."""
    if child_size == 0:
        return 0.0
    return min(1.0, jaccard * (child_size + parent_size) / (child_size * (1.0 + jaccard)))


def column_containment_candidates(
    columns: Mapping[ColumnKey, Iterable[Any]], threshold: float = 0.9, num_perm: int = 128,
    seed: int = 1, recall_margin: float = 0.2,
) -> list[Candidate]:
    """``(child_table, child_col, parent_table, parent_col, estimate)`` for column pairs of
    different tables whose value sets look contained (estimate >= threshold - recall_margin).

    Columns without non-null values are skipped; results are sorted for determinism.
    """
    floor = max(0.05, threshold - recall_margin)
    sets = {key: {c for c in map(canonical_value, vals) if c is not None}
            for key, vals in columns.items()}
    sets = {k: v for k, v in sets.items() if v}
    if len(sets) < 2:
        return []
    sketches = {k: _sketch(v, num_perm, seed) for k, v in sets.items()}
    ensemble = MinHashLSHEnsemble(threshold=floor, num_perm=num_perm, num_part=4)
    ensemble.index([(k, sketches[k], len(v)) for k, v in sets.items()])
    found: list[Candidate] = []
    for child, sketch in sketches.items():
        for parent in ensemble.query(sketch, len(sets[child])):
            found.extend(_candidate(child, parent, sketches, sets))
    return sorted({f for f in found if f[4] >= floor})


def _candidate(child: ColumnKey, parent: Hashable, sketches: Mapping[ColumnKey, MinHash],
               sets: Mapping[ColumnKey, set[str]]) -> list[Candidate]:
    assert isinstance(parent, tuple)
    if parent[0] == child[0]:
        return []
    estimate = containment_estimate(sketches[child].jaccard(sketches[parent]),
                                    len(sets[child]), len(sets[parent]))
    return [(child[0], child[1], parent[0], parent[1], round(estimate, 6))]
