"""Canonical row fingerprints: the same 128 bits for rows that are equal for containment.

A row's projection on the matched columns (in normalised-name order) is cast to the parent's
types, then canonicalised so that NULL equals NULL (a null flag precedes every value, so
``(NULL, 1)`` and ``(1, NULL)`` differ), NaN equals NaN and -0.0 equals 0.0; maps are compared by
their JSON text. Each canonical value is hashed once per table scan by two 64-bit xxHash64 chains
with different starting values (shared by every projection that uses the column); a projection's
fingerprint hashes its columns' values of each chain in order, 128 bits in all. For n distinct
rows the chance that any two distinct rows share a fingerprint is below n^2 / 2^129 (about 1e-21
for a billion rows), the only way an exact verdict can be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from operators.containment._pairs import Pair
from operators.containment._types import canonical_type, is_float

SECOND_CHAIN_SALT = 0x5F3759DF
LONG_MIN = -(2**63)


@dataclass(frozen=True)
class Projection:
    """Columns of one table to fingerprint: (raw column, target type) in normalised-name order."""

    table: str
    columns: tuple[tuple[str, str], ...]

    @property
    def raw_columns(self) -> list[str]:
        return [c for c, _ in self.columns]


def child_projection(pair: Pair) -> Projection:
    ordered = sorted(pair.mapping, key=lambda m: m.norm)
    return Projection(pair.child, tuple((m.child_column, canonical_type(m.parent_type)) for m in ordered))


def parent_projection(pair: Pair) -> Projection:
    ordered = sorted(pair.mapping, key=lambda m: m.norm)
    return Projection(pair.parent, tuple((m.parent_column, canonical_type(m.parent_type)) for m in ordered))


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def canonical_sql(column: str, target_type: str) -> str:
    """SQL of one canonical value: cast to the parent type; NaN and -0.0 folded; maps as JSON."""
    value = f"CAST({quote(column)} AS {target_type})"
    if is_float(target_type):
        value = f"CAST({value} AS DOUBLE)"
        return f"(CASE WHEN isnan({value}) THEN double('NaN') WHEN {value} = 0 THEN 0.0D ELSE {value} END)"
    if target_type.startswith("map<"):
        return f"to_json({value})"
    return value


def column_hash_sql(column: str, target_type: str) -> tuple[str, str]:
    """SQL of a column's two 64-bit value hashes (null flag, canonical value), one per chain."""
    value = f"isnull({quote(column)}), {canonical_sql(column, target_type)}"
    return f"xxhash64({value})", f"xxhash64({SECOND_CHAIN_SALT}, {value})"


def fingerprint_sql(projection: Projection, hashed: dict[tuple[str, str], int]) -> tuple[str, str]:
    """SQL of a projection's two fingerprint halves from the value hashes ``a<i>``/``b<i>`` of
    its columns (``hashed``: (column, target type) -> i), in normalised-name order."""
    ids = [hashed[c] for c in projection.columns]
    return (f"xxhash64({', '.join(f'a{i}' for i in ids)})",
            f"xxhash64({SECOND_CHAIN_SALT}, {', '.join(f'b{i}' for i in ids)})")


def hashed_columns_sql(projections: list[Projection]) -> tuple[list[str], dict[tuple[str, str], int]]:
    """The value-hash columns ``a<i>``, ``b<i>`` every projection of one table needs, each
    (column, target type) once, and the index of each."""
    wanted = sorted({c for proj in projections for c in proj.columns})
    exprs = []
    for i, (column, target_type) in enumerate(wanted):
        a, b = column_hash_sql(column, target_type)
        exprs += [f"{a} AS a{i}", f"{b} AS b{i}"]
    return exprs, {c: i for i, c in enumerate(wanted)}


def sample_threshold(fraction: float) -> int | None:
    """Hash threshold keeping about ``fraction`` of the distinct rows (None keeps all)."""
    if fraction >= 1.0:
        return None
    return max(LONG_MIN + 1, LONG_MIN + int(max(fraction, 0.0) * 2.0**64))
