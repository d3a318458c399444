"""A chunked dask draw against one unirand draw: ``unirand.distributed.dask_array`` timed.

Float32 ``normal`` of ``n`` values (default ``10**8``, 400 MB), four ways:

* ``one draw``: ``unirand.normal(key, (n,))``, the single-process draw (its own threads);
* ``dask store``: ``dask_array(normal, key, (n,), chunks)`` on the threaded scheduler, each
  chunk stored into one preallocated array (``da.store``): the chunked draw's own cost;
* ``dask compute``: the same graph's ``.compute()``, which also concatenates the chunks;
* ``dask 2-d``: a ``(n // 1000, 1000)`` draw in square-ish chunks (``index=`` blocks, whose
  counters are an array, where 1-d chunks are flat runs, ``offset=``).

Prints ns per value and the ratio to the single draw, and checks the stored array against the
single draw byte for byte (it should be equal whatever the chunks).  Asserts nothing.

    python benchmarks/bench_dask.py [--n 100000000] [--chunk 10000000] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import commit, load

import unirand
from unirand.distributed import dask_array


def best(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # compile / warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import dask
    import dask.array as da

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10**8, help="values in the draw")
    parser.add_argument("--chunk", type=int, default=10**7, help="values per chunk")
    parser.add_argument("--workers", type=int, default=2, help="threads of dask's scheduler")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, chunk = args.n, args.chunk
    key = unirand.key(0)
    print(
        f"unirand dask_array{commit()}; engine {unirand.engine_info()['engine']}; "
        f"dask {dask.__version__}; n={n:.0e}, chunks of {chunk:.0e}, {args.workers} threads"
    )
    print(load("load before"))
    out = np.empty((n,), np.float32)
    flat = dask_array(unirand.normal, key, (n,), chunk)
    cols = 1000
    side = max(1, int(chunk**0.5))
    square = dask_array(unirand.normal, key, (n // cols, cols), (max(1, chunk // side), side))
    with dask.config.set(scheduler="threads", num_workers=args.workers):
        rows = {
            "one draw": lambda: unirand.normal(key, (n,)),
            "dask store": lambda: da.store(flat, out, lock=False),
            "dask compute": lambda: flat.compute(),
            f"dask 2-d {square.chunksize}": lambda: square.compute(),
        }
        times = {name: best(fn, args.repeat) for name, fn in rows.items()}
    ref = times["one draw"]
    for name, t in times.items():
        print(f"{name:28s} {t * 1e9 / n:8.2f} ns/value   {t / ref:5.2f}x the single draw")
    same = out.tobytes() == unirand.normal(key, (n,)).tobytes()
    print(f"stored chunks equal the single draw byte for byte: {same}")
    print(load("load after"))


if __name__ == "__main__":
    main()
