"""Comparing child and parent fingerprints for many pairs, in one Spark job per table group.

Per pair the result holds the number of distinct child rows and how many of them the parent has
(set semantics), and the child's row count and how many of those rows the parent's
multiplicities cover (bag semantics). Tables are cut into jobs by :class:`JobPlan`.

:class:`FullComparison` (verification): one job per group of children persists their counted
fingerprints (reused by every later wave); one job per group of parents scans each parent once
for all its children, semi-joins its fingerprints to theirs (broadcast when they are small, else
shuffled into partitions of bounded size, that parent alone in its job), counts the hits and
joins them back per pair. A job's plan has one branch per table it scans and per persisted child
frame it reads, never one per pair: the children's rows are tagged with their pairs (an int
index) by a join with a small table of pairs. Each job's result is persisted, so a
crashed comparison resumes job by job. Content pruning compares samples in :mod:`._sample`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import reduce
from typing import Any

from operators.base import StageContext
from operators.containment._fingerprint import (
    Projection,
    child_projection,
    parent_projection,
)
from operators.containment._jobs import JobPlan, digest, per_group
from operators.containment._pairs import Pair
from operators.containment._probe import (
    count_by_key,
    counted,
    group_projections,
    number_projections,
    partitions_for,
    table_fingerprints,
)
from schemas.errors import UserError

Result = dict[tuple[str, str], dict[str, int]]
EMPTY = {"distinct": 0, "found": 0, "rows": 0, "covered": 0}


def _reader(ctx: StageContext) -> Callable[[str, list[str] | None], Any]:
    if ctx.read_table is None:
        raise UserError(f"step '{ctx.step}' reads lake tables: the recipe needs a 'lake' section")
    return ctx.read_table


def _by_parent(pairs: list[Pair]) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = defaultdict(list)
    for pair in sorted(pairs, key=lambda p: p.key):
        out[pair.parent].append(pair)
    return out


class FullComparison:
    """Comparison across waves: child fingerprints are persisted once and reused."""

    def __init__(self, ctx: StageContext, sizes: Mapping[str, int], rows: Mapping[str, int], plan: JobPlan,
                 broadcast_rows: int) -> None:
        self.ctx, self.sizes, self.rows, self.plan = ctx, sizes, rows, plan
        self.broadcast_rows, self.name = broadcast_rows, "full"
        self.child_ids: dict[Projection, int] = {}  # child projection -> its id ``cp`` (unique across waves)
        self.frames: list[tuple[Any, frozenset[int]]] = []  # persisted child fingerprints and the ids in each

    def compare(self, pairs: list[Pair], wave: int) -> Result:
        self._fingerprint_children({child_projection(p) for p in pairs}, wave)
        parents = _by_parent(pairs)
        out: Result = {}
        jobs = per_group(self.ctx, self.plan, parents, self.sizes,
                         lambda group: self._check(group, parents), f"wave {wave}: checking parents")
        for rows in jobs:
            for r in rows:
                out[(r["parent"], r["child"])] = {k: int(r[k] or 0) for k in EMPTY}
        return out

    def _fingerprint_children(self, projections: set[Projection], wave: int) -> None:
        """Persisted ``(cp, h1, h2, n)`` per group: every distinct canonical row of each new child
        projection (id ``cp``) and its count."""
        new = sorted(projections - set(self.child_ids), key=repr)
        todo = {proj: len(self.child_ids) + i for i, proj in enumerate(new)}
        by_table = group_projections(todo)

        def job(group: tuple[str, ...]) -> tuple[Any, frozenset[int]]:
            mine = {pid: proj for t in group for pid, proj in by_table[t].items()}
            name = f"{self.name}_fingerprints_{digest(sorted(mine.items()))}"
            rows = sum(self.rows.get(t, 0) * len(by_table[t]) for t in group)
            frame = self.ctx.persist(name, lambda: counted(
                (table_fingerprints(_reader(self.ctx), t, by_table[t]) for t in group), rows).withColumnRenamed("p", "cp"))
            return frame, frozenset(mine)

        self.frames += per_group(self.ctx, self.plan, by_table, self.sizes, job,
                                 f"wave {wave}: fingerprinting children")
        self.child_ids.update(todo)

    def _check(self, group: tuple[str, ...], parents: dict[str, list[Pair]]) -> list[Any]:
        out: list[Any] = []
        for part in self._broadcastable(group, parents):
            pairs = [p for t in part for p in parents[t]]
            counts = self.ctx.persist(f"{self.name}_check_{digest([p.key for p in pairs])}",
                                      lambda part=part, pairs=pairs: self._check_plan(part, pairs)).collect()
            out += [{"parent": pairs[r["k"]].parent, "child": pairs[r["k"]].child, **r.asDict()} for r in counts]
        return out

    def _expected(self, pairs: list[Pair]) -> int:
        """Child fingerprint rows of ``pairs`` (at most their children's rows, once per pair)."""
        return sum(self.rows.get(p.child, 0) for p in pairs)

    def _broadcastable(self, group: tuple[str, ...], parents: dict[str, list[Pair]]) -> list[tuple[str, ...]]:
        """``group`` cut into parts whose children's keys fit ``broadcast_rows``; a parent whose
        own keys do not is a part alone. A shuffled semi-join is never planned over several
        parents: pushed into each parent's branch of their union, it would build one hash map per
        parent in the same task, and the task's memory would grow with the number of parents."""
        parts: list[tuple[str, ...]] = []
        current: list[str] = []
        total = 0
        for table in group:
            rows = self._expected(parents[table])
            if current and total + rows > self.broadcast_rows:
                parts.append(tuple(current))
                current, total = [], 0
            current.append(table)
            total += rows
        return parts + [tuple(current)] if current else parts

    def _check_plan(self, group: tuple[str, ...], pairs: list[Pair]) -> Any:
        """One plan for a group of parents: the children's fingerprints tagged with their pairs
        (a join with a small pair table, so the plan does not grow with the number of pairs),
        each parent scanned once for all its projections and semi-joined to those keys
        (broadcast when the children's rows fit ``broadcast_rows``), hits counted, joined back.
        Parent projections are numbered across the job, so the keys carry no per-parent
        constant: when the optimizer pushes the semi-join into each parent's branch of the
        union, every branch probes the same broadcast (one build per job, not per parent)."""
        from pyspark.sql import functions as F

        pids = number_projections(parent_projection(p) for p in pairs)  # ids unique across the job's parents
        # A pair travels as its index ``k`` in ``pairs``: its child's rows are shuffled once per pair.
        links = [(self.child_ids[child_projection(p)], k, pids[parent_projection(p)]) for k, p in enumerate(pairs)]
        pair_table = self.ctx.spark.createDataFrame(links, "cp int, k int, p int")
        needed = {cp for cp, *_ in links}
        sources = [frame.where(F.col("cp").isin(sorted(ids & needed))) for frame, ids in self.frames if ids & needed]
        wanted = reduce(lambda a, b: a.unionByName(b), sources).join(F.broadcast(pair_table), "cp").drop("cp")
        on = ["p", "h1", "h2"]
        keys = wanted.select(*on)
        expected = self._expected(pairs)  # about as many parent rows can match
        fits = expected <= self.broadcast_rows
        # Shuffled: the keys are cut into partitions of bounded size (each task's hash map holds one;
        # the parents are shuffled to match) and hashed, not sorted with the parents.
        keys = F.broadcast(keys) if fits else keys.repartition(partitions_for(expected), *on).hint("shuffle_hash")
        scans = reduce(lambda a, b: a.unionByName(b), [
            table_fingerprints(_reader(self.ctx), t, {pid: proj for proj, pid in pids.items() if proj.table == t})
            for t in group])
        hits = count_by_key(scans.join(keys, on, "left_semi"), on, expected).withColumnRenamed("n", "pn")
        return wanted.join(hits.hint("shuffle_hash"), on, "left").groupBy("k").agg(
            F.count(F.lit(1)).alias("distinct"), F.count("pn").alias("found"), F.sum("n").alias("rows"),
            F.sum(F.least(F.col("n"), F.coalesce(F.col("pn"), F.lit(0)))).alias("covered"))
