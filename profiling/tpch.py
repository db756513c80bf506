"""TPC-H base tables from the ``tpchgen-cli`` package (a self-contained generator, no network)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TPCH_TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")


def tpchgen_binary() -> str:
    local = Path(sys.executable).parent / "tpchgen-cli"
    found = str(local) if local.exists() else shutil.which("tpchgen-cli")
    if not found:
        raise RuntimeError("tpchgen-cli is not installed (pip install tpchgen-cli; it is in the 'bench' extra)")
    return found


def generate_tpch(scale_factor: float, cache_dir: Path) -> dict[str, Path]:
    """Parquet files of the eight TPC-H tables at ``scale_factor`` (generated once per folder)."""
    folder = cache_dir / f"sf{scale_factor:g}"
    files = {t: folder / f"{t}.parquet" for t in TPCH_TABLES}
    if not all(f.exists() for f in files.values()):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([tpchgen_binary(), "parquet", "-s", f"{scale_factor:g}", "-o", str(folder),
                        "--overwrite", "-n", "2"], check=True, capture_output=True)
    return files


def load_plain(path: Path) -> pa.Table:
    """A TPC-H table with view types replaced by plain ones (for re-writing derived tables)."""
    table = pq.read_table(path)
    fields = [pa.field(f.name, pa.string() if pa.types.is_string_view(f.type) else f.type)
              for f in table.schema]
    return table.cast(pa.schema(fields))
