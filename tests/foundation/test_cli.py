"""The lakesift CLI: exit codes, one line per problem, schema, listing, explain, sql."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from jobs.cli import main
from pipelines.introspect import recipe_json_schema
from pipelines.progress import Reporter
from pipelines.runner import run_recipe
from schemas.yaml_safe import load_yaml

from tests.foundation._recipes import build_tiny_lake

REPO = Path(__file__).resolve().parents[2]


def test_schema_validates_every_shipped_recipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", str(tmp_path / "schema.json")]) == 0
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert schema == json.loads(json.dumps(recipe_json_schema()))
    recipes = sorted((REPO / "recipes").glob("*.yaml"))
    checked = 0
    for path in recipes:
        data, _ = load_yaml(path.read_text())
        if "steps" in data or "inputs" in data:
            jsonschema.validate(data, schema)
            checked += 1
    assert checked >= 1
    bad = {"name": "x", "output": "o", "inputs": [{"name": "a", "path": "p"}], "steps": [{"op": "filter_rows", "config": {"exprr": "a"}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_list_operators_shows_config_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-operators"]) == 0
    out = capsys.readouterr().out
    assert "filter_rows  [filter" in out and "expr: str (required)" in out
    assert "sample_rows" in out and "fraction: float" in out


def test_explain_prints_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = build_tiny_lake(tmp_path)
    assert main(["explain", str(recipe)]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [s["step"] for s in plan["steps"]] == ["union_tables", "positive", "select_columns"]
    assert plan["steps"][1]["input"] == "union_tables"
    assert plan["inputs"][0]["path"] == str(tmp_path / "lake" / "orders")


def test_user_error_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: recipe not found")


def test_missing_input_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = build_tiny_lake(tmp_path)
    for f in (tmp_path / "lake" / "posts").iterdir():
        f.unlink()
    assert main(["run", str(recipe), "--quiet"]) == 2
    assert "input 'posts': no parquet files found" in capsys.readouterr().err


def test_corrupt_input_file_stops_with_its_name(spark: Any, tmp_path: Path) -> None:
    from schemas.errors import InputError

    recipe = build_tiny_lake(tmp_path)
    bad = tmp_path / "lake" / "orders" / "part-9.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 64)
    with pytest.raises(InputError) as err:
        run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    assert "part-9.parquet" in str(err.value) and "nothing was read or changed" in err.value.message
    assert bad.read_bytes().startswith(b"PAR1")  # the bad file is left as it was


def test_internal_error_exit_1_and_debug_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pipelines.recipe

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(pipelines.recipe, "load_recipe", boom)
    assert main(["validate", str(tmp_path / "r.yaml")]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaput" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "validate", str(tmp_path / "r.yaml")])


def test_sql_prints_a_table(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = build_tiny_lake(tmp_path)
    run_recipe(recipe, spark=spark, reporter=Reporter(quiet=True))
    assert main(["sql", str(tmp_path / "out"), "SELECT count(*) AS n FROM clean"]) == 0
    assert "3" in capsys.readouterr().out
    capsys.readouterr()
    assert main(["sql", str(tmp_path / "out"), "SELECT * FROM read_csv('/etc/passwd')"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: query failed") and "root:" not in err
