"""Approximate mode (degree >= tau with a Hoeffding bound), bag semantics and transitivity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.containment._lakes import edges_by_pair, write_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("modes")
    write_table(root, "a", pa.table({"k": list(range(1000))}))
    write_table(root, "b99", pa.table({"k": list(range(990)) + list(range(1000, 1010))}))  # degree 0.99
    write_table(root, "b50", pa.table({"k": list(range(500)) + list(range(2000, 2500))}))  # degree 0.5
    write_table(root, "bag_p", pa.table({"v": [1, 1, 2, 3]}))
    write_table(root, "bag_more", pa.table({"v": [1, 1, 1, 2]}))
    write_table(root, "bag_fit", pa.table({"v": [3, 1, 1]}))
    write_table(root, "t_a", pa.table({"z": list(range(300))}))
    write_table(root, "t_b", pa.table({"z": list(range(200))}))
    write_table(root, "t_c", pa.table({"z": list(range(100))}))
    return root


@pytest.fixture(scope="module")
def exact(lake: Path, run_chain: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return edges_by_pair(run_chain(lake, configs={"content_prune": {"sample_rows": 16}}))


def test_approximate_mode_accepts_degrees_above_tau(lake: Path, run_chain: Any) -> None:
    configs = {"schema_containment": {"mode": "approximate", "tau": 0.95, "confidence": 0.95},
               "content_prune": {"sample_rows": 200}}
    edges = edges_by_pair(run_chain(lake, configs=configs))
    near = edges[("a", "b99")]
    assert near["verdict"] == "contained" and near["stage"] in ("content_prune", "verify_containment")
    assert near["degree"] == pytest.approx(0.99, abs=0.05)
    if near["stage"] == "verify_containment" and near["reason"].startswith("verified"):
        assert near["degree"] == pytest.approx(990 / 1000)
    half = edges[("a", "b50")]
    assert half["verdict"] == "not_contained" and half["stage"] == "content_prune"
    assert half["reason"].startswith("sample_degree_below_tau") and "Hoeffding" in half["reason"]


def test_exact_mode_refutes_what_approximate_mode_accepts(exact: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert exact[("a", "b99")]["verdict"] == "not_contained"
    assert exact[("a", "b99")]["stage"] == "minmax_prune"


def test_set_semantics_ignores_multiplicities(exact: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert exact[("bag_p", "bag_more")]["verdict"] == "contained"
    assert exact[("bag_p", "bag_fit")]["verdict"] == "contained"


def test_bag_semantics_compares_multiplicities(lake: Path, run_chain: Any) -> None:
    edges = edges_by_pair(run_chain(lake, configs={"schema_containment": {"semantics": "bag"}}))
    assert edges[("bag_p", "bag_more")]["verdict"] == "not_contained"  # three 1s, the parent has two
    assert edges[("bag_p", "bag_fit")]["verdict"] == "contained"
    assert edges[("bag_fit", "bag_p")]["stage"] == "minmax_prune"  # 4 rows cannot fit in 3


def test_transitivity_skips_the_implied_check(exact: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert exact[("t_a", "t_b")]["reason"].startswith("verified")
    assert exact[("t_b", "t_c")]["reason"].startswith("verified")
    implied = exact[("t_a", "t_c")]
    assert implied["verdict"] == "contained" and implied["reason"].startswith("transitive_contained")
    assert implied["rows_checked"] < 100  # only content pruning's sample; t_c itself was not re-read
