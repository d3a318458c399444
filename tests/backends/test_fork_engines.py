"""The torch and JAX engines after ``fork``, in ``spawn`` children and from 8 threads at once.

``tests/backends/test_fork.py`` covers the NumPy engine's pool and the replay generators; these
are the other engines: portable keys drawing on torch (its int32 hash, the compiled engine on
the CPU) and on JAX (native ``jax.random`` and the portable engine), and native torch keys.
Each check is a script in a fresh interpreter with a timeout (a hang fails, never blocks the
suite); children compare their bytes with the parent's.  JAX is not forked once initialized
(XLA's threads do not survive a fork; JAX itself warns): the sane fork case is a child that
starts JAX itself, and a parent with JAX uses ``spawn``.  Likewise torch's own OpenMP pool: a
forked child runs ``torch.set_num_threads(1)`` first, as DataLoader workers do (without it plain
torch ops hang there, unirand or not; measured with ``UNIRAND_NUMBA=0``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

N = 300_000  # above three chunks: the threaded paths of both engines
TIMEOUT_S = 120


def _run(code: str, tmp_path: Path) -> None:
    script = tmp_path / "child.py"  # a file: spawn children import the main module by path
    script.write_text(textwrap.dedent(code))
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a hung grandchild is killed with it
        cwd=str(tmp_path),
    )
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"no result after {TIMEOUT_S} s: a draw hung")
    assert proc.returncode == 0, out
    assert out.strip().endswith("ok"), out


_DRAWS = f"""
import os, sys, warnings
import numpy as np
import unirand
from unirand.backends import to_numpy

XP = sys.argv[1] if len(sys.argv) > 1 else "torch"


def draw(i, xp=None, perm=True):
    xp = xp or XP
    k = unirand.fold_in(unirand.key(7), i)
    parts = [
        unirand.uniform(k, ({N},), xp=xp),
        unirand.normal(k, (1000,), "bfloat16", xp=xp),
        unirand.bits(k, (777,), "uint8", xp=xp),
    ]
    if perm:  # int32 on JAX without x64: compared within a library only
        parts.append(unirand.permutation(k, 50, xp=xp))
    return b"".join(np.asarray(to_numpy(p)).tobytes() for p in parts)
"""


@pytest.mark.parametrize("kind", ["portable", "native"])
def test_torch_draws_in_a_forked_child(tmp_path, kind):
    pytest.importorskip("torch")
    if not hasattr(os, "fork"):
        pytest.skip("needs os.fork")
    _run(
        _DRAWS
        + f"""
import torch
if "{kind}" == "native":
    def draw(i, xp=None):
        k = unirand.as_key(torch.Generator().manual_seed(5)).fold_in(i)
        return b"".join(
            np.asarray(to_numpy(p)).tobytes()
            for p in (k.normal(({N},)), k.uniform((99,), "bfloat16"), k.permutation(40))
        )
draw(0)  # the parent draws first: pools, compiled kernels and generators exist
want = draw(1)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: meant
    pid = os.fork()
if pid == 0:
    code = 1
    try:
        # torch's own OpenMP pool does not survive a fork (plain torch ops hang in the child
        # after parallel ones in the parent); DataLoader workers run this same line
        torch.set_num_threads(1)
        code = 0 if draw(1) == want else 2
    finally:
        os._exit(code)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
assert draw(1) == want  # the parent still draws
print("ok")
""",
        tmp_path,
    )


def test_jax_started_in_a_forked_child(tmp_path):
    """A parent that drew on NumPy (its pool running) forks; the child starts JAX itself."""
    pytest.importorskip("jax")
    if not hasattr(os, "fork"):
        pytest.skip("needs os.fork")
    _run(
        _DRAWS
        + """
assert "jax" not in sys.modules
want = draw(1, "numpy", perm=False)
r, w = os.pipe()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    pid = os.fork()
if pid == 0:
    code = 1
    try:
        os.close(r)
        ok = draw(1, "jax", False) == want and draw(1, "jax:portable") == draw(1, "jax")
        code = 0 if ok else 2
    finally:
        os._exit(code)
os.close(w)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
print("ok")
""",
        tmp_path,
    )


@pytest.mark.parametrize("xp", ["torch", "jax", "jax:portable"])
def test_spawned_children_draw_the_parents_bytes(tmp_path, xp):
    pytest.importorskip(xp.split(":")[0])
    _run(
        _DRAWS
        + f"""
import multiprocessing as mp

def child(i):
    return draw(i, "{xp}")

if __name__ == "__main__":
    want = [draw(i, "{xp}") for i in range(3)]  # the parent has initialized the library
    with mp.get_context("spawn").Pool(2) as pool:
        got = pool.map(child, range(3))
    assert got == want
    print("ok")
""",
        tmp_path,
    )


@pytest.mark.parametrize("xp", ["torch", "jax", "jax:portable", "torch-native"])
def test_eight_threads_draw_deterministically(tmp_path, xp):
    """8 threads at once, each drawing 3 keys twice: every result equals the serial one."""
    pytest.importorskip(xp.split(":")[0].split("-")[0])
    _run(
        _DRAWS
        + f"""
import threading
if "{xp}" == "torch-native":
    import torch
    def draw(i, xp=None):
        k = unirand.as_key(torch.Generator().manual_seed(9)).fold_in(i)
        return np.asarray(to_numpy(k.normal(({N},)))).tobytes()
xp = "{xp}".split("-")[0]
serial = {{i: draw(i, xp) for i in range(24)}}
got, errors = {{}}, []

def work(t):
    try:
        for rep in range(2):
            for i in range(3 * t, 3 * t + 3):
                got[(i, rep)] = draw(i, xp)
    except BaseException as e:  # reported below
        errors.append(repr(e))

threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
assert all(got[(i, rep)] == serial[i] for i in range(24) for rep in range(2))
print("ok")
""",
        tmp_path,
    )
