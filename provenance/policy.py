"""License policy: SPDX expression -> use class and obligations, from one versioned table.

The table (``provenance/policy/policy_v1.json``) maps SPDX license keys (and ``LicenseRef-*``
keys for terms without an SPDX id) to a use class ``commercial < unspecified < non-commercial <
academic-only`` plus attribution / share-alike / no-derivatives flags, each entry citing where its
reading comes from. Expressions combine as:

- ``A AND B``: every part applies, so the most restrictive part wins (max rank, OR of flags);
- ``A OR B``: the licensee may choose, so the least restrictive alternative is taken and recorded;
- ``A WITH exception``: exceptions only add permissions, the base license decides.

A key the table does not know, or text that is not an SPDX expression, gives the most restrictive
class and a review flag: never a permissive guess, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    build_spdx_licensing,
    get_license_index,
)

from schemas.provenance import MOST_RESTRICTIVE_RANK, USE_CLASSES
from schemas.sources import LicenseTerms, PolicyOverrides

# Read through importlib.resources so the policy also loads from a zip (spark-submit --py-files).
POLICY_DIR = resources.files("provenance") / "policy"
DEFAULT_POLICY_FILE = POLICY_DIR / "policy_v1.json"
PARAPHRASES_FILE = POLICY_DIR / "dpi" / "license_paraphrases.json"


@dataclass(frozen=True)
class LicenseVerdict:
    """What a source's license evidence amounts to."""

    spdx: str
    rank: int
    attribution: bool = False
    share_alike: bool = False
    no_derivatives: bool = False
    review: bool = False
    reasons: tuple[str, ...] = ()
    chosen_alternative: str | None = None
    confidence: float | None = None

    @property
    def use_class(self) -> str:
        return USE_CLASSES[self.rank]

    @property
    def effective_spdx(self) -> str:
        """The license the data is used under: the chosen alternative when there was a choice."""
        return self.chosen_alternative or self.spdx

    def with_reason(self, reason: str, review: bool | None = None) -> LicenseVerdict:
        flag = self.review if review is None else (self.review or review)
        return replace(self, reasons=(*self.reasons, reason), review=flag)


def unknown_verdict(reason: str, spdx: str = "LicenseRef-lakesift-unknown") -> LicenseVerdict:
    """Most restrictive class plus review: what unknown or unmapped evidence gets."""
    return LicenseVerdict(spdx, MOST_RESTRICTIVE_RANK, True, True, True, True, (reason,))


def _wrap(spdx: str) -> str:
    return f"({spdx})" if " OR " in spdx and not spdx.startswith("(") else spdx


def and_verdicts(verdicts: Iterable[LicenseVerdict]) -> LicenseVerdict:
    """Conjunction: every license applies; the most restrictive wins, flags are OR-ed."""
    parts = list(verdicts)
    if not parts:
        return unknown_verdict("no license evidence")
    terms = sorted({_wrap(v.effective_spdx) for v in parts})
    chose = any(v.chosen_alternative for v in parts)
    spdx = " AND ".join(sorted({_wrap(v.spdx) for v in parts}))
    confidences = [v.confidence for v in parts if v.confidence is not None]
    return LicenseVerdict(
        spdx=spdx,
        rank=max(v.rank for v in parts),
        attribution=any(v.attribution for v in parts),
        share_alike=any(v.share_alike for v in parts),
        no_derivatives=any(v.no_derivatives for v in parts),
        review=any(v.review for v in parts),
        reasons=tuple(r for v in parts for r in v.reasons),
        chosen_alternative=" AND ".join(terms) if chose else None,
        confidence=min(confidences) if confidences else None,
    )


def _restrictiveness(v: LicenseVerdict) -> tuple[int, int, bool, str]:
    return (v.rank, v.attribution + v.share_alike + v.no_derivatives, v.review, v.spdx)


def or_verdicts(verdicts: Iterable[LicenseVerdict]) -> LicenseVerdict:
    """Choice: the least restrictive alternative is taken and recorded."""
    parts = list(verdicts)
    best = min(parts, key=_restrictiveness)
    spdx = " OR ".join(_wrap(v.spdx) for v in parts)
    reason = f"chose {best.effective_spdx} among {spdx}"
    return replace(
        best, spdx=spdx, chosen_alternative=best.effective_spdx, reasons=(*best.reasons, reason)
    )


@lru_cache(maxsize=8)
def _licensing(custom_keys: tuple[str, ...]) -> Licensing:
    index = get_license_index()
    known = {entry.get("spdx_license_key") for entry in index}
    extra = [{"spdx_license_key": key} for key in custom_keys if key not in known]
    return build_spdx_licensing(index + extra)


@dataclass(frozen=True)
class LicensePolicy:
    """The loaded policy table (optionally with overrides) and its SPDX parser."""

    version: str
    licenses: Mapping[str, LicenseTerms]
    names: Mapping[str, str]
    url_rules: tuple[tuple[str, str], ...]
    url_exact: Mapping[str, str]
    unmappable_mentions: frozenset[str]
    placeholders: frozenset[str]
    unknown_key: str
    on_conflict: str
    text_match_threshold: float
    paraphrases: Mapping[str, str] = field(default_factory=dict)

    @property
    def licensing(self) -> Licensing:
        custom = tuple(sorted(k for k in self.licenses if k.startswith("LicenseRef-")))
        return _licensing(custom)

    def normalise(self, expression: str) -> str | None:
        """The canonical SPDX rendering of ``expression``, or None when it is not valid."""
        try:
            info = self.licensing.validate(expression)
        except (
            ExpressionError,
            AttributeError,
            TypeError,
            ValueError,
        ):  # garbage is simply invalid
            return None
        if info.errors or not info.normalized_expression or info.normalized_expression == "None":
            return None
        return str(info.normalized_expression)

    def verdict_for_key(self, key: str) -> LicenseVerdict:
        terms = self.licenses.get(key)
        if terms is None:
            return unknown_verdict(f"{key} is not in license policy v{self.version}", key)
        return LicenseVerdict(
            key,
            USE_CLASSES.index(terms.use),
            terms.attribution,
            terms.share_alike,
            terms.no_derivatives,
            terms.review,
        )

    def verdict_for_expression(self, expression: str) -> LicenseVerdict:
        """Classify an SPDX expression (AND -> most restrictive, OR -> least restrictive)."""
        normal = self.normalise(expression)
        if normal is None:
            return unknown_verdict(f"'{expression}' is not a valid SPDX expression")
        return self._evaluate(self.licensing.parse(normal))

    def _evaluate(self, node: Any) -> LicenseVerdict:
        if isinstance(node, LicenseWithExceptionSymbol):
            base = self.verdict_for_key(node.license_symbol.key)
            return replace(base, spdx=str(node)).with_reason(
                f"{node}: the exception only adds permissions"
            )
        if isinstance(node, LicenseSymbol):
            return self.verdict_for_key(node.key)
        if isinstance(node, AND):
            return and_verdicts(self._evaluate(arg) for arg in node.args)
        if isinstance(node, OR):
            return or_verdicts(self._evaluate(arg) for arg in node.args)
        return unknown_verdict(f"cannot classify '{node}'")

    def family(self, key: str) -> str | None:
        terms = self.licenses.get(key)
        return terms.family if terms is not None and terms.share_alike else None

    def keys_of(self, expression: str) -> list[str]:
        normal = self.normalise(expression)
        return (
            []
            if normal is None
            else list(self.licensing.license_keys(self.licensing.parse(normal)))
        )


def _normal_name(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def _paraphrase_map() -> dict[str, str]:
    table = json.loads(PARAPHRASES_FILE.read_text(encoding="utf-8"))
    return {_normal_name(p): canonical for canonical, phrases in table.items() for p in phrases}


def _from_table(table: Mapping[str, Any], overrides: PolicyOverrides | None) -> LicensePolicy:
    licenses = {k: LicenseTerms.model_validate(v) for k, v in table["licenses"].items()}
    names = {_normal_name(k): v for k, v in table["names"].items()}
    if overrides is not None:
        licenses.update(overrides.licenses)
        names.update({_normal_name(k): v for k, v in overrides.names.items()})
    return LicensePolicy(
        version=str(table["version"]) + ("+overrides" if overrides else ""),
        licenses=licenses,
        names=names,
        url_rules=tuple((r["pattern"], r["spdx"]) for r in table["url_rules"]),
        url_exact=dict(table["url_exact"]),
        unmappable_mentions=frozenset(_normal_name(m) for m in table["unmappable_mentions"]),
        placeholders=frozenset(table["placeholders"]),
        unknown_key=table["unknown"],
        on_conflict=table["on_conflict"],
        text_match_threshold=float(table["text_match_threshold"]),
        paraphrases=_paraphrase_map(),
    )


@lru_cache(maxsize=1)
def _shipped_table() -> dict[str, Any]:
    return dict(json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _shipped_policy() -> LicensePolicy:
    return _from_table(_shipped_table(), None)


def load_policy(overrides: PolicyOverrides | Mapping[str, Any] | None = None) -> LicensePolicy:
    """The shipped policy table, with ``overrides`` (e.g. from an override file) applied."""
    if overrides is None:
        return _shipped_policy()
    if not isinstance(overrides, PolicyOverrides):
        overrides = PolicyOverrides.model_validate(dict(overrides))
    return _from_table(_shipped_table(), overrides)


normal_name = _normal_name
