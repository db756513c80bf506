"""Recipe validation: every problem at once with its YAML path, paths policed, no JVM needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.recipe import load_recipe
from schemas.errors import RecipeError

REPO = Path(__file__).resolve().parents[2]

THREE_MISTAKES = """\
name: bad_recipe
output: out
inputs:
  - name: events
    path: data/events
steps:
  - op: filter_rowz
    config: {expr: "a > 1"}
  - op: select_columns
    config: {columns: [a], colour: blue}
  - op: sample_rows
    config: {fraction: 3}
"""


def _write(tmp_path: Path, text: str, name: str = "recipe.yaml") -> Path:
    (tmp_path / "data" / "events").mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_three_mistakes_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(RecipeError) as err:
        load_recipe(_write(tmp_path, THREE_MISTAKES))
    lines = err.value.lines()
    assert len(lines) == 3, lines
    assert any(l.startswith("steps[0].op (line 7)") and "did you mean 'filter_rows'" in l for l in lines)
    assert any(l.startswith("steps[1].config.colour (line 10)") and "unknown field" in l for l in lines)
    assert any(l.startswith("steps[2].config.fraction (line 12)") for l in lines)


def _env_without_java() -> dict[str, str]:
    env = dict(os.environ)
    env["JAVA_HOME"] = "/nonexistent-java"
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = f"{bindir}:/usr/local/sbin:/nonexistent"
    return env


def test_cli_validate_prints_all_problems_exit_2_without_java(tmp_path: Path) -> None:
    recipe = _write(tmp_path, THREE_MISTAKES)
    exe = Path(sys.executable).with_name("lakesift")
    out = subprocess.run([str(exe), "validate", str(recipe)], capture_output=True, text=True, env=_env_without_java(), timeout=120)
    assert out.returncode == 2, out.stderr
    errors = [l for l in out.stderr.splitlines() if l.startswith("error: ")]
    assert len(errors) == 3, out.stderr
    assert "steps[0].op" in errors[0] and "steps[1].config.colour" in out.stderr and "steps[2].config.fraction" in out.stderr


def test_cli_validate_ok_without_java(tmp_path: Path) -> None:
    recipe = _write(tmp_path, THREE_MISTAKES.replace("filter_rowz", "filter_rows").replace(", colour: blue", "").replace("fraction: 3", "fraction: 0.3"))
    exe = Path(sys.executable).with_name("lakesift")
    out = subprocess.run([str(exe), "validate", str(recipe)], capture_output=True, text=True, env=_env_without_java(), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ok: bad_recipe (3 steps)" in out.stdout


def test_path_escaping_allowed_roots_rejected(tmp_path: Path) -> None:
    text = THREE_MISTAKES.replace("data/events", "../../etc").replace("filter_rowz", "filter_rows")
    text = text.replace(", colour: blue", "").replace("fraction: 3", "fraction: 0.3")
    with pytest.raises(RecipeError) as err:
        load_recipe(_write(tmp_path, text))
    assert any("inputs[0].path" in l and "outside the allowed roots" in l for l in err.value.lines())


def test_symlink_escape_rejected(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("/etc")
    text = "name: r\noutput: out\ninputs:\n  - name: e\n    path: link/ssl\n"
    with pytest.raises(RecipeError, match="outside the allowed roots"):
        load_recipe(_write(tmp_path, text))


def test_env_interpolation_and_missing_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAKESIFT_TEST_MASTER", "local[1]")
    text = "name: r\noutput: out\nspark: {master: '${LAKESIFT_TEST_MASTER}'}\ninputs:\n  - {name: e, path: data/events}\n"
    assert load_recipe(_write(tmp_path, text)).recipe.spark.master == "local[1]"
    with pytest.raises(RecipeError, match="LAKESIFT_NOT_SET"):
        load_recipe(_write(tmp_path, text.replace("LAKESIFT_TEST_MASTER", "LAKESIFT_NOT_SET"), "b.yaml"))


def test_set_overrides_are_validated(tmp_path: Path) -> None:
    text = "name: r\noutput: out\ninputs:\n  - {name: e, path: data/events}\nsteps:\n  - op: sample_rows\n    config: {fraction: 0.5}\n"
    path = _write(tmp_path, text)
    compiled = load_recipe(path, ["steps.0.config.fraction=0.25", "seed=7"])
    assert compiled.steps[0].operator.config.fraction == 0.25  # type: ignore[attr-defined]
    assert compiled.recipe.seed == 7
    with pytest.raises(RecipeError, match="steps\\[0\\].config.fraction"):
        load_recipe(path, ["steps.0.config.fraction=2"])


def test_deployment_roots_cap_recipe_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAKESIFT_ALLOWED_ROOTS", str(tmp_path / "elsewhere"))
    text = "name: r\noutput: out\ninputs:\n  - {name: e, path: data/events}\n"
    with pytest.raises(RecipeError, match="allowed_roots"):
        load_recipe(_write(tmp_path, text))


def test_unknown_step_reference(tmp_path: Path) -> None:
    text = "name: r\noutput: out\ninputs:\n  - {name: e, path: data/events}\nsteps:\n  - op: sample_rows\n    input: nope\n    config: {fraction: 0.5}\n"
    with pytest.raises(RecipeError, match="unknown input 'nope'"):
        load_recipe(_write(tmp_path, text))
