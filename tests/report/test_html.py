"""The HTML report (``python -m unirand --html FILE``): one page, from the JSON's dict.

A synthetic report covers every cell status (a real run on this machine is all bitwise), and
puts markup into the strings the page shows, which must come out as text: the page is meant
to be attached to issues and opened from CI artifacts, so data must never become markup.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from unirand.__main__ import main
from unirand.report.html import MAX_COLUMNS, _blocks, render_html

ROOT = Path(__file__).resolve().parents[2]
EVIL = "<script>alert('x')</script>"
#: every element the page may use: none of them loads anything
TAGS = set(
    "html head meta title style body h1 h2 div dl dt dd span p table thead tbody tr th td "
    "template ul li button script".split()
)
COLUMNS = ["key", "bits/uint8", "uniform/float16", "uniform/float64", "normal/float64"]


def _cell(status: str, ok: bool = True, kind: str = "bitwise", **extra: Any) -> dict[str, Any]:
    """A cell as build_report makes it (CELL_FIELDS), bitwise unless told otherwise."""
    cell: dict[str, Any] = {
        "status": status,
        "ok": ok,
        "claim": {
            "kind": kind,
            "max_ulp": 4 if kind == "ulp" else 0,
            "max_err": 0.0,
            "reason": "a reason" if kind != "bitwise" else "",
        },
        "max_ulp": 0,
        "max_err": 0.0,
        "share_bitwise": 1.0,
        "elements": 15,
        "elements_bitwise": 15,
        "golden": {
            "cases": 1,
            "cases_bitwise": 1,
            "elements": 15,
            "elements_bitwise": 15,
            "max_ulp": 0,
            "max_err": 0.0,
        },
        "cross_check": {
            "against": "numpy/cpu",
            "elements": 99,
            "elements_bitwise": 99,
            "max_ulp": 0,
            "max_err": 0.0,
        },
        "error": None,
        "first_difference": None,
        "jax_path": None,
        "seconds": 0.01,
        "cpu_seconds": 0.01,
    }
    cell.update(extra)
    return cell


def _row(id_: str, label: str, cells: dict[str, dict], claimed: bool = True) -> dict[str, Any]:
    backend, device = id_.split("/")[:2]
    path = "portable" if "/portable/" in id_ else "native"
    x64 = None if backend != "jax" else id_.endswith("x64-on")
    return {
        "id": id_,
        "label": label,
        "backend": backend,
        "device": device,
        "path": path,
        "x64": x64,
        "claimed": claimed,
        "cells": cells,
    }


def _report() -> dict[str, Any]:
    differs = _cell(
        "differs",
        kind="ulp",
        max_ulp=2,
        share_bitwise=0.999,
        first_difference={
            "case": "cross-check",
            "mismatch": None,
            "index": [7],
            "got": "1.5 (0x3ff8)",
            "want": "1.25 (0x3ff4)",
            "ulp": 2,
        },
    )
    broken = _cell(
        "error",
        ok=False,
        cross_check=None,
        error={"type": "ValueError", "message": f"bad {EVIL} & more"},
    )
    rows = [
        _row("numpy/cpu", "numpy cpu", {c: _cell("bitwise", cross_check=None) for c in COLUMNS}),
        _row(
            "torch/cpu",
            "torch cpu",
            {
                **{c: _cell("bitwise") for c in COLUMNS},
                "normal/float64": differs,
                "uniform/float16": broken,
            },
        ),
        _row(
            "jax/cpu:0/native/x64-off",
            "jax cpu:0",
            {
                **{c: _cell("bitwise", jax_path="native") for c in COLUMNS},
                "uniform/float16": _cell("bitwise", jax_path="portable"),
                "uniform/float64": _cell(
                    "unsupported",
                    kind="unsupported",
                    jax_path="native",
                    error={"type": "TypeError", "message": "no float64"},
                ),
            },
        ),
        _row(
            "torch/cuda:0",
            "torch cuda:0",
            {
                **{c: _cell("bitwise", kind="none") for c in COLUMNS},
                "bits/uint8": _cell(
                    "error", kind="none", error={"type": "RuntimeError", "message": "CUDA oops"}
                ),
            },
            claimed=False,
        ),
    ]
    return {
        "schema": "unirand.conformance.v1",
        "ok": False,
        "exit_code": 1,
        "unirand": "9.9.9",
        "vectors": [
            {
                "file": "v.json",
                "cases": 3,
                "schema": "unirand.golden.v1",
                "jax": "0.10.2",
                "platform": "cpu",
                "cpu_has_fma": True,
                "jax_enable_x64": True,
                "jax_threefry_partitionable": True,
            }
        ],
        "cases": 3,
        "absent_functions": [],
        "host": {
            "system": "Linux",
            "machine": "x86_64",
            "python": "3.11.7",
            "cpu_count": 2,
            "cpu_has_fma": True,
            "cpu_has_avx512_fp16": True,
            "libc": "glibc 2.36",
            "xla_flags": '--xla_x="<img src=x onerror=alert(1)>"',
        },
        "engine": {
            "engine": "compiled",
            "reason": "",
            "compiler": "numba 0.68.1",
            "threads": 2,
            "cache_dir": None,
        },
        "libraries": {
            "numpy": "2.4.6",
            "torch": "2.13.0+cpu",
            "jax": "0.10.2",
            "array_api_strict": None,
            "cupy": None,
        },
        "options": {
            "backends": None,
            "devices": None,
            "quick": True,
            "full": False,
            "jax_shapes": None,
            "size": 99,
            "jobs": 1,
            "strict": False,
        },
        "columns": COLUMNS,
        "rows": rows,
        "missing": [{"backend": "cupy", "reason": "not installed"}],
        "seconds": 1.5,
    }


class _Cells(HTMLParser):
    """The matrix's cells: (class, title, text) of every ``td``, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self._in_td = self._in_template = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            a = dict(attrs)
            self.cells.append((a.get("class", ""), a.get("title", ""), ""))
            self._in_td = True
        self._in_template |= tag == "template"

    def handle_endtag(self, tag: str) -> None:
        self._in_td &= tag != "td"
        self._in_template &= tag != "template"

    def handle_data(self, data: str) -> None:
        if self._in_td and not self._in_template and self.cells:
            cls, title, text = self.cells[-1]
            self.cells[-1] = (cls, title, text + data)


def _parse(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    return parser


def test_every_cell_is_colored_by_its_status():
    cells = _parse(render_html(_report())).cells
    assert len(cells) == 4 * len(COLUMNS)
    by_text = {(text, cls) for cls, _, text in cells}
    assert ("bitwise", "c st-bitwise") in by_text
    assert ("n/a", "c st-unsupported") in by_text
    assert ("2 ulp 99.90%", "c st-differs") in by_text
    assert ("!ValueError", "c st-error bad") in by_text  # contradicts the documentation
    assert ("bitwise", "c st-bitwise mo") in by_text  # measured only (torch cuda:0)
    assert ("RuntimeError", "c st-error mo") in by_text
    assert ("bitwise", "c st-bitwise pt") in by_text  # native JAX row, portable engine


def test_details_on_hover_and_click():
    page = render_html(_report())
    titles = [title for cls, title, _ in _parse(page).cells if "st-differs" in cls]
    (title,) = titles
    for fact in (
        "torch cpu / normal/float64",
        "documented: within 4 ulp (a reason)",
        "golden cases: 1 of 1 bitwise",
        "cross-check: against numpy/cpu",
        "first difference: in cross-check: index [7]: got 1.5 (0x3ff8)",
        "max ulp: 2",
    ):
        assert fact in title
    jax = [t for cls, t, _ in _parse(page).cells if "pt" in cls.split()]
    assert "jax path: portable" in jax[0]
    # the panel's copy of the same facts, shown by the inline script on click
    assert page.count("<template>") == 4 * len(COLUMNS)
    assert 'id="panel"' in page and "addEventListener('click'" in page


def test_header_and_summary():
    page = render_html(_report())
    assert "<h1>unirand 9.9.9 conformance report</h1>" in page
    assert 'class="verdict failed">FAILED: 1 cells contradict the documentation' in page
    for fact in (
        "FMA",
        "AVX512-FP16 (XLA computes float16 natively)",
        "glibc 2.36",
        "XLA_FLAGS=",
        "compiled, numba 0.68.1, 2 threads",
        "torch 2.13.0+cpu",
        "cupy (not installed)",
        "exit status</dt><dd>1",
    ):
        assert fact in page
    assert "torch cuda:0 *" in page  # a row the docs make no claim for
    ok = {**_report(), "ok": True, "exit_code": 0, "rows": []}
    assert 'class="verdict ok">OK: every documented claim holds' in render_html(ok)


def test_data_is_escaped():
    page = render_html(_report())
    assert EVIL not in page and "<img" not in page
    assert "bad &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert [tag for tag, _ in _parse(page).tags].count("script") == 1  # the page's own
    assert not [t for t, a in _parse(page).tags if "onerror" in a]


def test_page_is_self_contained():
    page = render_html(_report())
    low = page.lower()
    for outside in ("http:", "https:", "<link", "@import", "url("):
        assert outside not in low, outside
    tags = _parse(page).tags
    assert not [(t, a) for t, a in tags if {"src", "href", "action", "srcset"} & set(a)]
    assert {t for t, _ in tags} <= TAGS
    assert low.startswith("<!doctype html>") and low.rstrip().endswith("</html>")


def test_blocks_break_between_functions():
    columns = [
        "key",
        "split",
        *(f"bits/u{i}" for i in range(4)),
        *(f"randint/t{i}" for i in range(MAX_COLUMNS)),
        "permutation",
    ]
    blocks = _blocks(columns)
    assert [c for b in blocks for c in b] == columns
    assert all(len(b) <= MAX_COLUMNS for b in blocks)
    assert blocks[0] == columns[:6]  # randint does not fit after bits: it starts a block


def test_html_and_json_are_the_same_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    argv = ["conformance", "--quick", "--backends", "numpy", "--jobs", "1", "--json"]
    code = main([*argv, "--html", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert code == report["exit_code"] == 0
    assert out.read_text(encoding="utf-8") == render_html(report)


def test_unwritable_file_is_refused_before_the_run(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["--html", str(tmp_path / "no" / "such" / "dir.html")])
    assert e.value.code == 2


def test_command_line_writes_the_page(tmp_path):
    out = tmp_path / "tmp.html"
    proc = subprocess.run(
        [sys.executable, "-m", "unirand", "--quick", "--backends", "numpy", "--html", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "OK: every documented claim holds" in proc.stdout  # the text report still prints
    assert f"HTML report written to {out}" in proc.stderr
    cells = _parse(out.read_text(encoding="utf-8")).cells
    assert cells and all("st-bitwise" in cls or "st-unsupported" in cls for cls, _, _ in cells)
    assert any(text == "bitwise" and "numpy cpu / key" in title for _, title, text in cells)
