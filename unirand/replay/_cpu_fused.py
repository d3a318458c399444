"""The multiply-adds of torch's CPU kernels: fused (one rounding) or not, as the build does.

The x86-64 wheels compile the AVX2 and AVX-512 copies of the distribution kernels with
``-mfma``, and GCC contracts ``a * b + c`` into one fused multiply-add there; the ``default``
copy rounds the product first.  So ``x * (to - from) + from`` (uniform), ``z * std + mean``
(normal, log-normal) and ``median + sigma * tan(...)`` (Cauchy) depend on the capability.

``unirand.math.fma`` emulates the fused operation exactly, but its float64 version (Dekker's
splitting) needs the intermediates to neither overflow nor underflow.  :func:`madd64` uses it
where that holds and computes the rest exactly with rationals, so every input is exact.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..math.fma import fma_f32, fma_f64
from ._cpu_args import bits

# Dekker's split multiplies by 2**27 + 1 and the error terms reach 2**-106 of the product:
# inside these bounds nothing overflows or underflows.
_BIG = 2.0**480
_TINY = 2.0**-900


def madd64(a: np.ndarray, b: np.ndarray | float, c: np.ndarray | float, fused: bool) -> np.ndarray:
    """``a * b + c`` in float64: ``RN(a*b + c)`` if ``fused``, else ``RN(RN(a*b) + c)``."""
    a = np.asarray(a, dtype=np.float64)
    b, c = (np.broadcast_to(np.asarray(v, dtype=np.float64), a.shape) for v in (b, c))
    if not fused:
        return a * b + c
    with np.errstate(all="ignore"):
        p = np.abs(a * b)
        safe = (np.abs(a) < _BIG) & (np.abs(b) < _BIG) & (np.abs(c) < _BIG)
        safe &= (p == 0) | (p > _TINY)
        out = np.empty(a.shape, dtype=np.float64)
        out[safe] = fma_f64(np, a[safe], b[safe], c[safe], bits)
        for i in zip(*np.nonzero(~safe), strict=True):
            out[i] = _fma_exact(float(a[i]), float(b[i]), float(c[i]))
    return out


def _fma_exact(a: float, b: float, c: float) -> float:
    """One fused multiply-add through exact rationals, with IEEE's special cases."""
    import math

    if not (math.isfinite(a) and math.isfinite(b)):
        return a * b + c
    if not math.isfinite(c):
        return c  # a * b is finite: inf or NaN c decides
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        return a * b + c  # IEEE's sign of an exact zero sum (RN: -0 only if both are -0)
    try:
        return float(exact)  # int / int true division rounds correctly
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def madd32(
    a: np.ndarray, b: np.ndarray | np.float32, c: np.ndarray | np.float32, fused: bool
) -> np.ndarray:
    """``a * b + c`` in float32: fused (exact, through float64 and round-to-odd) or not."""
    a = np.asarray(a, dtype=np.float32)
    b, c = (np.broadcast_to(np.asarray(v, dtype=np.float32), a.shape) for v in (b, c))
    if not fused:
        return a * b + c
    return fma_f32(np, a, b, c, bits)
