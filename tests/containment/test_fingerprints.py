"""Canonical row fingerprints: equal exactly when rows are equal for containment.

Two tables hold the same logical rows with columns in another order, a narrower integer type,
NaN with another payload and -0.0; a projection's fingerprints must not depend on which other
projections share the scan (value hashes are computed once per column and reused).
"""

from __future__ import annotations

import math
import struct
from typing import Any

from operators.containment._fingerprint import Projection
from operators.containment._probe import table_fingerprints

OTHER_NAN = struct.unpack(">d", bytes.fromhex("7ff8000000000001"))[0]


def _fingerprints(spark: Any, rows: list[tuple], schema: str, projections: dict[int, Projection]) -> dict[int, list]:
    frame = spark.createDataFrame(rows, schema)

    def read(_table: str, columns: list[str] | None) -> Any:
        return frame.select(*columns) if columns else frame

    out: dict[int, list] = {pid: [] for pid in projections}
    for r in table_fingerprints(read, "t", projections).collect():
        out[r["p"]].append((r["h1"], r["h2"]))
    return out


PARENT_ROWS = [(1, "x", 0.0), (2, None, float("nan")), (None, "y", 1.5), (3, "z", None)]
PARENT = Projection("parent", (("a", "bigint"), ("b", "string"), ("d", "double")))


def test_equal_rows_share_fingerprints_across_order_types_nan_and_signed_zero(spark: Any) -> None:
    parent = _fingerprints(spark, PARENT_ROWS, "a bigint, b string, d double", {0: PARENT})[0]
    # The child stores a as int, columns in another order, -0.0 for 0.0 and another NaN.
    child_rows = [(-0.0, "x", 1), (OTHER_NAN, None, 2), (1.5, "y", None), (None, "z", 3)]
    assert math.isnan(OTHER_NAN)
    child_proj = Projection("child", (("a", "bigint"), ("b", "string"), ("d", "double")))
    child = _fingerprints(spark, child_rows, "d double, b string, a int", {0: child_proj})[0]
    assert sorted(child) == sorted(parent)
    assert len(set(parent)) == len(PARENT_ROWS)


def test_null_position_and_changed_values_change_the_fingerprint(spark: Any) -> None:
    proj = Projection("t", (("a", "bigint"), ("c", "bigint")))
    rows = [(None, 1), (1, None), (1, 1), (1, 2), (2, 1), (None, None)]
    fps = _fingerprints(spark, rows, "a bigint, c bigint", {0: proj})[0]
    assert len(set(fps)) == len(rows)
    assert len({h1 for h1, _ in fps}) == len(rows) and len({h2 for _, h2 in fps}) == len(rows)


def test_a_projection_does_not_depend_on_the_projections_sharing_its_scan(spark: Any) -> None:
    ab = Projection("t", (("a", "bigint"), ("b", "string")))
    bd = Projection("t", (("b", "string"), ("d", "double")))
    wide = Projection("t", (("a", "double"), ("b", "string"), ("d", "double")))  # a widened: another value hash
    schema = "a bigint, b string, d double"
    together = _fingerprints(spark, PARENT_ROWS, schema, {0: ab, 1: bd, 2: wide})
    assert together[0] == _fingerprints(spark, PARENT_ROWS, schema, {0: ab})[0]
    assert together[1] == _fingerprints(spark, PARENT_ROWS, schema, {5: bd})[5]
    assert together[2] == _fingerprints(spark, PARENT_ROWS, schema, {0: wide})[0]
    # The same rows as a two-column table give the projection's fingerprints.
    two = _fingerprints(spark, [(b, a) for a, b, _ in PARENT_ROWS], "b string, a bigint", {0: ab})[0]
    assert sorted(two) == sorted(together[0])
    assert not set(together[0]) & set(together[1])


def test_sample_filters_keep_each_projections_rows_under_its_threshold(spark: Any) -> None:
    """Per projection: every row when its threshold is None, else exactly the rows whose seeded
    fingerprint hash is under it (the rows an equally sampled table keeps)."""
    from operators.containment._fingerprint import sample_threshold

    rows = [(i, f"v{i % 7}") for i in range(400)]
    ab = Projection("t", (("a", "bigint"), ("b", "string")))
    a = Projection("t", (("a", "bigint"),))
    frame = spark.createDataFrame(rows, "a bigint, b string")
    low, high = sample_threshold(0.1), sample_threshold(0.5)

    def kept(thresholds: dict[int, int | None]) -> dict[int, set]:
        out: dict[int, set] = {0: set(), 1: set()}
        got = table_fingerprints(lambda _t, cols: frame.select(*cols), "t", {0: ab, 1: a}, thresholds, seed=7)
        for r in got.collect():
            out[r["p"]].add((r["h1"], r["h2"]))
        return out

    everything = kept({})
    assert len(everything[0]) == len(everything[1]) == len(rows)
    mixed = kept({0: low, 1: None})
    assert mixed[1] == everything[1]
    assert 0 < len(mixed[0]) < len(rows) / 4
    both = kept({0: high, 1: low})
    assert mixed[0] < both[0] <= everything[0]  # a higher threshold keeps a superset
    assert 0 < len(both[1]) < len(both[0])


def test_parent_rows_filtered_by_the_highest_threshold_of_their_projections_children(
        tmp_path: Any, run_chain: Any) -> None:
    """Two children sampled at different rates share one parent projection: the parent's rows
    are filtered once for both, so the filter must keep every row either child may have sampled
    (a sampled row of the more heavily sampled child missing from the filtered parent would
    refute a true containment)."""
    import pyarrow as pa

    from tests.containment._lakes import edges_by_pair, write_table

    write_table(tmp_path, "p", pa.table({"k": [2 * i for i in range(2000)]}))
    write_table(tmp_path, "big", pa.table({"k": [2 * i for i in range(1500)]}))  # sampled at 50/1500
    write_table(tmp_path, "small", pa.table({"k": [4 * i for i in range(200)]}))  # sampled at 50/200
    write_table(tmp_path, "odd", pa.table({"k": [2 * i + (i % 2) for i in range(200)]}))  # half not in p
    edges = edges_by_pair(run_chain(tmp_path, configs={"content_prune": {"sample_rows": 50}}))
    for child in ("big", "small"):
        edge = edges[("p", child)]
        assert (edge["verdict"], edge["stage"]) == ("contained", "verify_containment"), edge
    refuted = edges[("p", "odd")]
    assert (refuted["verdict"], refuted["stage"]) == ("not_contained", "content_prune"), refuted
