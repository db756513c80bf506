"""Small Spark jobs, one per large table or per group of small tables, a few at a time.

A single job over a union of hundreds of tables is slow to plan and ships the whole plan with
every task (each task deserialises every branch), while one job per tiny table pays the job
overhead hundreds of times. So the comparison stages run one job per table above
``group_bytes`` and one per group of smaller tables (at most ``group_tables`` of them, about
``group_bytes`` in all), and keep the cores busy by submitting ``concurrency`` jobs at once from
driver threads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TypeVar

from operators.base import StageContext

T = TypeVar("T")


@dataclass(frozen=True)
class JobPlan:
    """How the per-table work of a stage is cut into Spark jobs."""

    concurrency: int = 2
    group_bytes: int = 32 << 20
    group_tables: int = 16

    def groups(self, tables: Iterable[str], sizes: Mapping[str, int]) -> list[tuple[str, ...]]:
        """Tables in sorted order, cut into groups (a table above ``group_bytes`` alone)."""
        out: list[tuple[str, ...]] = []
        current: list[str] = []
        total = 0
        for table in sorted(set(tables)):
            size = sizes.get(table, 0)
            if current and (total + size > self.group_bytes or len(current) >= self.group_tables):
                out.append(tuple(current))
                current, total = [], 0
            current.append(table)
            total += size
        return out + [tuple(current)] if current else out


def per_group(ctx: StageContext, plan: JobPlan, tables: Iterable[str], sizes: Mapping[str, int],
              job: Callable[[tuple[str, ...]], T], label: str) -> list[T]:
    """``job(group)`` for every group of ``tables``, up to ``plan.concurrency`` at once, in group order."""
    groups = plan.groups(tables, sizes)
    if plan.concurrency <= 1 or len(groups) <= 1:
        out = []
        for i, group in enumerate(groups):
            ctx.report(label, i, len(groups))
            out.append(job(group))
        return out
    results: dict[int, T] = {}
    with ThreadPoolExecutor(max_workers=plan.concurrency, thread_name_prefix="lakesift-job") as pool:
        futures = {pool.submit(job, group): i for i, group in enumerate(groups)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            ctx.report(label, done, len(groups))
    return [results[i] for i in range(len(groups))]


def digest(*parts: Any) -> str:
    """A short stable name for a sub-stage folder built from ``parts``."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]
