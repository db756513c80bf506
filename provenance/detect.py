"""Turning one piece of license evidence (a mention, a URL, a LICENSE text) into an SPDX expression.

Mentions are matched, in order, against the policy's curated names, SPDX ids, the Data Provenance
Initiative's paraphrase table (shipped in ``policy/dpi/``, Apache-2.0, see the LICENSE there) and
recognised license URLs; a mention that only *contains* a known name is accepted with low
confidence and a review flag. LICENSE texts are identified with askalono (``pyaskalono``), whose
score is recorded as the confidence; below the policy threshold the text counts as unrecognised.
Nothing here guesses: no match means ``spdx=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provenance.policy import LicensePolicy, normal_name
from provenance.uri import sanitize_uri

CONTAINED_CONFIDENCE = 0.6
MIN_CONTAINED_NAME = 6


@dataclass(frozen=True)
class Detection:
    """What one piece of evidence says: an SPDX expression (None = not recognised) and how."""

    spdx: str | None
    confidence: float | None
    how: str
    review: bool = False
    weak: bool = False  # a terms page known from elsewhere: only used when nothing names a license


def _none(how: str) -> Detection:
    return Detection(None, None, how)


def url_key(url: str) -> str:
    """Sanitised, scheme-less, lower-case form of a URL used for matching."""
    text = sanitize_uri(url).split("://", 1)[-1].lower()
    return (text.removeprefix("www.")).rstrip("/")


def detect_from_url(policy: LicensePolicy, url: str) -> Detection:
    """A license deed URL names a license; a known terms page is weak evidence; several URLs
    (comma-separated) must agree."""
    parts = [p for p in re.split(r"[,\s]+", url.strip()) if p]
    if len(parts) > 1:
        found = [_detect_one_url(policy, p) for p in parts]
        named = {d.spdx for d in found if d.spdx is not None}
        if len(named) == 1:
            return next(d for d in found if d.spdx is not None)
        return _none(f"urls {', '.join(url_key(p) for p in parts)}: no single license")
    return _detect_one_url(policy, url)


def _detect_one_url(policy: LicensePolicy, url: str) -> Detection:
    key = url_key(url)
    if key in policy.url_exact:
        return Detection(policy.url_exact[key], 1.0, f"url {key}: known terms page", weak=True)
    for pattern, template in policy.url_rules:
        match = re.match(pattern, key)
        if match is None:
            continue
        spdx = policy.normalise(template.format(match.group(0), *match.groups()))
        if spdx is not None:
            return Detection(spdx, 0.95, f"url {key}: license deed of {spdx}")
    return _none(f"url {key}: not a recognised license page")


def _named(policy: LicensePolicy, normal: str) -> str | None:
    spdx = policy.names.get(normal)
    return None if spdx is None else policy.normalise(spdx)


def _known_names(policy: LicensePolicy) -> dict[str, str]:
    """Every name or paraphrase (normalised) that maps to an SPDX expression."""
    names = {p: policy.names.get(normal_name(c)) for p, c in policy.paraphrases.items()}
    return {n: s for n, s in {**names, **policy.names}.items() if s is not None}


def _contained(policy: LicensePolicy, text: str) -> Detection:
    lowered = normal_name(text)
    found: dict[str, str] = {}
    for name, spdx in _known_names(policy).items():
        usable = len(name) >= MIN_CONTAINED_NAME and name not in policy.unmappable_mentions
        if usable and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered):
            found[name] = spdx
    spdx_found = {n for n in (policy.normalise(s) for s in found.values()) if n is not None}
    if len(spdx_found) == 1:
        spdx = spdx_found.pop()
        names_seen = ", ".join(sorted(found))
        return Detection(spdx, CONTAINED_CONFIDENCE, f"mention contains '{names_seen}'", True)
    if spdx_found:
        return _none(f"mention names several licenses: {', '.join(sorted(map(str, spdx_found)))}")
    return _none(f"mention '{text[:80]}' not recognised")


def detect_from_mention(policy: LicensePolicy, text: str) -> Detection:
    normal = normal_name(text)
    if not normal:
        return _none("empty mention")
    if normal in policy.unmappable_mentions:
        return _none(f"mention '{text}' names no specific license")
    named = _named(policy, normal)
    if named is not None:
        return Detection(named, 1.0, f"mention '{text}': license name")
    spdx = policy.normalise(text)
    if spdx is not None:
        return Detection(spdx, 1.0, f"mention '{text}': SPDX expression")
    if re.match(r"^[a-z][a-z0-9+.\-]*://", normal):
        by_url = detect_from_url(policy, text)
        if by_url.spdx is not None:
            return by_url
    canonical = policy.paraphrases.get(normal)
    if canonical is not None and _named(policy, normal_name(canonical)) is not None:
        return Detection(
            _named(policy, normal_name(canonical)),
            0.9,
            f"mention '{text[:80]}': paraphrase of '{canonical}'",
        )
    return _contained(policy, text)


def detect_from_text(policy: LicensePolicy, text: str, name: str = "LICENSE") -> Detection:
    """Identify a full license text with askalono; the score is the confidence."""
    if not text.strip():
        return _none(f"{name} is empty")
    try:
        import askalono  # type: ignore[import-untyped]
    except ImportError:
        return _none(f"{name}: no license-text detector installed (pyaskalono)")
    match = askalono.identify(text)
    score = float(match.score)
    spdx = policy.normalise(match.name) if score >= policy.text_match_threshold else None
    if spdx is None:
        return Detection(None, score, f"{name}: not recognised (best {match.name} at {score:.2f})")
    return Detection(spdx, score, f"{name}: license text of {spdx} (score {score:.2f})")
