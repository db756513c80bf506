"""Connected components on Spark DataFrames: alternating large-star / small-star.

Algorithm: Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in
MapReduce and Beyond" (SoCC 2014): alternating Large-Star and Small-Star converges in
O(log^2 n) rounds to a forest of stars centred on each component's smallest node. Edges are kept
as ``(hi, lo)`` with ``hi > lo``. The edge set is in star form, i.e. converged, exactly when every
``hi`` has one ``lo`` and no ``lo`` is itself a ``hi``; star form is a fixed point of both steps.

Rounds run in blocks of at most ``checkpoint_every``; within a block each round is cut with a
local checkpoint and the block ends early on convergence; each block's result is persisted through
``StageContext.persist`` so a crash resumes at the last block (the convergence check reads the
persisted result).

:func:`connected_members` is the entry point: an edge list of at most ``driver_max_edges`` edges is
collected through Arrow and solved on the driver (``local_components``, one Spark job); only
larger graphs pay for the distributed rounds.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from operators.base import StageContext
from operators.dedup.local_components import component_members
from schemas.errors import InvariantError


def _both_ways(edges: Any) -> Any:
    return edges.selectExpr("hi AS u", "lo AS v").unionByName(edges.selectExpr("lo AS u", "hi AS v"))


def large_star(edges: Any) -> Any:
    """Connect every larger neighbour of u to the smallest node of u's closed neighbourhood."""
    from pyspark.sql import functions as F

    directed = _both_ways(edges)
    smallest = directed.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    larger = directed.where(F.col("v") > F.col("u")).join(smallest, "u")
    return larger.select(F.col("v").alias("hi"), F.col("m").alias("lo")).distinct()


def small_star(edges: Any) -> Any:
    """Connect u and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    down = edges.selectExpr("hi AS u", "lo AS v")
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    moved = down.join(smallest, "u").where(F.col("v") != F.col("m"))
    spokes = moved.select(F.col("v").alias("hi"), F.col("m").alias("lo"))
    return spokes.unionByName(smallest.selectExpr("u AS hi", "m AS lo")).distinct()


def is_star_forest(edges: Any) -> bool:
    """True when every node points to its component's root (one action)."""
    from pyspark.sql import functions as F

    per_child = edges.groupBy("hi").agg(F.count("*").alias("parents"))
    multi = per_child.where(F.col("parents") > 1).select(F.lit(1).alias("x"))
    roots = edges.select(F.col("lo").alias("hi")).distinct()
    nested = roots.join(per_child.select("hi"), "hi").select(F.lit(1).alias("x"))
    return len(multi.unionByName(nested).limit(1).collect()) == 0


def _block(edges: Any, rounds: int) -> Any:
    """Up to ``rounds`` rounds, each cut by a local checkpoint; stops early once converged."""
    for _ in range(rounds):
        edges = small_star(large_star(edges)).localCheckpoint(eager=True)
        if is_star_forest(edges):
            break
    return edges


def component_edges(
    edges: Any, ctx: StageContext, checkpoint_every: int = 3, max_rounds: int = 60,
    name: str = "components",
) -> Any:
    """Star-form ``(hi, lo)`` edges: each non-root node with its component's smallest node."""
    current = edges.selectExpr("greatest(a, b) AS hi", "least(a, b) AS lo").distinct()
    done = 0
    while not is_star_forest(current):
        if done >= max_rounds:
            raise InvariantError(f"connected components did not converge in {max_rounds} rounds")
        current = ctx.persist(f"{name}_{done + checkpoint_every:03d}",
                              partial(_block, current, checkpoint_every))
        done += checkpoint_every
        ctx.report(f"{name}: large-star/small-star rounds", done, None)
    return current


def star_members(stars: Any) -> Any:
    """``(id, component, size)`` of every node of a star-form graph."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    leaves = stars.selectExpr("hi AS id", "lo AS component")
    roots = stars.selectExpr("lo AS id", "lo AS component").distinct()
    return leaves.unionByName(roots).withColumn(
        "size", F.count("*").over(Window.partitionBy("component")))


def connected_members(
    edges: Any, ctx: StageContext, driver_max_edges: int, checkpoint_every: int = 3,
    max_rounds: int = 60, name: str = "components",
) -> Any:
    """``(id, component, size)`` of every node of the graph ``edges(a, b)`` (component = its
    smallest id): on the driver when the graph has at most ``driver_max_edges`` edges, else
    with distributed large-star/small-star rounds."""
    collected = edges.select("a", "b").limit(driver_max_edges + 1).toArrow()
    if collected.num_rows > driver_max_edges:
        return star_members(component_edges(edges, ctx, checkpoint_every, max_rounds, name))
    return edges.sparkSession.createDataFrame(component_members(collected))
