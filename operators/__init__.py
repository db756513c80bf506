"""Pure DataFrame -> DataFrame operators and their registry (no I/O, no Spark actions)."""
