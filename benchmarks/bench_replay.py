"""Cost of replaying PyTorch's CPU streams with ``unirand.replay.TorchCPUGenerator`` (a script).

Why: the issue that introduced the replay set a budget: replaying ``10**7`` float32 ``randn``
in NumPy costs at most 5x ``torch.randn`` of the same size (the AVX2 path, with its emulated
fused multiply-adds).  This script times the replica and torch on the same tasks, checks that
the bytes agree (so a fast wrong path cannot hide), and prints the ratios in one run.  It
reports and never asserts.  Each row is the best of ``--repeat`` runs after one warm-up; torch
runs single-threaded (its random kernels are serial anyway).  The load average is printed at
start and end: on a shared 2-core machine other processes skew timings, so compare ratios.

Usage (from the repository root)::

    python benchmarks/bench_replay.py [--n 10000000] [--repeat 5]

torch is needed for the baseline; without it only the replica's times are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

from unirand.replay import TorchCPUGenerator


def _best(fn, repeat: int) -> tuple[float, object]:
    out = fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.n
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    print(f"load average at start: {os.getloadavg()}")
    g = TorchCPUGenerator(0)
    print(f"n = {n}, replica cpu_capability = {g.cpu_capability}")
    tasks = [
        ("randn float32 (budget 5x)", lambda: g.randn(n), "randn", "float32", n),
        ("rand float32", lambda: g.rand(n), "rand", "float32", n),
        ("rand float64", lambda: g.rand(n, "float64"), "rand", "float64", n),
        ("randint [0, 10) int64", lambda: g.randint(0, 10, n), "randint", "int64", n),
        ("randn float64 (libm, n/10)", lambda: g.randn(n // 10, "float64"), "randn", "float64",
         n // 10),
    ]  # fmt: skip
    print(f"{'task':<30} {'replica s':>10} {'torch s':>10} {'ratio':>7}  bitwise")
    for name, replay, op, dtype, size in tasks:
        t_rep, got = _best(lambda replay=replay: (g.manual_seed(0), replay())[1], args.repeat)
        if torch is None:
            print(f"{name:<30} {t_rep:>10.4f} {'-':>10} {'-':>7}  -")
            continue
        td = getattr(torch, dtype)

        def run(op=op, size=size, td=td):
            torch.manual_seed(0)
            if op == "randint":
                return torch.randint(0, 10, (size,), dtype=td)
            return getattr(torch, op)(size, dtype=td)

        t_torch, exp = _best(run, args.repeat)
        same = np.asarray(got).tobytes() == exp.numpy().tobytes()
        print(f"{name:<30} {t_rep:>10.4f} {t_torch:>10.4f} {t_rep / t_torch:>6.2f}x  {same}")
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
