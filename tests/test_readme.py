"""The README's example runs as printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_prints_what_it_says():
    pytest.importorskip("torch")
    pytest.importorskip("jax")
    text = README.read_text()
    code = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    printed = re.search(r"prints\n\n```\n(.*?)```", text, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == printed


def test_readme_commands_match_ci():
    """.ci/run runs the README's commands: the main job and the test command."""
    first, second = re.findall(r"```bash\n(.*?)\n(.*?)\n```", README.read_text(), re.S)[0]
    ci = (README.parent / ".ci" / "run").read_text()
    for command in (first, second):
        assert command.rsplit("&& ", 1)[-1] in ci
