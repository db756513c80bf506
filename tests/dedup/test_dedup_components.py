"""Connected components (large-star / small-star, and on the driver) against hand-derived ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from operators.dedup.components import component_edges, connected_members

pytestmark = pytest.mark.slow  # several Spark jobs per test


def _components(stars: Any) -> dict[str, str]:
    return {r["hi"]: r["lo"] for r in stars.collect()}


def test_chains_cycles_and_separate_groups(spark: Any, stage_context: Callable) -> None:
    chain = [(f"n{i:02d}", f"n{i + 1:02d}") for i in range(12)]            # n00..n12, one path
    cycle = [("c3", "c1"), ("c1", "c2"), ("c2", "c4"), ("c4", "c3")]     # 4-cycle
    pair = [("z9", "y1")]
    edges = spark.createDataFrame(chain + cycle + pair, "a string, b string")
    ctx, ckpt = stage_context(seed=1)
    stars = component_edges(edges, ctx, checkpoint_every=2)
    expected = {f"n{i:02d}": "n00" for i in range(1, 13)}
    expected |= {"c2": "c1", "c3": "c1", "c4": "c1", "z9": "y1"}
    assert _components(stars) == expected
    blocks = [name for name in ckpt.computed if name.startswith("components_")]
    assert blocks and all(ckpt.computed[name] == 1 for name in blocks)


def test_a_star_forest_needs_no_rounds(spark: Any, stage_context: Callable) -> None:
    edges = spark.createDataFrame([("a", "b"), ("a", "c"), ("d", "e")], "a string, b string")
    ctx, ckpt = stage_context()
    assert _components(component_edges(edges, ctx)) == {"b": "a", "c": "a", "e": "d"}
    assert not ckpt.computed


def test_driver_and_distributed_members_agree_with_hand_derived_components(
    spark: Any, stage_context: Callable
) -> None:
    chain = [(f"n{i:02d}", f"n{i + 1:02d}") for i in range(6)]              # n00..n06
    edges = spark.createDataFrame(chain + [("c2", "c1"), ("c3", "c2")], "a string, b string")
    expected = {f"n{i:02d}": ("n00", 7) for i in range(7)} | {c: ("c1", 3) for c in ("c1", "c2", "c3")}
    ctx, ckpt = stage_context()
    on_driver = connected_members(edges, ctx, driver_max_edges=8)
    assert not ckpt.computed                                               # no distributed rounds
    distributed = connected_members(edges, ctx, driver_max_edges=7, checkpoint_every=2)
    assert any(name.startswith("components_") for name in ckpt.computed)  # 8 edges > 7: rounds ran
    for members in (on_driver, distributed):
        assert {r["id"]: (r["component"], r["size"]) for r in members.collect()} == expected
