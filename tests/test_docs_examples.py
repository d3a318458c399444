"""Every Python example in docs/ runs: the ```python blocks of each page, in order.

Why: the site (mkdocs.yml) shows these blocks as what unirand does; an example that no longer
runs is a false statement.  The rules, for whoever writes a page:

- Each page runs in a fresh interpreter (one example may turn on ``jax_enable_x64``, which must
  not leak into other pages), its blocks in order in one namespace, so a later block may use
  what an earlier one defined.  After the last block, every function the page defined whose
  name starts with ``test_`` and that takes no arguments is called (the pytest-style examples
  of docs/conformance.md).
- A block that starts with ``>>>`` is an interactive session: its ``>>>``/``...`` lines run
  with ``unirand`` already imported (as doctest's globals would be); the output it shows is
  the author's machine's and is not compared.
- A page whose blocks import an optional library (torch, jax, array_api_strict, cupy) or name
  it as ``xp="torch"`` is skipped where that library is not installed.
- A block that must not run is marked by the line ``<!-- docs-test: skip (REASON) -->`` right
  above its opening fence; the reason is required.
- docs/migration.md is run by tests/test_migration_guide.py and the README by
  tests/test_readme.py (which compares what it prints), so neither is run here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RUN_ELSEWHERE = {"migration.md"}  # tests/test_migration_guide.py
OPTIONAL = ("torch", "jax", "array_api_strict", "cupy", "dask")
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]+)\)\s*-->")
FENCE = re.compile(r"^```python[ \t]*\n(?P<code>.*?)^```[ \t]*$", re.S | re.M)

#: Runs one page: blocks from stdin as JSON [[line, code], ...]; each compiled with the page's
#: name and padded so that tracebacks give the line in the markdown file.
RUNNER = r"""
import inspect, json, sys
page, blocks = json.load(sys.stdin)
ns = {"__name__": "__docs__"}
for line, code in blocks:
    if code.lstrip().startswith(">>>"):
        import unirand
        ns.setdefault("unirand", unirand)
        code = "\n".join(
            ln.lstrip()[4:] if ln.lstrip()[:4] in (">>> ", "... ") else ""
            for ln in code.splitlines()
        )
    exec(compile("\n" * line + code, page, "exec"), ns)
for name, obj in list(ns.items()):
    if name.startswith("test_") and inspect.isfunction(obj):
        if not inspect.signature(obj).parameters:
            obj()
            print("called", name)
"""


def blocks(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The page's runnable blocks as (line before the code, code), and the skip reasons."""
    run, skipped = [], []
    for m in FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        if skip:
            skipped.append(skip.group("reason"))
        else:
            run.append((text.count("\n", 0, m.start("code")), m.group("code")))
    return run, skipped


def needs(code: str) -> set[str]:
    """Optional libraries a page's code imports or names as ``xp``."""
    found = set(re.findall(r"^\s*(?:import|from)\s+(\w+)", code, re.M))
    found |= set(re.findall(r"""xp\s*=\s*["'](\w+)""", code))
    found |= {m for m in re.findall(r"^\s*import\s+(.*)$", code, re.M) for m in m.split(",")}
    return {name.strip().split(".")[0] for name in found} & set(OPTIONAL)


PAGES = sorted(
    p.relative_to(DOCS).as_posix()
    for p in DOCS.rglob("*.md")
    if p.name not in RUN_ELSEWHERE and FENCE.search(p.read_text())
)


def test_the_pages_with_examples_are_found():
    assert {"index.md", "keys.md", "conformance.md", "compatibility.md"} <= set(PAGES)
    assert "getting-started.md" in PAGES


def test_skip_marker_needs_a_reason():
    text = "<!-- docs-test: skip (needs a GPU) -->\n```python\nraise SystemExit(1)\n```\n"
    assert blocks(text) == ([], ["needs a GPU"])
    text = "<!-- docs-test: skip -->\n```python\nx = 1\n```\n"
    assert blocks(text) == ([(2, "x = 1\n")], [])  # the code is on line 3


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page):
    run, _ = blocks((DOCS / page).read_text())
    if not run:
        pytest.skip("every block is marked docs-test: skip")
    missing = sorted(m for m in needs("\n".join(c for _, c in run)) if not _installed(m))
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    done = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([f"docs/{page}", run]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
