"""Philox4x32-10 (Salmon et al., SC'11), vectorised over NumPy ``uint32`` arrays.

This is Random123's ``philox4x32_10`` and cuRAND's ``curand_Philox4x32_10``: the block function
behind PyTorch's CUDA generator.  Arithmetic wraps modulo 2**32 (NumPy unsigned arrays never
raise on overflow); the 32x32 -> 64-bit ``mulhilo`` goes through ``uint64``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: round multipliers and Weyl key increments (Random123 ``philox.h``)
M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85

_U32 = np.uint32
_U64 = np.uint64


def _mulhilo(m: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(high, low) 32-bit halves of the 64-bit product ``m * x``."""
    p = x.astype(_U64) * _U64(m)
    return (p >> _U64(32)).astype(_U32), p.astype(_U32)


def philox4x32(
    ctr: tuple[Any, Any, Any, Any], key: tuple[Any, Any], rounds: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Philox4x32 with ``rounds`` rounds on broadcastable uint32 counter words and key words.

    ``ctr = (c0, c1, c2, c3)`` and ``key = (k0, k1)`` as in Random123 (word 0 least significant;
    cuRAND's ``uint4 ctr`` has ``x, y, z, w`` = words 0..3).  Returns the four output words.
    """
    c0, c1, c2, c3 = np.broadcast_arrays(*(np.asarray(c, dtype=_U32) for c in ctr))
    c0, c1, c2, c3 = (np.array(c, dtype=_U32) for c in (c0, c1, c2, c3))  # own, writable
    k0, k1 = (int(k) & 0xFFFFFFFF for k in key) if _scalar_key(key) else key
    k0 = np.asarray(k0, dtype=_U32)
    k1 = np.asarray(k1, dtype=_U32)
    with np.errstate(over="ignore"):
        for r in range(rounds):
            if r:
                k0 = k0 + _U32(W0)
                k1 = k1 + _U32(W1)
            hi0, lo0 = _mulhilo(M0, c0)
            hi1, lo1 = _mulhilo(M1, c2)
            c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def _scalar_key(key: tuple[Any, Any]) -> bool:
    return all(isinstance(k, (int, np.integer)) for k in key)
