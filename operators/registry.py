"""Registry of operators keyed by recipe name.

Built-in operators are the modules of the ``operators`` package (imported on first use);
third-party operators register through the ``lakesift.operators`` entry-point group.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from importlib.metadata import entry_points
from typing import TypeVar

from operators.base import Operator
from schemas.errors import UserError

ENTRY_POINT_GROUP = "lakesift.operators"
_REGISTRY: dict[str, type[Operator]] = {}
_loaded = False

T = TypeVar("T", bound=type[Operator])


class DuplicateOperatorError(UserError):
    """Two operators claim the same recipe name."""


def register(cls: T) -> T:
    """Class decorator: add an operator under its recipe name (duplicates are an error)."""
    existing = _REGISTRY.get(cls.name)
    if existing is not None and existing is not cls:
        raise DuplicateOperatorError(
            f"operator name '{cls.name}' is registered twice: "
            f"{existing.__module__}.{existing.__qualname__} and {cls.__module__}.{cls.__qualname__}"
        )
    _REGISTRY[cls.name] = cls
    return cls


def _load_builtins() -> None:
    import operators as pkg

    for info in pkgutil.walk_packages(pkg.__path__, prefix="operators."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        importlib.import_module(info.name)


def _load_entry_points() -> None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        register(cls)


def ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        _load_builtins()
        _load_entry_points()


def all_operators() -> dict[str, type[Operator]]:
    ensure_loaded()
    return dict(sorted(_REGISTRY.items()))


def get_operator(name: str) -> type[Operator]:
    """The operator class for a recipe name, with a 'did you mean' on a miss."""
    ensure_loaded()
    if name in _REGISTRY:
        return _REGISTRY[name]
    close = difflib.get_close_matches(name, list(_REGISTRY), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UserError(f"unknown operator '{name}'{hint}")
