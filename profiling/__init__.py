"""Reads the lake: table discovery, Parquet footer statistics, per-column profiles and sketches."""
