"""Stage 1: candidate pairs from metadata only (column names and types, no data read)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._config import Semantics
from operators.containment._frames import rows_to_frame
from operators.containment._funnel import FUNNEL_OUTPUT, funnel_frame, stage_rows
from operators.containment._pairs import ColumnMatch, Pair, pairs_to_frame
from operators.containment._profiles import TableInfo, load_profiles
from operators.containment._types import canonical_type, widens
from operators.registry import register
from schemas.containment import EMPTY_TABLES_DDL, normalise_column_name

STAGE = "schema_containment"


class SchemaContainmentConfig(Semantics):
    aliases: dict[str, str] = Field(
        default_factory=dict,
        description="column name -> the name it stands for (both normalised), e.g. {cust_id: customer_id}",
    )


@dataclass
class SchemaGroup:
    """Tables with identical schemas (normalised names and types)."""

    columns: dict[str, str]  # norm -> canonical type
    tables: list[TableInfo]


@register
class SchemaContainment(Operator):
    """Every ordered pair (parent, child) whose child columns all match parent columns by
    normalised name with a lossless type widening. Keeps those pairs (undecided, or ``unknown``
    when a table is quarantined); drops pairs with a missing column or an incompatible type and
    every pair touching an empty table (listed in ``empty_tables``). Reads metadata only: tables
    with identical schemas are grouped, then an inverted index of column-name bitsets finds each
    group's possible parents. No shuffle."""

    name = "schema_containment"
    kind = "stage"
    accounting = "none"
    config_model = SchemaContainmentConfig
    example_config: ClassVar[dict[str, Any]] = {"mode": "exact", "semantics": "set", "aliases": {"cust_id": "customer_id"}}

    def run(self, df: Any, ctx: StageContext) -> dict[str, Any]:
        started = time.monotonic()
        cfg: SchemaContainmentConfig = self.config  # type: ignore[assignment]
        infos = load_profiles(ctx, cfg.table_profiles, cfg.column_profiles, tables_df=df)
        aliases = {normalise_column_name(k): normalise_column_name(v) for k, v in cfg.aliases.items()}
        pairs, removed = candidate_pairs(infos, aliases, cfg)
        ctx.report(f"{len(pairs)} schema-compatible pairs over {len(infos)} tables")
        own = stage_rows(STAGE, len(infos) * (len(infos) - 1), removed, time.monotonic() - started)
        empties = [{"table_id": t.table_id, "num_columns": len(t.columns)} for t in infos.values()
                   if t.status == "ok" and t.num_rows == 0]
        out = {MAIN: pairs_to_frame(ctx.spark, pairs), FUNNEL_OUTPUT: funnel_frame(ctx, STAGE, own),
               "empty_tables": rows_to_frame(ctx.spark, empties, EMPTY_TABLES_DDL)}
        return out | _profile_outputs(ctx, df, cfg)


def _profile_outputs(ctx: StageContext, df: Any, cfg: SchemaContainmentConfig) -> dict[str, Any]:
    """The lake profiles, re-emitted so a recipe can publish them from this step."""
    out = {"table_profiles": df}
    for name, source in (("column_profiles", cfg.column_profiles), ("quarantine", "quarantine")):
        if source in ctx.tables and ctx.tables[source] is not None:
            out[name] = ctx.tables[source]
    return out


def _normalised_columns(table: TableInfo, aliases: dict[str, str]) -> dict[str, tuple[str, str]] | None:
    """norm -> (raw name, type); None when two columns share a normalised name."""
    cols: dict[str, tuple[str, str]] = {}
    for raw, col in table.columns.items():
        norm = aliases.get(col.norm, col.norm)
        if norm in cols:
            return None
        cols[norm] = (raw, canonical_type(col.spark_type))
    return cols


def candidate_pairs(infos: dict[str, TableInfo], aliases: dict[str, str],
                    cfg: Semantics) -> tuple[list[Pair], Counter[str]]:
    """Schema-compatible ordered pairs and the count of every other pair, by removal reason."""
    removed: Counter[str] = Counter()
    usable, columns = _usable_tables(infos, aliases, removed)
    groups = _group_by_schema(usable, columns)
    pairs: list[Pair] = []
    superset = 0
    for child_group, parent_group in _superset_group_pairs(groups):
        members = [(p, c) for p in parent_group.tables for c in child_group.tables if p is not c]
        superset += len(members)
        if not all(widens(t, parent_group.columns[n]) for n, t in child_group.columns.items()):
            removed["type_not_widenable"] += len(members)
            continue
        pairs += [_pair(p, c, columns, cfg) for p, c in members]
    removed["columns_missing"] += len(usable) * (len(usable) - 1) - superset
    removed["quarantined"] += sum(1 for p in pairs if p.verdict == "unknown")
    pairs.sort(key=lambda p: p.key)
    return pairs, +removed


def _usable_tables(infos: dict[str, TableInfo], aliases: dict[str, str],
                   removed: Counter[str]) -> tuple[list[TableInfo], dict[str, dict[str, tuple[str, str]]]]:
    n = len(infos)
    empty = {t.table_id for t in infos.values() if t.status == "ok" and t.num_rows == 0}
    columns = {t.table_id: c for t in infos.values()
               if t.table_id not in empty and t.columns and (c := _normalised_columns(t, aliases)) is not None}
    usable = [t for t in infos.values() if t.table_id in columns]
    non_empty = n - len(empty)
    removed["empty_table"] = n * (n - 1) - non_empty * (non_empty - 1)
    removed["quarantined"] = non_empty * (non_empty - 1) - len(usable) * (len(usable) - 1)
    return usable, columns


def _group_by_schema(tables: list[TableInfo], columns: dict[str, dict[str, tuple[str, str]]]) -> list[SchemaGroup]:
    groups: dict[tuple[tuple[str, str], ...], SchemaGroup] = {}
    for table in tables:
        cols = {norm: t for norm, (_, t) in columns[table.table_id].items()}
        key = tuple(sorted(cols.items()))
        groups.setdefault(key, SchemaGroup(cols, [])).tables.append(table)
    return list(groups.values())


def _superset_group_pairs(groups: list[SchemaGroup]) -> list[tuple[SchemaGroup, SchemaGroup]]:
    """(child group, parent group) where the parent has every child column name.

    Each name has a posting bitset over group indexes; a child's possible parents are the AND of
    its names' bitsets (rarest name first, stopping early when nothing is left)."""
    postings: dict[str, int] = {}
    for index, group in enumerate(groups):
        for norm in group.columns:
            postings[norm] = postings.get(norm, 0) | (1 << index)
    out = []
    for child in groups:
        mask = -1
        for norm in sorted(child.columns, key=lambda n: postings[n].bit_count()):
            mask &= postings[norm]
            if not mask:
                break
        out += [(child, groups[i]) for i in _bits(mask)]
    return out


def _bits(mask: int) -> list[int]:
    out = []
    while mask > 0:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _pair(parent: TableInfo, child: TableInfo, columns: dict[str, dict[str, tuple[str, str]]],
          cfg: Semantics) -> Pair:
    pcols, ccols = columns[parent.table_id], columns[child.table_id]
    mapping = [ColumnMatch(n, raw, pcols[n][0], t, pcols[n][1]) for n, (raw, t) in ccols.items()]
    pair = Pair(parent.table_id, child.table_id, mapping, mode=cfg.mode, tau=cfg.tau,
                confidence=cfg.confidence, semantics=cfg.semantics)
    bad = [t.table_id for t in (parent, child) if t.status != "ok"]
    if bad:
        pair.decide("unknown", STAGE, f"quarantined: {', '.join(bad)} cannot be judged", exact=False)
    return pair
