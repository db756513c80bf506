"""Multiset digests of projections, observed during the scans the comparisons already make.

A projection's digest is ``(rows, S1, S2)``: its row count and, per fingerprint chain, the sum
modulo 2^64 of its rows' 64-bit fingerprint halves (:mod:`operators.containment._fingerprint`).
Equal multisets of canonical rows have equal digests. So when a child's digest equals the
digest of the parent's projection on the child's columns, the two are the same multiset and the
child is contained (set and bag semantics alike) without comparing a single row; in bag
semantics, equal row counts with different digests prove that the child is not contained (a
bag of the same size inside another is equal to it).

How far to trust equality: two different multisets have equal digests only if, for both chains,
the multiplicity differences weighted by the fingerprints sum to zero modulo 2^64. For
fingerprints that behave as random values that happens with probability about 2^-128 (a power of
two more when every difference is even), the same order as the collision bound of the
fingerprints themselves.

The sums are taken by the scans as observed metrics (``DataFrame.observe``), each chain as two
32-bit halves summed in 64-bit integers (``try_sum``: a table of more than 2^31 rows overflows to
null, and a projection without a digest is simply compared row by row). When a scan did not run
here (a resumed sub-stage, no checkpoints, an optimizer that skipped it) the digests come from
one aggregation job per table instead.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from operators.containment._fingerprint import Projection

Digest = tuple[int, int, int]
DIGESTS_DDL = "table string, columns string, n long, d1 long, d2 long"
MASK32 = 0xFFFFFFFF
MOD64 = 1 << 64


def digest_aggregates(pids: list[int]) -> list[Any]:
    """Aggregate columns over a frame with ``f1_<pid>``/``f2_<pid>`` fingerprint halves: the row
    count ``n`` and, per projection and chain, the sums of the low and high 32 bits."""
    from pyspark.sql import functions as F

    out = [F.count(F.lit(1)).alias("n")]
    for pid in pids:
        for chain in ("f1", "f2"):
            col = F.col(f"{chain}_{pid}")
            out += [F.try_sum(col.bitwiseAND(F.lit(MASK32))).alias(f"{chain}lo_{pid}"),
                    F.try_sum(F.shiftrightunsigned(col, 32)).alias(f"{chain}hi_{pid}")]
    return out


def _combine(low: int | None, high: int | None) -> int | None:
    """The 64-bit sum (as a signed long) from the sums of the two halves."""
    if low is None or high is None:
        return None
    value = (low + (high << 32)) % MOD64
    return value - MOD64 if value >= 1 << 63 else value


def digest_rows(table: str, projections: Mapping[int, Projection], metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One ``DIGESTS_DDL`` row per projection from the aggregates of :func:`digest_aggregates`
    (the sums of no rows are 0, not null)."""
    empty = int(metrics["n"]) == 0
    return [{"table": table, "columns": json.dumps(proj.columns), "n": int(metrics["n"]),
             "d1": 0 if empty else _combine(metrics[f"f1lo_{pid}"], metrics[f"f1hi_{pid}"]),
             "d2": 0 if empty else _combine(metrics[f"f2lo_{pid}"], metrics[f"f2hi_{pid}"])}
            for pid, proj in sorted(projections.items())]


def read_digests(rows: list[Any]) -> dict[Projection, Digest]:
    """Projection -> digest from ``DIGESTS_DDL`` rows (rows without both sums are left out)."""
    out: dict[Projection, Digest] = {}
    for r in rows:
        if r["d1"] is not None and r["d2"] is not None:
            columns = tuple(tuple(c) for c in json.loads(r["columns"]))
            out[Projection(r["table"], columns)] = (int(r["n"]), int(r["d1"]), int(r["d2"]))  # type: ignore[arg-type]
    return out


class Observed:
    """The observations of one job's scans, one per table, and the digests they yield."""

    def __init__(self) -> None:
        self.by_table: dict[str, Any] = {}

    def observe(self, frame: Any, table: str, pids: list[int]) -> Any:
        """``frame`` (with ``f1_<pid>``/``f2_<pid>`` columns) observed for ``table``'s digests."""
        from pyspark.sql import Observation

        observation = Observation(f"lakesift_digest_{uuid.uuid4().hex}")
        self.by_table[table] = observation
        return frame.observe(observation, *digest_aggregates(pids))

    def metrics(self, table: str) -> dict[str, Any] | None:
        """The observed metrics of ``table``'s scan, or None when that scan has not completed
        (never blocks)."""
        observation = self.by_table.get(table)
        try:
            done = observation is not None and observation._jo.future().isCompleted()
        except AttributeError:  # no JVM-backed observation (never attached): not observed
            done = False
        return observation.get if done else None


def job_digests(ctx: Any, name: str, projections: Mapping[str, Mapping[int, Projection]], observed: Observed,
                fallback: Callable[[str, Mapping[int, Projection]], dict[str, Any]]) -> dict[Projection, Digest]:
    """Digests of ``projections`` (table -> {pid: projection}) of the job persisted as ``name``,
    persisted beside it as ``<name>_digests``: from ``observed`` for the scans that completed
    here, else from ``fallback(table, projections)`` (one aggregation job per table)."""

    def compute() -> Any:
        rows = []
        for table, projs in sorted(projections.items()):
            metrics = observed.metrics(table)
            rows += digest_rows(table, projs, metrics if metrics is not None else fallback(table, projs))
        return ctx.spark.createDataFrame(rows, DIGESTS_DDL)

    return read_digests(ctx.persist(f"{name}_digests", compute).collect())


def same_multiset(child: Digest | None, parent: Digest | None) -> bool | None:
    """Of a child and a parent projection with as many rows (at least one): True when their
    digests are equal (the same multiset), False when they differ; None when a digest is
    unknown or the row counts differ (the digests then say nothing about containment)."""
    if child is None or parent is None or child[0] != parent[0] or child[0] == 0:
        return None
    return child == parent
