"""Sources registry, license policy, row-level provenance columns, lineage writers, URI sanitising."""
