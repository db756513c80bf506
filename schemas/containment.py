"""Contracts of the containment outputs (Spark DDL strings, one per published table).

Table ids are the table folder's path relative to the lake root, POSIX style (e.g. ``sales/2024``).
Column matching between tables is by normalised name (:func:`normalise_column_name`); profiling
writes that name into ``column_profiles.norm_name`` and the containment stages match on it.
"""

from __future__ import annotations

import unicodedata
from typing import Final

VERDICTS: Final = ("contained", "duplicate", "not_contained", "unknown")
"""``contained``: child in parent (exact or >= tau); ``duplicate``: equal schemas and contents
(both directions); ``not_contained``: pruned or refuted; ``unknown``: could not be judged (e.g. a
quarantined file)."""

STAGES: Final = ("schema_containment", "minmax_prune", "content_prune", "verify_containment")

TABLE_STATUSES: Final = ("ok", "quarantined")

STATS_STATUSES: Final = (
    "ok", "exact", "all_null", "missing", "truncated_min", "truncated_max", "truncated",
    "untrusted_int96", "untrusted_nan", "nested", "unknown_type",
)
"""``column_profiles.stats_status``: whether min/max may be used. ``ok``/``exact`` bounds are true
bounds; ``truncated*`` bounds are valid bounds (a prefix below the true minimum, a rounded-up
maximum) but not the values themselves, so they may bound a parent but never a child; every other
status means no usable bounds."""

FILE_ENTRY_DDL: Final = "struct<path:string,size:long,mtime_ns:long,num_rows:long>"

TABLE_PROFILES_DDL: Final = (
    "table_id string, path string, format string, num_files int, num_rows long, num_bytes long, "
    "num_columns int, schema_hash string, partition_columns array<string>, max_mtime_ns long, "
    "status string, status_reason string, spark_schema string, "
    f"files array<{FILE_ENTRY_DDL}>, read_options map<string,string>"
)
"""``spark_schema`` is the DDL the table is read with (raw names, partition columns last);
``files`` are paths relative to ``path`` (the pinned snapshot a stage reads)."""

COLUMN_PROFILES_DDL: Final = (
    "table_id string, column_name string, norm_name string, ordinal int, spark_type string, "
    "null_count long, min_value string, max_value string, stats_status string, "
    "distinct_estimate long, num_bytes long"
)
"""Bounds are text: integers and decimals in plain notation, floats as Python ``repr``, dates
``YYYY-MM-DD``, timestamps ISO 8601 with microseconds (``+00:00`` suffix for UTC instants),
booleans ``true``/``false``, strings as is, binary as hex. ``num_bytes`` is the compressed size of
the column's chunks (null when unknown, e.g. CSV)."""

CONTAINMENT_EDGES_DDL: Final = (
    "parent string, child string, matched_columns array<string>, degree double, "
    "rows_checked long, bytes_read long, stage string, verdict string, reason string, "
    "dup_class string, column_map map<string,string>"
)
"""One row per schema-compatible ordered pair, whatever its verdict. ``matched_columns`` are the
normalised names compared; ``column_map`` maps each child column (raw name) to the parent column
it matched; ``degree`` is the measured (or sample-estimated) fraction of distinct child rows found
in the parent, null when no data was read; ``reason`` is ``code: detail``."""
CONTAINMENT_FUNNEL_DDL: Final = (
    "stage string, pairs_in long, pairs_out long, removed long, reason string, seconds double"
)
DUPLICATE_CLASSES_DDL: Final = "dup_class string, table_id string, is_representative boolean"
EMPTY_TABLES_DDL: Final = "table_id string, num_columns int"
QUARANTINE_DDL: Final = "table_id string, file string, reason string"

def normalise_column_name(raw: str) -> str:
    """Unicode NFKC, case-folded, trimmed; every run of non-alphanumerics folded to one ``_``.

    Leading/trailing ``_`` produced by folding are stripped (``" Order-ID "`` -> ``order_id``).
    Non-ASCII letters are kept as they are after case-folding (``"Größe"`` -> ``grösse``).
    """
    text = unicodedata.normalize("NFKC", raw).casefold().strip()
    folded = "".join(ch if ch.isalnum() else " " for ch in text)
    return "_".join(folded.split())
