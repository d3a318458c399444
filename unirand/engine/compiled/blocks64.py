"""The float64 ``log1p``/``erf_inv`` transforms in blocks that LLVM vectorizes.

glibc's float64 ``log`` (the specification's, :func:`.elementary.log_f64`) reads two 128-entry
tables and branches on its input's range.  In a loop that also hashes, the table reads keep
LLVM's loop vectorizer off the whole loop on CPUs without AVX-512 (a gather costs too much on
AVX2), so the Threefry hash ran one value at a time: float64 ``normal`` took 43 ns per value on
one AMD EPYC (Zen 3) core, 7.7x the float32 kernel (measured, 2026-12-03).  Here a kernel fills a
block of ``BLOCK`` values in passes instead: the hash and the branch-free arithmetic in loops
that vectorize, the table reads in a loop of their own, both sides of each ``where`` computed
and one selected (the vectorized engine's way).  Same operations on the same values, so the
same bytes: 13.5 ns per value on that core.

A fast pass covers every value the specification computes on its common path.  Where the
value needs anything else (an ``erf_inv`` tail, ``|x| >= 1``, a NaN input), the pass leaves a
NaN and counts it; the kernel then recomputes each NaN element with the scalar functions of
:mod:`.elementary` (whose result may be NaN again, rightly).  Imported only when Numba is
installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .elementary import _E625, _horner64, _log_general, log1p_small_f64
from .intrinsics import f64_bits
from .jit import inline

__all__ = ["BLOCK", "log1p_f64_pass", "erf_inv_f64_pass"]

I64 = np.int64
#: values per block: the block and its two scratch arrays stay in L1/L2 (3 x 8 KiB)
BLOCK = 1024
_SMALL = 0.41421356237309504880  # XLA's log1p: the Cephes rational below sqrt(2) - 1
_MIN_NORMAL = 2.2250738585072014e-308


@inline
def log1p_f64_pass(a: Any, lp: Any, m: int) -> None:
    """``lp[j] = log1p_f64(a[j])`` for ``j < m`` (:func:`.elementary.log1p_f64`), or NaN where
    ``1 + a[j]`` is not a positive normal finite number (zero, subnormal, inf, NaN).

    For ``|a| >= sqrt(2) - 1`` the specification takes glibc's ``log(1 + a)``, whose argument is
    then at most 0.586 or at least 1.414: never glibc's near-one range, so its general path
    (:func:`.elementary._log_general`) is the whole function there."""
    for j in range(m):
        lp[j] = log1p_small_f64(a[j])
    for j in range(m):
        aj = a[j]
        s = aj + 1.0
        big = _log_general(I64(f64_bits(s)))
        big = big if (s >= _MIN_NORMAL and s < np.inf) else np.nan
        lp[j] = lp[j] if abs(aj) < _SMALL else big


@inline
def erf_inv_f64_pass(x: Any, a: Any, lp: Any, scale: float, m: int) -> int:
    """In place, for ``j < m``: ``x[j] = scale * erf_inv_f64(x[j])`` where the specification
    takes its central branch (``log1p(-x*x) > -6.25``, ``|x| < 1``), NaN elsewhere; returns how
    many NaNs it left.  ``a``/``lp``: scratch arrays of at least ``m`` values."""
    for j in range(m):
        xj = x[j]
        a[j] = xj * -xj
    log1p_f64_pass(a, lp, m)
    left = 0
    for j in range(m):
        xj = x[j]
        w = lp[j]
        p = _horner64(_E625, _E625.size, -3.125 - w)
        central = w > -6.25 and abs(xj) < 1.0
        left += 0 if central else 1
        x[j] = scale * (xj * p) if central else np.nan
    return left
