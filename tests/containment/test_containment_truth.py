"""Exact mode on a generated lake: precision and recall 1.0 against DuckDB brute force.

The lake (``profiling.testlake``) mixes TPC-H tables, derived tables, hard negatives, synthetic
edge cases, CSV/JSON copies and broken tables; the truth is a DuckDB EXCEPT over every
compatible pair, computed independently of the stages.
"""

from __future__ import annotations

from typing import Any

import pytest

from profiling.testlake import BuiltLake, build_test_lake
from profiling.testlake_truth import Truth, ground_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> BuiltLake:
    root = tmp_path_factory.mktemp("truth_lake")
    return build_test_lake(root / "lake", n_tables=40, scale_factor=0.01, seed=3, tpch_cache=root / "tpch")


@pytest.fixture(scope="module")
def truth(lake: BuiltLake) -> Truth:
    return ground_truth(lake)


@pytest.fixture(scope="module")
def outputs(lake: BuiltLake, run_chain: Any) -> dict[str, Any]:
    return run_chain(lake.root, formats=lake.lake_formats)


def test_exact_mode_has_precision_and_recall_one(outputs: dict[str, Any], truth: Truth) -> None:
    edges = outputs["verify_containment"].collect()
    found = {(r["parent"], r["child"]) for r in edges if r["verdict"] in ("contained", "duplicate")}
    assert truth.contained, "the generated lake must contain true edges"
    assert found - truth.contained == set(), "false positives"
    assert truth.contained - found == set(), "missed edges"
    judged = {(r["parent"], r["child"]) for r in edges if r["verdict"] != "unknown"}
    assert judged == truth.compatible  # the schema stage finds exactly the compatible pairs


def test_duplicate_classes_match_mutual_containment(outputs: dict[str, Any], truth: Truth) -> None:
    rows = outputs["verify_containment.duplicate_classes"].collect()
    classes: dict[str, set[str]] = {}
    for r in rows:
        classes.setdefault(r["dup_class"], set()).add(r["table_id"])
    pairs = {frozenset((a, b)) for members in classes.values() for a in members for b in members if a != b}
    assert pairs == truth.duplicates


def test_broken_tables_are_quarantined_and_never_judged(outputs: dict[str, Any], lake: BuiltLake) -> None:
    quarantined = {r["table_id"]: r["status_reason"] for r in
                   outputs["table_profiles"].where("status = 'quarantined'").collect()}
    assert set(quarantined) == set(lake.faulty)
    for table_id, fragment in lake.faulty.items():
        assert fragment in quarantined[table_id]
    edges = outputs["verify_containment"].collect()
    assert all(r["verdict"] == "unknown" for r in edges if r["parent"] in lake.faulty or r["child"] in lake.faulty)


def test_empty_tables_match_the_truth(outputs: dict[str, Any], truth: Truth) -> None:
    empty = {r["table_id"] for r in outputs["schema_containment.empty_tables"].collect()}
    assert empty == truth.empty and empty


def test_shuffled_joins_give_the_same_edges(lake: BuiltLake, truth: Truth, run_chain: Any) -> None:
    """With no broadcast budget every verification job shuffles the child keys and hashes them
    (the path large lakes take): the verdicts still match the truth exactly."""
    no_broadcast = {"broadcast_rows": 0}
    out = run_chain(lake.root, formats=lake.lake_formats,
                    configs={"verify_containment": no_broadcast})
    edges = out["verify_containment"].collect()
    found = {(r["parent"], r["child"]) for r in edges if r["verdict"] in ("contained", "duplicate")}
    assert found == truth.contained
    refuted = {(r["parent"], r["child"]) for r in edges if r["verdict"] == "not_contained"}
    assert refuted == truth.compatible - truth.contained
