"""Loading and validating a sources registry (see :mod:`schemas.sources` for the format).

Strict YAML (no anchors, aliases, tags or duplicate keys), then the pydantic model (unknown
fields are errors), then SPDX validation of every ``license.spdx``: every problem is reported at
once in one :class:`RecipeError`, each with its YAML path (``sources[2].license.spdx``) and line.
URIs are sanitised before validation, so the raw form (which may hold credentials) is never kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provenance.classify import classify_registry
from provenance.policy import LicensePolicy, LicenseVerdict, load_policy
from provenance.uri import sanitize_uri
from schemas.errors import Problem, RecipeError
from schemas.sources import PolicyOverrides, SourcesRegistry
from schemas.yaml_safe import Path_ as YamlPath
from schemas.yaml_safe import format_path as render_path
from schemas.yaml_safe import line_of
from schemas.yaml_safe import load_yaml as load_strict_yaml

MAX_LICENSE_FILE_BYTES = 1_000_000


def _sanitise_uris(data: Any) -> list[str]:
    """Replace every ``sources[i].uri`` by its sanitised form in place; say where it changed."""
    notes = []
    sources = data.get("sources") if isinstance(data, dict) else None
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, dict) and isinstance(source.get("uri"), str):
            clean = sanitize_uri(source["uri"])
            if clean != source["uri"]:
                notes.append(f"sources[{i}].uri: user info, query or fragment removed")
            source["uri"] = clean
    return notes


def _pydantic_problems(exc: ValidationError, lines: dict[YamlPath, int]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        message = err["msg"]
        if not path and "source ids must be unique" in message:
            continue  # reported per duplicate, with its line, by _duplicate_ids
        if err["type"] == "extra_forbidden":
            message = f"unknown field '{path[-1]}'"
        problems.append(Problem(message, render_path(path), line_of(lines, path)))
    return problems


def _overrides(data: Any) -> PolicyOverrides | None:
    raw = data.get("policy_overrides") if isinstance(data, dict) else None
    try:
        return PolicyOverrides.model_validate(raw) if isinstance(raw, dict) else None
    except ValidationError:
        return None  # reported by the model validation


def _source_dicts(data: Any) -> list[tuple[int, dict[str, Any]]]:
    sources = data.get("sources") if isinstance(data, dict) else None
    return [
        (i, s)
        for i, s in enumerate(sources if isinstance(sources, list) else [])
        if isinstance(s, dict)
    ]


def _duplicate_ids(data: Any, lines: dict[YamlPath, int]) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, source in _source_dicts(data):
        sid = source.get("id")
        if isinstance(sid, str) and sid in first:
            path: YamlPath = ("sources", i, "id")
            problems.append(
                Problem(
                    f"duplicate source id '{sid}' (first at sources[{first[sid]}])",
                    render_path(path),
                    line_of(lines, path),
                )
            )
        elif isinstance(sid, str):
            first[sid] = i
    return problems


def _spdx_problems(data: Any, policy: LicensePolicy, lines: dict[YamlPath, int]) -> list[Problem]:
    problems = []
    for i, source in _source_dicts(data):
        lic = source.get("license")
        spdx = lic.get("spdx") if isinstance(lic, dict) else None
        if isinstance(spdx, str) and policy.normalise(spdx) is None:
            path: YamlPath = ("sources", i, "license", "spdx")
            problems.append(
                Problem(
                    f"'{spdx}' is not a valid SPDX expression (unknown key or bad syntax); use an SPDX "
                    "id, an expression such as 'MIT AND CC-BY-4.0', or a LicenseRef- key the policy defines",
                    render_path(path),
                    line_of(lines, path),
                )
            )
    return problems


def parse_sources(text: str, where: str = "sources.yaml") -> tuple[SourcesRegistry, list[str]]:
    """Validate a registry; return it and notes (e.g. URIs that were sanitised)."""
    data, lines = load_strict_yaml(text, where)
    if not isinstance(data, dict):
        raise RecipeError(
            f"{where}: a sources registry is a mapping", [Problem("expected a mapping", where, 1)]
        )
    notes = _sanitise_uris(data)
    problems: list[Problem] = []
    registry = None
    try:
        registry = SourcesRegistry.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, lines)
    problems += _duplicate_ids(data, lines)
    problems += _spdx_problems(data, load_policy(_overrides(data)), lines)
    if problems or registry is None:
        raise RecipeError(
            f"{where}: invalid sources registry ({len(problems)} problem(s))", problems
        )
    return registry, notes


def parse_policy_overrides(text: str, where: str = "policy_overrides.yaml") -> PolicyOverrides:
    """An override file (YAML or JSON: ``licenses:`` and ``names:``) for :func:`load_policy`."""
    data, lines = load_strict_yaml(text, where)
    try:
        overrides = PolicyOverrides.model_validate(data or {})
    except ValidationError as exc:
        raise RecipeError(
            f"{where}: invalid policy overrides", _pydantic_problems(exc, lines)
        ) from None
    policy = load_policy(overrides)
    bad = [k for k in overrides.names.values() if policy.normalise(k) is None]
    if bad:
        raise RecipeError(
            f"{where}: names map to invalid SPDX expressions",
            [Problem(f"'{k}' is not a valid SPDX expression", f"{where}: names") for k in bad],
        )
    return overrides


def read_license_file(base: Path, relative: str) -> str | None:
    """Text of a license file inside ``base`` (None if absent, too large or outside ``base``)."""
    path = (base / relative).resolve()
    if not path.is_relative_to(base.resolve()) or not path.is_file():
        return None
    if path.stat().st_size > MAX_LICENSE_FILE_BYTES:
        return None
    return path.read_text(encoding="utf-8", errors="replace")


@dataclass(frozen=True)
class LoadedSources:
    """A validated registry with the verdict of every source."""

    registry: SourcesRegistry
    policy: LicensePolicy
    verdicts: Mapping[str, LicenseVerdict]
    notes: tuple[str, ...] = ()
    file_texts: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.verdicts

    def __iter__(self) -> Iterator[str]:
        return iter(self.verdicts)

    def verdict(self, source_id: str) -> LicenseVerdict:
        return self.verdicts[source_id]


def classify_sources(
    registry: SourcesRegistry,
    notes: list[str] | tuple[str, ...] = (),
    file_texts: Mapping[str, str] | None = None,
) -> LoadedSources:
    """Classify every source of a parsed registry with the shipped policy plus its overrides."""
    policy = load_policy(registry.policy_overrides)
    texts = dict(file_texts or {})
    verdicts = classify_registry(policy, registry, texts)
    return LoadedSources(registry, policy, verdicts, tuple(notes), texts)


def load_sources(path: str | Path) -> LoadedSources:
    """Read, validate and classify a registry file. License files (``license.file``) are read
    relative to the registry's folder and never from outside it."""
    registry_path = Path(path)
    try:
        text = registry_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RecipeError(
            f"cannot read sources registry {registry_path.name}: {exc.strerror}"
        ) from None
    registry, notes = parse_sources(text, registry_path.name)
    base = registry_path.resolve().parent
    texts = {
        s.id: t
        for s in registry.sources
        if s.license.file
        for t in [read_license_file(base, s.license.file)]
        if t is not None
    }
    return classify_sources(registry, notes, texts)
