"""The real-text corpus the dedup and quality benchmarks use: package docstrings as top-up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from profiling import text_corpus
from profiling.text_corpus import MIN_CHARS, build_text_corpus


def test_package_files_skip_test_folders_and_include_installed_packages() -> None:
    files = text_corpus._package_files()
    assert any(p.parts[-2:] == ("pyspark", "__init__.py") for p in files)
    assert not [p for p in files if {"test", "tests", "testing"} & set(p.parts[-4:-1])]
    assert files == sorted(files)


def test_package_docstrings_are_the_files_docstrings(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text('"""Module text long enough to count as a document of the corpus."""\n\n'
                      'def f():\n    """short"""\n\n'
                      'class C:\n    """A class docstring that also passes the minimum length."""\n')
    docs = list(text_corpus._docstring_docs([module], 16, "pkgdoc"))
    tree = ast.parse(module.read_text())
    expected = [ast.get_docstring(tree), ast.get_docstring(tree.body[2])]
    assert [d["text"] for d in docs] == expected
    assert {d["origin"] for d in docs} == {"pkgdoc"}
    assert all(len(d["text"]) >= MIN_CHARS for d in docs)


def test_package_docstrings_only_top_up_large_corpora(monkeypatch: pytest.MonkeyPatch) -> None:
    small = build_text_corpus(200)
    assert "pkgdoc" not in {d["origin"] for d in small}
    # with the other sources exhausted, the corpus is filled from package docstrings
    sources = text_corpus._sources()
    monkeypatch.setattr(text_corpus, "_sources", lambda: {
        k: (v if k == "pkgdoc" else (lambda n: iter([]))) for k, v in sources.items()})
    topped = build_text_corpus(50)
    assert len(topped) == 50 and {d["origin"] for d in topped} == {"pkgdoc"}
    assert len({d["text"] for d in topped}) == 50
