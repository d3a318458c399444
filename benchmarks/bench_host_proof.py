"""What proving the native paths costs (a script, not a test): the probes of issue 10.

unirand uses ``jax.random`` for a float sampler only after a probe has shown, on this host, that
it computes the specification (``unirand/samplers/jax_native.py``), and NumPy uses the C
library's float64 ``log`` only after a probe has shown it to be glibc's
(``unirand/engine/host_log.py``).  This script measures, each in a fresh process so nothing is
cached yet:

* the first-use cost of the JAX probe per sampler and dtype (two fixed draws compiled and
  compared), and the steady-state cost of the cached decision;
* the first-use cost of the C-library ``log`` probe;
* float64 ``normal`` at ``n = 10**6`` on NumPy, torch and JAX (native) with the new ``log``,
  next to ``jax.random.normal`` itself, as ratios measured in the same run.

It reports and never asserts.  Usage (from the repository root)::

    python benchmarks/bench_host_proof.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBES = r"""
import json, time
import jax
jax.config.update("jax_enable_x64", True)
import unirand
from unirand import backends
from unirand.samplers import jax_native
out = {}
t = time.perf_counter()
jax.numpy.zeros(1).block_until_ready()
out["jax start"] = time.perf_counter() - t
for family in ("uniform", "normal", "truncated_normal", "exponential", "gumbel"):
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        variant = "low" if family == "gumbel" else ""
        t = time.perf_counter()
        verdict = jax_native.probe(family, dtype, variant)
        out[f"{family}/{dtype}"] = [time.perf_counter() - t, verdict]
jb = backends.by_name("jax")
t = time.perf_counter()
for _ in range(100_000):
    jax_native.native_jax(jb, None, "uniform", "float16")
out["steady"] = (time.perf_counter() - t) / 100_000
print(json.dumps(out))
"""

_LOG_PROBE = r"""
import json, time
t = time.perf_counter()
from unirand.engine.host_log import c_library_log_is_spec
t0 = time.perf_counter()
verdict = c_library_log_is_spec()
print(json.dumps([time.perf_counter() - t0, verdict]))
"""

_NORMAL = r"""
import json, time
import numpy as np
import jax
jax.config.update("jax_enable_x64", True)
import unirand
n = 10**6
k = unirand.key(0)
def best(f, r=3):
    f(); b = float("inf")
    for _ in range(r):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b
jk = jax.random.key(0)
f = jax.jit(lambda k: jax.random.normal(k, (n,), "float64"))
out = {"jax.random.normal (jit)": best(lambda: f(jk).block_until_ready())}
out["unirand numpy"] = best(lambda: unirand.normal(k, (n,), "float64"))
out["unirand jax (native where proven)"] = best(
    lambda: unirand.normal(k, (n,), "float64", xp="jax").block_until_ready())
try:
    import torch
    out["unirand torch"] = best(lambda: unirand.normal(k, (n,), "float64", xp="torch"), 1)
except ImportError:
    pass
print(json.dumps(out))
"""


def _run(code: str) -> object:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    probes = _run(_PROBES)
    print("JAX native-path probe, first use per sampler/dtype (fresh process, x64 on):")
    print(f"  (JAX start-up, not counted: {probes.pop('jax start') * 1e3:.0f} ms)")
    steady = probes.pop("steady")
    for name, (seconds, verdict) in probes.items():
        print(f"  {name:28s} {seconds * 1e3:7.0f} ms  native={verdict}")
    total = sum(s for s, _ in probes.values())
    print(f"  all {len(probes)} together: {total:.1f} s; cached decision: {steady * 1e6:.2f} us")
    seconds, verdict = _run(_LOG_PROBE)
    print(f"C-library log probe (6,000 inputs): {seconds * 1e3:.1f} ms, glibc's = {verdict}")
    normal = _run(_NORMAL)
    base = normal["jax.random.normal (jit)"]
    print("float64 normal, n = 10**6, best of 3 (torch: 1), ratio to jitted jax.random.normal:")
    for name, seconds in normal.items():
        print(f"  {name:36s} {seconds * 1e3:8.1f} ms  {seconds / base:6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
