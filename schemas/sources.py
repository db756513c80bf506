"""Pydantic model of the sources registry (a YAML file naming every source and its license).

```yaml
version: 1
sources:
  - id: wiki_en
    uri: s3://lake/raw/wiki_en/
    revision: "2024-05-01"
    license:
      spdx: CC-BY-SA-4.0                 # SPDX id or expression
      mention: "CC BY-SA 4.0"            # free text as found next to the data
      url: https://creativecommons.org/licenses/by-sa/4.0/
      file: LICENSE                      # LICENSE/README next to the data
  - id: chat_synth
    uri: s3://lake/raw/chat_synth/
    license:
      spdx: MIT
      terms: [OpenAI]                    # model/API terms that apply to generated data
policy_overrides:                        # optional: extra or changed policy entries
  licenses:
    LicenseRef-acme-data:
      use: non-commercial
      attribution: true
```

Every evidence field is optional; a source without any recognised evidence gets the most
restrictive use class and a review flag. URIs must be stored sanitised (no user info, query or
fragment); the loader (``provenance.sources``) sanitises them before validation.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.provenance import USE_CLASSES

SOURCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$")
UseClassName = Literal["commercial", "unspecified", "non-commercial", "academic-only"]
assert tuple(UseClassName.__args__) == USE_CLASSES  # type: ignore[attr-defined]

# Phrases of the notice an output ships with; shared by the attribution report (operators) and
# the lineage license summary (provenance), which may not import each other.
NOTICE_HEAD = "Contains material from {sources} used under {spdx}."
NOTICE_ATTRIBUTION = " Credit the listed sources (attribution required)."
NOTICE_SHARE_ALIKE = " Adaptations must be shared under the same license (share-alike)."
NOTICE_NO_DERIVATIVES = " Do not distribute modified versions (no-derivatives)."
NOTICE_REVIEW = " License evidence is unknown or conflicting: review before use."


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LicenseEvidence(_Strict):
    """What is known about a source's license. Items are compared: disagreement is a conflict."""

    spdx: str | None = Field(default=None, description="SPDX license id or expression")
    mention: str | None = Field(default=None, description="free-text license mention")
    url: str | None = Field(default=None, description="URL of the license text or deed")
    file: str | None = Field(default=None, description="LICENSE/README path next to the data")
    terms: list[str] = Field(
        default_factory=list,
        description="model/API terms that also apply (e.g. OpenAI for generated data)",
    )
    notes: str = Field(default="", description="free notes for reviewers")

    def is_empty(self) -> bool:
        return not (self.spdx or self.mention or self.url or self.file or self.terms)


class Source(_Strict):
    """One source of data."""

    id: str = Field(description="stable id used in the _src_ids provenance column")
    uri: str = Field(description="location of the data (sanitised: no user info or query)")
    revision: str | None = Field(default=None, description="revision, snapshot id or date")
    license: LicenseEvidence = Field(default_factory=LicenseEvidence)
    description: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not SOURCE_ID_RE.match(value):
            raise ValueError(f"'{value}' is not a valid source id (letters, digits, '_.:-')")
        return value

    @field_validator("uri")
    @classmethod
    def _uri_is_sanitised(cls, value: str) -> str:
        authority = value.split("://", 1)[1].split("/", 1)[0] if "://" in value else ""
        if "?" in value or "#" in value or (":" in authority.split("@")[0] and "@" in authority):
            raise ValueError(
                "uri still carries a query, fragment or credentials: sanitise it first"
            )
        return value


class LicenseTerms(_Strict):
    """One entry of the license policy: what a license allows and requires."""

    use: UseClassName
    attribution: bool = False
    share_alike: bool = False
    no_derivatives: bool = False
    review: bool = False
    family: str | None = Field(default=None, description="share-alike family, e.g. CC-BY-SA, GPL")
    cite: list[str] = Field(default_factory=list)
    note: str = ""


class PolicyOverrides(_Strict):
    """Changes to the shipped license policy: new or replaced license entries and names."""

    licenses: dict[str, LicenseTerms] = Field(default_factory=dict)
    names: dict[str, str] = Field(
        default_factory=dict, description="license name or mention -> SPDX expression"
    )


class SourcesRegistry(_Strict):
    """The registry file."""

    version: Literal[1] = 1
    sources: list[Source] = Field(default_factory=list)
    policy_overrides: PolicyOverrides | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesRegistry:
        ids = [s.id for s in self.sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"source ids must be unique: {', '.join(dupes)}")
        return self

    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}
