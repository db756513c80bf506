"""Path policy: resolve recipe paths against the recipe folder and keep them inside allowed roots."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from schemas.errors import PathPolicyError

ENV_ROOTS = "LAKESIFT_ALLOWED_ROOTS"


def is_uri(value: str) -> bool:
    scheme = urlsplit(value).scheme
    return len(scheme) > 1 and scheme != "file"


def resolve_local(value: str, base: Path) -> Path:
    """Absolute, symlink-resolved path of ``value`` relative to ``base``."""
    raw = value.removeprefix("file://")
    path = Path(os.path.expanduser(raw))
    if not path.is_absolute():
        path = base / path
    return Path(os.path.realpath(path))


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def env_roots() -> list[Path]:
    raw = os.environ.get(ENV_ROOTS, "")
    return [Path(os.path.realpath(p)) for p in raw.split(os.pathsep) if p.strip()]


def allowed_roots(declared: list[str], base: Path) -> list[Path]:
    """The recipe's roots (default: its folder), each inside the deployment's roots if set."""
    roots = [resolve_local(r, base) for r in declared] or [Path(os.path.realpath(base))]
    caps = env_roots()
    if caps:
        outside = [r for r in roots if not any(_within(r, c) for c in caps)]
        if outside:
            raise PathPolicyError(
                f"allowed_roots {', '.join(map(str, outside))} lie outside {ENV_ROOTS}"
            )
    return roots


def check_path(value: str, base: Path, roots: list[Path], what: str) -> str:
    """Resolve ``value`` and refuse it unless it lies under one of ``roots``."""
    if is_uri(value):
        raise PathPolicyError(f"{what}: remote URIs are not supported by this runner: {urlsplit(value).scheme}://")
    path = resolve_local(value, base)
    if not any(_within(path, r) for r in roots):
        shown = ", ".join(str(r) for r in roots)
        raise PathPolicyError(f"{what}: path '{value}' resolves outside the allowed roots ({shown})")
    return str(path)
