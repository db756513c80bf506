"""Content pruning's comparison: every table scanned once, samples joined, multisets digested.

Each child is sampled by a seeded hash of its canonical rows: a row is in when
``xxhash64(h1, h2, seed)`` is under the child's threshold (a Bernoulli sample of *distinct* rows,
every copy of a row in or out together; a child of at most ``sample_rows`` rows is taken whole).
An equal parent row has an equal hash, so a parent projection only needs its rows under the
highest threshold of the children compared with it (all of them when one child is taken whole,
which only happens next to small children) for every sampled child row to find its match.

So one scan per table (one job per large table or group of small ones) takes, for every
projection the table needs (as a child, as a parent, or both), the rows under that projection's
threshold, counted per distinct fingerprint, and observes each projection's multiset digest
(:mod:`._digest`). A single job then joins, per pair, the child's sampled rows (its own
threshold) with the parent projection's rows and counts hits. Nothing but per-pair counts and
digests reaches the driver; the sampled rows and the counts are persisted, so a crashed stage
resumes job by job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import reduce
from typing import Any

from operators.base import StageContext
from operators.containment._compare import EMPTY, Result, _reader
from operators.containment._digest import Digest, Observed, job_digests, same_multiset
from operators.containment._fingerprint import (
    Projection,
    child_projection,
    parent_projection,
    sample_threshold,
)
from operators.containment._jobs import JobPlan, digest, per_group
from operators.containment._pairs import Pair
from operators.containment._probe import (
    counted,
    group_projections,
    number_projections,
    scan_digests,
    table_fingerprints,
)


def compare_sample(ctx: StageContext, pairs: list[Pair], fractions: Mapping[str, float], sizes: Mapping[str, int],
                   rows: Mapping[str, int], plan: JobPlan) -> Result:
    """Per pair: the counts of :data:`EMPTY` over the child's sample (``fractions`` of each
    child's distinct rows) and, when the child and the parent's projection have as many rows,
    ``multiset`` (1: same digest, 0: another one) and that row count, ``multiset_rows``."""
    if not pairs:
        return {}
    thresholds = {t: sample_threshold(f) for t, f in fractions.items()}
    limits = _limits(pairs, thresholds)
    pids = number_projections(sorted(limits, key=repr))
    by_table = group_projections(pids)
    expected = {t: sum(_expected_rows(rows.get(t, 0), limits[proj]) for proj in projs.values())
                for t, projs in by_table.items()}
    digests: dict[Projection, Digest] = {}

    def job(group: tuple[str, ...]) -> Any:
        mine = {pid: proj for t in group for pid, proj in by_table[t].items()}
        name = f"sample_rows_{digest(sorted(mine.items()), sorted((pid, limits[p]) for pid, p in mine.items()))}"
        observed = Observed()
        frame = ctx.persist(name, lambda: counted(
            (table_fingerprints(_reader(ctx), t, by_table[t], {pid: limits[proj] for pid, proj in by_table[t].items()},
                                ctx.seed, observed) for t in group), sum(expected[t] for t in group)))
        found = job_digests(ctx, name, {t: by_table[t] for t in group}, observed,
                            lambda t, projs: scan_digests(_reader(ctx), t, projs))
        return frame, found

    frames = []
    for frame, found in per_group(ctx, plan, by_table, sizes, job, "sample: scanning tables"):
        frames.append(frame)
        digests.update(found)
    out = _join(ctx, pairs, pids, thresholds, frames)
    for p in pairs:
        same = same_multiset(digests.get(child_projection(p)), digests.get(parent_projection(p)))
        if same is not None:
            found = out.setdefault(p.key, dict(EMPTY))
            found["multiset"], found["multiset_rows"] = int(same), digests[child_projection(p)][0]
    return out


def _limits(pairs: list[Pair], thresholds: Mapping[str, int | None]) -> dict[Projection, int | None]:
    """Per projection, the threshold its rows are kept under: its child's own threshold and, as
    a parent projection, that of every child compared with it (None, every row, dominates)."""
    found: dict[Projection, list[int | None]] = defaultdict(list)
    for p in pairs:
        found[child_projection(p)].append(thresholds.get(p.child))
        found[parent_projection(p)].append(thresholds.get(p.child))
    return {proj: None if None in ts else max(t for t in ts if t is not None) for proj, ts in found.items()}


def _expected_rows(rows: int, threshold: int | None) -> int:
    if threshold is None:
        return rows
    return min(rows, int(2 * rows * (threshold + 2**63) / 2**64) + 1)


def _join(ctx: StageContext, pairs: list[Pair], pids: dict[Projection, int], thresholds: Mapping[str, int | None],
          frames: list[Any]) -> Result:
    """One job: each pair's child rows under its child's threshold (the pair travels as its
    index ``k``) left-joined to the parent projection's rows, counted per pair."""
    from pyspark.sql import functions as F

    links = [(pids[child_projection(p)], k, pids[parent_projection(p)], thresholds.get(p.child))
             for k, p in enumerate(pairs)]
    name = f"sample_compare_{digest([p.key for p in pairs], links)}"

    def plan() -> Any:
        table = ctx.spark.createDataFrame(links, "cp int, k int, pp int, threshold long")
        sampled = reduce(lambda a, b: a.unionByName(b), frames)
        hashed = F.xxhash64("h1", "h2", F.lit(int(ctx.seed)))
        child = (sampled.withColumnRenamed("p", "cp").join(F.broadcast(table), "cp")
                 .where(F.col("threshold").isNull() | (hashed < F.col("threshold")))
                 .select(F.col("pp").alias("p"), "k", "h1", "h2", "n"))
        parent = sampled.where(F.col("p").isin(sorted({pp for _, _, pp, _ in links}))).withColumnRenamed("n", "pn")
        return child.join(parent, ["p", "h1", "h2"], "left").groupBy("k").agg(
            F.count(F.lit(1)).alias("distinct"), F.count("pn").alias("found"), F.sum("n").alias("rows"),
            F.sum(F.least(F.col("n"), F.coalesce(F.col("pn"), F.lit(0)))).alias("covered"))

    out: Result = {}
    for r in ctx.persist(name, plan).collect():
        pair = pairs[r["k"]]
        out[pair.key] = {key: int(r[key] or 0) for key in EMPTY}
    return out
