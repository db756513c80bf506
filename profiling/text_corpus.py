"""A real-text corpus assembled from files that installed packages ship on this machine.

Used by the quality-filter parity test and by the quality and dedup benchmarks. Sources, in a
fixed order so the corpus is deterministic for a given machine image:

- ``license``: license files in site-packages ``*.dist-info`` folders (``LICENSE*``, ``licenses/*``);
- ``copyright``: Debian ``/usr/share/doc/*/copyright`` files;
- ``readme``: README files shipped inside site-packages;
- ``docstring``: module, class and function docstrings of the Python standard library;
- ``man``: English manual pages under ``/usr/share/man/man*`` (gzip), with roff markup removed;
- ``pkgdoc``: module, class and function docstrings of the installed packages (site-packages,
  tests excluded), used only to top up corpora larger than the other sources can fill.

Nothing is generated: every document is the text of one shipped file or docstring.
"""

from __future__ import annotations

import ast
import gzip
import inspect
import itertools
import math
import re
import site
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

from schemas.errors import InputError

Doc = dict[str, str]
MIN_CHARS = 40
MAX_CHARS = 200_000
# Share of the requested size each source contributes before topping up from the largest ones.
SHARES: dict[str, float] = {
    "license": 0.05,
    "copyright": 0.12,
    "readme": 0.01,
    "docstring": 0.40,
    "man": 0.42,
}


def _site_dirs() -> list[Path]:
    dirs = {Path(p) for p in site.getsitepackages()} | {Path(sysconfig.get_paths()["purelib"])}
    return sorted(d for d in dirs if d.is_dir())


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _license_paths() -> list[Path]:
    found: set[Path] = set()
    for sp in _site_dirs():
        for info in sp.glob("*.dist-info"):
            found.update(p for p in info.glob("LICEN[CS]E*") if p.is_file())
            found.update(p for p in info.glob("licenses/**/*") if p.is_file())
    return sorted(found)


def _copyright_paths() -> list[Path]:
    return sorted(p for p in Path("/usr/share/doc").glob("*/copyright") if p.is_file())


def _readme_paths() -> list[Path]:
    found: set[Path] = set()
    for sp in _site_dirs():
        for depth in ("*/README*", "*/*/README*"):
            found.update(p for p in sp.glob(depth) if p.is_file() and p.suffix != ".py")
    return sorted(found)


def _man_paths(cloud_sdk: bool) -> list[Path]:
    """English manual pages; the thousands of near-identical cloud-SDK pages form their own pool."""
    paths = sorted(Path("/usr/share/man").glob("man*/*.gz"))
    return [p for p in paths if p.name.startswith("gcloud") == cloud_sdk]


def _package_files() -> list[Path]:
    skip = {"test", "tests", "testing"}
    found: set[Path] = set()
    for sp in _site_dirs():
        found.update(p for p in sp.rglob("*.py") if not skip.intersection(p.relative_to(sp).parts))
    return sorted(found)


def _stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "test", "tests", "idle_test", "lib2to3"}
    return sorted(p for p in root.rglob("*.py") if not skip.intersection(p.relative_to(root).parts))


_ROFF_FONT = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")
_ROFF_SPECIAL = re.compile(r"\\(\(..|\[[^\]]*\]|\*(\(..|\[[^\]]*\]|.)|[&,/|^:%])")
_ROFF_TEXT_MACROS = {
    "SH",
    "SS",
    "B",
    "I",
    "BR",
    "RB",
    "IR",
    "RI",
    "BI",
    "IB",
    "SM",
    "SB",
    "Nm",
    "Nd",
    "Sh",
    "Ss",
}
_ROFF_CHARS = {
    "\\(em": "—",
    "\\(en": "–",
    "\\(aq": "'",
    "\\(dq": '"',
    "\\(bu": "•",
    "\\(lq": "“",
    "\\(rq": "”",
    "\\(oq": "‘",
    "\\(cq": "’",
}


def _roff_line(line: str) -> str | None:
    if line.startswith(('.\\"', "'\\\"", '.\\"')):
        return None
    if line.startswith((".", "'")):
        macro, _, rest = line[1:].strip().partition(" ")
        if macro not in _ROFF_TEXT_MACROS:
            return None
        line = rest.replace('"', "")
    for code, char in _ROFF_CHARS.items():
        line = line.replace(code, char)
    line = _ROFF_FONT.sub("", line).replace("\\-", "-").replace("\\e", "\\")
    return _ROFF_SPECIAL.sub("", line)


def roff_to_text(source: str) -> str:
    """Plain text of a manual page: macro lines dropped or unwrapped, inline escapes removed."""
    lines = (_roff_line(line) for line in source.splitlines())
    return "\n".join(line for line in lines if line is not None).strip()


def _read_man(path: Path) -> str:
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            return roff_to_text(fh.read())
    except (OSError, EOFError):
        return ""


def _docstrings(path: Path) -> Iterator[tuple[str, str]]:
    try:
        tree = ast.parse(_read_text(path))
    except (SyntaxError, ValueError):
        return
    nodes = [
        tree,
        *(
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ),
    ]
    for node in nodes:
        doc = ast.get_docstring(node, clean=False)  # type: ignore[arg-type]
        if doc:
            yield getattr(node, "name", "<module>"), inspect.cleandoc(doc)


def _spread(items: list, count: int) -> list:
    """``count`` items taken at even strides over ``items`` (all of them if fewer)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[math.floor(i * step)] for i in range(count)]


def _file_docs(origin: str, paths: list[Path], read: Callable[[Path], str]) -> Iterator[Doc]:
    for path in paths:
        yield {"id": f"{origin}:{path}", "text": read(path), "origin": origin}


def _docstring_docs(paths: list[Path], per_file: int = 4, origin: str = "docstring") -> Iterator[Doc]:
    for path in paths:
        usable = (pair for pair in _docstrings(path) if len(pair[1]) >= MIN_CHARS)
        for index, (name, text) in enumerate(itertools.islice(usable, per_file)):
            yield {"id": f"{origin}:{path}:{name}:{index}", "text": text, "origin": origin}


def _usable(doc: Doc) -> bool:
    return MIN_CHARS <= len(doc["text"].strip()) <= MAX_CHARS


def _take(docs: Iterator[Doc], count: int, seen: set[str]) -> list[Doc]:
    taken: list[Doc] = []
    for doc in docs:
        if len(taken) >= count:
            break
        if _usable(doc) and doc["text"] not in seen:
            seen.add(doc["text"])
            taken.append(doc)
    return taken


def _sources() -> dict[str, Callable[[int], Iterator[Doc]]]:
    """Per origin, a function giving documents spread over that origin's files."""
    return {
        "license": lambda n: _file_docs("license", _spread(_license_paths(), n), _read_text),
        "copyright": lambda n: _file_docs("copyright", _spread(_copyright_paths(), n), _read_text),
        "readme": lambda n: _file_docs("readme", _spread(_readme_paths(), n), _read_text),
        "docstring": lambda n: _docstring_docs(_spread(_stdlib_files(), max(1, n // 2))),
        "man": lambda n: _file_docs("man", _spread(_man_paths(False), n), _read_man),
        "man_sdk": lambda n: _file_docs("man", _spread(_man_paths(True), n), _read_man),
        "pkgdoc": lambda n: _docstring_docs(_spread(_package_files(), n), 16, "pkgdoc"),
    }


def build_text_corpus(min_docs: int) -> list[Doc]:
    """At least ``min_docs`` distinct real documents ``{id, text, origin}`` (deterministic order).

    Raises :class:`InputError` when the machine does not ship enough text.
    """
    seen: set[str] = set()
    corpus: list[Doc] = []
    sources = _sources()
    for origin, share in SHARES.items():
        quota = math.ceil(min_docs * share)
        corpus += _take(sources[origin](2 * quota), quota, seen)
    for origin in ("docstring", "man", "man_sdk", "pkgdoc"):  # top up from the largest sources
        missing = min_docs - len(corpus)
        if missing > 0:
            corpus += _take(sources[origin](4 * min_docs), missing, seen)
    if len(corpus) < min_docs:
        raise InputError(
            f"only {len(corpus)} text documents found on this machine; need {min_docs}"
        )
    return corpus
