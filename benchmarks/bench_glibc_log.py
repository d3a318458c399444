"""Cost of glibc's float64 ``log`` reproduced in array arithmetic (a script, not a test).

Why: ``unirand.math.glibc_log.log_f64_glibc`` replaces the host C library's ``log`` (reached
through ``np.frompyfunc(math.log)``, ``unirand.math.xla_log.c_log_f64``) so that the float64
samplers are the same bits on every host and on torch.  This script says what that costs, in
nanoseconds per element at ``n = 10**6`` inputs (log-uniform positive doubles, a quarter of
them near 1), best of ``--repeat`` runs after a warm-up:

* ``c_log_f64``: the old path, one Python call of glibc's ``log`` per element;
* ``np.log``: NumPy's own SIMD log (not glibc's bits), for scale;
* ``log_f64_glibc`` on NumPy and on torch (the generic exactly rounded ops, FMA emulated);
* ``torch.log``: torch's own (not glibc's bits), for scale.

Rows also say whether the result equals ``c_log_f64`` bit for bit.  It reports and never
asserts.  torch is optional.

Usage (from the repository root)::

    python benchmarks/bench_glibc_log.py [--n 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

from unirand import backends
from unirand.math.glibc_log import log_f64_glibc
from unirand.math.xla_log import c_log_f64


def _inputs(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    far = rng.integers(1, 0x7FF0000000000000, n - n // 4, dtype=np.int64).view(np.float64)
    near = rng.uniform(1.0 - 2.0**-4, 1.0 + float.fromhex("0x1.09p-4"), n // 4)
    return rng.permutation(np.concatenate([far, near]))


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out = fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    x = _inputs(args.n)
    want = c_log_f64(x).view(np.uint64)
    rows: list[tuple[str, Callable[[], Any], Callable[[Any], np.ndarray]]] = [
        ("c_log_f64 (frompyfunc math.log)", lambda: c_log_f64(x), np.asarray),
        ("np.log (not glibc)", lambda: np.log(x), np.asarray),
    ]
    np_ops = backends.by_name("numpy").float64_ops()
    rows.append(("log_f64_glibc numpy", lambda: log_f64_glibc(np_ops, x), np.asarray))
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed: its rows are skipped")
    if torch is not None:
        torch.set_num_threads(1)
        tx = torch.from_numpy(x.copy())
        t_ops = backends.by_name("torch").float64_ops()
        rows.append(("log_f64_glibc torch", lambda: log_f64_glibc(t_ops, tx), lambda t: t.numpy()))
        rows.append(("torch.log (not glibc)", lambda: torch.log(tx), lambda t: t.numpy()))
    machine = f"{platform.machine()}, python {platform.python_version()}"
    print(f"n = {args.n}, best of {args.repeat}; {machine}")
    print(f"{'implementation':34} {'ns/elem':>9} {'vs c_log_f64':>13} {'glibc bits':>11}")
    base = None
    for name, fn, host in rows:
        seconds, out = _best(fn, args.repeat)
        ns = seconds / args.n * 1e9
        base = ns if base is None else base
        same = bool(np.array_equal(np.ascontiguousarray(host(out)).view(np.uint64), want))
        print(f"{name:34} {ns:9.1f} {ns / base:12.2f}x {'yes' if same else 'no':>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
