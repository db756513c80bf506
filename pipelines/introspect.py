"""Recipe JSON Schema for editors, the operator listing and the compiled plan (``explain``)."""

from __future__ import annotations

import copy
from typing import Any

from operators.registry import all_operators
from pipelines.recipe import CompiledRecipe
from schemas.recipe import Recipe


def _config_schema(cls: Any) -> dict[str, Any]:
    schema = cls.config_model.model_json_schema()
    schema.pop("title", None)
    return dict(schema)


def recipe_json_schema() -> dict[str, Any]:
    """JSON Schema of a recipe in which each step's ``config`` is checked against its operator."""
    schema = copy.deepcopy(Recipe.model_json_schema(by_alias=True))
    variants = []
    for name, cls in all_operators().items():
        config = _config_schema(cls)
        defs = config.pop("$defs", {})
        schema.setdefault("$defs", {}).update(defs)
        variants.append({
            "type": "object",
            "description": (cls.__doc__ or "").strip().split("\n")[0],
            "properties": {
                "op": {"const": name}, "name": {"type": "string"}, "input": {"type": "string"},
                "config": config,
            },
            "required": ["op"],
            "additionalProperties": False,
        })
    schema["$defs"]["StepSpec"] = {"oneOf": variants, "title": "StepSpec"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lakesift recipe"
    return schema


def _field_line(name: str, field: Any) -> str:
    ann = getattr(field.annotation, "__name__", None) or str(field.annotation).replace("typing.", "")
    default = "required" if field.is_required() else f"default {field.get_default(call_default_factory=True)!r}"
    desc = f" — {field.description}" if field.description else ""
    return f"{name}: {ann} ({default}){desc}"


def operator_listing() -> list[dict[str, Any]]:
    """One entry per registered operator with its config fields."""
    out = []
    for name, cls in all_operators().items():
        fields = [_field_line(n, f) for n, f in cls.config_model.model_fields.items()]
        doc = (cls.__doc__ or "").strip().split("\n")[0]
        out.append({"name": name, "kind": cls.kind, "version": cls.version, "doc": doc, "fields": fields})
    return out


def explain(compiled: CompiledRecipe) -> dict[str, Any]:
    """The compiled plan: resolved paths, step graph, operator configs and published tables."""
    r = compiled.recipe
    steps = []
    previous = r.inputs[0].name if r.inputs else ("table_profiles" if r.lake else None)
    for step in compiled.steps:
        source = step.input or previous
        steps.append({"step": step.name, "op": step.op, "kind": step.operator.kind,
                      "input": source, "config": step.operator.config.model_dump(mode="json")})
        previous = step.name
    publish = {p.table: p.source for p in r.publish} or {
        r.name: compiled.steps[-1].name if compiled.steps else None, "(side outputs)": "each step's named outputs",
    }
    return {
        "recipe": r.name, "output": r.output, "allowed_roots": [str(p) for p in compiled.roots],
        "spark": r.spark.model_dump(), "seed": r.seed,
        "inputs": [i.model_dump() for i in r.inputs], "lake": r.lake.model_dump() if r.lake else None,
        "sources": compiled.sources_path, "steps": steps, "publish": publish,
    }
