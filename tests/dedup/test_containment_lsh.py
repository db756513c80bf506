"""Rename-aware column containment candidates (LSH Ensemble) on tiny tables."""

from __future__ import annotations

from operators.dedup.containment_lsh import (
    canonical_value,
    column_containment_candidates,
    containment_estimate,
)

COLUMNS = {
    ("customers", "id"): list(range(1, 101)),
    ("customers", "name"): [f"name{i}" for i in range(1, 101)],
    ("orders", "customer_id"): [i % 60 + 1 for i in range(500)],        # 1..60, renamed
    ("people", "full_name"): [f"name{i}" for i in range(1, 41)] + [None],
    ("scores", "value"): [float(i) for i in range(1, 31)],               # 1.0..30.0 as floats
    ("noise", "code"): list(range(1000, 1100)),
    ("empty", "nothing"): [None, None],
}


def _truth(threshold: float) -> set[tuple[str, str, str, str]]:
    sets = {k: {canonical_value(v) for v in vals} - {None} for k, vals in COLUMNS.items()}
    return {(c[0], c[1], p[0], p[1]) for c in sets for p in sets
            if c[0] != p[0] and sets[c] and len(sets[c] & sets[p]) / len(sets[c]) >= threshold}


def test_contained_columns_are_found_by_content_despite_renames() -> None:
    found = column_containment_candidates(COLUMNS, threshold=0.9, num_perm=128, seed=1)
    keys = {f[:4] for f in found}
    expected = _truth(0.9)
    assert expected == {
        ("orders", "customer_id", "customers", "id"), ("people", "full_name", "customers", "name"),
        ("scores", "value", "customers", "id"), ("scores", "value", "orders", "customer_id"),
    }
    assert expected <= keys
    assert all(f[0] != f[2] for f in found)                    # never within one table
    assert not any("noise" in (f[0], f[2]) or "empty" in (f[0], f[2]) for f in found)
    estimates = {f[:4]: f[4] for f in found}
    for pair in expected:
        assert estimates[pair] >= 0.7


def test_canonical_values_and_estimate_formula() -> None:
    assert canonical_value(-0.0) == canonical_value(0) == "0"
    assert canonical_value(2.5) == "2.5" and canonical_value(True) == "true"
    assert canonical_value(None) is None
    # |Q| = 40 inside |X| = 100: J = 0.4 and C = 0.4 * 140 / (40 * 1.4) = 1.0
    assert containment_estimate(0.4, 40, 100) == 1.0
    assert abs(containment_estimate(0.2, 50, 100) - 0.2 * 150 / (50 * 1.2)) < 1e-12


def test_fewer_than_two_usable_columns_give_no_candidates() -> None:
    assert column_containment_candidates({("t", "c"): [1, 2], ("u", "d"): [None]}) == []
