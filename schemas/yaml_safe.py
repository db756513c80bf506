"""Strict YAML loading: safe types only, no tags, no anchors or aliases, no duplicate keys.

Returns the data and a map from YAML paths (tuples of keys and indexes) to 1-based line numbers,
so validation errors can point at the line a user must fix.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schemas.errors import Problem, RecipeError

MAX_YAML_BYTES = 1_000_000
_BASE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_BASE}{t}" for t in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = f"{_BASE}timestamp"
Path_ = tuple[str | int, ...]


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors and aliases as soon as the parser sees them (alias bombs stop at once)."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise RecipeError("YAML aliases are not allowed", [Problem("alias '*' is not allowed", line=line)])
        if getattr(event, "anchor", None):
            raise RecipeError("YAML anchors are not allowed", [Problem("anchor '&' is not allowed", line=line)])
        return super().compose_node(parent, index)


def format_path(path: Path_) -> str:
    """``('steps', 1, 'config')`` -> ``steps[1].config``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}


def _scalar(node: ScalarNode, constructor: yaml.constructor.SafeConstructor) -> Any:
    if node.tag == _TIMESTAMP:
        return node.value
    if node.tag == f"{_BASE}bool" and node.value.lower() in _YAML11_WORDS:
        return node.value  # YAML 1.2 semantics: only true/false are booleans (``on:`` stays a key)
    if node.tag not in _SCALAR_TAGS:
        raise RecipeError(
            "YAML tags are not allowed",
            [Problem(f"tag '{node.tag}' is not allowed", line=node.start_mark.line + 1)],
        )
    return constructor.construct_object(node, deep=True)


class _Builder:
    def __init__(self, where: str) -> None:
        self.where = where
        self.lines: dict[Path_, int] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            self._check_tag(node, "seq")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return _scalar(node, self.constructor)  # type: ignore[arg-type]

    def _check_tag(self, node: Node, kind: str) -> None:
        if node.tag != f"{_BASE}{kind}":
            line = node.start_mark.line + 1
            raise RecipeError("YAML tags are not allowed", [Problem(f"tag '{node.tag}' is not allowed", line=line)])

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        self._check_tag(node, "map")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise RecipeError("bad key", [Problem("mapping keys must be plain scalars", format_path(path), key_node.start_mark.line + 1)])
            key = _scalar(key_node, self.constructor)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise RecipeError("bad key", [Problem("mapping keys must be plain scalars", format_path(path), key_node.start_mark.line + 1)])
            key = str(key)
            if key in out:
                line = key_node.start_mark.line + 1
                raise RecipeError("duplicate key", [Problem(f"duplicate key '{key}'", format_path(path), line)])
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out


def _located(exc: RecipeError, where: str) -> RecipeError:
    problems = [Problem(p.message, p.where or where, p.line) for p in exc.problems]
    return RecipeError(f"{where}: {exc.message}", problems)


def load_yaml(text: str, where: str = "<recipe>") -> tuple[Any, dict[Path_, int]]:
    """Parse YAML strictly; return ``(data, lines)``. Raises :class:`RecipeError`."""
    try:
        return _load(text, where)
    except RecipeError as exc:
        if exc.message.startswith(f"{where}:"):
            raise
        raise _located(exc, where) from None


def _load(text: str, where: str) -> tuple[Any, dict[Path_, int]]:
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        raise RecipeError(f"{where}: file is larger than {MAX_YAML_BYTES} bytes")
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RecipeError(f"{where}: not valid YAML", [Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", where, line)]) from None
    finally:
        loader.dispose()
    if node is None:
        return {}, {}
    builder = _Builder(where)
    data = builder.build(node, ())
    return data, builder.lines


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path`` or of its closest ancestor present in the file."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def parse_scalar(text: str) -> Any:
    """Parse a ``--set`` value with the same strict rules (so ``--set a=1`` gives an int)."""
    data, _ = load_yaml(text, "--set")
    return data
