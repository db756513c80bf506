"""Recipe loading and validation, planning, the runner, publishing and the DuckDB catalog."""
