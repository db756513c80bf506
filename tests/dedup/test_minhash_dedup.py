"""minhash_dedup on a tiny hand-built input: clusters, survivors, provenance, reruns, resume."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from operators.base import MAIN, REJECTS
from operators.dedup.minhash_dedup import MinHashDedup
from schemas.errors import InputError

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "one", "two", "three", "four"]
A = " ".join(WORDS)                                   # 30 distinct words -> 26 five-word shingles
B = " ".join(WORDS[:-1] + ["fourteen"])               # last shingle differs: J = 25/27 ~ 0.93
F = " ".join(WORDS[:11] + [f"new{i}" for i in range(8)] + WORDS[19:])  # 12 of 26 shingles differ:
# J = 14/38 ~ 0.37, below the 0.8 threshold
C = "completely different text about nothing in particular at all here"
ROWS = [("a", A, ["s1"]), ("b", B, ["s2"]), ("c", C, ["s4"]), ("d", A, ["s3", "s1"]),
        ("e", "", ["s5"]), ("f", F, ["s6"])]
CONFIG = {"id_column": "id", "keep": "longest"}

pytestmark = pytest.mark.slow  # several Spark jobs per test


def _frame(spark: Any, rows: list = ROWS) -> Any:
    return spark.createDataFrame(rows, "id string, text string, _src_ids array<string>")


def _collect(outputs: dict) -> dict[str, Any]:
    return {name: sorted(tuple(sorted(r.asDict().items())) for r in df.collect())
            for name, df in outputs.items()}


def test_clusters_survivors_and_provenance(spark: Any, stage_context: Callable) -> None:
    ctx, _ = stage_context()
    out = MinHashDedup(CONFIG).run(_frame(spark), ctx)
    main = {r["id"]: r.asDict() for r in out[MAIN].collect()}
    rejects = {r["id"]: r.asDict() for r in out[REJECTS].collect()}
    assert sorted(main) == ["b", "c", "e", "f"] and sorted(rejects) == ["a", "d"]
    assert main["b"]["_src_ids"] == ["s2"]                 # survivor keeps its own sources
    assert main["b"]["_dup_src_ids"] == ["s1", "s3"]       # and records a's and d's
    assert main["b"]["_cluster_id"] == "a"                 # cluster id = smallest member id
    assert (main["c"]["_cluster_id"], main["c"]["_dup_src_ids"]) == ("c", [])
    for dropped in rejects.values():
        assert dropped["_reject_reason"] == "minhash_dedup:near_duplicate"
        assert (dropped["_cluster_id"], dropped["_survivor_ref"]) == ("a", "b")
    assert rejects["d"]["_src_ids"] == ["s3", "s1"]
    (cluster,) = out["dedup_clusters"].collect()
    assert (cluster["_cluster_id"], cluster["size"], cluster["members"], cluster["survivor"]) == (
        "a", 3, ["a", "b", "d"], "b")
    assert cluster["edges"] == 3
    assert cluster["min_exact_jaccard"] == pytest.approx(25 / 27)
    assert cluster["max_exact_jaccard"] == 1.0


def test_rerun_with_the_same_seed_gives_identical_outputs(spark: Any, stage_context: Callable) -> None:
    first, _ = stage_context("run1", seed=7)
    second, _ = stage_context("run2", seed=7)
    df = _frame(spark)
    assert _collect(MinHashDedup(CONFIG).run(df, first)) == _collect(MinHashDedup(CONFIG).run(df, second))


@pytest.mark.parametrize("crashed", ["candidates", "edges", "survivors"])
def test_a_crash_resumes_from_the_last_completed_sub_stage(
    spark: Any, stage_context: Callable, crashed: str
) -> None:
    ctx, ckpt = stage_context(fail_once=(crashed,))
    df = _frame(spark)
    with pytest.raises(RuntimeError, match="injected crash"):
        MinHashDedup(CONFIG).run(df, ctx)
    order = ["signatures", "candidates", "edges", "survivors"]
    done = order[: order.index(crashed)]
    marker_times = {name: ckpt.marker(name).stat().st_mtime_ns for name in done}
    out = MinHashDedup(CONFIG).run(df, ctx)
    for name in done:                                      # completed sub-stages are reused
        assert ckpt.computed[name] == 1
        assert ckpt.marker(name).stat().st_mtime_ns == marker_times[name]
    assert all(ckpt.computed[name] == 1 for name in order)
    assert sorted(r["id"] for r in out[REJECTS].collect()) == ["a", "d"]


def test_duplicate_ids_are_an_input_error(spark: Any, stage_context: Callable) -> None:
    ctx, _ = stage_context()
    with pytest.raises(InputError, match="not unique"):
        MinHashDedup(CONFIG).run(_frame(spark, [("x", A, ["s"]), ("x", B, ["t"])]), ctx)
