"""The cost model: from tables, edges and the user's cost inputs to a :class:`PlanProblem`.

- Storage of a kept table = bytes / 2**30 * price of its tier per GB-month.
- Rebuilding child c from parent p scans p's needed columns: approximately
  ``bytes(p) * needed columns / all columns of p``; latency = fixed start-up + bytes scanned /
  the calibrated scan throughput; a candidate is feasible when that latency fits c's budget.
- Expected rebuild cost per month = reads(c) per month * bytes scanned * compute price per byte.
- A rebuild that needs a membership index also pays the index's storage (at the child's tier),
  from ``membership_index_bytes`` until the index is built, then from its real size.
- Duplicate classes keep one representative (pinned first, then most read, then oldest (smallest
  last-modification time), then table id); the others are forced to be rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from operators.redundancy.lake_graph import Edge, TableInfo
from operators.redundancy.model import Candidate, PlanProblem
from schemas.errors import Problem, UserError
from schemas.redundancy import BYTES_PER_GB, CostParameters, TableCostInputs

BYTES_PER_TB = 1e12

# Size of a membership index (one ``md5`` hex fingerprint per distinct child row plus a constant
# version column, one Parquet file written by Spark with snappy): 32 hex characters and a 4-byte
# length prefix per row, which snappy shrinks a little, plus the file's footer and page headers.
# Measured on Spark 4.3 for 1 to 300,000 rows: 1,270 bytes + 32.6 bytes per row (within 2%).
INDEX_FILE_BYTES = 1_300
INDEX_BYTES_PER_ROW = 33


@dataclass(frozen=True)
class TableCost:
    """A table's cost inputs after defaults were applied."""

    tier: str
    reads_per_month: float
    latency_budget_s: float
    pinned: bool


def resolve_costs(tables: Iterable[str], params: CostParameters,
                  inputs: Iterable[TableCostInputs] = ()) -> dict[str, TableCost]:
    """Every table's cost inputs (later inputs win); unknown tables or tiers are user errors."""
    known = set(tables)
    given: dict[str, TableCostInputs] = {}
    problems: list[Problem] = []
    for item in inputs:
        if item.table_id not in known:
            problems.append(Problem(f"cost inputs name unknown table '{item.table_id}'", "cost inputs"))
        if item.tier is not None and item.tier not in params.storage_prices_per_gb_month:
            tiers = ", ".join(sorted(params.storage_prices_per_gb_month))
            problems.append(Problem(f"unknown storage tier '{item.tier}' (known: {tiers})", item.table_id))
        given[item.table_id] = item
    if params.defaults.tier not in params.storage_prices_per_gb_month:
        problems.append(Problem(f"default tier '{params.defaults.tier}' has no price", "defaults"))
    if problems:
        raise UserError("invalid redundancy cost inputs", problems)
    return {t: _resolve(given.get(t), params) for t in sorted(known)}


def _resolve(item: TableCostInputs | None, params: CostParameters) -> TableCost:
    d = params.defaults
    if item is None:
        return TableCost(d.tier, d.reads_per_month, d.latency_budget_s, False)
    return TableCost(
        item.tier or d.tier,
        d.reads_per_month if item.reads_per_month is None else item.reads_per_month,
        d.latency_budget_s if item.latency_budget_s is None else item.latency_budget_s,
        item.pinned,
    )


def bytes_cost(num_bytes: int, cost: TableCost, params: CostParameters) -> float:
    """Dollars per month to store ``num_bytes`` in the tier of a table with ``cost``."""
    return num_bytes / BYTES_PER_GB * params.storage_prices_per_gb_month[cost.tier]


def storage_cost(table: TableInfo, cost: TableCost, params: CostParameters) -> float:
    """Dollars per month to keep ``table``."""
    return bytes_cost(table.num_bytes, cost, params)


def membership_index_bytes(child_rows: int) -> int:
    """Estimated bytes of the membership index of a child with ``child_rows`` rows (an upper
    bound on its distinct rows)."""
    return INDEX_FILE_BYTES + INDEX_BYTES_PER_ROW * max(0, child_rows)


def bytes_scanned(parent: TableInfo, edge: Edge) -> int:
    """Bytes of the parent's columns a rebuild reads (column share of the parent's bytes)."""
    needed = len({p for _, p in edge.column_map})
    total = max(parent.num_columns, len(parent.columns), needed, 1)
    return round(parent.num_bytes * needed / total)


def rebuild_latency(scanned: int, params: CostParameters) -> float:
    return params.rebuild_fixed_seconds + scanned / params.scan_bytes_per_second


def rebuild_cost(scanned: int, cost: TableCost, params: CostParameters) -> float:
    """Expected dollars per month spent rebuilding a dropped table on read."""
    return cost.reads_per_month * scanned * params.compute_dollars_per_tb_scanned / BYTES_PER_TB


def candidates(tables: Mapping[str, TableInfo], edges: Mapping[tuple[str, str], Edge],
               costs: Mapping[str, TableCost], params: CostParameters) -> list[Candidate]:
    """Edges whose rebuild fits the child's latency budget, with their monthly rebuild cost."""
    out = []
    for (parent, child), edge in sorted(edges.items()):
        if tables[child].num_rows == 0:
            continue  # empty tables are reported separately and never anyone's copy
        scanned = bytes_scanned(tables[parent], edge)
        latency = rebuild_latency(scanned, params)
        if latency <= costs[child].latency_budget_s:
            out.append(Candidate(parent, child, rebuild_cost(scanned, costs[child], params),
                                 latency, scanned))
    return out


def representative(members: Iterable[str], tables: Mapping[str, TableInfo],
                   costs: Mapping[str, TableCost]) -> str:
    """The duplicate kept: pinned first, then most read, then oldest, then smallest table id."""
    return min(members, key=lambda t: (
        not costs[t].pinned, -costs[t].reads_per_month, tables[t].max_mtime_ns, t))


def forced_duplicates(classes: Iterable[list[str]], tables: Mapping[str, TableInfo],
                      costs: Mapping[str, TableCost], feasible: set[tuple[str, str]]) -> dict[str, str]:
    """Non-representative, unpinned duplicates -> their representative (when rebuildable)."""
    forced: dict[str, str] = {}
    for members in classes:
        present = [m for m in members if m in tables and tables[m].num_rows > 0]
        if len(present) < 2:
            continue
        rep = representative(present, tables, costs)
        for member in present:
            if member != rep and not costs[member].pinned and (rep, member) in feasible:
                forced[member] = rep
    return forced


def build_problem(tables: Mapping[str, TableInfo], edges: Mapping[tuple[str, str], Edge],
                  classes: Iterable[list[str]], costs: Mapping[str, TableCost],
                  params: CostParameters, storage_budget_bytes: int | None = None) -> PlanProblem:
    cands = candidates(tables, edges, costs, params)
    feasible = {(c.parent, c.child) for c in cands}
    return PlanProblem(
        tables=tuple(sorted(tables)),
        storage_cost={t: storage_cost(info, costs[t], params) for t, info in tables.items()},
        candidates=tuple(cands),
        pinned=frozenset(t for t in tables if costs[t].pinned),
        forced=forced_duplicates(classes, tables, costs, feasible),
        table_bytes={t: info.num_bytes for t, info in tables.items()},
        storage_budget_bytes=storage_budget_bytes,
    )
