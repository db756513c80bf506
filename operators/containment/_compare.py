"""Comparing child and parent fingerprints for many pairs, in one Spark job per table group.

Per pair the result holds the number of distinct child rows and how many of them the parent has
(set semantics), and the child's row count and how many of those rows the parent's
multiplicities cover (bag semantics). Tables are cut into jobs by :class:`JobPlan`.

:class:`FullComparison` (verification): one job per group of children persists their counted
fingerprints (reused by every later wave); one job per group of parents scans each parent once
for all its children, semi-joins its fingerprints to theirs (broadcast when they are small, else
shuffled), counts the hits and joins them back per pair. A job's plan has one branch per table
it scans and per persisted child frame it reads, never one per pair: the children's rows are
tagged with their pairs by a join with a small table of pairs (bag semantics), or, for set
semantics, not tagged at all: the parents of one column universe are bits of a word, a
fingerprint's hits OR their bits, and one pass over the child rows counts, per child and bit, the
rows each parent has. Each job's result is persisted, so a crashed comparison resumes job by
job. :func:`compare_sample` (content pruning) is the pair-tagged comparison on a seeded sample
of each child's distinct rows (rows whose fingerprint hash is under a threshold), so its
broadcast keys stay small and nothing but the per-pair counts reaches the driver.
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
    universe,
)
from operators.containment._jobs import JobPlan, digest, per_group
from operators.containment._pairs import Pair
from operators.containment._probe import (
    ROWS_PER_PARTITION,
    count_by_key,
    counted,
    group_projections,
    number_projections,
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


def compare_sample(ctx: StageContext, pairs: list[Pair], fractions: Mapping[str, float],
                   sizes: Mapping[str, int], rows: Mapping[str, int], plan: JobPlan, broadcast_rows: int) -> Result:
    """The comparison of :class:`FullComparison` on a seeded sample of each child's distinct rows."""
    thresholds = {t: sample_threshold(f) for t, f in fractions.items()}
    expected = {t: min(n, int(2 * fractions.get(t, 1.0) * n) + 1) for t, n in rows.items()}
    sampled = FullComparison(ctx, sizes, expected, plan, broadcast_rows, thresholds, "sample")
    return sampled.compare(pairs, 0)


class FullComparison:
    """Comparison across waves: child fingerprints (all, or those under a child's sampling
    ``thresholds``) are persisted once and reused."""

    def __init__(self, ctx: StageContext, sizes: Mapping[str, int], rows: Mapping[str, int], plan: JobPlan,
                 broadcast_rows: int, thresholds: Mapping[str, int | None] | None = None, name: str = "full") -> None:
        self.ctx, self.sizes, self.rows, self.plan = ctx, sizes, rows, plan
        self.broadcast_rows, self.thresholds, self.name = broadcast_rows, dict(thresholds or {}), name
        self.child_ids: dict[Projection, int] = {}  # child projection -> its id ``cp`` (unique across waves)
        self.frames: list[tuple[Any, frozenset[int]]] = []  # persisted child fingerprints and the ids in each

    def compare(self, pairs: list[Pair], wave: int) -> Result:
        self._fingerprint_children({child_projection(p) for p in pairs}, wave)
        parents = _by_parent(pairs)
        out: Result = {}
        jobs = per_group(self.ctx, self.plan, parents, self.sizes,
                         lambda group: self._check(group, parents), f"{self._label(wave)}: checking parents")
        for rows in jobs:
            for r in rows:
                out[(r["parent"], r["child"])] = {k: int(r.get(k) or 0) for k in EMPTY}
        return out

    def _label(self, wave: int) -> str:
        return f"wave {wave}" if self.name == "full" else self.name

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
                (table_fingerprints(_reader(self.ctx), t, by_table[t], self.thresholds.get(t), self.ctx.seed)
                 for t in group), rows).withColumnRenamed("p", "cp"))
            return frame, frozenset(mine)

        self.frames += per_group(self.ctx, self.plan, by_table, self.sizes, job,
                                 f"{self._label(wave)}: fingerprinting children")
        self.child_ids.update(todo)

    def _check(self, group: tuple[str, ...], parents: dict[str, list[Pair]]) -> list[dict[str, Any]]:
        pairs = [p for t in group for p in parents[t]]
        name = f"{self.name}_check_{digest([p.key for p in pairs])}"
        if self.name == "full" and all(p.semantics == "set" for p in pairs):
            words = _Words(pairs, self.child_ids)
            rows = self.ctx.persist(f"{name}_set", lambda: self._check_set_plan(group, pairs, words)).collect()
            return words.results(rows)
        return [r.asDict() for r in self.ctx.persist(name, lambda: self._check_plan(group, pairs)).collect()]

    def _check_set_plan(self, group: tuple[str, ...], pairs: list[Pair], words: _Words) -> Any:
        """Set semantics without tagging child rows per pair. Parent projections of one universe
        (same normalised columns and types) are numbered; each parent row carries its
        projection's bit in a 62-bit word. Parent rows are semi-joined to the children's
        fingerprints per universe (each child row once, whatever its number of parents), the
        hits OR their bits per fingerprint, and every child row (once per word of its candidate
        parents) is joined to them; per child projection and word, the number of rows with bit
        i set is how many of its distinct rows parent i has."""
        from pyspark.sql import functions as F

        spark = self.ctx.spark
        child_u = spark.createDataFrame(sorted(words.child_universe.items()), "cp int, u long")
        cand = spark.createDataFrame(sorted(words.child_words), "cp int, u long, w long")
        needed = set(words.child_universe)
        sources = [frame.where(F.col("cp").isin(sorted(ids & needed))) for frame, ids in self.frames if ids & needed]
        children = reduce(lambda a, b: a.unionByName(b), sources)
        keys = children.join(F.broadcast(child_u), "cp").select("u", "h1", "h2")
        expected = sum(self.rows.get(t, 0) for t in {p.child for p in pairs})
        keys = F.broadcast(keys) if expected <= self.broadcast_rows else keys.hint("shuffle_hash")
        scans = reduce(lambda a, b: a.unionByName(b), [
            table_fingerprints(_reader(self.ctx), t, {i: proj for proj, i in words.parent_ids.items() if proj.table == t},
                               tags=words.tags)
            for t in group])
        parts = max(1, min(4096, -(-max(expected, 1) // ROWS_PER_PARTITION)))
        hits = (scans.join(keys, ["u", "h1", "h2"], "left_semi").repartition(parts, "u", "h1", "h2")
                .groupBy("u", "w", "h1", "h2").agg(F.bit_or("b").alias("bits")))
        rows = children.join(F.broadcast(cand), "cp").join(hits.hint("shuffle_hash"), ["u", "w", "h1", "h2"], "left")
        bits = F.coalesce(F.col("bits"), F.lit(0))
        return rows.groupBy("cp", "w").agg(
            F.count(F.lit(1)).alias("distinct"), F.sum("n").alias("rows"),
            *[F.sum(F.shiftright(bits, i).bitwiseAND(1)).alias(f"f{i}") for i in range(words.width)])

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
        links = [(self.child_ids[child_projection(p)], p.parent, p.child, pids[parent_projection(p)]) for p in pairs]
        pair_table = self.ctx.spark.createDataFrame(links, "cp int, parent string, child string, p int")
        needed = {cp for cp, *_ in links}
        sources = [frame.where(F.col("cp").isin(sorted(ids & needed))) for frame, ids in self.frames if ids & needed]
        wanted = reduce(lambda a, b: a.unionByName(b), sources).join(F.broadcast(pair_table), "cp").drop("cp")
        on = ["p", "h1", "h2"]
        keys = wanted.select(*on)
        expected = sum(self.rows.get(p.child, 0) for p in pairs)  # about as many parent rows can match
        fits = expected <= self.broadcast_rows
        keys = F.broadcast(keys) if fits else keys.hint("shuffle_hash")  # hashing the keys, not sorting the parents
        scans = reduce(lambda a, b: a.unionByName(b), [
            table_fingerprints(_reader(self.ctx), t, {pid: proj for proj, pid in pids.items() if proj.table == t})
            for t in group])
        hits = count_by_key(scans.join(keys, on, "left_semi"), on, expected).withColumnRenamed("n", "pn")
        return wanted.join(hits.hint("shuffle_hash"), on, "left").groupBy("parent", "child").agg(
            F.count(F.lit(1)).alias("distinct"), F.count("pn").alias("found"), F.sum("n").alias("rows"),
            F.sum(F.least(F.col("n"), F.coalesce(F.col("pn"), F.lit(0)))).alias("covered"))


BITS_PER_WORD = 62


class _Words:
    """Bit slots of one job's parent projections, per universe: projection ``k`` of a universe
    is bit ``k % 62`` of word ``k // 62``; each child projection is checked in the words of its
    candidate parents."""

    def __init__(self, pairs: list[Pair], child_ids: Mapping[Projection, int]) -> None:
        universes = number_projections(universe(p) for p in pairs)  # type: ignore[arg-type]
        self.parent_ids: dict[Projection, int] = {}
        self.tags: dict[int, dict[str, int]] = {}
        slots: dict[int, int] = defaultdict(int)  # universe -> slots used
        self.child_universe: dict[int, int] = {}
        self.child_words: set[tuple[int, int, int]] = set()  # (cp, u, word) of candidate parents
        self.slot_of: dict[tuple[str, str], tuple[int, int, int]] = {}  # pair -> (cp, word, bit)
        for pair in pairs:
            u, proj, cp = universes[universe(pair)], parent_projection(pair), child_ids[child_projection(pair)]
            if proj not in self.parent_ids:
                pid, k = len(self.parent_ids), slots[u]
                slots[u] += 1
                self.parent_ids[proj] = pid
                self.tags[pid] = {"u": u, "w": k // BITS_PER_WORD, "b": 1 << (k % BITS_PER_WORD)}
            tag = self.tags[self.parent_ids[proj]]
            bit = tag["b"].bit_length() - 1
            self.child_universe[cp] = u
            self.child_words.add((cp, u, tag["w"]))
            self.slot_of[pair.key] = (cp, tag["w"], bit)
        self.width = min(BITS_PER_WORD, max(slots.values(), default=1))

    def results(self, rows: list[Any]) -> list[dict[str, Any]]:
        """Per pair: the child's distinct rows and row count, and how many of them its parent has."""
        by_word = {(int(r["cp"]), int(r["w"])): r for r in rows}
        out = []
        for (parent, child), (cp, word, bit) in sorted(self.slot_of.items()):
            r = by_word.get((cp, word))
            if r is not None:
                out.append({"parent": parent, "child": child, "distinct": r["distinct"], "rows": r["rows"],
                            "found": r[f"f{bit}"], "covered": r[f"f{bit}"]})
        return out
