"""Ground truth for a test lake by brute force in DuckDB: an EXCEPT over every compatible pair.

Independent of the containment stages: tables are read by DuckDB's own readers (type detection,
Hive partitions), compatibility is decided here on DuckDB types with the design's widening rules
(section 4), values are cast to the parent's type and canonicalised (NaN = NaN, -0.0 = 0.0; SQL
set operations already treat NULL as equal to NULL), and a child is contained when
``child EXCEPT parent`` (``EXCEPT ALL`` for bag semantics) is empty. Empty tables are never
contained nor containing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profiling.discovery import FORMAT_SUFFIXES
from profiling.testlake import BuiltLake
from profiling.testlake_write import duck
from schemas.containment import normalise_column_name

_INT_RANK = {"TINYINT": 1, "SMALLINT": 2, "INTEGER": 3, "BIGINT": 4}
_INT_DIGITS = {"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19}
_DEC = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


@dataclass
class Truth:
    """Contained ordered pairs (parent, child) and every compatible pair that was checked."""

    contained: set[tuple[str, str]] = field(default_factory=set)
    compatible: set[tuple[str, str]] = field(default_factory=set)
    empty: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def duplicates(self) -> set[frozenset[str]]:
        return {frozenset(p) for p in self.contained if (p[1], p[0]) in self.contained}


def truth_widens(child: str, parent: str) -> bool:
    if child == parent:
        return True
    if child in _INT_RANK and parent in _INT_RANK:
        return _INT_RANK[child] <= _INT_RANK[parent]
    pdec, cdec = _DEC.match(parent), _DEC.match(child)
    if pdec:
        p, s = int(pdec.group(1)), int(pdec.group(2))
        if child in _INT_DIGITS:
            return p - s >= _INT_DIGITS[child]
        if cdec is None:
            return False
        return s >= int(cdec.group(2)) and p - s >= int(cdec.group(1)) - int(cdec.group(2))
    if child == "FLOAT":
        return parent == "DOUBLE"
    return child == "DATE" and parent in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


def _files(folder: Path, fmt: str) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.is_file() and p.name.endswith(FORMAT_SUFFIXES[fmt])
                  and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def _reader(files: list[str], fmt: str) -> str:
    listed = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    if fmt == "parquet":
        return f"read_parquet({listed}, hive_partitioning = true)"
    if fmt == "csv":
        return f"read_csv({listed}, header = true)"
    return f"read_json({listed}, format = 'newline_delimited')"


def _canonical(name: str, target: str) -> str:
    value = f'CAST("{name}" AS {target})'
    if target in ("FLOAT", "DOUBLE"):
        return f"(CASE WHEN isnan({value}) THEN 'NaN'::DOUBLE WHEN {value} = 0 THEN 0.0::DOUBLE ELSE {value}::DOUBLE END)"
    return value


def ground_truth(lake: BuiltLake, semantics: str = "set") -> Truth:
    started = time.monotonic()
    con = duck()
    tables = _load_tables(con, lake)
    truth = Truth(empty={t for t, info in tables.items() if info["rows"] == 0})
    live = {t: info for t, info in tables.items() if info["rows"] > 0}
    for parent, pinfo in live.items():
        for child, cinfo in live.items():
            if parent != child and _compatible(cinfo["cols"], pinfo["cols"]):
                truth.compatible.add((parent, child))
                if _contained(con, cinfo, pinfo, semantics):
                    truth.contained.add((parent, child))
    truth.seconds = time.monotonic() - started
    return truth


def _load_tables(con: Any, lake: BuiltLake) -> dict[str, dict[str, Any]]:
    tables = {}
    for i, (table_id, fmt) in enumerate(sorted(lake.formats.items())):
        if table_id in lake.faulty:
            continue
        view = f"t{i}"
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM {_reader(_files(lake.root / table_id, fmt), fmt)}")
        described = con.execute(f"DESCRIBE {view}").fetchall()
        cols = {normalise_column_name(r[0]): (r[0], r[1]) for r in described}
        rows = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
        tables[table_id] = {"view": view, "cols": cols, "rows": rows}
    return tables


def _compatible(child: dict[str, tuple[str, str]], parent: dict[str, tuple[str, str]]) -> bool:
    return all(n in parent and truth_widens(t, parent[n][1]) for n, (_, t) in child.items())


def _contained(con: Any, child: dict[str, Any], parent: dict[str, Any], semantics: str) -> bool:
    norms = sorted(child["cols"])
    target = {n: parent["cols"][n][1] for n in norms}
    cexpr = ", ".join(_canonical(child["cols"][n][0], target[n]) for n in norms)
    pexpr = ", ".join(_canonical(parent["cols"][n][0], target[n]) for n in norms)
    op = "EXCEPT ALL" if semantics == "bag" else "EXCEPT"
    sql = f"SELECT {cexpr} FROM {child['view']} {op} SELECT {pexpr} FROM {parent['view']} LIMIT 1"
    return not con.execute(sql).fetchall()
