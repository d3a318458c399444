"""Cost of replaying PyTorch's CPU streams with ``unirand.replay.TorchCPUGenerator`` (a script).

Why: the issue that introduced the replay set a budget: replaying ``10**7`` float32 ``randn``
in NumPy costs at most 5x ``torch.randn`` of the same size (the AVX2 path, with its emulated
fused multiply-adds); a later one asked for ``randperm(10**7)`` at torch's speed (it took 7.7 s
and 0.92 GB in a Python loop).  This script times the replica and torch on the same tasks,
checks that the bytes agree (so a fast wrong path cannot hide), and prints the ratios in one
run.  It reports and never asserts.  Each row is the best of ``--repeat`` runs after one
warm-up (which also compiles the Numba kernels); torch runs single-threaded (its random
kernels are serial anyway).  ``peak MB`` is the replica's largest traced allocation above the
result itself (``tracemalloc``, which sees NumPy's buffers).  The load average is printed at
start and end: on a shared 2-core machine other processes skew timings, so compare ratios.

Usage (from the repository root)::

    python benchmarks/bench_replay.py [--n 10000000] [--repeat 5] [--only randperm]

torch is needed for the baseline; without it only the replica's times are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

from unirand.replay import TorchCPUGenerator, _cpu_randperm


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out = fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _peak_mb(fn: Callable[[], Any]) -> float:
    """Largest traced allocation during ``fn`` beyond its result, in MB."""
    tracemalloc.start()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - np.asarray(out).nbytes) / 1e6


def _bytes(x: Any) -> bytes:
    a = np.asarray(x)
    return (a.view(np.uint16) if a.dtype.name == "bfloat16" else a).tobytes()


def _tasks(n: int, torch: Any) -> list[tuple[str, Callable[[TorchCPUGenerator], Any], Any]]:
    """(name, replica call, torch call or None)."""
    m = n // 10
    weights = np.random.default_rng(0).random((10, 1000)).astype(np.float32)

    def t(fn: Callable[[], Any]) -> Any:
        return fn if torch is not None else None

    def tw() -> Any:
        return torch.from_numpy(weights)

    return [
        ("randn float32 (budget 5x)", lambda g: g.randn(n), t(lambda: torch.randn(n))),
        ("rand float32", lambda g: g.rand(n), t(lambda: torch.rand(n))),
        ("rand float64", lambda g: g.rand(n, "float64"),
         t(lambda: torch.rand(n, dtype=torch.float64))),
        ("randint [0, 10) int64", lambda g: g.randint(0, 10, n),
         t(lambda: torch.randint(0, 10, (n,)))),
        ("randperm (Numba if installed)", lambda g: g.randperm(n), t(lambda: torch.randperm(n))),
        ("randperm (NumPy formulation)", "numpy", t(lambda: torch.randperm(n))),
        ("random_() int64", lambda g: g.random(n, "int64"),
         t(lambda: torch.empty(n, dtype=torch.int64).random_())),
        ("random_(-5, 2**40) int64", lambda g: g.random(n, "int64", -5, 2**40),
         t(lambda: torch.empty(n, dtype=torch.int64).random_(-5, 2**40))),
        ("randn float64 (libm, n/10)", lambda g: g.randn(m, "float64"),
         t(lambda: torch.randn(m, dtype=torch.float64))),
        ("exponential_ float32 (n/10)", lambda g: g.exponential(1.5, m),
         t(lambda: torch.empty(m).exponential_(1.5))),
        ("geometric_ int64 (n/10)", lambda g: g.geometric(0.1, m, "int64"),
         t(lambda: torch.empty(m, dtype=torch.int64).geometric_(0.1))),
        ("cauchy_ float32 (n/10)", lambda g: g.cauchy(0.0, 1.0, m),
         t(lambda: torch.empty(m).cauchy_(0.0, 1.0))),
        ("log_normal_ float32 (n/10)", lambda g: g.log_normal(0.0, 1.0, m),
         t(lambda: torch.empty(m).log_normal_(0.0, 1.0))),
        ("multinomial 10x1000, 100 no repl.", lambda g: g.multinomial(weights, 100),
         t(lambda: torch.multinomial(tw(), 100))),
        ("multinomial 10x1000, 10**4 repl.", lambda g: g.multinomial(weights, 10**4, True),
         t(lambda: torch.multinomial(tw(), 10**4, True))),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run the rows whose name contains this")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    print(f"load average at start: {os.getloadavg()}")
    g = TorchCPUGenerator(0)
    print(f"n = {args.n}, replica cpu_capability = {g.cpu_capability}")
    print(f"{'task':<34} {'replica s':>10} {'torch s':>9} {'ratio':>7} {'peak MB':>8}  bitwise")
    for name, replay, baseline in _tasks(args.n, torch):
        if args.only not in name:
            continue
        if replay == "numpy":  # the fallback without Numba, on the same words

            def replay(g: TorchCPUGenerator, n: int = args.n) -> Any:
                saved = _cpu_randperm.kernels
                _cpu_randperm.kernels = lambda: None
                try:
                    return g.randperm(n)
                finally:
                    _cpu_randperm.kernels = saved

        def run(replay: Any = replay) -> Any:
            return replay(g.manual_seed(0))

        t_rep, got = _best(run, args.repeat)
        peak = _peak_mb(run)
        if baseline is None:
            print(f"{name:<34} {t_rep:>10.4f} {'-':>9} {'-':>7} {peak:>8.0f}  -")
            continue

        def base(baseline: Any = baseline) -> Any:
            torch.manual_seed(0)
            return baseline()

        t_torch, exp = _best(base, args.repeat)
        same = _bytes(got) == _bytes(exp.numpy())
        ratio = t_rep / t_torch
        print(f"{name:<34} {t_rep:>10.4f} {t_torch:>9.4f} {ratio:>6.2f}x {peak:>8.0f}  {same}")
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
