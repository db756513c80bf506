"""Loading a recipe: strict YAML, ${ENV} interpolation, --set overrides, validation, compilation.

Everything is checked before any JVM starts, and every problem is reported at once with its YAML
path and line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from operators.base import Operator
from operators.registry import get_operator
from pipelines.paths import allowed_roots, check_path
from schemas.errors import LakesiftError, Problem, RecipeError
from schemas.recipe import Recipe
from schemas.yaml_safe import Path_, format_path, line_of, load_yaml, parse_scalar

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
LAKE_TABLES = ("table_profiles", "column_profiles", "quarantine")


@dataclass(frozen=True)
class CompiledStep:
    name: str
    op: str
    operator: Operator
    input: str | None
    index: int


@dataclass
class CompiledRecipe:
    """A validated recipe with resolved paths and instantiated operators."""

    path: Path
    recipe: Recipe
    roots: list[Path]
    steps: list[CompiledStep]
    sources_path: str | None = None
    lines: dict[Path_, int] = field(default_factory=dict)

    @property
    def output(self) -> Path:
        return Path(self.recipe.output)

    def canonical(self) -> dict[str, Any]:
        """The recipe's canonical form (run-id input): resolved model plus operator versions."""
        body = self.recipe.model_dump(mode="json", by_alias=True)
        body["_operators"] = [[s.name, s.op, s.operator.version] for s in self.steps]
        return body

    def fingerprint(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _interpolate(value: Any, path: Path_, problems: list[Problem], lines: dict[Path_, int]) -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, (*path, k), problems, lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, (*path, i), problems, lines) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        problems.append(Problem(f"environment variable '{name}' is not set", format_path(path), line_of(lines, path)))
        return m.group(0)

    return _ENV.sub(sub, value)


def _split_key(key: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in key.split(".")]


def apply_overrides(data: dict[str, Any], overrides: list[str], problems: list[Problem]) -> None:
    """Apply ``key.path=value`` overrides in place (values parsed as strict YAML scalars)."""
    for item in overrides:
        if "=" not in item:
            problems.append(Problem(f"--set '{item}' must look like key.path=value", "--set"))
            continue
        key, raw = item.split("=", 1)
        try:
            _set_path(data, _split_key(key.strip()), parse_scalar(raw))
        except (LakesiftError, KeyError, IndexError, TypeError) as exc:
            problems.append(Problem(f"--set '{key}': {exc}", "--set"))


def _set_path(node: Any, parts: list[str | int], value: Any) -> None:
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node.setdefault(str(part), {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[str(last)] = value


def _pydantic_problems(exc: ValidationError, prefix: Path_, lines: dict[Path_, int]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = (*prefix, *[p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field '{loc[-1]}'"
        out.append(Problem(msg, format_path(loc), line_of(lines, loc)))
    return out


def _inline_param_files(data: dict[str, Any], base: Path, lines: dict[Path_, int], problems: list[Problem]) -> None:
    """Replace ``params_file: x.json`` in a step config by ``params: <its JSON content>``."""
    steps = data.get("steps")
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        config = step.get("config") if isinstance(step, dict) else None
        if not isinstance(config, dict) or "params_file" not in config:
            continue
        where: Path_ = ("steps", i, "config", "params_file")
        try:
            roots = allowed_roots([str(r) for r in data.get("allowed_roots", [])], base)
            file = Path(check_path(str(config.pop("params_file")), base, roots, format_path(where)))
            config["params"] = json.loads(file.read_text(encoding="utf-8"))
        except (LakesiftError, OSError, ValueError) as exc:
            problems.append(Problem(f"cannot read parameters: {exc}", format_path(where), line_of(lines, where)))


def read_recipe_data(path: Path, overrides: list[str] | None) -> tuple[dict[str, Any], dict[Path_, int]]:
    if not path.is_file():
        raise RecipeError(f"recipe not found: {path}")
    data, lines = load_yaml(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: a recipe must be a YAML mapping")
    problems: list[Problem] = []
    data = _interpolate(data, (), problems, lines)
    apply_overrides(data, list(overrides or []), problems)
    _inline_param_files(data, path.parent, lines, problems)
    if problems:
        raise RecipeError(f"{path}: {len(problems)} problem(s)", problems)
    return data, lines


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> CompiledRecipe:
    """Load, validate and compile a recipe, reporting every problem at once."""
    path = Path(path).resolve()
    data, lines = read_recipe_data(path, overrides)
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(exc, (), lines)
        problems += _step_problems(data.get("steps"), lines)
        raise RecipeError(f"{path}: {len(problems)} problem(s)", problems) from None
    problems: list[Problem] = []
    steps = _compile_steps(recipe, lines, problems)
    recipe, roots, sources = _resolve_paths(recipe, path.parent, lines, problems)
    _check_references(recipe, steps, lines, problems)
    if problems:
        raise RecipeError(f"{path}: {len(problems)} problem(s)", problems)
    return CompiledRecipe(path, recipe, roots, steps, sources, lines)


def _step_problems(raw_steps: Any, lines: dict[Path_, int]) -> list[Problem]:
    """Operator-level problems of steps that are structurally fine (reported with model errors)."""
    problems: list[Problem] = []
    if not isinstance(raw_steps, list):
        return problems
    for i, raw in enumerate(raw_steps):
        if isinstance(raw, dict) and isinstance(raw.get("op"), str):
            _operator_for(raw["op"], raw.get("config") or {}, i, lines, problems)
    return problems


def _operator_for(op: str, config: Any, i: int, lines: dict[Path_, int], problems: list[Problem]) -> Operator | None:
    where: Path_ = ("steps", i, "op")
    try:
        cls = get_operator(op)
    except LakesiftError as exc:
        problems.append(Problem(exc.message, format_path(where), line_of(lines, where)))
        return None
    try:
        return cls(config if isinstance(config, dict) else {})
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, ("steps", i, "config"), lines))
    except LakesiftError as exc:
        problems.append(Problem(exc.message, format_path(("steps", i, "config")), line_of(lines, ("steps", i, "config"))))
    return None


def _compile_steps(recipe: Recipe, lines: dict[Path_, int], problems: list[Problem]) -> list[CompiledStep]:
    steps: list[CompiledStep] = []
    used: set[str] = set()
    for i, spec in enumerate(recipe.steps):
        operator = _operator_for(spec.op, spec.config, i, lines, problems)
        name = spec.name or _default_name(spec.op, used)
        if name in used:
            where: Path_ = ("steps", i, "name")
            problems.append(Problem(f"step name '{name}' is used twice", format_path(where), line_of(lines, where)))
        used.add(name)
        if operator is not None:
            steps.append(CompiledStep(name, spec.op, operator, spec.input, i))
    return steps


def _default_name(op: str, used: set[str]) -> str:
    name, n = op, 2
    while name in used:
        name, n = f"{op}_{n}", n + 1
    return name


def _resolve_paths(recipe: Recipe, base: Path, lines: dict[Path_, int], problems: list[Problem]) -> tuple[Recipe, list[Path], str | None]:
    try:
        roots = allowed_roots(recipe.allowed_roots, base)
    except LakesiftError as exc:
        problems.append(Problem(exc.message, "allowed_roots", line_of(lines, ("allowed_roots",))))
        return recipe, [], None

    def check(value: str, where: Path_) -> str:
        try:
            return check_path(value, base, roots, format_path(where))
        except LakesiftError as exc:
            problems.append(Problem(exc.message.split(": ", 1)[-1], format_path(where), line_of(lines, where)))
            return value

    output = check(recipe.output, ("output",))
    inputs = [i.model_copy(update={"path": check(i.path, ("inputs", n, "path"))}) for n, i in enumerate(recipe.inputs)]
    lake = recipe.lake.model_copy(update={"root": check(recipe.lake.root, ("lake", "root"))}) if recipe.lake else None
    sources = check(recipe.sources, ("sources",)) if recipe.sources else None
    updated = recipe.model_copy(update={"output": output, "inputs": inputs, "lake": lake, "sources": sources})
    return updated, roots, sources


def _check_references(recipe: Recipe, steps: list[CompiledStep], lines: dict[Path_, int], problems: list[Problem]) -> None:
    known = {i.name for i in recipe.inputs} | (set(LAKE_TABLES) if recipe.lake else set())
    for step in steps:
        if step.input is not None and not _ref_ok(step.input, known):
            where: Path_ = ("steps", step.index, "input")
            problems.append(Problem(f"unknown input '{step.input}' (known: {', '.join(sorted(known))})", format_path(where), line_of(lines, where)))
        known.add(step.name)
    for n, pub in enumerate(recipe.publish):
        if not _ref_ok(pub.source, known):
            where = ("publish", n, "from")
            problems.append(Problem(f"unknown step or table '{pub.source}'", format_path(where), line_of(lines, where)))
    tables = [p.table for p in recipe.publish]
    for name in sorted({t for t in tables if tables.count(t) > 1}):
        problems.append(Problem(f"table '{name}' is published twice", "publish", line_of(lines, ("publish",))))


def _ref_ok(ref: str, known: set[str]) -> bool:
    return ref in known or ref.split(".", 1)[0] in known
