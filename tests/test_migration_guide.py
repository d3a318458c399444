"""docs/migration.md's examples run as printed (each Python block in a fresh interpreter)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "migration.md"
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)


def test_guide_has_both_recipes():
    assert len(BLOCKS) == 3
    assert "TorchCPUGenerator" in BLOCKS[0] and "unirand.key" in BLOCKS[2]


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_guide_example_runs(index):
    pytest.importorskip("torch")
    pytest.importorskip("jax")
    # A fresh interpreter: one example turns on jax_enable_x64, which must not leak.
    root = GUIDE.parent.parent
    done = subprocess.run(
        [sys.executable, "-c", BLOCKS[index]], cwd=root, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(root)}, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
