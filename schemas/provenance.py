"""Names and types of the pipeline-owned provenance columns every output row carries.

The use classes are ordered from least to most restrictive; a row's ``_lic_rank`` is the index
of its class in :data:`USE_CLASSES`. Propagation is a set union over sources, so combining rows
takes the union of ``_src_ids``, the maximum rank and the OR of the flags.
"""

from __future__ import annotations

from typing import Final

SRC_IDS: Final = "_src_ids"  # array<string>: ids of every source whose content the row contains
SRC_REF: Final = "_src_ref"  # string: origin pointer ("file#row" or "source_id:original_id")
LIC_RANK: Final = "_lic_rank"  # int: index into USE_CLASSES
LIC_SPDX: Final = "_lic_spdx"  # string: SPDX conjunction of the row's sources' licenses
LIC_ATTR: Final = "_lic_attr"  # bool: attribution required
LIC_SA: Final = "_lic_sa"  # bool: share-alike
LIC_ND: Final = "_lic_nd"  # bool: no-derivatives
LIC_REVIEW: Final = "_lic_review"  # bool: evidence unknown/conflicting, needs human review

PROVENANCE_COLUMNS: Final = (
    SRC_IDS, SRC_REF, LIC_RANK, LIC_SPDX, LIC_ATTR, LIC_SA, LIC_ND, LIC_REVIEW,
)
# Spark DDL of each column, in order.
PROVENANCE_DDL: Final = {
    SRC_IDS: "array<string>",
    SRC_REF: "string",
    LIC_RANK: "int",
    LIC_SPDX: "string",
    LIC_ATTR: "boolean",
    LIC_SA: "boolean",
    LIC_ND: "boolean",
    LIC_REVIEW: "boolean",
}

USE_CLASSES: Final = ("commercial", "unspecified", "non-commercial", "academic-only")
MOST_RESTRICTIVE_RANK: Final = len(USE_CLASSES) - 1


def use_class(rank: int) -> str:
    """The use-class name of a rank."""
    return USE_CLASSES[rank]


def is_pipeline_column(name: str) -> bool:
    """Pipeline-owned columns start with an underscore."""
    return name.startswith("_")
