"""The SVG sanitiser every figure goes through, and offline chart rendering."""

from __future__ import annotations

import pytest

from pipelines.report.charts import hbar
from pipelines.report.svg import chart_svg, sanitize_svg

HOSTILE = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
    "<script>alert(2)</script>"
    '<defs><clipPath id="clip1"><rect width="5" height="5"/></clipPath></defs>'
    '<g clip-path="url(#clip1)" onclick="alert(3)"><rect width="9" height="9" fill="url(https://evil.test/x)"/></g>'
    '<a href="https://evil.test"><text>link</text></a>'
    '<image href="https://evil.test/p.png"/>'
    '<use xlink:href="https://evil.test/s.svg#x"/>'
    '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>'
    '<path role="graphics-symbol" aria-label="a: &lt;b&gt;" d="M0,0h1"/>'
    "</svg>"
)


def test_sanitiser_removes_scripts_handlers_and_external_references() -> None:
    out = str(sanitize_svg(HOSTILE, "f1"))
    for bad in (
        "<script",
        "onload",
        "onclick",
        "evil.test",
        "foreignObject",
        "<a ",
        "<image",
        "<use",
        "alert",
    ):
        assert bad not in out, bad


def test_sanitiser_prefixes_ids_and_their_references() -> None:
    out = str(sanitize_svg(HOSTILE, "f1"))
    assert 'id="f1-clip1"' in out and 'clip-path="url(#f1-clip1)"' in out
    assert 'id="clip1"' not in out


def test_sanitiser_turns_aria_labels_into_escaped_hover_titles() -> None:
    out = str(sanitize_svg(HOSTILE, "f1"))
    assert "<title>a: &lt;b&gt;</title>" in out


@pytest.mark.parametrize(
    "text", ['<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "<html/>"]
)
def test_sanitiser_refuses_doctypes_and_non_svg(text: str) -> None:
    with pytest.raises(ValueError):
        sanitize_svg(text)


def test_chart_rendered_offline_escapes_labels_from_data() -> None:
    rows = [{"rule": "<script>alert(1)</script>", "rows": 3}, {"rule": "a & b", "rows": 5}]
    svg = str(chart_svg(hbar(rows, "rows", "rule", "t", "rows")))
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "a &amp; b" in svg
    assert svg.count('aria-roledescription="bar"') == 2
