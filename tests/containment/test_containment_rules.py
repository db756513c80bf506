"""Type widening, schema candidates and statistics-based refutations as pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from operators.containment._config import Semantics
from operators.containment._pairs import ColumnMatch, Pair
from operators.containment._profiles import ColumnInfo, TableInfo
from operators.containment._transitivity import Knowledge
from operators.containment._types import widens
from operators.containment.minmax_prune import MinmaxPruneConfig, refutation
from operators.containment.schema_containment import candidate_pairs
from schemas.containment import normalise_column_name


@pytest.mark.parametrize("child, parent, ok", [
    ("tinyint", "smallint", True), ("int", "bigint", True), ("bigint", "int", False),
    ("bigint", "decimal(38,0)", True), ("bigint", "decimal(18,0)", False), ("int", "decimal(12,2)", True),
    ("decimal(10,2)", "decimal(12,2)", True), ("decimal(10,2)", "decimal(12,3)", True),
    ("decimal(12,3)", "decimal(12,2)", False), ("decimal(10,1)", "decimal(10,2)", False),
    ("float", "double", True), ("double", "float", False), ("date", "timestamp", True),
    ("date", "timestamp_ntz", True), ("timestamp", "date", False), ("varchar(10)", "string", True),
    ("int", "double", False), ("string", "binary", False), ("array<int>", "array<bigint>", False),
])
def test_lossless_widening(child: str, parent: str, ok: bool) -> None:
    assert widens(child, parent) is ok


def _table(tid: str, columns: dict[str, tuple[str, dict[str, Any]]], rows: int = 10, status: str = "ok") -> TableInfo:
    info = TableInfo(tid, status, None, rows, 100, "parquet", 0)
    for name, (t, stats) in columns.items():
        info.columns[name] = ColumnInfo(name, normalise_column_name(name), t, stats.get("nulls", 0),
                                        stats.get("min"), stats.get("max"), stats.get("status", "ok"),
                                        stats.get("distinct"), 10)
    return info


def test_candidates_match_normalised_names_aliases_and_skip_empty_tables() -> None:
    infos = {
        "p": _table("p", {"Order ID": ("bigint", {}), "amount": ("decimal(12,2)", {})}),
        "c": _table("c", {"order_id": ("int", {})}),
        "renamed": _table("renamed", {"oid": ("int", {})}),
        "narrower": _table("narrower", {"order_id": ("bigint", {}), "amount": ("decimal(12,3)", {})}),
        "empty": _table("empty", {"order_id": ("int", {})}, rows=0),
        "broken": _table("broken", {"order_id": ("int", {})}, status="quarantined"),
    }
    pairs, removed = candidate_pairs(infos, {}, Semantics())
    keys = {p.key: p for p in pairs}
    assert ("p", "c") in keys and keys[("p", "c")].verdict is None
    assert ("p", "renamed") not in keys and ("p", "narrower") not in keys
    assert not any("empty" in k for k in keys)
    assert keys[("p", "broken")].verdict == "unknown"
    assert removed["type_not_widenable"] >= 1 and removed["empty_table"] == 10  # 2 * (6 - 1) ordered pairs
    with_alias, _ = candidate_pairs(infos, {"oid": "order_id"}, Semantics())
    assert ("p", "renamed") in {p.key for p in with_alias}


def _pair(ctype: str, ptype: str, semantics: str = "set") -> Pair:
    return Pair("p", "c", [ColumnMatch("x", "x", "x", ctype, ptype)], semantics=semantics)


@pytest.mark.parametrize("child, parent, code", [
    ({"min": "5", "max": "11"}, {"min": "1", "max": "10"}, "max_above_parent"),
    ({"min": "0", "max": "9"}, {"min": "1", "max": "10"}, "min_below_parent"),
    ({"min": "2", "max": "9", "nulls": 1}, {"min": "1", "max": "10", "nulls": 0}, "null_count"),
    ({"min": "2", "max": "9"}, {"nulls": 10, "status": "all_null"}, "parent_all_null"),
    ({"min": "2", "max": "9", "distinct": 5000}, {"min": "1", "max": "10", "distinct": 100}, "distinct_estimate"),
])
def test_statistics_refute(child: dict[str, Any], parent: dict[str, Any], code: str) -> None:
    pair = _pair("bigint", "bigint")
    reason = refutation(pair, _table("p", {"x": ("bigint", parent)}), _table("c", {"x": ("bigint", child)}),
                        MinmaxPruneConfig())
    assert reason is not None and reason.startswith(code)


@pytest.mark.parametrize("ctype, ptype, child, parent", [
    ("timestamp", "timestamp", {"status": "untrusted_int96"}, {"min": "2024-01-01 00:00:00.000000+00:00",
                                                                "max": "2024-01-02 00:00:00.000000+00:00"}),
    ("double", "double", {"status": "untrusted_nan"}, {"min": "0.0", "max": "1.0"}),
    ("string", "string", {"min": "a" * 64, "max": "zz", "status": "truncated_min"}, {"min": "b", "max": "zz"}),
    ("decimal(12,3)", "decimal(14,4)", {"min": "0.001", "max": "9.000"}, {"min": "1.0000", "max": "2.0000"}),
    ("bigint", "bigint", {"min": "0", "max": "99", "nulls": None}, {"min": "0", "max": "99", "nulls": 0}),
])
def test_untrustworthy_statistics_keep_the_pair(ctype: str, ptype: str, child: dict[str, Any],
                                                parent: dict[str, Any]) -> None:
    reason = refutation(_pair(ctype, ptype), _table("p", {"x": (ptype, parent)}), _table("c", {"x": (ctype, child)}),
                        MinmaxPruneConfig())
    assert reason is None


def test_widened_bounds_compare_in_the_parent_type() -> None:
    date_in_ts = refutation(_pair("date", "timestamp_ntz"),
                            _table("p", {"x": ("timestamp_ntz", {"min": "2024-01-01 00:00:00.000000",
                                                                 "max": "2024-01-31 00:00:00.000000"})}),
                            _table("c", {"x": ("date", {"min": "2024-01-01", "max": "2024-02-01"})}), MinmaxPruneConfig())
    assert date_in_ts is not None and date_in_ts.startswith("max_above_parent")
    int_in_dec = refutation(_pair("int", "decimal(12,2)"),
                            _table("p", {"x": ("decimal(12,2)", {"min": "0.50", "max": "7.25"})}),
                            _table("c", {"x": ("int", {"min": "1", "max": "7"})}), MinmaxPruneConfig())
    assert int_in_dec is None


def test_bag_semantics_prunes_on_row_counts_only_in_bag_mode() -> None:
    parent = _table("p", {"x": ("bigint", {"min": "0", "max": "9"})}, rows=5)
    child = _table("c", {"x": ("bigint", {"min": "0", "max": "9"})}, rows=8)
    assert refutation(_pair("bigint", "bigint"), parent, child, MinmaxPruneConfig()) is None
    reason = refutation(_pair("bigint", "bigint", "bag"), parent, child, MinmaxPruneConfig())
    assert reason is not None and reason.startswith("row_count")


def test_transitivity_infers_both_ways() -> None:
    m = [ColumnMatch("x", "x", "x", "bigint", "bigint")]
    pairs = {k: Pair(k[0], k[1], m) for k in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "b"), ("d", "c"), ("b", "e"), ("a", "e")]}
    pairs[("a", "b")].decide("contained", "verify_containment", "verified", 1.0)
    pairs[("b", "c")].decide("contained", "verify_containment", "verified", 1.0)
    pairs[("d", "c")].decide("not_contained", "minmax_prune", "max_above_parent: x")
    pairs[("a", "e")].decide("not_contained", "content_prune", "sample_row_missing: 1")
    Knowledge(list(pairs.values())).infer()
    assert pairs[("a", "c")].verdict == "contained"  # a >= b >= c
    assert pairs[("d", "b")].verdict == "not_contained"  # b >= c and d does not contain c
    assert pairs[("b", "e")].verdict == "not_contained"  # a >= b and a does not contain e


def test_hoeffding_bounds() -> None:
    from operators.containment._bounds import degree_bounds

    low, high = degree_bounds(90, 100, 0.95)  # margin sqrt(ln(20) / 200) = 0.12239
    assert low == pytest.approx(0.9 - 0.12239, abs=1e-4) and high == 1.0


def test_waves_check_copy_cycles_then_hasse_edges() -> None:
    """Three possible copies a, b, c over a chain c >= d >= e: the first wave is the 3-cycle of
    copies, the next holds one pair per class pair with no possible intermediate (d, e edges)."""
    m = [ColumnMatch("x", "x", "x", "bigint", "bigint")]
    copies = ["a", "b", "c"]
    keys = [(x, y) for x in copies for y in copies if x != y]
    keys += [(x, "d") for x in copies] + [(x, "e") for x in copies] + [("d", "e")]
    pairs = {k: Pair(k[0], k[1], m) for k in keys}
    knowledge = Knowledge(list(pairs.values()))
    first = [p.key for p in knowledge.next_wave()]
    assert first == [("a", "b"), ("b", "c"), ("c", "a")]
    for key in first:
        pairs[key].decide("contained", "verify_containment", "verified", 1.0)
    knowledge.infer()
    assert all(pairs[(x, y)].verdict == "contained" for x, y in keys if x in copies and y in copies)
    second = [p.key for p in knowledge.next_wave()]
    assert second == [("a", "d"), ("d", "e")]  # (b, d), (c, d) follow from (a, d); (a, e) has d between
    for key in second:
        pairs[key].decide("contained", "verify_containment", "verified", 1.0)
    knowledge.infer()
    assert not [p for p in pairs.values() if p.pending]


def test_shuffled_checks_never_cover_several_parents() -> None:
    """Parents share a check job only while their children's keys fit the broadcast budget; a
    parent whose own keys do not is checked alone (a shuffled semi-join pushed into several
    parents' branches would hold one hash map per parent in the same task)."""
    from operators.containment._compare import FullComparison
    from operators.containment._jobs import JobPlan

    m = [ColumnMatch("x", "x", "x", "bigint", "bigint")]
    rows = {"c1": 400, "c2": 700, "c3": 5_000, "c4": 100}
    parents = {"p1": [Pair("p1", "c1", m), Pair("p1", "c2", m)], "p2": [Pair("p2", "c3", m)],
               "p3": [Pair("p3", "c1", m)], "p4": [Pair("p4", "c4", m)], "p5": [Pair("p5", "c2", m)]}
    comparison = FullComparison(None, {}, rows, JobPlan(), broadcast_rows=1_100)  # type: ignore[arg-type]
    parts = comparison._broadcastable(("p1", "p2", "p3", "p4", "p5"), parents)
    assert parts == [("p1",), ("p2",), ("p3", "p4"), ("p5",)]
    assert [t for part in parts for t in part] == ["p1", "p2", "p3", "p4", "p5"]
    for part in parts:
        keys = sum(rows[p.child] for t in part for p in parents[t])
        assert len(part) == 1 or keys <= 1_100
