"""`lakesift selection frontier` and `fit` from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jobs.cli import main


def test_frontier_reports_the_published_crossover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selection", "frontier", "--out", str(tmp_path / "plots"), "--budget", "128e6"]) == 0
    out = capsys.readouterr().out
    first = re.search(r"crossover at ([\d,.]+)M samples: top-1 pools -> top-2 pools", out)
    assert first is not None, out
    # The paper's choice: top-10% at 64M samples, top-20% at 128M, so the switch lies between.
    assert 64 < float(first.group(1).replace(",", "")) < 128
    assert (tmp_path / "plots" / "selection_frontier.vl.json").is_file()


def test_fit_writes_parameters_usable_by_frontier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # y(n) = (a n / 1e5)^b + d for a first pass over one pool (n <= pool size), a=0.025, d=0.1, b=-0.16
    rows = ["pool,samples_seen,error"]
    for n in (2e6, 4e6, 8e6, 12.8e6):
        rows.append(f"top,{n},{(0.025 * n / 1e5) ** -0.16 + 0.1}")
    csv = tmp_path / "m.csv"
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "fitted.json"
    assert main(["selection", "fit", str(csv), "--out", str(out)]) == 0
    fitted = json.loads(out.read_text())
    assert abs(fitted["pools"][0]["b"] - (-0.16)) < 0.006
    capsys.readouterr()
    assert main(["selection", "frontier", "--params", str(out), "--out", str(tmp_path / "p")]) == 0
