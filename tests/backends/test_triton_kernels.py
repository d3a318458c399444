"""The fused Triton kernels of torch on CUDA, run on the CPU under Triton's interpreter.

``TRITON_INTERPRET=1`` executes a kernel's operations with NumPy (with a true fused
multiply-add), so the kernels' logic is checked here against the golden vectors from
``jax.random`` without a GPU.  What a GPU's compiler does with the same kernel is checked on
the GPU itself, by the probe of ``backends/torch/triton_path.py`` and the device script
(docs/performance.md).  Runs in a fresh interpreter: the variable must be set before Triton
is imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("triton")

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import math, sys
import numpy as np, torch
sys.path.insert(0, {tests!r})
import unirand
from golden import apply_ops, assert_matches, cases
from unirand.backends.torch import triton_path

ran = 0
for case in cases():
    kind = (case["fn"], case.get("dtype"))
    if kind not in triton_path.STREAMS or math.prod(case["shape"]) > 20_000:
        continue
    bounds = None
    if case["fn"] == "uniform":
        lo, hi = np.float32(case["minval"]), np.float32(case["maxval"])
        if not (np.isfinite(lo) and np.isfinite(hi - lo)):
            continue
        bounds = (float(lo), float(hi - lo))
    key = apply_ops(unirand.key(case["seed"]), case["ops"])
    k0, k1 = (int(v) for v in unirand.key_data(key))
    n = math.prod(case["shape"])
    out = torch.empty(n, dtype=torch.int32 if case["fn"] == "bits" else torch.float32)
    triton_path.launch(case["fn"], k0, k1, out, bounds)
    got = out.numpy().view(np.uint32) if case["fn"] == "bits" else out.numpy()
    assert_matches(case, got.reshape(case["shape"]))
    ran += 1
assert ran >= 20, ran

# one draw of more than a block, against the (golden-tested) NumPy engine
key = unirand.key(0x1234)
k0, k1 = (int(v) for v in unirand.key_data(key))
n = 70_001
out = torch.empty(n, dtype=torch.float32)
triton_path.launch("normal", k0, k1, out)
assert out.numpy().tobytes() == unirand.normal(key, (n,)).tobytes()
out = torch.empty(n, dtype=torch.float32)
triton_path.launch("uniform", k0, k1, out, (-0.0, 1.0))
assert out.numpy().tobytes() == unirand.uniform(key, (n,), "float32", -0.0, 1.0).tobytes()
# the probe: the kernel's bytes against the vectorized engine's draw of the probe's key
probe = unirand.wrap_key_data(np.array(triton_path.probe_key(), np.uint32))
size = (triton_path.probe_size(),)
def reference():
    return unirand.normal(probe, size, xp=torch)
assert triton_path._probe("normal", "cpu", reference)
assert triton_path._probe("bits", "cpu", lambda: unirand.bits(probe, size, xp=torch))
uniform_ref = lambda: unirand.uniform(probe, size, "float32", 0.25, 0.75, xp=torch)
assert triton_path._probe("uniform", "cpu", uniform_ref)
assert not triton_path._probe("normal", "cpu", lambda: reference() * 1.0000001)
assert not triton_path.usable("normal", "float32", "cpu", reference)  # CUDA only
print("ran", ran, "golden cases")
print("ok")
"""


def test_triton_kernels_match_the_golden_vectors_under_the_interpreter():
    env = dict(os.environ, TRITON_INTERPRET="1", UNIRAND_TRITON="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    code = textwrap.dedent(_CHILD.format(tests=str(ROOT / "tests")))
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("ok"), proc.stdout
