"""Row-level provenance columns: what the runner adds to every input row.

``attach_provenance`` appends the eight columns of :mod:`schemas.provenance`:

- ``_src_ids = [source_id]``;
- ``_src_ref``: ``<file path>#<row index>`` for Parquet (Spark's ``_metadata.row_index``, the
  row's position in its file), ``<file path>#mid:<monotonically_increasing_id>`` for CSV/JSON
  (Spark exposes no row index there; the id is stable for an unchanged file split) — ref modes
  ``"file"`` and ``"position"`` both mean this — or ``<source_id>:<id column>`` with
  ``ref_mode="id"``. File paths are sanitised in Spark (user info,
  query strings and fragments removed), so no credential reaches an output;
- ``_lic_rank``, ``_lic_spdx`` (the effective license, i.e. the chosen alternative of an OR) and
  the attribution / share-alike / no-derivatives / review flags of the source's verdict.

An input that already carries provenance (a lakesift output read back) keeps it and gains the
new source by union.
"""

from __future__ import annotations

from typing import Literal

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from provenance.policy import LicenseVerdict
from provenance.uri import SPARK_AZURE_SECRET_PATTERN, SPARK_QUERY_PATTERN, SPARK_USERINFO_PATTERN
from schemas.errors import UserError
from schemas.provenance import (
    LIC_ATTR,
    LIC_ND,
    LIC_RANK,
    LIC_REVIEW,
    LIC_SA,
    LIC_SPDX,
    PROVENANCE_COLUMNS,
    PROVENANCE_DDL,
    SRC_IDS,
    SRC_REF,
)

RefMode = Literal["file", "position", "id"]


def provenance_literals(source_id: str, verdict: LicenseVerdict) -> dict[str, Column]:
    """The provenance columns of a row from ``source_id`` as typed literals (``_src_ref`` null)."""
    values: dict[str, Column] = {
        SRC_IDS: F.array(F.lit(source_id)),
        SRC_REF: F.lit(None),
        LIC_RANK: F.lit(verdict.rank),
        LIC_SPDX: F.lit(verdict.effective_spdx),
        LIC_ATTR: F.lit(verdict.attribution),
        LIC_SA: F.lit(verdict.share_alike),
        LIC_ND: F.lit(verdict.no_derivatives),
        LIC_REVIEW: F.lit(verdict.review),
    }
    return {name: values[name].cast(PROVENANCE_DDL[name]) for name in PROVENANCE_COLUMNS}


def sanitized_path(path: Column) -> Column:
    """Spark twin of :func:`provenance.uri.sanitize_uri` for file paths."""
    no_user = F.regexp_replace(path, SPARK_USERINFO_PATTERN, "$1")
    no_secret = F.regexp_replace(no_user, SPARK_AZURE_SECRET_PATTERN, "$1")
    return F.regexp_replace(no_secret, SPARK_QUERY_PATTERN, "")


def _metadata_fields(df: DataFrame) -> set[str]:
    try:
        metadata = df.select("_metadata").schema["_metadata"].dataType
        return set(getattr(metadata, "names", []) or [])
    except AnalysisException:  # not read from files: Spark exposes no _metadata column
        return set()


def file_ref(df: DataFrame, source_id: str) -> Column:
    """``path#row`` from Spark's file metadata; ``source_id:#mid:n`` when there is none."""
    fields = _metadata_fields(df)
    if "file_path" not in fields:
        return F.concat(F.lit(f"{source_id}:#mid:"), F.monotonically_increasing_id().cast("string"))
    path = sanitized_path(F.col("_metadata.file_path"))
    if "row_index" in fields:
        return F.concat(path, F.lit("#"), F.col("_metadata.row_index").cast("string"))
    return F.concat(path, F.lit("#mid:"), F.monotonically_increasing_id().cast("string"))


def id_ref(df: DataFrame, source_id: str, id_column: str | None) -> Column:
    if not id_column or id_column not in df.columns:
        raise UserError(
            f"source '{source_id}': ref_mode 'id' needs an existing id_column, got {id_column!r}"
        )
    return F.concat(F.lit(f"{source_id}:"), F.col(id_column).cast("string"))


def _merge_existing(df: DataFrame, fresh: dict[str, Column]) -> dict[str, Column]:
    """Union an input's own provenance with the new source (a lakesift output read back)."""
    merged = dict(fresh)
    merged[SRC_IDS] = F.array_sort(F.array_distinct(F.concat(F.col(SRC_IDS), fresh[SRC_IDS])))
    merged[SRC_REF] = F.coalesce(F.col(SRC_REF), fresh[SRC_REF])
    merged[LIC_RANK] = F.greatest(F.col(LIC_RANK), fresh[LIC_RANK])
    terms = F.concat(F.split(F.col(LIC_SPDX), " AND "), F.split(fresh[LIC_SPDX], " AND "))
    merged[LIC_SPDX] = F.array_join(F.array_sort(F.array_distinct(terms)), " AND ")
    for flag in (LIC_ATTR, LIC_SA, LIC_ND, LIC_REVIEW):
        merged[flag] = F.greatest(F.col(flag), fresh[flag])
    return merged


def attach_provenance(
    df: DataFrame,
    source_id: str,
    verdict: LicenseVerdict,
    ref_mode: RefMode = "file",
    id_column: str | None = None,
) -> DataFrame:
    """``df`` plus the eight provenance columns (appended in schema order). Lazy."""
    columns = provenance_literals(source_id, verdict)
    ref = id_ref(df, source_id, id_column) if ref_mode == "id" else file_ref(df, source_id)
    columns[SRC_REF] = ref.cast("string")
    present = [c for c in PROVENANCE_COLUMNS if c in df.columns]
    if len(present) == len(PROVENANCE_COLUMNS):
        columns = _merge_existing(df, columns)
    elif present:
        raise UserError(
            f"source '{source_id}' has only some provenance columns: {', '.join(present)}"
        )
    data = [F.col(f"`{c}`") for c in df.columns if c not in PROVENANCE_COLUMNS]
    return df.select(*data, *[columns[c].alias(c) for c in PROVENANCE_COLUMNS])
