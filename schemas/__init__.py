"""Contracts of lakesift: recipe models, output table schemas, lineage JSON schemas."""
