"""Multiset digests: equal for the same multiset of canonical rows, different otherwise, the same
whether observed during a scan or aggregated by a job of their own; content pruning decides
equal multisets without verification and, in bag semantics, refutes equal-sized different ones.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from operators.containment._digest import Observed, digest_rows, read_digests, same_multiset
from operators.containment._fingerprint import Projection
from operators.containment._probe import scan_digests, table_fingerprints

PROJ = Projection("t", (("a", "bigint"), ("b", "string")))
ROWS = [(1, "x"), (2, "y"), (2, "y"), (None, "z"), (-5, None)]


def _reader(spark: Any, rows: list[tuple], schema: str) -> Any:
    frame = spark.createDataFrame(rows, schema)
    return lambda _table, columns: frame.select(*columns) if columns else frame


def _digest(spark: Any, rows: list[tuple], schema: str = "a bigint, b string", proj: Projection = PROJ) -> Any:
    metrics = scan_digests(_reader(spark, rows, schema), proj.table, {0: proj})
    return read_digests(digest_rows(proj.table, {0: proj}, metrics))[proj]


def test_digest_is_the_row_count_and_the_sums_of_the_fingerprints(spark: Any) -> None:
    fps = table_fingerprints(_reader(spark, ROWS, "a bigint, b string"), "t", {0: PROJ}).collect()
    expect = [len(ROWS)]
    for half in ("h1", "h2"):
        total = sum(r[half] for r in fps) % (1 << 64)
        expect.append(total - (1 << 64) if total >= 1 << 63 else total)
    assert _digest(spark, ROWS) == tuple(expect)


def test_equal_multisets_have_equal_digests_and_others_do_not(spark: Any) -> None:
    base = _digest(spark, ROWS)
    # Other row order, other column order, a narrower integer type: the same multiset.
    shuffled = [(b, a) for a, b in reversed(ROWS)]
    assert same_multiset(_digest(spark, shuffled, "b string, a int"), base) is True
    # The same row count with another multiplicity, or one value changed: different.
    other_duplicate = [(1, "x"), (1, "x"), (2, "y"), (None, "z"), (-5, None)]
    changed = [(1, "x"), (2, "y"), (2, "y"), (None, "z"), (-5, "w")]
    assert same_multiset(_digest(spark, other_duplicate), base) is False
    assert same_multiset(_digest(spark, changed), base) is False
    # Other row counts, or no rows: the digests say nothing.
    assert same_multiset(_digest(spark, ROWS[:4]), base) is None
    assert same_multiset(_digest(spark, []), _digest(spark, [])) is None


def test_observed_digests_equal_the_digests_of_a_job_of_their_own(spark: Any) -> None:
    read = _reader(spark, ROWS, "a bigint, b string")
    other = Projection("t", (("b", "string"),))
    observed = Observed()
    sampled = table_fingerprints(read, "t", {0: PROJ, 3: other}, {0: -(2**62), 3: None}, 7, observed)
    assert observed.metrics("t") is None  # nothing ran yet: never blocks
    sampled.collect()
    metrics = observed.metrics("t")
    assert metrics is not None
    assert digest_rows("t", {0: PROJ, 3: other}, metrics) == digest_rows(
        "t", {0: PROJ, 3: other}, scan_digests(read, "t", {0: PROJ, 3: other}))


def _write(root: Path, name: str, table: pa.Table) -> None:
    (root / name).mkdir(parents=True)
    pq.write_table(table, root / name / "part-0.parquet")


def test_content_prune_decides_equal_multisets_and_refutes_equal_sized_bags(spark: Any, run_chain: Any) -> None:
    n = 3000  # more rows than the sample takes, so the sample alone cannot decide
    keys = list(range(n))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, "base", pa.table({"k": keys, "v": [i % 97 for i in keys]}))
        # A copy with rows and columns in another order and a wider type: the same multiset.
        _write(root, "copy", pa.table({"v": [i % 97 for i in reversed(keys)], "k": pa.array(keys[::-1], pa.int64())}))
        # As many rows, one of them a duplicate of another: contained as a set, not as a bag.
        dup = keys[:-1] + [0]
        _write(root, "dup", pa.table({"k": dup, "v": [i % 97 for i in dup]}))
        set_run = run_chain(root)
        bag_run = run_chain(root, configs={"schema_containment": {"semantics": "bag"}})
        by_key = {(r["parent"], r["child"]): r for r in set_run["verify_containment"].collect()}
        bag = {(r["parent"], r["child"]): r for r in bag_run["verify_containment"].collect()}
    for key in (("base", "copy"), ("copy", "base")):
        assert by_key[key]["stage"] == "content_prune" and by_key[key]["reason"].startswith("same_multiset")
        assert by_key[key]["verdict"] == "duplicate"
        assert by_key[key]["rows_checked"] == n  # every row digested, not only the sample
    # Set semantics: dup is contained, but a digest cannot tell (different multisets): verified.
    assert by_key[("base", "dup")]["verdict"] == "contained"
    assert by_key[("base", "dup")]["stage"] == "verify_containment"
    # Bag semantics: same row count, another multiset: refuted without verification.
    assert bag[("base", "dup")]["verdict"] == "not_contained"
    assert bag[("base", "dup")]["stage"] == "content_prune"
    assert bag[("base", "dup")]["reason"].startswith("multiset_differs")
    assert bag[("base", "dup")]["rows_checked"] == n


def test_a_resumed_content_prune_takes_lost_digests_from_a_job_of_their_own(spark: Any, tmp_path: Path) -> None:
    """The sampled rows of a crashed run are reused (no scan runs, so nothing is observed): the
    digests persisted beside them are recomputed, and the verdicts are those of a whole run."""
    from operators.containment._chain import run_containment
    from pipelines.stages import StageStore
    from profiling.lake import lake_table_reader, profile_lake

    keys = list(range(2000))
    _write(tmp_path / "lake", "base", pa.table({"k": keys, "v": [str(i % 13) for i in keys]}))
    _write(tmp_path / "lake", "copy", pa.table({"v": [str(i % 13) for i in keys[::-1]], "k": keys[::-1]}))
    store = StageStore(spark, tmp_path / "stages")

    def decisions() -> set[tuple[Any, ...]]:
        profiles = profile_lake(spark, tmp_path / "lake", ["parquet"])
        out = run_containment(spark, profiles, lake_table_reader(spark, profiles["table_profiles"]),
                              checkpoints=store.checkpoint,
                              stages=("schema_containment", "minmax_prune", "content_prune"))
        return {(r["parent"], r["child"], r["verdict"], r["stage"], r["reason"])
                for r in out["content_prune"].collect()}

    first = decisions()
    assert {(d[0], d[1]) for d in first if d[4] and d[4].startswith("same_multiset")} == {
        ("base", "copy"), ("copy", "base")}
    lost = sorted((tmp_path / "stages" / "_sub" / "content_prune").glob("*_digests"))
    assert lost
    for folder in lost:
        shutil.rmtree(folder)
    assert decisions() == first
    assert all((folder / "_COMPLETE.json").is_file() for folder in lost)
