"""The scripts in examples/ run and succeed, each in a fresh interpreter.

Why: the examples are documentation that executes (examples/README.md, docs/examples.md); one
that fails or no longer checks what it says it checks is a false statement.  Each runs as a
user runs it, ``python examples/<name>.py`` in a subprocess (one example's JAX or torch state
must not leak into another's, or into this process), with a timeout, and must exit 0 and end
with its summary line ``OK: <name>: ...``.  An example whose libraries are not installed is
skipped, naming them.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT_S = 300  # each takes well under 60 s on 2 cores; the margin is for a loaded machine

#: Each example and the optional libraries it needs for the comparison it claims.
NEEDS: dict[str, tuple[str, ...]] = {
    "array_api_model": ("torch", "jax"),
    "torch_to_jax_migration": ("torch", "jax"),
    "per_request_sampling": ("torch", "jax"),
    "tensor_parallel_init": ("torch",),
}

#: What the summary line must say beyond ``OK: <name>:`` (the claim that was checked).
CLAIMS: dict[str, tuple[str, ...]] = {
    "array_api_model": ("bitwise init and masks", "losses within rtol"),
    "torch_to_jax_migration": ("every random tensor bitwise", "losses within rtol"),
    "per_request_sampling": ("tokens independent of the batch", "on 3 backends"),
    "tensor_parallel_init": ("sharded init and dropout mask bitwise", "2 ranks"),
}


def test_every_example_is_tested_and_documented() -> None:
    """A new script in examples/ must be added here and to both descriptions of the examples."""
    scripts = {p.stem for p in EXAMPLES.glob("*.py")}
    assert scripts == set(NEEDS) == set(CLAIMS)
    readme = (EXAMPLES / "README.md").read_text()
    page = (ROOT / "docs" / "examples.md").read_text()
    for name in scripts:
        assert f"python examples/{name}.py" in readme, name
        assert f"examples/{name}.py" in page, name


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_example_docstring_says_what_and_why(name: str) -> None:
    """Each script opens with a docstring that says what it shows, why, and how to run it."""
    source = (EXAMPLES / f"{name}.py").read_text()
    assert source.startswith('"""'), name
    doc = source.split('"""')[1]
    assert "What it shows" in doc and "Why" in doc, name
    assert f"python examples/{name}.py" in doc, name


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_example_runs(name: str) -> None:
    """``python examples/<name>.py`` exits 0 and prints its summary line last."""
    missing = [lib for lib in NEEDS[name] if importlib.util.find_spec(lib) is None]
    if missing:
        pytest.skip(f"examples/{name}.py needs {', '.join(missing)}")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=TIMEOUT_S,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    lines = done.stdout.strip().splitlines()
    assert lines, output[-4000:]
    summary = lines[-1]
    assert summary.startswith(f"OK: {name}: "), output[-4000:]
    for claim in CLAIMS[name]:
        assert claim in summary, (claim, summary)
    assert "skipped (not installed)" not in done.stdout, done.stdout
