"""The top-level packages are this repository's, and the layering holds."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("schemas", "operators", "profiling", "provenance", "pipelines", "jobs")


@pytest.mark.parametrize("name", PACKAGES)
def test_package_resolves_to_this_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == REPO / name


def test_layering_contract_holds() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(exe), "--config", str(REPO / "pyproject.toml")], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_layering_check_catches_a_violation(tmp_path: Path) -> None:
    """The checker is live: an operator importing pipelines is reported."""
    bad = REPO / "operators" / "_layering_probe.py"
    bad.write_text("import pipelines.runner  # deliberate violation for the test\n")
    try:
        exe = Path(sys.executable).with_name("lint-imports")
        out = subprocess.run([str(exe), "--config", str(REPO / "pyproject.toml"), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    finally:
        bad.unlink()
    assert out.returncode != 0
    assert "operators._layering_probe" in out.stdout
