"""Dataset-level license of a published table, from its rows' provenance columns.

The runner groups a published table's rows by license (``LICENSE_MIX_SQL`` in DuckDB, or any
query giving the same fields) and calls :func:`license_summary`, which returns the effective
license (the maximum over rows: a filter can therefore yield a commercially usable subset), rows
per use class and per SPDX conjunction, the notices the output must ship with, conflicts (share-
alike licenses of different families mixed; no-derivatives material combined or modified) and
the custom OpenLineage dataset facet (validated by ``schemas/license_facet.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from provenance.policy import LicensePolicy, load_policy
from schemas.provenance import MOST_RESTRICTIVE_RANK, USE_CLASSES
from schemas.sources import (
    NOTICE_ATTRIBUTION,
    NOTICE_HEAD,
    NOTICE_NO_DERIVATIVES,
    NOTICE_REVIEW,
    NOTICE_SHARE_ALIKE,
)

FACET_NAME = "lakesift_license"
FACET_SCHEMA_URL = "https://lakesift.invalid/schemas/license_facet.json#/$defs/LicenseDatasetFacet"
DEFAULT_PRODUCER = "https://lakesift.invalid/producer"

LICENSE_MIX_SQL = """
SELECT
  CASE coalesce(_lic_rank, 3) WHEN 0 THEN 'commercial' WHEN 1 THEN 'unspecified'
       WHEN 2 THEN 'non-commercial' ELSE 'academic-only' END AS use_class,
  coalesce(_lic_rank, 3) AS rank,
  _lic_spdx AS spdx,
  count(*) AS "rows",
  count(*) FILTER (WHERE coalesce(_lic_review, true)) AS review_rows,
  coalesce(bool_or(_lic_attr), true) AS attribution,
  coalesce(bool_or(_lic_sa), true) AS share_alike,
  coalesce(bool_or(_lic_nd), true) AS no_derivatives,
  count(*) FILTER (WHERE len(_src_ids) > 1) AS combined_rows,
  list_sort(list_distinct(flatten(list(_src_ids)))) AS sources
FROM {table}
GROUP BY ALL
ORDER BY rank, spdx
"""
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def license_mix_sql(table: str) -> str:
    """``LICENSE_MIX_SQL`` over a catalog view or table (a plain identifier, quoted)."""
    if not _IDENT.match(table):
        raise ValueError(f"'{table}' is not a plain table name")
    return LICENSE_MIX_SQL.format(table=f'"{table}"')


def _rank(row: Mapping[str, Any]) -> int:
    rank = row.get("rank", row.get("_lic_rank"))
    if rank is None and row.get("use_class") in USE_CLASSES:
        rank = USE_CLASSES.index(row["use_class"])
    return MOST_RESTRICTIVE_RANK if rank is None else int(rank)


def _flag(row: Mapping[str, Any], name: str, column: str) -> bool:
    value = row.get(name, row.get(column))
    return True if value is None else bool(value)


def normal_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One license group in a fixed shape, from LICENSE_MIX_SQL or raw ``_lic_*`` columns."""
    rows = int(row.get("rows", 0))
    review_rows = row.get("review_rows")
    if review_rows is None:
        review_rows = rows if _flag(row, "review", "_lic_review") else 0
    spdx = row.get("spdx", row.get("_lic_spdx")) or "LicenseRef-lakesift-unknown"
    return {
        "rank": _rank(row),
        "spdx": str(spdx),
        "rows": rows,
        "review_rows": int(review_rows),
        "attribution": _flag(row, "attribution", "_lic_attr"),
        "share_alike": _flag(row, "share_alike", "_lic_sa"),
        "no_derivatives": _flag(row, "no_derivatives", "_lic_nd"),
        "combined_rows": int(row.get("combined_rows") or 0),
        "sources": sorted(set(row.get("sources") or [])),
    }


def spdx_terms(spdx: str) -> list[str]:
    return [t.strip() for t in spdx.split(" AND ") if t.strip()]


def _effective(groups: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not groups:
        return None
    rank = max(g["rank"] for g in groups)
    terms = sorted({t for g in groups for t in spdx_terms(g["spdx"])})
    flags = {f: any(g[f] for g in groups) for f in ("attribution", "share_alike", "no_derivatives")}
    review = any(g["review_rows"] for g in groups)
    return {
        "use_class": USE_CLASSES[rank],
        "rank": rank,
        "spdx": " AND ".join(terms),
        **flags,
        "review": review,
    }


def notice_text(spdx: str, sources: Iterable[str], flags: Mapping[str, bool]) -> str:
    text = NOTICE_HEAD.format(sources=", ".join(sources) or "unnamed sources", spdx=spdx)
    for flag, phrase in (
        ("attribution", NOTICE_ATTRIBUTION),
        ("share_alike", NOTICE_SHARE_ALIKE),
        ("no_derivatives", NOTICE_NO_DERIVATIVES),
        ("review", NOTICE_REVIEW),
    ):
        text += phrase if flags.get(flag) else ""
    return text


def _term_flags(policy: LicensePolicy, term: str, groups: list[dict[str, Any]]) -> dict[str, bool]:
    keys = policy.keys_of(term)
    if keys and all(k in policy.licenses for k in keys):
        v = policy.verdict_for_expression(term)
        return {
            "attribution": v.attribution,
            "share_alike": v.share_alike,
            "no_derivatives": v.no_derivatives,
            "review": v.review,
        }
    holding = [g for g in groups if term in spdx_terms(g["spdx"])]
    return {
        f: any(g[f] for g in holding) for f in ("attribution", "share_alike", "no_derivatives")
    } | {"review": any(g["review_rows"] for g in holding)}


def _notices(policy: LicensePolicy, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    notices = []
    for term in sorted({t for g in groups for t in spdx_terms(g["spdx"])}):
        sources = sorted({s for g in groups if term in spdx_terms(g["spdx"]) for s in g["sources"]})
        flags = _term_flags(policy, term, groups)
        notices.append(
            {
                "spdx": term,
                "sources": sources,
                "required": any(flags.values()),
                "text": notice_text(term, sources, flags),
            }
        )
    return notices


def _families(policy: LicensePolicy, spdx: str) -> set[str]:
    return {
        f
        for term in spdx_terms(spdx)
        for k in policy.keys_of(term)
        for f in [policy.family(k)]
        if f is not None
    }


def _conflict(kind: str, detail: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": kind,
        "detail": detail,
        "spdx": sorted({g["spdx"] for g in groups}),
        "rows": sum(g["rows"] for g in groups),
    }


def _share_alike_conflicts(
    policy: LicensePolicy, groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for g in groups:
        fams = _families(policy, g["spdx"])
        if len(fams) > 1:
            out.append(
                _conflict(
                    "share_alike_combined",
                    f"rows combine share-alike families {', '.join(sorted(fams))}",
                    [g],
                )
            )
    sa_groups = [g for g in groups if _families(policy, g["spdx"])]
    fams = set().union(*[_families(policy, g["spdx"]) for g in sa_groups]) if sa_groups else set()
    if len(fams) > 1:
        out.append(
            _conflict(
                "share_alike_mix",
                f"output mixes share-alike families {', '.join(sorted(fams))}",
                sa_groups,
            )
        )
    return out


def _no_derivatives_conflicts(groups: list[dict[str, Any]], modified: bool) -> list[dict[str, Any]]:
    nd = [g for g in groups if g["no_derivatives"]]
    combined = [g for g in nd if g["combined_rows"] > 0 or len(spdx_terms(g["spdx"])) > 1]
    out = []
    if combined:
        out.append(
            _conflict(
                "no_derivatives_combined",
                "no-derivatives material combined with other sources",
                combined,
            )
        )
    if modified and nd:
        out.append(
            _conflict(
                "no_derivatives_modified",
                "no-derivatives material passed through modifying steps",
                nd,
            )
        )
    return out


def license_facet(summary: Mapping[str, Any], producer: str = DEFAULT_PRODUCER) -> dict[str, Any]:
    """The custom OpenLineage dataset facet (``schemas/license_facet.json``)."""
    eff = summary["effective"] or {}
    return {
        "_producer": producer,
        "_schemaURL": FACET_SCHEMA_URL,
        "policyVersion": summary["policy_version"],
        "effectiveUseClass": eff.get("use_class"),
        "effectiveRank": eff.get("rank"),
        "effectiveSpdx": eff.get("spdx"),
        "attribution": bool(eff.get("attribution")),
        "shareAlike": bool(eff.get("share_alike")),
        "noDerivatives": bool(eff.get("no_derivatives")),
        "rows": summary["rows"],
        "reviewRows": summary["review_rows"],
        "rowsPerUseClass": dict(summary["rows_per_use_class"]),
        "rowsPerSpdx": dict(summary["rows_per_spdx"]),
        "notices": [dict(n) for n in summary["notices"]],
        "conflicts": [dict(c) for c in summary["conflicts"]],
    }


def license_summary(
    rows_per_license: list[Mapping[str, Any]],
    policy: LicensePolicy | None = None,
    modified: bool = False,
    producer: str = DEFAULT_PRODUCER,
) -> dict[str, Any]:
    """Effective license, mix, notices, conflicts and the OpenLineage facet of one table.

    ``rows_per_license``: one mapping per license group (LICENSE_MIX_SQL rows, or rows with raw
    ``_lic_*`` columns plus ``rows`` and ``sources``). ``modified``: whether any step changed
    row content (for no-derivatives conflicts).
    """
    policy = policy or load_policy()
    groups = [g for g in map(normal_row, rows_per_license) if g["rows"] > 0]
    per_class = {
        c: sum(g["rows"] for g in groups if g["rank"] == i) for i, c in enumerate(USE_CLASSES)
    }
    per_spdx: dict[str, int] = {}
    for g in groups:
        per_spdx[g["spdx"]] = per_spdx.get(g["spdx"], 0) + g["rows"]
    summary: dict[str, Any] = {
        "effective": _effective(groups),
        "rows": sum(g["rows"] for g in groups),
        "review_rows": sum(g["review_rows"] for g in groups),
        "rows_per_use_class": per_class,
        "rows_per_spdx": dict(sorted(per_spdx.items())),
        "notices": _notices(policy, groups),
        "conflicts": _share_alike_conflicts(policy, groups)
        + _no_derivatives_conflicts(groups, modified),
        "policy_version": policy.version,
    }
    summary["facet"] = license_facet(summary, producer)
    return summary
