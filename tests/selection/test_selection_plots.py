"""Selection plots: Vega-Lite specs and PNGs written to a folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from operators.selection.frontier import frontier
from operators.selection.parameter_sets import bundled
from pipelines.selection_plots import write_selection_plots

LAW = bundled("tmars_imagenet1k_utility")
STEMS = ["selection_error_curves", "selection_utility_decay", "selection_frontier"]


def _layer_values(spec: dict, field: str) -> list[dict]:
    """Inline data rows of every layer that has ``field``."""
    layers = spec.get("layer", [spec])
    rows = [row for layer in layers for row in layer.get("data", {}).get("values", [])]
    return [row for row in rows if field in row]


def test_writes_specs_and_pngs(tmp_path: Path) -> None:
    written = write_selection_plots(tmp_path, LAW, budget=128e6, points_per_decade=5)
    for stem in STEMS:
        spec = json.loads((tmp_path / f"{stem}.vl.json").read_text())
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        png = written[f"{stem}.png"].read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_error_curves_mark_the_choice_at_the_budget(tmp_path: Path) -> None:
    write_selection_plots(tmp_path, LAW, budget=128e6, points_per_decade=5)
    spec = json.loads((tmp_path / "selection_error_curves.vl.json").read_text())
    chosen = _layer_values(spec, "choice")
    assert len(chosen) == 1 and chosen[0]["samples_seen"] == 128e6
    assert chosen[0]["choice"].startswith("chosen at budget: top-2")
    candidates = {row["candidate"] for row in _layer_values(spec, "candidate")}
    assert len(candidates) == 4


def test_frontier_plot_shows_the_crossovers(tmp_path: Path) -> None:
    write_selection_plots(tmp_path, LAW, points_per_decade=5)
    spec = json.loads((tmp_path / "selection_frontier.vl.json").read_text())
    rules = _layer_values(spec, "crossover")
    expected = frontier(LAW, points_per_decade=5).crossovers
    assert [r["samples_seen"] for r in rules] == pytest.approx([c.samples_seen for c in expected])
    decay = json.loads((tmp_path / "selection_utility_decay.vl.json").read_text())
    rows = _layer_values(decay, "utility")
    top = [r for r in rows if r["pool"] == "top 0-10%"]
    half_life = 6.7272727272727275
    assert top[0]["utility"] == pytest.approx(0.16)
    assert top[7]["utility"] == pytest.approx(0.16 * 0.5 ** (7 / half_life))
