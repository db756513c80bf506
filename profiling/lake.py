"""Profiling a whole lake and reading its tables.

``profile_lake`` discovers the tables under a root, validates and profiles them (Parquet from
footers, CSV/JSON with one Spark pass each) and returns the ``table_profiles``,
``column_profiles`` and ``quarantine`` DataFrames (DDLs in ``schemas.containment``).
``read_lake_table`` reads one profiled table with its pinned file list and schema.

Decisions: a table is quarantined (status ``quarantined``, one ``quarantine`` row per reason, and
every pair touching it judged ``unknown``) when a footer is unreadable or truncated, a file is not
in the table's format, files disagree on the schema, a type cannot be read by Spark, the
partition layout differs between files, or two column names collide once normalised (``Id`` and
``id``; Spark resolves names case-insensitively, so such a table cannot be read unambiguously).
Parquet distinct estimates are left null (footers rarely carry them); CSV/JSON get HyperLogLog
estimates from their scan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from profiling.arrow_types import quote_name
from profiling.discovery import TableLocation, discover_tables
from profiling.frames import rows_to_frame
from profiling.parquet_profile import profile_parquet_table
from profiling.records import TableProfile, column_rows, quarantine_rows, table_row
from profiling.scan_profile import profile_by_scan, read_options
from schemas.containment import COLUMN_PROFILES_DDL, QUARANTINE_DDL, TABLE_PROFILES_DDL
from schemas.errors import InputError

Method = Literal["footer", "scan"]


def profile_lake(
    spark: Any, root: Any, formats: list[str] | None = None,
    options: Mapping[str, Mapping[str, str]] | None = None, max_tables: int | None = None,
    progress: Callable[..., None] | None = None, method: Method = "footer",
) -> dict[str, Any]:
    """Profile every table under ``root`` (a path or a ``LakeSpec``-like object)."""
    profiles = profile_lake_records(spark, root, formats, options, max_tables, progress, method)
    return profiles_to_frames(spark, profiles)


def profile_lake_records(
    spark: Any, root: Any, formats: list[str] | None = None,
    options: Mapping[str, Mapping[str, str]] | None = None, max_tables: int | None = None,
    progress: Callable[..., None] | None = None, method: Method = "footer",
) -> list[TableProfile]:
    """Like :func:`profile_lake` but returns the Python records (no DataFrames)."""
    if not isinstance(root, (str, Path)):  # a LakeSpec
        formats, options, max_tables = list(root.formats), dict(root.options), root.max_tables
        root = root.root
    lake_root = Path(root).resolve()
    if not lake_root.is_dir():
        raise InputError(f"lake root '{root}' is not a folder")
    tables = discover_tables(lake_root, list(formats or ["parquet"]), max_tables)
    profiles = []
    for index, location in enumerate(tables):
        if progress is not None:
            progress(f"profiling {location.table_id}", index, len(tables))
        profiles.append(_profile_table(spark, location, dict((options or {}).get(location.format, {})), method))
    return profiles


def _profile_table(spark: Any, location: TableLocation, user_options: dict[str, str],
                   method: Method) -> TableProfile:
    if location.format == "parquet":
        profile = profile_parquet_table(location)
        if method == "scan" and profile.status == "ok":
            return profile_by_scan(spark, TableProfile(location), profile.spark_schema())
        return profile
    profile = TableProfile(location, read_options=read_options(location.format, user_options))
    for name, reason in location.foreign:
        profile.quarantine(reason, name)
    for reason in location.problems:
        profile.quarantine(reason)
    return profile_by_scan(spark, profile) if profile.status == "ok" else profile


def profiles_to_frames(spark: Any, profiles: list[TableProfile]) -> dict[str, Any]:
    """The three profile DataFrames of a list of table profiles."""
    return {
        "table_profiles": rows_to_frame(spark, [table_row(p) for p in profiles], TABLE_PROFILES_DDL),
        "column_profiles": rows_to_frame(
            spark, [r for p in profiles for r in column_rows(p)], COLUMN_PROFILES_DDL),
        "quarantine": rows_to_frame(spark, [r for p in profiles for r in quarantine_rows(p)], QUARANTINE_DDL),
    }


def read_lake_table(spark: Any, profile: Mapping[str, Any] | Any, columns: list[str] | None = None) -> Any:
    """A lake table as a DataFrame: its pinned files, read with its profiled schema."""
    p = profile.asDict(recursive=True) if hasattr(profile, "asDict") else dict(profile)
    if p.get("status") != "ok":
        raise InputError(f"lake table '{p.get('table_id')}' is quarantined: {p.get('status_reason')}")
    base = Path(p["path"])
    files = [str(base / f["path"]) for f in p["files"]]
    options = dict(p.get("read_options") or {})
    options.pop("inferSchema", None)
    reader = spark.read.format(p["format"]).options(**options).schema(p["spark_schema"])
    if p.get("partition_columns"):
        reader = reader.option("basePath", str(base))
    df = reader.load(files)
    return df.select(*[quote_name(c) for c in columns]) if columns is not None else df


def lake_table_reader(spark: Any, table_profiles: Any) -> Callable[[str, list[str] | None], Any]:
    """A ``StageContext.read_table`` over a ``table_profiles`` DataFrame (or list of rows)."""
    rows = table_profiles.collect() if hasattr(table_profiles, "collect") else list(table_profiles)
    by_id = {r["table_id"]: (r.asDict(recursive=True) if hasattr(r, "asDict") else dict(r)) for r in rows}

    def read(table_id: str, columns: list[str] | None = None) -> Any:
        if table_id not in by_id:
            raise InputError(f"lake table '{table_id}' is not in the lake profile")
        return read_lake_table(spark, by_id[table_id], columns)

    return read
