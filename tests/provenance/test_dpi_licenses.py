"""The real Data Provenance Initiative annotations through the collection's rule and ours."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from provenance.classify import classify_evidence
from provenance.detect import url_key
from provenance.policy import LicensePolicy, LicenseVerdict, and_verdicts, load_policy
from schemas.provenance import USE_CLASSES
from schemas.sources import LicenseEvidence
from tests.provenance.dpi_fixture_records import (
    dpi_entry_rank,
    dpi_record_rank,
    load_class_tables,
    load_entries,
    load_records,
    summary_files,
)

# From the fixture README (computed there at commit ce6662d, not by lakesift).
README_AGGREGATE = {
    "commercial": 1118,
    "unspecified": 627,
    "non-commercial": 478,
    "academic-only": 87,
}
README_UNIQUE_IDS = 2310

# Every cause for which our SPDX-keyed policy classes a record differently from the collection.
EXPLAINED_CAUSES = {
    (
        "no_license",
    ): "The collection counts 'No License' (a repository without a license) as All/commercial; "
    "a missing grant gives no rights, so our policy says unspecified + review.",
    (
        "conflict",
        "GNU General Public License v3.0",
        "gnu.org/licenses/agpl-3.0",
    ): "Named GPL-3.0 but linked to the AGPL-3.0 text: conflicting evidence -> most restrictive "
    "class (academic-only) + review.",
    (
        "conflict",
        "CC BY-NC 4.0",
        "creativecommons.org/licenses/by-nc-sa/4.0",
    ): "Named CC BY-NC 4.0 but linked to the BY-NC-SA deed: conflicting evidence -> academic-only "
    "+ review.",
    (
        "conflict",
        "CC BY-SA 3.0",
        "creativecommons.org/licenses/by-sa/4.0/legalcode",
    ): "Named CC BY-SA 3.0 but linked to the 4.0 legal code: conflicting evidence -> "
    "academic-only + review.",
}


@pytest.fixture(scope="module")
def records(dpi_fixtures: Path) -> dict[str, dict[str, Any]]:
    return load_records(dpi_fixtures)


@pytest.fixture(scope="module")
def tables(dpi_fixtures: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    return load_class_tables(dpi_fixtures)


def evidence(entry: dict[str, Any]) -> LicenseEvidence:
    return LicenseEvidence(mention=entry["License"], url=entry["License URL"])


def test_records_are_read_from_every_file_and_deduplicated(dpi_fixtures: Path) -> None:
    names = [p.name for p in summary_files(dpi_fixtures)]
    assert "_template.json" not in names
    assert {"PII-Masking-200k.json", "PII-masking-200k.json"} <= set(names)
    assert any(" " in n for n in names) and any("(" in n for n in names)
    entries = load_entries(dpi_fixtures)
    ids = Counter(r["Unique Dataset Identifier"] for _, r in entries)
    assert len(ids) == README_UNIQUE_IDS
    assert {i for i, n in ids.items() if n > 1} == {"pii-masking-200k"}


def test_collection_rule_reproduces_readme_aggregate(records: dict[str, Any], tables: Any) -> None:
    counts = Counter(USE_CLASSES[dpi_record_rank(r, *tables)] for r in records.values())
    assert dict(counts) == README_AGGREGATE


def _our_record_verdict(
    policy: LicensePolicy, record: dict[str, Any]
) -> tuple[LicenseVerdict, list[LicenseVerdict]]:
    per_entry = [classify_evidence(policy, evidence(e)) for e in record["Licenses"]]
    return and_verdicts(per_entry), per_entry


def _entry_cause(entry: dict[str, Any], verdict: LicenseVerdict) -> tuple[str, ...]:
    if any("conflicting evidence" in reason for reason in verdict.reasons):
        return ("conflict", entry["License"], url_key(entry["License URL"] or ""))
    if entry["License"] == "No License":
        return ("no_license",)
    return ("unexplained", entry["License"], str(entry["License URL"]), "; ".join(verdict.reasons))


Verdicts = dict[str, tuple[LicenseVerdict, list[LicenseVerdict]]]


@pytest.fixture(scope="module")
def ours(records: dict[str, Any]) -> Verdicts:
    """Our verdict of every record (and of each of its license entries)."""
    policy = load_policy()
    return {uid: _our_record_verdict(policy, r) for uid, r in records.items()}


@pytest.fixture(scope="module")
def differences(
    records: dict[str, Any], tables: Any, ours: Verdicts
) -> dict[tuple[str, ...], list[str]]:
    """Cause -> ids of records whose class differs because of it."""
    by_cause: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for uid, record in records.items():
        verdict, per_entry = ours[uid]
        if verdict.rank == dpi_record_rank(record, *tables):
            continue
        causes = {
            _entry_cause(e, v)
            for e, v in zip(record["Licenses"], per_entry)
            if v.rank != dpi_entry_rank(e, *tables)
        }
        for cause in causes or {("unexplained", uid, "no entry differs")}:
            by_cause[cause].append(uid)
    return dict(by_cause)


def test_every_class_difference_is_explained(differences: dict[tuple[str, ...], list[str]]) -> None:
    listing = "\n".join(
        f"{cause}: {len(ids)} records, e.g. {sorted(ids)[:3]}"
        for cause, ids in sorted(differences.items())
    )
    print("records whose use class differs from the collection's, by cause:\n" + listing)
    assert set(differences) == set(EXPLAINED_CAUSES), listing


def test_our_policy_is_never_more_permissive_than_the_collection(
    records: dict[str, Any], tables: Any, ours: Verdicts
) -> None:
    looser = [uid for uid, r in records.items() if ours[uid][0].rank < dpi_record_rank(r, *tables)]
    assert looser == []


def test_differing_records_are_flagged_for_review(
    ours: Verdicts, differences: dict[tuple[str, ...], list[str]]
) -> None:
    differing = {uid for ids in differences.values() for uid in ids}
    assert differing, "the comparison found no difference at all: the test would prove nothing"
    assert [uid for uid in differing if not ours[uid][0].review] == []


def test_every_paraphrase_resolves_to_the_collection_class_or_an_explained_exception(
    dpi_fixtures: Path,
) -> None:
    import json

    from provenance.detect import detect_from_mention

    policy = load_policy()
    named, _ = load_class_tables(dpi_fixtures)
    paraphrases = json.loads((dpi_fixtures / "license_paraphrases.json").read_text())
    # Generic mentions the collection maps to CC0 or MIT although they name no specific license,
    # and 'ms-pl' which is the SPDX id of the Microsoft Public License (read literally).
    exceptions = {
        "## creative commons",
        "creative commons",
        "creative commons legal code",
        "creative commons public license (ccpl)",
        "cc",
        "modified mit license",
        "ms-pl",
        "no license",
    }
    unexpected = []
    for canonical, phrases in paraphrases.items():
        if canonical not in named:  # 'Custom': its class depends on a URL
            continue
        expected = USE_CLASSES[dpi_entry_rank({"License": canonical, "License URL": ""}, named, {})]
        for phrase in [canonical, *phrases]:
            found = detect_from_mention(policy, phrase)
            got = (
                policy.verdict_for_expression(found.spdx).use_class
                if found.spdx
                else "academic-only"
            )
            if got != expected and phrase.casefold() not in exceptions:
                unexpected.append((canonical, phrase, got, expected))
    assert unexpected == []
