"""The demo lake of ``recipes/find_redundancy.yaml``: a small generated lake with known redundancy.

Built with ``profiling.testlake`` (TPC-H at scale factor 0.01 plus derived copies, subsets,
projections, hard negatives, CSV/JSON copies, empty and broken tables), so a demo run shows every
verdict and quarantine reason.
"""

from __future__ import annotations

from pathlib import Path

from profiling.testlake import BuiltLake, build_test_lake


def build_demo_lake(root: Path, n_tables: int = 36, seed: int = 5) -> BuiltLake:
    """Write the demo lake under ``root`` (emptied first); the TPC-H cache sits beside it."""
    root = Path(root)
    return build_test_lake(root, n_tables=n_tables, scale_factor=0.01, seed=seed,
                           tpch_cache=root.parent / ".tpch-cache", faults=True)
