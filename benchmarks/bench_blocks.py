"""A block of a huge draw costs what the block's values cost: ``index=``/``offset=`` timed.

Three float32 ``normal`` draws of the same number of values ``m`` (1 % of ``N``):

* ``block``: ``normal(key, (N,), offset=(s, s + m))``, a 1 % block of an ``N``-value draw;
* ``whole``: ``normal(key, (m,))``, the same number of values drawn as a whole array;
* ``block of N/10``: a block of ``m`` values of a draw ten times smaller;
* ``1 % block of N/10``: 1 % of that smaller draw (``m / 10`` values).

The block should cost about what the whole ``m``-value draw costs (the counters are read from
an array instead of counted), the same whatever ``N``, and a tenth for a tenth of the values:
proportional to the block, not to the draw.  A 2-d block (``index=np.s_[rows, ::-1]``) is timed
too.  Nothing of size ``N`` is ever allocated (the script reports the traced peak), so
``N = 10**9`` fits on any machine.
Prints ratios; asserts nothing.

    python benchmarks/bench_blocks.py [--n 1000000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import commit, load

import unirand


def best(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # compile / warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def traced_peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10**9, help="the global draw's size")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, m = args.n, args.n // 100
    key = unirand.key(0)
    start = n // 3
    print(f"unirand blocks{commit()}; engine {unirand.engine_info()['engine']}")
    print(load("load before"))
    rows = {
        f"block of N={n:.0e}": lambda: unirand.normal(key, (n,), offset=(start, start + m)),
        f"whole draw of m={m:.0e}": lambda: unirand.normal(key, (m,)),
        f"block of N/10={n // 10:.0e}": lambda: unirand.normal(
            key, (n // 10,), offset=(start // 10, start // 10 + m)
        ),
    }
    rows[f"1 % block of N/10={n // 10:.0e}"] = lambda: unirand.normal(
        key, (n // 10,), offset=(start // 10, start // 10 + m // 10)
    )
    cols = 1000
    shape2 = (n // cols, cols)
    r0 = shape2[0] // 2
    rows[f"2-d block of {shape2}"] = lambda: unirand.normal(
        key, shape2, index=np.s_[r0 : r0 + m // cols, ::-1]
    )
    times = {name: best(fn, args.repeat) for name, fn in rows.items()}
    ref = times[f"whole draw of m={m:.0e}"]
    for name, t in times.items():
        print(f"{name:32s} {t * 1e3:9.2f} ms   {t / ref:5.2f}x the whole m-value draw")
    peak = traced_peak(rows[f"block of N={n:.0e}"])
    print(
        f"traced peak of the 1 % block: {peak / 1e6:.1f} MB (its output: {m * 4 / 1e6:.1f} MB; a "
        f"contiguous block needs no counter array; the whole draw would be {n * 4 / 1e9:.1f} GB)"
    )
    print(load("load after"))


if __name__ == "__main__":
    main()
