"""Resolving each input's source and license verdict, and attaching row provenance columns."""

from __future__ import annotations

from typing import Any

from pipelines.recipe import CompiledRecipe
from schemas.recipe import InputSpec


class ProvenanceResolver:
    """Looks inputs up in the recipe's sources registry (if any) and classifies their license.

    An input without a registry entry is its own source with unknown license evidence, which the
    policy maps to the most restrictive class with a review flag.
    """

    def __init__(self, compiled: CompiledRecipe) -> None:
        from provenance.sources import load_sources

        self.registry = load_sources(compiled.sources_path) if compiled.sources_path else None

    def source_id(self, spec: InputSpec) -> str:
        return spec.source or spec.name

    def verdict(self, spec: InputSpec) -> Any:
        from provenance.policy import unknown_verdict

        sid = self.source_id(spec)
        if self.registry is None or sid not in self.registry:
            return unknown_verdict(f"source '{sid}' has no entry in a sources registry")
        return self.registry.verdict(sid)

    def attach(self, df: Any, spec: InputSpec) -> Any:
        from provenance.columns import attach_provenance

        mode = "file" if spec.format == "parquet" else "position"
        return attach_provenance(df, self.source_id(spec), self.verdict(spec), ref_mode=mode)
