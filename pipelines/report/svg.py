"""Charts as inline SVG, rendered offline, and the sanitiser every SVG on the page goes through.

Vega-Lite specs (built with altair) are rendered server-side by vl-convert, so the page needs no
JavaScript charting library and fetches nothing. Whatever the renderer produced is parsed as XML
and rebuilt: no scripts, no event handlers, no external references, ids prefixed per figure (two
inline SVGs on one page must not share a clip-path id), and each mark's ARIA label copied into a
``<title>`` so hovering a bar or point shows its values.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_FORBIDDEN_TAGS = {
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "image",
    "use",
    "a",
    "style",
}
_HREFS = {"href", f"{{{XLINK_NS}}}href"}
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_counter = itertools.count(1)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean_attributes(el: ET.Element, prefix: str) -> None:
    for name in list(el.attrib):
        value = el.attrib[name]
        local = _local(name)
        if local.lower().startswith("on") or "javascript:" in value.lower():
            del el.attrib[name]
        elif name in _HREFS:
            if value.startswith("#"):
                el.attrib[name] = f"#{prefix}-{value[1:]}"
            else:
                del el.attrib[name]
        elif local == "id":
            el.attrib[name] = f"{prefix}-{value}"
        elif "url(" in value:
            if _URL_REF.sub("", value).find("url(") >= 0:
                del el.attrib[name]
            else:
                el.attrib[name] = _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value)


def _drop_forbidden(parent: ET.Element) -> None:
    for child in list(parent):
        if _local(child.tag) in _FORBIDDEN_TAGS:
            parent.remove(child)
        else:
            _drop_forbidden(child)


def _add_titles(root: ET.Element) -> None:
    """Native hover text: a ``<title>`` for every mark that has an ARIA label."""
    for el in root.iter():
        label = el.attrib.get("aria-label")
        if label and el.attrib.get("role") == "graphics-symbol" and _local(el.tag) != "g":
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = label
            el.insert(0, title)


def sanitize_svg(text: str, prefix: str | None = None) -> Markup:
    """Parse, clean and re-serialise an SVG document (text content comes out escaped)."""
    if "<!" in text:
        raise ValueError("SVG with a DOCTYPE, entity or CDATA section is not accepted")
    root = ET.fromstring(text)
    if _local(root.tag) != "svg":
        raise ValueError("not an SVG document")
    prefix = prefix or f"fig{next(_counter)}"
    _drop_forbidden(root)
    for el in root.iter():
        _clean_attributes(el, prefix)
    _add_titles(root)
    root.set("class", (root.get("class", "") + " chart").strip())
    return Markup(ET.tostring(root, encoding="unicode"))


def chart_svg(chart: Any, prefix: str | None = None) -> Markup:
    """Render an altair chart (or a Vega-Lite spec dict) to sanitised inline SVG."""
    import vl_convert

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return sanitize_svg(vl_convert.vegalite_to_svg(spec), prefix)
