"""License policy: SPDX semantics, evidence detection, conflicts, overrides, the shipped table."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.classify import classify_evidence
from provenance.detect import detect_from_mention, detect_from_text
from provenance.policy import DEFAULT_POLICY_FILE, LicensePolicy, load_policy
from schemas.sources import LicenseEvidence


@pytest.fixture(scope="module")
def policy() -> LicensePolicy:
    return load_policy()


def test_and_takes_the_most_restrictive_part(policy: LicensePolicy) -> None:
    v = policy.verdict_for_expression("mit AND cc-by-nc-4.0")
    assert (v.use_class, v.attribution, v.share_alike, v.review) == (
        "non-commercial",
        True,
        False,
        False,
    )
    assert v.spdx == "CC-BY-NC-4.0 AND MIT" and v.chosen_alternative is None


def test_or_takes_the_least_restrictive_alternative_and_records_it(policy: LicensePolicy) -> None:
    v = policy.verdict_for_expression("GPL-3.0-only OR MIT")
    assert (v.use_class, v.share_alike, v.chosen_alternative) == ("commercial", False, "MIT")
    assert v.spdx == "GPL-3.0-only OR MIT" and any("chose MIT" in r for r in v.reasons)
    nested = policy.verdict_for_expression("(CC-BY-NC-4.0 OR MIT) AND CC-BY-SA-4.0")
    assert (nested.use_class, nested.share_alike) == ("commercial", True)
    assert nested.effective_spdx == "CC-BY-SA-4.0 AND MIT"


def test_or_between_equal_classes_prefers_fewer_obligations(policy: LicensePolicy) -> None:
    assert policy.verdict_for_expression("CC-BY-SA-4.0 OR CC0-1.0").chosen_alternative == "CC0-1.0"


def test_with_exception_uses_the_base_license(policy: LicensePolicy) -> None:
    v = policy.verdict_for_expression("GPL-2.0-only WITH Classpath-exception-2.0")
    assert (v.use_class, v.share_alike) == ("commercial", True)


@pytest.mark.parametrize(
    "expression", ["Beerware", "not a license ((", "mit or", "", "AND", "MIT WITH"]
)
def test_unknown_or_broken_expressions_are_most_restrictive_with_review(
    policy: LicensePolicy, expression: str
) -> None:
    v = policy.verdict_for_expression(expression)
    assert (v.use_class, v.review) == ("academic-only", True)


def test_an_unknown_alternative_does_not_block_a_known_one(policy: LicensePolicy) -> None:
    v = policy.verdict_for_expression("MIT OR Beerware")
    assert (v.use_class, v.chosen_alternative, v.review) == ("commercial", "MIT", False)


def test_agreeing_evidence_is_not_flagged(policy: LicensePolicy) -> None:
    v = classify_evidence(
        policy,
        LicenseEvidence(
            spdx="CC-BY-4.0",
            mention="Creative Commons Attribution 4.0 International",
            url="https://creativecommons.org/licenses/by/4.0/legalcode",
        ),
    )
    assert (v.spdx, v.use_class, v.review, v.confidence) == ("CC-BY-4.0", "commercial", False, 1.0)


def test_conflicting_evidence_is_most_restrictive_with_review(policy: LicensePolicy) -> None:
    evidence = LicenseEvidence(spdx="MIT", url="https://creativecommons.org/licenses/by-nc/4.0/")
    v = classify_evidence(policy, evidence)
    assert (v.use_class, v.review) == ("academic-only", True)
    assert any("conflicting evidence" in r for r in v.reasons)
    lenient = dataclasses.replace(policy, on_conflict="strictest_candidate")
    assert classify_evidence(lenient, evidence).use_class == "non-commercial"


def test_known_terms_page_is_weak_and_placeholder_weakest(policy: LicensePolicy) -> None:
    page = "https://microsoft.github.io/msmarco/"  # custom terms the DPI classes non-commercial
    assert classify_evidence(policy, LicenseEvidence(url=page)).use_class == "non-commercial"
    assert (
        classify_evidence(policy, LicenseEvidence(mention="Custom", url=page)).use_class
        == "non-commercial"
    )
    named = classify_evidence(policy, LicenseEvidence(mention="MIT License", url=page))
    assert (named.use_class, named.review) == ("commercial", False)
    alone = classify_evidence(policy, LicenseEvidence(mention="Custom"))
    assert (alone.use_class, alone.review) == ("academic-only", True)


def test_mentions_resolve_through_names_ids_paraphrases_and_urls(policy: LicensePolicy) -> None:
    assert detect_from_mention(policy, "Apache License 2.0").spdx == "Apache-2.0"
    assert detect_from_mention(policy, "cc-by-nc-sa-4.0").spdx == "CC-BY-NC-SA-4.0"
    assert (
        detect_from_mention(policy, "Attribution-ShareAlike 4.0 International").spdx
        == "CC-BY-SA-4.0"
    )
    assert (
        detect_from_mention(policy, "https://creativecommons.org/licenses/by-nd/4.0/").spdx
        == "CC-BY-ND-4.0"
    )
    # The DPI paraphrases 'cc-by-2.0' as CC BY 3.0; the SPDX id is read literally first.
    assert detect_from_mention(policy, "cc-by-2.0").spdx == "CC-BY-2.0"


def test_a_mention_containing_one_license_name_is_accepted_with_review(
    policy: LicensePolicy,
) -> None:
    text = (
        "This corpus is released under the Creative Commons Attribution 4.0 International License."
    )
    found = detect_from_mention(policy, text)
    assert (found.spdx, found.review, found.confidence) == ("CC-BY-4.0", True, 0.6)
    two = "Parts under CC BY-SA 4.0, other parts under the MIT License."
    assert detect_from_mention(policy, two).spdx is None


@pytest.mark.parametrize(
    "generic", ["Creative Commons", "cc", "Modified MIT License", "Unknwon-ish license"]
)
def test_generic_mentions_are_never_a_permissive_guess(policy: LicensePolicy, generic: str) -> None:
    v = classify_evidence(policy, LicenseEvidence(mention=generic))
    assert (v.use_class, v.review) == ("academic-only", True)


def test_license_text_detection_records_confidence(
    policy: LicensePolicy, dpi_fixtures: Path
) -> None:
    apache = (dpi_fixtures / "LICENSE").read_text()
    found = detect_from_text(policy, apache)
    assert found.spdx == "Apache-2.0" and found.confidence is not None and found.confidence >= 0.9
    partial = detect_from_text(policy, apache[:400])
    assert partial.spdx is None and partial.confidence is not None and partial.confidence < 0.9
    v = classify_evidence(
        policy, LicenseEvidence(file="LICENSE"), "Have fun with this data, cite us."
    )
    assert (v.use_class, v.review) == ("academic-only", True)


def test_model_terms_apply_on_top_of_the_license(policy: LicensePolicy) -> None:
    v = classify_evidence(policy, LicenseEvidence(spdx="Apache-2.0", terms=["OpenAI"]))
    assert (v.use_class, v.review) == ("non-commercial", True)
    assert v.spdx == "Apache-2.0 AND LicenseRef-lakesift-openai-terms"
    unknown = classify_evidence(policy, LicenseEvidence(spdx="MIT", terms=["SomeModelCo terms"]))
    assert (unknown.use_class, unknown.review) == ("academic-only", True)


def test_overrides_change_and_add_entries() -> None:
    changed = load_policy(
        {"licenses": {"MIT": {"use": "non-commercial"}}, "names": {"Acme Data Terms": "MIT"}}
    )
    assert changed.verdict_for_expression("MIT").use_class == "non-commercial"
    assert detect_from_mention(changed, "acme data terms").spdx == "MIT"
    assert changed.version == "1+overrides"
    assert load_policy().verdict_for_expression("MIT").use_class == "commercial"


def test_the_shipped_table_is_versioned_cited_and_consistent(policy: LicensePolicy) -> None:
    table = json.loads(DEFAULT_POLICY_FILE.read_text())
    assert table["version"] == "1"
    cited = {c for entry in table["licenses"].values() for c in entry["cite"]}
    assert cited <= set(table["citations"]) and all(e["cite"] for e in table["licenses"].values())
    assert set(table["names"].values()) <= set(table["licenses"])
    for key in table["licenses"]:
        assert policy.normalise(key) == key
    sa_without_family = [
        k
        for k, e in table["licenses"].items()
        if e["share_alike"] and not e.get("family") and not e.get("review")
    ]
    assert sa_without_family == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_mentions_never_crash(text: str) -> None:
    v = classify_evidence(load_policy(), LicenseEvidence(mention=text))
    assert 0 <= v.rank <= 3
    if v.reasons and v.reasons[0].startswith("no recognised license evidence"):
        assert (v.use_class, v.review) == ("academic-only", True)
