"""Sources registry: strict YAML, strict model, SPDX validation, every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.cli_views import sources_check_rows
from provenance.sources import classify_sources, load_sources, parse_sources
from schemas.errors import RecipeError

GOOD = """\
version: 1
sources:
  - id: wiki_en
    uri: s3://lake/raw/wiki_en/
    revision: "2024-05-01"
    license:
      spdx: CC-BY-SA-4.0
      url: https://creativecommons.org/licenses/by-sa/4.0/
  - id: chat_synth
    uri: https://token@hub.example/chat?sig=SECRET
    license:
      mention: Apache 2.0
      terms: [OpenAI]
  - id: scraped
    uri: /lake/raw/scraped
"""


def problems_of(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(RecipeError) as info:
        parse_sources(text, "sources.yaml")
    return [(p.where, p.line, p.message) for p in info.value.problems]


def test_a_good_registry_loads_with_sanitised_uris() -> None:
    registry, notes = parse_sources(GOOD)
    assert [s.id for s in registry.sources] == ["wiki_en", "chat_synth", "scraped"]
    assert registry.sources[1].uri == "https://hub.example/chat"
    assert "SECRET" not in repr(registry) and "token" not in repr(registry)
    assert notes == ["sources[1].uri: user info, query or fragment removed"]


def test_yaml_alias_is_rejected_with_line() -> None:
    text = "version: 1\nbase: &b {id: x, uri: /a}\nsources:\n  - *b\n"
    (_where, line, message) = problems_of(text)[0]
    assert "anchor" in message or "alias" in message
    assert line == 2


def test_python_tag_is_rejected() -> None:
    text = "version: 1\nsources:\n  - id: x\n    uri: !!python/object/apply:os.system ['echo hi']\n"
    (_, line, message) = problems_of(text)[0]
    assert "python/object/apply:os.system" in message and "not allowed" in message
    assert line == 4


def test_duplicate_key_is_rejected_with_its_path() -> None:
    text = "version: 1\nsources:\n  - id: x\n    uri: /a\n    uri: /b\n"
    assert problems_of(text) == [("sources[0]", 5, "duplicate key 'uri'")]


def test_unknown_field_and_bad_spdx_are_all_reported_at_once() -> None:
    text = (
        "version: 1\n"
        "sources:\n"
        "  - id: ok\n    uri: /a\n    license: {spdx: MIT}\n"
        "  - id: typo\n    uri: /b\n    licence: {spdx: MIT}\n"
        "  - id: bad\n    uri: /c\n    license:\n      spdx: MIT-Foo-9.9 AND\n"
    )
    found = problems_of(text)
    assert ("sources[1].licence", 8, "unknown field 'licence'") in found
    spdx = [p for p in found if p[0] == "sources[2].license.spdx"]
    assert len(spdx) == 1 and spdx[0][1] == 12 and "not a valid SPDX expression" in spdx[0][2]
    assert len(found) == 2


def test_bad_source_id_and_duplicate_ids() -> None:
    text = "sources:\n  - {id: 'has space', uri: /a}\n  - {id: x, uri: /b}\n  - {id: x, uri: /c}\n"
    found = problems_of(text)
    assert any(p[0] == "sources[0].id" and "not a valid source id" in p[2] for p in found)
    assert ("sources[2].id", 4, "duplicate source id 'x' (first at sources[1])") in found
    assert len(found) == 2


def test_not_yaml_at_all() -> None:
    (where, _line, message) = problems_of("sources: [\n")[0]
    assert where == "sources.yaml" and "not valid YAML" in message


def test_sources_check_rows_classify_every_source() -> None:
    registry, notes = parse_sources(GOOD)
    rows = {r["source"]: r for r in sources_check_rows(classify_sources(registry, notes))}
    assert (rows["wiki_en"]["use_class"], rows["wiki_en"]["review"]) == ("commercial", "")
    assert rows["wiki_en"]["flags"] == "attribution,share-alike"
    assert rows["chat_synth"]["use_class"] == "non-commercial"  # Apache-2.0 AND OpenAI terms
    assert rows["chat_synth"]["review"] == "REVIEW" and "user info" in rows["chat_synth"]["reasons"]
    assert (rows["scraped"]["use_class"], rows["scraped"]["review"]) == ("academic-only", "REVIEW")


def test_policy_overrides_in_the_registry_define_new_terms() -> None:
    text = GOOD + (
        "  - id: acme\n    uri: /lake/acme\n    license: {spdx: LicenseRef-acme-data}\n"
        "policy_overrides:\n  licenses:\n    LicenseRef-acme-data: {use: non-commercial, attribution: true}\n"
    )
    registry, notes = parse_sources(text)
    loaded = classify_sources(registry, notes)
    verdict = loaded.verdict("acme")
    assert (verdict.use_class, verdict.attribution, verdict.review) == (
        "non-commercial",
        True,
        False,
    )
    with pytest.raises(RecipeError):  # without the override the key is unknown
        parse_sources(text.split("policy_overrides:")[0])


def test_load_sources_reads_license_files_inside_the_registry_folder(tmp_path: Path) -> None:
    mit = (
        "MIT License\n\nCopyright (c) 2024 Example\n\nPermission is hereby granted, free of charge, "
        "to any person obtaining a copy\nof this software and associated documentation files (the "
        '"Software"), to deal\nin the Software without restriction, including without limitation '
        "the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
        "copies of the Software, and to permit persons to whom the Software is\nfurnished to do so, "
        "subject to the following conditions:\n\nThe above copyright notice and this permission "
        "notice shall be included in all\ncopies or substantial portions of the Software.\n\n"
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, '
        "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR "
        "PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE "
        "FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR "
        "OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER "
        "DEALINGS IN THE\nSOFTWARE.\n"
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "LICENSE").write_text(mit)
    (tmp_path.parent / "outside_LICENSE").write_text(mit)
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n  - {id: a, uri: /d, license: {file: data/LICENSE}}\n"
        "  - {id: b, uri: /d, license: {file: ../outside_LICENSE}}\n"
    )
    loaded = load_sources(registry)
    assert (loaded.verdict("a").spdx, loaded.verdict("a").use_class) == ("MIT", "commercial")
    assert loaded.verdict("a").confidence is not None and loaded.verdict("a").confidence > 0.9
    assert (loaded.verdict("b").use_class, loaded.verdict("b").review) == ("academic-only", True)
    assert "b" in loaded and "zzz" not in loaded


def test_policy_override_file_is_validated_strictly() -> None:
    from provenance.policy import load_policy
    from provenance.sources import parse_policy_overrides

    text = "licenses:\n  LicenseRef-acme: {use: academic-only, review: true}\nnames:\n  Acme terms: LicenseRef-acme\n"
    policy = load_policy(parse_policy_overrides(text))
    assert policy.verdict_for_expression("LicenseRef-acme").use_class == "academic-only"
    with pytest.raises(RecipeError) as info:
        parse_policy_overrides("licenses:\n  MIT: {use: free-for-all}\n")
    assert info.value.problems[0].where == "licenses.MIT.use"
    with pytest.raises(RecipeError):
        parse_policy_overrides("names:\n  x: Not-A-License-Key\n")
