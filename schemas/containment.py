"""Contracts of the containment outputs (Spark DDL strings, one per published table).

Table ids are the table folder's path relative to the lake root, POSIX style (e.g. ``sales/2024``).
"""

from __future__ import annotations

from typing import Final

VERDICTS: Final = ("contained", "duplicate", "not_contained", "unknown")
"""``contained``: child in parent (exact or >= tau); ``duplicate``: equal schemas and contents
(both directions); ``not_contained``: pruned or refuted; ``unknown``: could not be judged (e.g. a
quarantined file)."""

STAGES: Final = ("schema_containment", "minmax_prune", "content_prune", "verify_containment")

TABLE_PROFILES_DDL: Final = (
    "table_id string, path string, format string, num_files int, num_rows long, num_bytes long, "
    "num_columns int, schema_hash string, partition_columns array<string>, max_mtime_ns long, "
    "status string, status_reason string"
)
COLUMN_PROFILES_DDL: Final = (
    "table_id string, column_name string, norm_name string, ordinal int, spark_type string, "
    "null_count long, min_value string, max_value string, stats_status string, distinct_estimate long"
)
CONTAINMENT_EDGES_DDL: Final = (
    "parent string, child string, matched_columns array<string>, degree double, "
    "rows_checked long, bytes_read long, stage string, verdict string, reason string, "
    "dup_class string"
)
CONTAINMENT_FUNNEL_DDL: Final = (
    "stage string, pairs_in long, pairs_out long, removed long, reason string, seconds double"
)
DUPLICATE_CLASSES_DDL: Final = "dup_class string, table_id string, is_representative boolean"
EMPTY_TABLES_DDL: Final = "table_id string, num_columns int"
QUARANTINE_DDL: Final = "table_id string, file string, reason string"
