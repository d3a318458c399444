"""Threefry-2x32 (20 rounds) compiled: the block function, and the ``bits``/``split`` loops.

The same function as :mod:`unirand.engine.threefry` (the KATs and the golden vectors test both),
written for one counter at a time so that LLVM unrolls the rounds and vectorizes the loop over
counters.  Element ``i`` of a draw hashes counter ``(i >> 32, i & 0xFFFFFFFF)`` (the
partitionable layout); a kernel fills ``out[j]`` with element ``start + j`` (or ``idx[j]``, a
block's own indices: :func:`.units.counter`), so any chunk or block of a draw can be computed on
its own.  Words are uint32; every add and shift is truncated back to 32
bits with ``uint32(...)`` (Numba computes integer operations in 64 bits).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..threefry import PARITY
from .jit import inline, jit
from .units import counter

__all__ = [
    "hash_counter",
    "bits8",
    "bits16",
    "bits32",
    "bits64",
    "split",
    "split_key",
    "fold_in",
]

U32 = np.uint32
U64 = np.uint64
_PARITY = U32(PARITY)
_LOW = np.int64(0xFFFFFFFF)
_SHIFT32 = U64(32)


@inline
def _mix(x0: Any, x1: Any, rot: int) -> tuple[Any, Any]:
    x0 = U32(x0 + x1)
    x1 = U32(U32(x1 << rot) | (x1 >> (32 - rot))) ^ x0
    return x0, x1


@inline
def _four(x0: Any, x1: Any, r0: int, r1: int, r2: int, r3: int) -> tuple[Any, Any]:
    x0, x1 = _mix(x0, x1, r0)
    x0, x1 = _mix(x0, x1, r1)
    x0, x1 = _mix(x0, x1, r2)
    return _mix(x0, x1, r3)


@inline
def hash_counter(k0: Any, k1: Any, k2: Any, hi: Any, lo: Any) -> tuple[Any, Any]:
    """The two output words for counter ``(hi, lo)`` under key ``(k0, k1)``, ``k2`` its
    parity word ``k0 ^ k1 ^ 0x1BD11BDA`` (computed once per kernel)."""
    x0 = U32(hi + k0)
    x1 = U32(lo + k1)
    x0, x1 = _four(x0, x1, 13, 15, 26, 6)
    x0 = U32(x0 + k1)
    x1 = U32(x1 + U32(k2 + 1))
    x0, x1 = _four(x0, x1, 17, 29, 16, 24)
    x0 = U32(x0 + k2)
    x1 = U32(x1 + U32(k0 + 2))
    x0, x1 = _four(x0, x1, 13, 15, 26, 6)
    x0 = U32(x0 + k0)
    x1 = U32(x1 + U32(k1 + 3))
    x0, x1 = _four(x0, x1, 17, 29, 16, 24)
    x0 = U32(x0 + k1)
    x1 = U32(x1 + U32(k2 + 4))
    x0, x1 = _four(x0, x1, 13, 15, 26, 6)
    x0 = U32(x0 + k2)
    x1 = U32(x1 + U32(k0 + 5))
    return x0, x1


@inline
def words(k0: Any, k1: Any, k2: Any, i: Any) -> tuple[Any, Any]:
    """The two hash words of element ``i`` (an int64 flat index) of the partitionable stream."""
    return hash_counter(k0, k1, k2, U32(i >> 32), U32(i & _LOW))


@jit
def bits32(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = y0 ^ y1


@jit
def bits16(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = np.uint16(y0 ^ y1)


@jit
def bits8(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = np.uint8(y0 ^ y1)


@jit
def bits64(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = (U64(y0) << _SHIFT32) | U64(y1)


@jit
def split(k0: Any, k1: Any, start: Any, out: Any) -> None:
    """``out`` of shape (m, 2): the keys ``start .. start + m - 1`` of ``split``."""
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.shape[0]):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j, 0] = y0
        out[j, 1] = y1


@jit
def split_key(data: Any, n: Any) -> Any:
    """``split`` of the key data ``data`` (two uint32 words) into a new ``(n, 2)`` array: one
    call with two arguments, for the small splits on every hot path (Numba's dispatch costs
    microseconds per argument typed, the hash nanoseconds)."""
    out = np.empty((n, 2), np.uint32)
    k0, k1 = data[0], data[1]
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(n):
        y0, y1 = words(k0, k1, k2, np.int64(j))
        out[j, 0] = y0
        out[j, 1] = y1
    return out


@jit
def fold_in(k0: Any, k1: Any, value: Any) -> tuple[Any, Any]:
    """``fold_in``'s two words: the hash of counter ``(0, value)``."""
    return hash_counter(k0, k1, U32(k0 ^ k1 ^ _PARITY), U32(0), value)
