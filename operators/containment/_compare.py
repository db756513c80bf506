"""Comparing child and parent fingerprints for a batch of pairs.

Every child projection and every parent projection in the batch is fingerprinted from one scan
per table. Per pair the result holds the number of distinct child rows and how many of them the
parent has (set semantics), and the child's row count and how many of those rows the parent's
multiplicities cover (bag semantics).

- :func:`compare_sample` (content pruning): job 1 collects the children's samples (small); job 2
  scans the parents, keeps only rows whose fingerprint was sampled (semi-join with the broadcast
  sample keys, so nothing else is shuffled) and counts them.
- :func:`compare_full` (verification): one job joins every child fingerprint (through a
  broadcast pair map) to the counted parent fingerprints; shuffles both sides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from operators.base import StageContext
from operators.containment._fingerprint import child_projection, parent_projection, sample_threshold
from operators.containment._frames import rows_to_frame
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
EMPTY = {"distinct": 0, "found": 0, "rows": 0, "covered": 0}


def _reader(ctx: StageContext) -> Callable[[str, list[str] | None], Any]:
    if ctx.read_table is None:
        raise UserError(f"step '{ctx.step}' reads lake tables: the recipe needs a 'lake' section")
    return ctx.read_table


def _numbering(pairs: list[Pair]) -> tuple[dict[Any, int], dict[Any, int]]:
    return (number_projections(child_projection(p) for p in pairs),
            number_projections(parent_projection(p) for p in pairs))


def compare_sample(ctx: StageContext, pairs: list[Pair], fractions: dict[str, float], name: str = "") -> Result:
    cids, pids = _numbering(pairs)
    samples = collect_counts(ctx.persist(f"child_samples{name}", lambda: counted(
        table_fingerprints(_reader(ctx), t, pr, sample_threshold(fractions[t]), ctx.seed)
        for t, pr in group_projections(cids).items())))
    keys = sorted({(pids[parent_projection(p)], h1, h2)
                   for p in pairs for (h1, h2) in samples.get(cids[child_projection(p)], {})})
    hits = collect_counts(ctx.persist(f"parent_hits{name}", lambda: _parent_hits(ctx, pids, keys))) if keys else {}
    out: Result = {}
    for pair in pairs:
        sample = samples.get(cids[child_projection(pair)], {})
        found = hits.get(pids[parent_projection(pair)], {})
        out[pair.key] = {
            "distinct": len(sample), "found": sum(1 for fp in sample if fp in found),
            "rows": sum(sample.values()), "covered": sum(min(n, found.get(fp, 0)) for fp, n in sample.items())}
    return out


def _parent_hits(ctx: StageContext, pids: dict[Any, int], keys: list[tuple[int, int, int]]) -> Any:
    from pyspark.sql import functions as F

    rows = [{"p": p, "h1": h1, "h2": h2} for p, h1, h2 in keys]
    probe = F.broadcast(rows_to_frame(ctx.spark, rows, "p int, h1 long, h2 long"))
    return counted(table_fingerprints(_reader(ctx), t, pr).join(probe, ["p", "h1", "h2"], "left_semi")
                   for t, pr in group_projections(pids).items())


def compare_full(ctx: StageContext, pairs: list[Pair], name: str) -> Result:
    cids, pids = _numbering(pairs)
    pair_map = [{"pair": i, "cp": cids[child_projection(p)], "pp": pids[parent_projection(p)]}
                for i, p in enumerate(pairs)]
    rows = ctx.persist(name, lambda: _full_plan(ctx, cids, pids, pair_map)).collect()
    out: Result = defaultdict(lambda: dict(EMPTY))
    for r in rows:
        out[pairs[r["pair"]].key] = {k: int(r[k] or 0) for k in EMPTY}
    return dict(out)


def _full_plan(ctx: StageContext, cids: dict[Any, int], pids: dict[Any, int], pair_map: list[dict[str, int]]) -> Any:
    from pyspark.sql import functions as F

    child = counted(table_fingerprints(_reader(ctx), t, pr) for t, pr in group_projections(cids).items())
    parent = counted(table_fingerprints(_reader(ctx), t, pr) for t, pr in group_projections(pids).items())
    parent = parent.select(F.col("p").alias("pp"), "h1", "h2", F.col("n").alias("pn"))
    mapping = F.broadcast(rows_to_frame(ctx.spark, pair_map, "pair int, cp int, pp int"))
    wanted = child.join(mapping, child["p"] == mapping["cp"]).select("pair", "pp", "h1", "h2", "n")
    return wanted.join(parent, ["pp", "h1", "h2"], "left").groupBy("pair").agg(
        F.count(F.lit(1)).alias("distinct"), F.count("pn").alias("found"), F.sum("n").alias("rows"),
        F.sum(F.least(F.col("n"), F.coalesce(F.col("pn"), F.lit(0)))).alias("covered"))
