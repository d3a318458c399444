"""The report as one self-contained HTML page (``python -m unirand --html FILE``).

Why a page: the text matrix has 50 columns and wraps into blocks a reader must line up by eye,
and a cell's facts (cases, cross-check, ULPs, the error, JAX's path) are only printed for the
cells that are not bitwise.  The page colors every cell by its status and shows all of its
facts on hover (``title``) or click (a details panel), so a report can be attached to an issue
or a CI run and read in any browser.

It is rendered from the same dict that ``--json`` prints (nothing is measured here), so the
page and the JSON never disagree; the header lines, summary and cell texts are the text
report's own (:mod:`unirand.report.render`).  The page loads nothing: CSS and a few lines of
JavaScript are inline, and every string taken from the report is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from itertools import groupby
from typing import Any

from .host import probable_cause
from .render import LEGEND, _header, _paths, _summary, cell_text

__all__ = ["MAX_COLUMNS", "render_html"]

#: columns per matrix block: about 1400 pixels wide with the row labels
MAX_COLUMNS = 18

#: (CSS class, legend text) of each cell color, in the legend's order
KINDS = (
    ("st-bitwise", "bitwise: every byte equals the vectors and the cross-check"),
    ("st-differs", "differs, within the documented bound"),
    ("st-unsupported", "n/a: the library has no such dtype (documented)"),
    ("st-error", "raised an exception, no claim broken"),
    ("bad", "! contradicts the documentation"),
    ("st-bitwise mo", "measured only: the docs claim nothing here (dashed)"),
    ("st-bitwise pt", "native JAX row, but this sampler ran the portable engine (corner)"),
)

CSS = """
body{font:13px/1.4 system-ui,sans-serif;margin:16px 20px;color:#222}
h1{font-size:19px;margin:0 0 6px}
.verdict{padding:5px 10px;border-radius:4px;font-weight:600;margin:6px 0 10px}
.verdict.ok{background:#d7f0d9;color:#1b5e20}.verdict.failed{background:#fdd;color:#b71c1c}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:0 0 10px}
dl.facts dt{font-weight:600;color:#555}dl.facts dd{margin:0}
table.m{border-collapse:collapse;margin:8px 0 12px;table-layout:fixed}
table.m th,table.m td{border:1px solid #fff;padding:2px 4px;text-align:center;white-space:nowrap;
 font-size:12px;overflow:hidden;text-overflow:ellipsis;max-width:110px}
table.m th{background:#eceff1;font-weight:600}
table.m th.fn{background:#cfd8dc;max-width:none}
table.m th.row{text-align:left;max-width:none;width:190px}
td.c{cursor:pointer;min-width:52px}td.c:hover,td.c:focus,td.sel{outline:2px solid #1565c0}
.st-bitwise{background:#a5d6a7}.st-differs{background:#ffe082}
.st-unsupported{background:#e0e0e0;color:#666}.st-error{background:#ffcc80}
.bad{background:#e53935!important;color:#fff;font-weight:700}
.mo{border:1px dashed #555!important;opacity:.75}
.pt{background-image:linear-gradient(225deg,#1565c0 7px,transparent 7px)}
.legend span.k{display:inline-block;white-space:nowrap;margin-right:14px}
.legend span.sw{display:inline-block;width:26px;height:13px;vertical-align:middle;
 margin-right:4px;border:1px solid #fff}
.legend{margin:4px 0}p.note{color:#555;max-width:1100px}
ul.lines{font-family:ui-monospace,monospace;font-size:12px;padding-left:18px}
#panel{position:fixed;right:16px;bottom:16px;width:460px;max-height:70vh;overflow:auto;
 background:#fff;border:1px solid #90a4ae;box-shadow:0 2px 10px #0003;padding:8px 12px}
#panel dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}
#panel dt{font-weight:600;color:#555}#panel dd{margin:0;word-break:break-word}
#panel button{float:right}
"""

JS = """
const panel = document.getElementById('panel');
function show(td) {
  document.querySelectorAll('td.sel').forEach(e => e.classList.remove('sel'));
  td.classList.add('sel');
  panel.querySelector('.body').innerHTML = td.querySelector('template').innerHTML;
  panel.hidden = false;
}
document.addEventListener('click', e => {
  const td = e.target.closest('td.c');
  if (td) show(td);
});
document.addEventListener('keydown', e => {
  if (e.key === 'Escape') panel.hidden = true;
  else if (e.key === 'Enter' && e.target.matches('td.c')) show(e.target);
});
panel.querySelector('button').onclick = () => { panel.hidden = true; };
"""


def _blocks(columns: list[str], most: int = MAX_COLUMNS) -> list[list[str]]:
    """The columns in blocks of at most ``most``, broken between functions where possible."""
    blocks: list[list[str]] = [[]]
    for _, group in groupby(columns, key=_function):
        cols = list(group)
        if blocks[-1] and len(blocks[-1]) + len(cols) > most:
            blocks.append([])
        for col in cols:
            if len(blocks[-1]) >= most:
                blocks.append([])
            blocks[-1].append(col)
    return blocks


def _function(column: str) -> str:
    return column.partition("/")[0]


def _thead(block: list[str]) -> str:
    """Two header rows: each function over its dtypes (a dtype-less column spans both)."""
    top, bottom = ['<th class="row" rowspan="2"></th>'], []
    for fn, group in groupby(block, key=_function):
        cols = list(group)
        if len(cols) == 1 and "/" not in cols[0]:
            top.append(f'<th class="fn" rowspan="2">{escape(fn)}</th>')
            continue
        top.append(f'<th class="fn" colspan="{len(cols)}">{escape(fn)}</th>')
        bottom += [f"<th>{escape(c.partition('/')[2] or '-')}</th>" for c in cols]
    return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr></thead>"


def _claim(claim: dict[str, Any]) -> str:
    kind = claim["kind"]
    said = {
        "bitwise": "bitwise",
        "ulp": f"within {claim.get('max_ulp')} ulp",
        "err": f"error within {claim.get('max_err') or 0:.3g} of max(1, |x|)",
        "unsupported": "unsupported: raises TypeError",
        "none": "none (measured only)",
    }.get(kind, kind)
    return said + (f" ({claim['reason']})" if claim.get("reason") else "")


def _facts(
    row: dict[str, Any], column: str, cell: dict[str, Any], host: dict[str, Any]
) -> list[tuple[str, Any]]:
    """(name, value) pairs of everything the report knows about one cell."""
    g, x = cell["golden"], cell.get("cross_check")
    facts: list[tuple[str, Any]] = [
        ("cell", f"{row['label']} / {column}"),
        ("row id", row["id"]),
        ("status", cell["status"] + ("" if cell["ok"] else " (contradicts the documentation)")),
        ("documented", _claim(cell["claim"])),
        (
            "golden cases",
            f"{g['cases_bitwise']} of {g['cases']} bitwise; "
            f"{g['elements_bitwise']} of {g['elements']} elements; max ulp {g['max_ulp']}",
        ),
        (
            "cross-check",
            "none"
            if x is None
            else f"against {x['against']}: {x['elements_bitwise']} of {x['elements']} "
            f"elements bitwise; max ulp {x['max_ulp']}",
        ),
        ("max ulp", cell.get("max_ulp")),
        ("max error", cell.get("max_err")),
        ("share bitwise", cell.get("share_bitwise")),
    ]
    if cell.get("error"):
        facts.append(("error", f"{cell['error']['type']}: {cell['error']['message']}"))
    f = cell.get("first_difference")
    if f:
        where = f.get("mismatch") or (
            f"index {f.get('index')}: got {f.get('got')}, want {f.get('want')} ({f.get('ulp')} ulp)"
        )
        facts.append(("first difference", f"in {f.get('case')}: {where}"))
    if cell.get("jax_path"):
        facts.append(("jax path", cell["jax_path"]))
    hint = None if cell["ok"] else probable_cause(row["backend"], column, host)
    if hint:
        facts.append(("probable cause", hint))
    facts.append(("time", f"{cell.get('seconds')} s ({cell.get('cpu_seconds')} CPU-s)"))
    return facts


def _td(row: dict[str, Any], column: str, cell: dict[str, Any], host: dict[str, Any]) -> str:
    classes = ["c", f"st-{cell['status']}"]
    if not cell["ok"]:
        classes.append("bad")
    if cell["claim"]["kind"] == "none":
        classes.append("mo")
    if row["backend"] == "jax" and row["path"] == "native" and cell.get("jax_path") == "portable":
        classes.append("pt")
    facts = _facts(row, column, cell, host)
    title = "\n".join(f"{k}: {v}" for k, v in facts)
    panel = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in facts)
    return (
        f'<td class="{" ".join(classes)}" tabindex="0" title="{escape(title)}">'
        f"{escape(cell_text(cell))}<template><dl>{panel}</dl></template></td>"
    )


def _matrix(report: dict[str, Any]) -> str:
    rows, host = report["rows"], report["host"]
    if not rows:
        return "<p>(no backend to run)</p>"
    tables = []
    for block in _blocks(report["columns"]):
        body = []
        for row in rows:
            label = row["label"] + ("" if row["claimed"] else " *")
            x64 = {True: "x64 on", False: "x64 off"}.get(row["x64"], "")
            tip = f"{row['id']} {x64}".strip()
            head = f'<th class="row" title="{escape(tip)}">'
            tds = "".join(_td(row, c, row["cells"][c], host) for c in block)
            body.append(f"<tr>{head}{escape(label)}</th>{tds}</tr>")
        tables.append(f'<table class="m">{_thead(block)}<tbody>{"".join(body)}</tbody></table>')
    return "\n".join(tables)


def _header_facts(report: dict[str, Any]) -> str:
    """The text report's header lines (``name: value``) as a definition list."""
    items = []
    for line in _header(report)[1:]:
        name, _, value = line.partition(": ")
        items.append(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>")
    items.append(f"<dt>exit status</dt><dd>{escape(str(report['exit_code']))}</dd>")
    return f'<dl class="facts">{"".join(items)}</dl>'


def _legend() -> str:
    swatches = "".join(
        f'<span class="k"><span class="sw {cls}"></span>{escape(text)}</span>'
        for cls, text in KINDS
    )
    return f'<div class="legend">{swatches}</div><p class="note">{escape(LEGEND)}</p>'


def _lines(title: str, lines: list[str]) -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<h2 style="font-size:15px">{escape(title)}</h2><ul class="lines">{items}</ul>'


def _problems(report: dict[str, Any]) -> list[str]:
    """One line per cell that contradicts the documentation, to find them without scanning."""
    return [
        f"{row['label']} {col}: {cell_text(cell)}"
        for row in report["rows"]
        for col, cell in row["cells"].items()
        if not cell["ok"]
    ]


def render_html(report: dict[str, Any]) -> str:
    """The whole report as one HTML document (a ``str``; write it as UTF-8)."""
    title = f"unirand {report['unirand']} conformance report"
    verdict = "ok" if report["ok"] else "failed"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<div class="verdict {verdict}">{escape(_summary(report))}</div>',
        _header_facts(report),
        _legend(),
        _matrix(report),
        _lines("cells that contradict the documentation", _problems(report)),
        _lines("paths", _paths(report)),
        '<div id="panel" hidden><button type="button" title="close (Esc)">x</button>',
        '<div class="body"></div></div>',
        f"<script>{JS}</script></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
