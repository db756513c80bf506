"""From a source's license evidence to one :class:`LicenseVerdict`.

The evidence items (``spdx``, ``mention``, ``url``, ``file``) describe the same grant, so they are
compared: items that agree raise confidence, items that disagree are a conflict (most restrictive
class of the policy plus review). Unrecognised items add a reason but no signal; when nothing is
recognised the verdict is the most restrictive class plus review. ``terms`` (model/API terms of
generated data) apply on top of the license, so they are AND-ed with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from provenance.detect import Detection, detect_from_mention, detect_from_text, detect_from_url
from provenance.policy import LicensePolicy, LicenseVerdict, and_verdicts, unknown_verdict
from schemas.provenance import MOST_RESTRICTIVE_RANK
from schemas.sources import LicenseEvidence, SourcesRegistry


def _detect_spdx(policy: LicensePolicy, spdx: str) -> Detection:
    normal = policy.normalise(spdx)
    if normal is None:
        return Detection(None, None, f"spdx '{spdx}' is not a valid SPDX expression")
    return Detection(normal, 1.0, f"spdx {normal}: declared")


def _detections(
    policy: LicensePolicy, evidence: LicenseEvidence, file_text: str | None
) -> list[Detection]:
    found: list[Detection] = []
    if evidence.spdx:
        found.append(_detect_spdx(policy, evidence.spdx))
    if evidence.mention:
        found.append(detect_from_mention(policy, evidence.mention))
    if evidence.url:
        found.append(detect_from_url(policy, evidence.url))
    if evidence.file:
        if file_text is None:
            found.append(Detection(None, None, f"file {evidence.file}: not read"))
        else:
            found.append(detect_from_text(policy, file_text, evidence.file))
    return found


def _distinct(policy: LicensePolicy, detections: list[Detection]) -> list[str]:
    distinct: list[str] = []
    for d in detections:
        assert d.spdx is not None
        if not any(policy.licensing.is_equivalent(d.spdx, seen) for seen in distinct):
            distinct.append(d.spdx)
    return distinct


def _tier(policy: LicensePolicy, detection: Detection) -> int:
    """0: names a license; 1: a known terms page; 2: a placeholder such as 'Custom'."""
    if detection.spdx in policy.placeholders:
        return 2
    return 1 if detection.weak else 0


def _recognised(policy: LicensePolicy, detections: list[Detection]) -> list[Detection]:
    """The recognised detections of the strongest tier present (weaker ones are ignored)."""
    recognised = [d for d in detections if d.spdx is not None]
    if not recognised:
        return []
    best = min(_tier(policy, d) for d in recognised)
    return [d for d in recognised if _tier(policy, d) == best]


def _conflict(
    policy: LicensePolicy, distinct: list[str], detections: list[Detection]
) -> LicenseVerdict:
    merged = and_verdicts(policy.verdict_for_expression(s) for s in distinct)
    rank = MOST_RESTRICTIVE_RANK if policy.on_conflict == "most_restrictive_class" else merged.rank
    how = "; ".join(d.how for d in detections if d.spdx is not None)
    reason = f"conflicting evidence ({how}): most restrictive class, review"
    return replace(merged, rank=rank, review=True, reasons=(*merged.reasons, reason))


def _license_verdict(
    policy: LicensePolicy, evidence: LicenseEvidence, file_text: str | None
) -> LicenseVerdict:
    detections = _detections(policy, evidence, file_text)
    notes = tuple(d.how for d in detections if d.spdx is None)
    recognised = _recognised(policy, detections)
    if not recognised:
        return unknown_verdict(
            "no recognised license evidence" + (f": {'; '.join(notes)}" if notes else "")
        )
    distinct = _distinct(policy, recognised)
    if len(distinct) > 1:
        verdict = _conflict(policy, distinct, recognised)
    else:
        verdict = policy.verdict_for_expression(distinct[0])
        reasons = (*verdict.reasons, *(d.how for d in recognised))
        confidence = max(d.confidence for d in recognised if d.confidence is not None)
        review = verdict.review or any(d.review for d in recognised)
        verdict = replace(verdict, reasons=reasons, confidence=confidence, review=review)
    return replace(verdict, reasons=(*verdict.reasons, *notes))


def classify_evidence(
    policy: LicensePolicy, evidence: LicenseEvidence, file_text: str | None = None
) -> LicenseVerdict:
    """The verdict for one source's evidence; ``file_text`` is the content of ``evidence.file``."""
    if evidence.is_empty():
        return unknown_verdict("no license evidence")
    has_grant = bool(evidence.spdx or evidence.mention or evidence.url or evidence.file)
    parts = [_license_verdict(policy, evidence, file_text)] if has_grant else []
    for term in evidence.terms:
        detection = detect_from_mention(policy, term)
        if detection.spdx is None:
            parts.append(unknown_verdict(f"terms '{term}': {detection.how}"))
        else:
            parts.append(
                policy.verdict_for_expression(detection.spdx).with_reason(f"terms: {detection.how}")
            )
    if not has_grant:
        parts.append(unknown_verdict("terms given but no license for the data itself"))
    return parts[0] if len(parts) == 1 else and_verdicts(parts)


def classify_registry(
    policy: LicensePolicy, registry: SourcesRegistry, file_texts: Mapping[str, str] | None = None
) -> dict[str, LicenseVerdict]:
    """Verdict per source id; ``file_texts`` maps source id -> text of its license file."""
    texts = dict(file_texts or {})
    return {s.id: classify_evidence(policy, s.license, texts.get(s.id)) for s in registry.sources}
