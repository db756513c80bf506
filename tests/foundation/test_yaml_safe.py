"""Strict YAML: tags, anchors/aliases and duplicate keys are refused fast, with a line number."""

from __future__ import annotations

import time

import pytest

from schemas.errors import RecipeError
from schemas.yaml_safe import format_path, line_of, load_yaml


def test_python_tag_rejected() -> None:
    text = "name: x\nsteps: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(RecipeError) as err:
        load_yaml(text)
    assert "tag" in str(err.value) and "line 2" in str(err.value)


def test_custom_tag_rejected() -> None:
    with pytest.raises(RecipeError, match="tag"):
        load_yaml("a: !secret value\n")


def test_alias_bomb_rejected_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.monotonic()
    with pytest.raises(RecipeError, match="anchor|alias"):
        load_yaml("\n".join(lines))
    assert time.monotonic() - started < 1.0


def test_plain_alias_rejected() -> None:
    with pytest.raises(RecipeError, match="alias|anchor"):
        load_yaml("x: &base {a: 1}\ny: *base\n")


def test_duplicate_key_rejected_with_line() -> None:
    with pytest.raises(RecipeError) as err:
        load_yaml("name: a\nsteps: []\nname: b\n")
    assert "duplicate key 'name'" in str(err.value) and "line 3" in str(err.value)


def test_lines_are_tracked() -> None:
    data, lines = load_yaml("name: a\nsteps:\n  - op: x\n    config:\n      k: 1\n")
    assert data == {"name": "a", "steps": [{"op": "x", "config": {"k": 1}}]}
    assert line_of(lines, ("steps", 0, "config", "k")) == 5
    assert line_of(lines, ("steps", 0, "config", "missing")) == 4
    assert format_path(("steps", 0, "config")) == "steps[0].config"


def test_dates_stay_strings() -> None:
    data, _ = load_yaml("d: 2024-01-01\n")
    assert data == {"d": "2024-01-01"}


def test_yaml11_words_stay_strings() -> None:
    data, _ = load_yaml("on: [id]\nflag: yes\nreal: true\n")
    assert data == {"on": ["id"], "flag": "yes", "real": True}
