"""Build the zip that ``spark-submit --py-files`` ships to executors (the project's packages)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

PACKAGES = ("schemas", "operators", "profiling", "provenance", "pipelines", "jobs")
DATA_SUFFIXES = (".py", ".json", ".yaml", ".csv", ".txt")


def build_zip(dest: Path, root: Path | None = None) -> Path:
    root = root or Path(__file__).resolve().parents[1]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for pkg in PACKAGES:
            for f in sorted((root / pkg).rglob("*")):
                if f.is_file() and f.suffix in DATA_SUFFIXES and "__pycache__" not in f.parts:
                    zf.write(f, f.relative_to(root).as_posix())
    return dest


def main(argv: list[str]) -> int:
    dest = Path(argv[0] if argv else "dist/lakesift.zip")
    print(build_zip(dest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
