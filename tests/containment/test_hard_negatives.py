"""Hard negatives and fault cases, each built here, checked against the stage that must decide.

One lake holds a parent table and its tricky relatives; the four stages run once over it
(content pruning samples only 16 rows so verification is exercised too).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.containment._lakes import edges_by_pair, write_table

pytestmark = pytest.mark.slow
N = 200
LATE = ("content_prune", "verify_containment")


def _parent() -> pa.Table:
    ids = list(range(N))
    x = [float("nan") if i % 10 == 3 else (0.0 if i % 10 == 0 else i / 7) for i in ids]
    return pa.table({"id": pa.array(ids, pa.int64()), "name": [f"n{i:03d}" for i in ids],
                     "amt": pa.array([Decimal(i) * Decimal("1.25") for i in ids], pa.decimal128(10, 2)), "x": x})


def _with(table: pa.Table, column: str, values: list[Any]) -> pa.Table:
    i = table.column_names.index(column)
    return table.set_column(i, column, pa.array(values, table.schema.field(column).type))


def _events(n: int = 60) -> pa.Table:
    stamps = [dt.datetime(2024, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=7 * i) for i in range(n)]
    return pa.table({"eid": list(range(n)), "ts": pa.array(stamps, pa.timestamp("us", tz="UTC"))})


def _build(root: Path) -> None:
    p = _parent()
    write_table(root, "parent", p)
    write_table(root, "parent_copy", p.take(list(reversed(range(N)))).select(["x", "amt", "name", "id"]), files=3)
    sub = p.slice(20, 130).select(["name", "x", "id"])
    write_table(root, "subset_negzero", _with(sub, "x", [-0.0 if v == 0.0 else v for v in sub["x"].to_pylist()]))
    ids = p.slice(0, 51)["id"].to_pylist()
    write_table(root, "changed_max", _with(p.slice(0, 51), "id", ids[:-1] + [500]))
    write_table(root, "parent_minus_one", p.filter(pa.compute.not_equal(p["id"], 100)))
    names = p["name"].to_pylist()
    write_table(root, "changed_value", _with(p, "name", names[:7] + [names[9]] + names[8:]))
    amts = p.slice(0, 81)["amt"].to_pylist()
    write_table(root, "with_nulls", _with(p.slice(0, 81), "amt", [None, None] + amts[2:]))
    xs = p.slice(0, 61)["x"].to_pylist()
    write_table(root, "nan_where_value", _with(p.slice(0, 61), "x", xs[:5] + [float("nan")] + xs[6:]))
    small = p.slice(0, 40).select(["id", "amt"])
    write_table(root, "amt_narrow", small.cast(pa.schema([("id", pa.int32()), ("amt", pa.decimal128(8, 2))])))
    write_table(root, "amt_finer", small.cast(pa.schema([("id", pa.int64()), ("amt", pa.decimal128(12, 3))])))
    write_table(root, "empty_child", p.slice(0, 0))
    write_table(root, "broken", p.slice(0, 10))
    (root / "broken" / "part-1.parquet").write_bytes(b"PAR1 truncated")
    _build_types(root)


def _build_types(root: Path) -> None:
    ev = _events()
    write_table(root, "events", ev)
    write_table(root, "events_int96", ev.slice(5, 30), use_deprecated_int96_timestamps=True)
    shifted = ev.slice(5, 30)["ts"].to_pylist()
    shifted[3] = shifted[3] + dt.timedelta(seconds=1)
    write_table(root, "events_int96_shifted", _with(ev.slice(5, 30), "ts", shifted),
                use_deprecated_int96_timestamps=True)
    wide = pa.table({f"w{i:03d}": list(range(i, i + 40)) for i in range(520)})
    write_table(root, "wide", wide)
    write_table(root, "wide_proj", wide.slice(3, 20).select([f"w{i:03d}" for i in range(0, 520, 17)]))
    col = wide["w007"].to_pylist()
    write_table(root, "wide_changed", _with(wide, "w007", col[:10] + [col[11]] + col[11:]))
    notes = pa.table({"k": list(range(30)), "note": pa.array([None] * 30, pa.string())})
    write_table(root, "all_null", notes)
    write_table(root, "all_null_child", notes.slice(4, 10))
    write_table(root, "filled_child", _with(notes.slice(4, 10), "note", ["a"] * 10))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, run_chain: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hard_negatives")
    _build(root)
    return run_chain(root, configs={"content_prune": {"sample_rows": 16}})


@pytest.fixture(scope="module")
def edges(outputs: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return edges_by_pair(outputs)


@pytest.mark.parametrize("parent, child, verdict, stages", [
    ("parent", "subset_negzero", "contained", LATE),            # -0.0 == 0.0, NaN == NaN
    ("parent", "amt_narrow", "contained", LATE),                # int32 -> int64, decimal(8,2) -> (10,2)
    ("events", "events_int96", "contained", LATE),              # INT96 statistics are not used
    ("wide", "wide_proj", "contained", LATE),                   # 520 columns, projection
    ("all_null", "all_null_child", "contained", LATE),          # NULL == NULL
    ("parent", "changed_max", "not_contained", ("minmax_prune",)),
    ("parent", "with_nulls", "not_contained", ("minmax_prune",)),
    ("all_null", "filled_child", "not_contained", ("minmax_prune",)),
    ("parent_minus_one", "parent", "not_contained", LATE),      # same schema and bounds, one row absent
    ("parent", "changed_value", "not_contained", LATE),
    ("parent", "nan_where_value", "not_contained", LATE),       # NaN is invisible to Parquet statistics
    ("events", "events_int96_shifted", "not_contained", LATE),
    ("wide", "wide_changed", "not_contained", LATE),
    ("parent_minus_one", "changed_max", "not_contained", ("minmax_prune",)),
])
def test_pair_is_decided_at_the_expected_stage(edges: dict[tuple[str, str], dict[str, Any]], parent: str,
                                               child: str, verdict: str, stages: tuple[str, ...]) -> None:
    edge = edges[(parent, child)]
    assert edge["verdict"] == verdict, edge
    assert edge["stage"] in stages, edge
    if edge["stage"] in LATE and edge["reason"].split(":")[0] != "transitive_contained":
        assert edge["rows_checked"] > 0 and edge["bytes_read"] > 0, edge


def test_decimals_of_a_finer_scale_are_compared_by_value(edges: dict[tuple[str, str], dict[str, Any]]) -> None:
    # decimal(12,3) does not widen into decimal(10,2): no pair in that direction
    assert ("parent", "amt_finer") not in edges
    assert edges[("amt_finer", "amt_narrow")]["verdict"] == "contained"


def test_copies_form_a_duplicate_class(outputs: dict[str, Any], edges: dict[tuple[str, str], dict[str, Any]]) -> None:
    classes = {(r["table_id"], r["dup_class"]) for r in outputs["verify_containment.duplicate_classes"].collect()}
    assert {t for t, _ in classes} == {"parent", "parent_copy"}
    assert edges[("parent", "parent_copy")]["verdict"] == "duplicate"
    assert edges[("parent_copy", "parent")]["verdict"] == "duplicate"
    assert edges[("parent_copy", "subset_negzero")]["verdict"] == "contained"


def test_empty_tables_are_reported_and_never_in_an_edge(outputs: dict[str, Any],
                                                        edges: dict[tuple[str, str], dict[str, Any]]) -> None:
    empty = [r["table_id"] for r in outputs["schema_containment.empty_tables"].collect()]
    assert empty == ["empty_child"]
    assert not [k for k in edges if "empty_child" in k]


def test_quarantined_table_is_never_judged(outputs: dict[str, Any], edges: dict[tuple[str, str], dict[str, Any]]) -> None:
    quarantine = outputs["table_profiles"].where("status = 'quarantined'").select("table_id").collect()
    assert [r[0] for r in quarantine] == ["broken"]
    touching = [e for k, e in edges.items() if "broken" in k]
    assert touching and all(e["verdict"] == "unknown" for e in touching)


def test_funnel_chains_stage_counts(outputs: dict[str, Any]) -> None:
    funnel = outputs["verify_containment.containment_funnel"].collect()
    per_stage = {r["stage"]: (r["pairs_in"], r["pairs_out"]) for r in funnel}
    assert list(per_stage) == ["schema_containment", "minmax_prune", "content_prune", "verify_containment"]
    stages = list(per_stage.values())
    for (_, out), (nxt_in, _) in itertools.pairwise(stages):
        assert out == nxt_in
    assert stages[-1][1] == 0
    for stage in per_stage:
        rows = [r for r in funnel if r["stage"] == stage]
        assert sum(r["removed"] for r in rows) == rows[0]["pairs_in"] - rows[0]["pairs_out"]
