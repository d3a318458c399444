"""NumPy's Threefry hash in place: cache-sized chunks, written straight into the output, threaded.

The reference engine (:mod:`unirand.engine.threefry`) allocates a few temporaries of the full
output size per round.  Here the same 20 rounds run in place on chunks of 64 Ki counters, and
chunks are spread over up to four threads (NumPy releases the GIL inside ufuncs), so
temporaries stay at three chunk buffers per thread.  The golden vectors test this path.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...engine.parallel import parallel_map
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


def run_chunks(
    k0: int, k1: int, n: int, fill: Fill, counters: np.ndarray | range | None = None
) -> None:
    """Hash counters 0..n-1 chunk by chunk; ``fill(start, stop, y0, y1, scratch)`` stores them.

    ``counters``: hash these flat indices (int64, ``n`` of them: a block of a draw) instead;
    ``start``/``stop`` still count positions in the output."""

    def work(start: int) -> None:
        stop = min(start + CHUNK, n)
        m = stop - start
        if isinstance(counters, range):  # a contiguous block: counted, as a whole draw
            c = np.arange(counters.start + start, counters.start + stop, dtype=np.int64)
        if counters is not None:
            c = c if isinstance(counters, range) else counters[start:stop]
            x0 = (c >> 32).astype(_U32)
            x1 = (c & 0xFFFFFFFF).astype(_U32)
        else:
            # chunks never straddle a multiple of 2**32, so the high counter word is constant
            x0 = np.full(m, start >> 32, _U32)
            x1 = np.arange(start & 0xFFFFFFFF, (start & 0xFFFFFFFF) + m, dtype=np.uint64).astype(
                _U32
            )
        t = np.empty(m, _U32)
        block(k0, k1, x0, x1, t)
        fill(start, stop, x0, x1, t)

    parallel_map(work, range(0, n, CHUNK))
