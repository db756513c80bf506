"""The page's inline stylesheet and script (constants: nothing from data is ever put in them).

The script sorts tables by a clicked column and highlights a table's edges in the containment
graph; it reads only ``data-`` attributes of the page and builds no markup from strings.
"""

from __future__ import annotations

CSS = """
:root { --fg: #1d232b; --muted: #5b6472; --line: #d9dee5; --accent: #2f6db3; --bg: #fbfcfd; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { font-size: 20px; margin: 0 0 6px; }
header nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1280px; }
section { margin: 22px 0 34px; }
section h2 { font-size: 18px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
p.intro { color: var(--muted); margin-top: 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { max-height: 460px; overflow: auto; border: 1px solid var(--line); margin: 8px 0 18px; background: #fff;
  content-visibility: auto; contain-intrinsic-size: auto 300px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 6px 8px; background: #f1f4f8; caption-side: top; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { position: sticky; top: 0; background: #f7f9fb; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.hit td { background: #fff3c4; }
p.note { color: var(--muted); font-size: 12px; margin: -12px 0 16px; }
figure { margin: 10px 0 20px; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
pre { background: #f3f5f8; border: 1px solid var(--line); padding: 8px 10px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
details.records { margin: 6px 0; }
details.records li { margin: 3px 0; }
details.records code { white-space: pre-wrap; word-break: break-all; font-size: 12px; }
svg.containment-graph { border: 1px solid var(--line); background: #fff; }
svg.containment-graph .edge { stroke: #777; stroke-width: 1.4; }
svg.containment-graph .node { cursor: pointer; }
svg.containment-graph .node circle { stroke: #fff; stroke-width: 1.5; fill-opacity: 0.9; }
svg.containment-graph .node text { font-size: 11px; fill: #222; }
svg.containment-graph .dim { opacity: 0.15; }
svg.containment-graph .focus circle { stroke: #111; stroke-width: 3; }
svg.containment-graph .edge.lit { stroke: #d62728; stroke-width: 2.6; }
#graph-status { color: var(--muted); font-size: 12px; min-height: 1.2em; }
footer { color: var(--muted); font-size: 12px; padding: 12px 28px 30px; }
"""

JS = """
(function () {
  'use strict';
  function sortKey(td) { return td ? (td.getAttribute('data-sort') || '') : ''; }
  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var numeric = th.getAttribute('data-numeric') === '1';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[index]), y = sortKey(b.cells[index]);
      var d = numeric ? (parseFloat(x || 'NaN') || 0) - (parseFloat(y || 'NaN') || 0) : (x < y ? -1 : x > y ? 1 : 0);
      return asc ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.addEventListener('click', function () { sortTable(table, i, th); });
    });
  });
  var graph = document.querySelector('svg.containment-graph');
  if (!graph) { return; }
  var status = document.getElementById('graph-status');
  var focused = null;
  function clear() {
    graph.querySelectorAll('.dim, .lit, .focus').forEach(function (el) { el.classList.remove('dim', 'lit', 'focus'); });
    document.querySelectorAll('tr.hit').forEach(function (tr) { tr.classList.remove('hit'); });
    if (status) { status.textContent = ''; }
    focused = null;
  }
  function focus(node) {
    clear();
    focused = node;
    var members = (node.getAttribute('data-members') || '').split('\\n');
    var id = node.getAttribute('data-node');
    var near = {}; near[id] = true;
    graph.querySelectorAll('.edge').forEach(function (edge) {
      var p = edge.getAttribute('data-parent'), c = edge.getAttribute('data-child');
      if (p === id || c === id) { edge.classList.add('lit'); near[p] = true; near[c] = true; }
      else { edge.classList.add('dim'); }
    });
    graph.querySelectorAll('.node').forEach(function (n) {
      if (!near[n.getAttribute('data-node')]) { n.classList.add('dim'); }
    });
    node.classList.add('focus');
    var hits = 0;
    document.querySelectorAll('#t-edges tbody tr').forEach(function (tr) {
      if (members.indexOf(tr.getAttribute('data-parent')) >= 0 || members.indexOf(tr.getAttribute('data-child')) >= 0) {
        tr.classList.add('hit'); hits += 1;
      }
    });
    if (status) { status.textContent = 'Selected ' + id + ': ' + hits + ' edge row(s) highlighted in the table below. Click it again to clear.'; }
  }
  graph.querySelectorAll('.node').forEach(function (node) {
    function toggle() { if (focused === node) { clear(); } else { focus(node); } }
    node.addEventListener('click', toggle);
    node.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
  });
}());
"""
