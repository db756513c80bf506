"""The HTML page: a Jinja2 template with autoescaping, inline CSS and script, and a Content
Security Policy that forbids every fetch and allows only the page's own script (by hash)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from pipelines.report.assets import CSS, JS
from pipelines.report.blocks import Section

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>lakesift report: {{ recipe }} ({{ run_id }})</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>lakesift run report: {{ recipe }}</h1>
<nav>{% for s in sections %}<a href="#{{ s.section_id }}">{{ s.title }}</a>{% endfor %}</nav>
</header>
<main>
{% for s in sections %}
<section id="{{ s.section_id }}" data-section="{{ s.section_id }}">
<h2>{{ s.title }}</h2>
{% if s.intro %}<p class="intro">{{ s.intro }}</p>{% endif %}
{% for b in s.blocks %}{{ render(b) }}{% endfor %}
</section>
{% endfor %}
</main>
<footer>Generated {{ generated }} from runs/{{ run_id }}/manifest.json and lineage.json. Self-contained: no network access.</footer>
<script>{{ js }}</script>
</body>
</html>
"""

BLOCKS = """
{% macro keyvalues(b) %}<dl class="kv">{% for k, v in b.items %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>{% endmacro %}
{% macro paragraph(b) %}<p>{{ b.text }}</p>{% endmacro %}
{% macro code(b) %}<figure class="code">{% if b.caption %}<figcaption>{{ b.caption }}</figcaption>{% endif %}<pre><code>{{ b.text }}</code></pre></figure>{% endmacro %}
{% macro figure(b) %}<figure{% if b.figure_id %} id="fig-{{ b.figure_id }}"{% endif %}>{{ b.svg }}<figcaption>{{ b.caption }}</figcaption>{% if b.figure_id == 'containment-graph' %}<div id="graph-status" aria-live="polite"></div>{% endif %}</figure>{% endmacro %}
{% macro records(b) %}<details class="records" open><summary>{{ b.title }}</summary><ol>{% for r in b.records %}<li><code>{{ r }}</code></li>{% endfor %}</ol></details>{% endmacro %}
{% macro table(b) %}<div class="table-wrap"><table class="sortable"{% if b.table_id %} id="t-{{ b.table_id }}"{% endif %}>
{% if b.caption %}<caption>{{ b.caption }}</caption>{% endif %}
<thead><tr>{% for c in b.columns %}<th scope="col" data-numeric="{{ '1' if numeric(b, loop.index0) else '0' }}">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in b.rows %}{% set attrs = b.row_data[loop.index0] if b.row_data else {} %}<tr{% for k, v in attrs.items() %} data-{{ k }}="{{ v }}"{% endfor %}>{% for c in row %}<td{% if c.numeric %} class="num"{% endif %} data-sort="{{ c.sort }}">{{ c.text }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>{% if b.note %}<p class="note">{{ b.note }}</p>{% endif %}{% endmacro %}
"""

_ROW_ATTR_KEYS = {"parent", "child"}


def _numeric(block: Any, index: int) -> bool:
    values = [row[index] for row in block.rows if row[index].sort]
    return bool(values) and all(c.numeric for c in values)


def _environment() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["numeric"] = _numeric
    return env


def _renderer(env: Environment) -> Any:
    macros = env.from_string(BLOCKS).module

    def render(block: Any) -> Markup:
        if getattr(block, "kind", None) == "table" and block.row_data:
            block.row_data = [
                {k: v for k, v in d.items() if k in _ROW_ATTR_KEYS} for d in block.row_data
            ]
        return Markup(getattr(macros, block.kind)(block))

    return render


def content_security_policy() -> str:
    """Nothing may be fetched; only the page's own script runs (pinned by its hash)."""
    digest = base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def render_page(run_id: str, recipe: str, sections: list[Section]) -> str:
    env = _environment()
    page = env.from_string(TEMPLATE)
    return page.render(
        csp=content_security_policy(),
        run_id=run_id,
        recipe=recipe,
        sections=sections,
        css=Markup(CSS),
        js=Markup(JS),
        render=_renderer(env),
        generated=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    )
