"""Comparing child and parent fingerprints for many pairs, in one Spark job per table group.

Per pair the result holds the number of distinct child rows and how many of them the parent has
(set semantics), and the child's row count and how many of those rows the parent's
multiplicities cover (bag semantics). Tables are cut into jobs by :class:`JobPlan`.

- :func:`compare_sample` (content pruning): one job per group of children collects their samples
  (small); one job per group of parents scans each parent once for all its children, keeps only
  rows whose fingerprint was sampled (semi-join with the broadcast sample keys, so nothing else is
  shuffled) and counts them.
- :func:`compare_full` (verification): one job per group of children persists their counted
  fingerprints (reused by every later wave); one job per group of parents scans each parent once
  for all its children, semi-joins its fingerprints to theirs (broadcast when they are small,
  else shuffled), counts the hits and joins them back per pair. Each job's result is persisted,
  so a crashed verification resumes job by job.
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
    sample_threshold,
)
from operators.containment._frames import rows_to_frame
from operators.containment._jobs import JobPlan, digest, per_group
from operators.containment._pairs import Pair
from operators.containment._probe import (
    collect_counts,
    counted,
    group_projections,
    number_projections,
    table_fingerprints,
)
from schemas.errors import UserError

Result = dict[tuple[str, str], dict[str, int]]
Counts = dict[int, dict[tuple[int, int], int]]
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


def _merged(parts: list[Counts]) -> Counts:
    out: Counts = {}
    for part in parts:
        out |= part
    return out


def compare_sample(ctx: StageContext, pairs: list[Pair], fractions: Mapping[str, float],
                   sizes: Mapping[str, int], plan: JobPlan) -> Result:
    read, ordered = _reader(ctx), sorted(pairs, key=lambda p: p.key)
    cids = number_projections(child_projection(p) for p in ordered)
    pids = number_projections(parent_projection(p) for p in ordered)
    by_child, by_parent = group_projections(cids), group_projections(pids)

    def sample(group: tuple[str, ...]) -> Counts:
        return collect_counts(counted(
            table_fingerprints(read, t, by_child[t], sample_threshold(fractions[t]), ctx.seed) for t in group))

    samples = _merged(per_group(ctx, plan, by_child, sizes, sample, "sampling child rows"))
    keys: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
    for p in ordered:
        pid = pids[parent_projection(p)]
        keys[p.parent].update((pid, h1, h2) for h1, h2 in samples.get(cids[child_projection(p)], {}))

    def probe(group: tuple[str, ...]) -> Counts:
        return _sample_hits(ctx, group, by_parent, keys)

    hits = _merged(per_group(ctx, plan, [t for t in by_parent if keys[t]], sizes, probe, "probing samples in parents"))
    out: Result = {}
    for pair in ordered:
        sample_fps = samples.get(cids[child_projection(pair)], {})
        found_fps = hits.get(pids[parent_projection(pair)], {})
        out[pair.key] = {
            "distinct": len(sample_fps), "found": sum(1 for fp in sample_fps if fp in found_fps),
            "rows": sum(sample_fps.values()),
            "covered": sum(min(n, found_fps.get(fp, 0)) for fp, n in sample_fps.items())}
    return out


def _sample_hits(ctx: StageContext, group: tuple[str, ...], by_parent: dict[str, dict[int, Projection]],
                 keys: Mapping[str, set[tuple[int, int, int]]]) -> Counts:
    """Parent projection id -> {fingerprint: multiplicity} for the sampled fingerprints it holds."""
    from pyspark.sql import functions as F

    rows = [{"p": p, "h1": a, "h2": b} for t in group for p, a, b in sorted(keys[t])]
    probe = F.broadcast(rows_to_frame(ctx.spark, rows, "p int, h1 long, h2 long"))
    return collect_counts(counted(
        table_fingerprints(_reader(ctx), t, by_parent[t]).join(probe, ["p", "h1", "h2"], "left_semi") for t in group))


class FullComparison:
    """Verification across waves: child fingerprints are persisted once and reused."""

    def __init__(self, ctx: StageContext, sizes: Mapping[str, int], rows: Mapping[str, int], plan: JobPlan,
                 broadcast_rows: int) -> None:
        self.ctx, self.sizes, self.rows, self.plan = ctx, sizes, rows, plan
        self.broadcast_rows = broadcast_rows
        self.child_fps: dict[Projection, Any] = {}

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
        projection (numbered ``cp`` within its group) and its count."""
        from pyspark.sql import functions as F

        todo = number_projections(sorted(projections - set(self.child_fps), key=repr))
        by_table = group_projections(todo)

        def job(group: tuple[str, ...]) -> None:
            mine = {pid: proj for t in group for pid, proj in by_table[t].items()}
            frame = self.ctx.persist(f"fingerprints_{digest(sorted(mine.values(), key=repr))}", lambda: counted(
                table_fingerprints(_reader(self.ctx), t, by_table[t]) for t in group).withColumnRenamed("p", "cp"))
            for pid, proj in mine.items():
                self.child_fps[proj] = frame.where(F.col("cp") == pid).drop("cp")

        per_group(self.ctx, self.plan, by_table, self.sizes, job, f"wave {wave}: fingerprinting children")

    def _check(self, group: tuple[str, ...], parents: dict[str, list[Pair]]) -> list[Any]:
        keys = [p.key for t in group for p in parents[t]]
        budget = self.broadcast_rows  # broadcasts of one job are built together: share one budget
        plans = []
        for table in group:
            rows = sum(self.rows.get(p.child, 0) for p in parents[table])
            plans.append(self._parent_plan(table, parents[table], rows <= budget))
            budget -= rows if rows <= budget else 0
        return self.ctx.persist(f"verify_{digest(keys)}", lambda: reduce(lambda a, b: a.unionByName(b), plans)).collect()

    def _parent_plan(self, parent: str, pairs: list[Pair], broadcast: bool) -> Any:
        from pyspark.sql import functions as F

        pids = number_projections(parent_projection(p) for p in pairs)
        wanted = reduce(lambda a, b: a.unionByName(b), [
            self.child_fps[child_projection(p)].select(
                F.lit(p.parent).alias("parent"), F.lit(p.child).alias("child"),
                F.lit(pids[parent_projection(p)]).alias("p"), "h1", "h2", "n")
            for p in pairs])
        keys = wanted.select("p", "h1", "h2")
        keys = F.broadcast(keys) if broadcast else keys.hint("shuffle_merge")
        fps = table_fingerprints(_reader(self.ctx), parent, {pid: proj for proj, pid in pids.items()})
        hits = counted([fps.join(keys, ["p", "h1", "h2"], "left_semi")]).withColumnRenamed("n", "pn")
        return wanted.join(hits, ["p", "h1", "h2"], "left").groupBy("parent", "child").agg(
            F.count(F.lit(1)).alias("distinct"), F.count("pn").alias("found"), F.sum("n").alias("rows"),
            F.sum(F.least(F.col("n"), F.coalesce(F.col("pn"), F.lit(0)))).alias("covered"))
