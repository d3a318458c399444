"""NumPy's Threefry hash in place: cache-sized chunks, written straight into the output, threaded.

The reference engine (:mod:`unirand.engine.threefry`) allocates a few temporaries of the full
output size per round.  Here the same 20 rounds run in place on chunks of 64 Ki counters, and
chunks are spread over up to four threads (NumPy releases the GIL inside ufuncs), so
temporaries stay at three chunk buffers per thread.  The golden vectors test this path.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...engine.threefry import PARITY, ROTATIONS

__all__ = ["CHUNK", "Fill", "block", "parallel_map", "run_chunks"]

CHUNK = 1 << 16
_U32 = np.uint32


def block(k0: int, k1: int, x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> None:
    """Threefry-2x32, 20 rounds, in place on uint32 arrays (t: scratch of the same size)."""
    ks = (_U32(k0), _U32(k1), _U32(k0 ^ k1 ^ PARITY))
    x0 += ks[0]
    x1 += ks[1]
    for r in range(20):
        rot = ROTATIONS[r % 8]
        x0 += x1
        np.left_shift(x1, _U32(rot), out=t)
        x1 >>= _U32(32 - rot)
        x1 |= t
        x1 ^= x0
        if r % 4 == 3:
            i = r // 4
            x0 += ks[(i + 1) % 3]
            x1 += _U32((int(ks[(i + 2) % 3]) + i + 1) & 0xFFFFFFFF)


Fill = Callable[[int, int, np.ndarray, np.ndarray, np.ndarray], None]


def run_chunks(k0: int, k1: int, n: int, fill: Fill) -> None:
    """Hash counters 0..n-1 chunk by chunk; ``fill(start, stop, y0, y1, scratch)`` stores them."""

    def work(start: int) -> None:
        stop = min(start + CHUNK, n)
        m = stop - start
        # chunks never straddle a multiple of 2**32, so the high counter word is constant
        x0 = np.full(m, start >> 32, _U32)
        x1 = np.arange(start & 0xFFFFFFFF, (start & 0xFFFFFFFF) + m, dtype=np.uint64).astype(_U32)
        t = np.empty(m, _U32)
        block(k0, k1, x0, x1, t)
        fill(start, stop, x0, x1, t)

    parallel_map(work, range(0, n, CHUNK))


def parallel_map(work: Callable[[int], None], starts: range) -> None:
    if len(starts) >= 4 and _workers() > 1:
        list(_pool().map(work, starts))
    else:
        for s in starts:
            work(s)


def _workers() -> int:
    return min(4, os.cpu_count() or 1)


# The pool is per process: a forked child inherits the executor object but none of its threads,
# so work submitted there would wait forever.  The fork hook drops the parent's pool (and its
# lock, which another thread may have held at the fork) in the child; the pid check covers
# forks the hook does not see (none on CPython, but it costs one comparison).
_POOL: ThreadPoolExecutor | None = None
_POOL_PID = 0
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL, _POOL_PID
    pid = os.getpid()
    with _POOL_LOCK:
        if _POOL is None or _POOL_PID != pid:
            _POOL = ThreadPoolExecutor(_workers(), thread_name_prefix="unirand")
            _POOL_PID = pid
        return _POOL


def _reset_after_fork() -> None:
    global _POOL, _POOL_PID, _POOL_LOCK
    _POOL, _POOL_PID, _POOL_LOCK = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
