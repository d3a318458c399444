"""glibc's float64 ``log``, operation for operation, with exact rounding, on any array library.

Why: ``math.log`` in CPython and XLA:CPU's float64 ``log`` both call the host C library, so a
sampler built on them depends on the host's libm, and ``torch.log`` differs from glibc by up to
a few ulp.  Repeating glibc's own computation with exactly rounded operations makes the result
a property of the algorithm, the same on NumPy, PyTorch and JAX (eager or under ``jax.jit``).

The algorithm is glibc's ``sysdeps/ieee754/dbl-64/e_log.c`` (ARM optimized-routines, Szabolcs
Nagy; constants in :mod:`._glibc_log_data`).  On an x86-64 CPU with FMA glibc 2.36 runs the
``__ieee754_log_fma`` variant (compiled with ``-mfma -mavx2``): ``r = fma(z, invc, -1.0)``
and GCC contracts further multiply-adds.  Which ones was read off the machine code of Debian
12's ``libm.so.6`` (glibc 2.36-9+deb12u14, ``__ieee754_log_fma`` at 0x6eda0, found by stepping
into ``log`` under gdb) and is repeated here exactly:

general path (``tmp = ix - OFF``, ``k = tmp >> 52``, ``i = (tmp >> 45) % 128``)::

    r  = fma(z, invc, -1)             w  = fma(kd, Ln2hi, logc)
    hi = w + r                        lo = fma(kd, Ln2lo, (w - hi) + r)
    r2 = r*r   r3 = r*r2              p  = fma(fma(r, A4, A3), r2, fma(r, A2, A1))
    y  = fma(r3, p, fma(r2, A0, lo)) + hi

near 1 (``1 - 2^-4 <= x < 1 + 0x1.09p-4``, ``r = x - 1``)::

    q1 = fma(r2, B3, fma(r, B2, B1))  q2 = fma(r2, B6, fma(r, B5, B4))
    q3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)))      P = fma(fma(q3, r3, q2), r3, q1)
    t = fma(r, 2^27, r)   rhi = fma(r, -2^27, t)   rlo = r - rhi   s = rhi*rhi
    hi = fma(s, B0, r)    lo = fma(s, B0, r - hi)  lo = fma(B0*rlo, r + rhi, lo)
    y  = hi + fma(P, r3, lo)

Both paths are evaluated for every element and one is selected (no data-dependent Python
branching, so it traces under ``jax.jit``).  The special cases are glibc's: ``log(1) = +0``,
``log(+-0) = -inf``, ``log(inf) = inf``, negative ``x`` gives x86's default NaN
(``0xfff8000000000000``, from ``(x - x) / (x - x)``), a NaN input comes back quieted; subnormal
``x`` is normalized to glibc's ``asuint64(x * 2^52) - (52 << 52)``, computed in integers
(XLA:CPU flushes subnormal floats to zero).  Bit manipulation is in
int64 with arithmetic shifts only (PyTorch has no uint64 shifts); it gives glibc's unsigned
results because only bits 45..63 of ``tmp`` are read and ``k`` is glibc's signed shift.
"""

from __future__ import annotations

from typing import Any

from ._glibc_log_data import (
    LN2HI,
    LN2LO,
    NEAR1_HI,
    NEAR1_LO,
    OFF,
    POLY_A as A,
    POLY_B as B,
    TABLE,
)
from .ops import Float64Ops

__all__ = ["log_f64_glibc", "log_general_f64", "log_near1_f64", "INVC", "LOGC"]

#: the table's columns, as the ``take`` lookups want them
INVC = tuple(row[0] for row in TABLE)
LOGC = tuple(row[1] for row in TABLE)

_ONE_BITS = 0x3FF0000000000000
_INF_BITS = 0x7FF0000000000000
_ABS_MASK = 0x7FFFFFFFFFFFFFFF
_MIN_NORMAL_BITS = 0x0010000000000000  # below it (positive) glibc rescales by 2^52
#: bits(float(m)) - bits(m * 2^-1022) = 1022 << 52; glibc then subtracts 52 << 52
_SUB_REBIAS = (1022 + 52) << 52
_EXP_MASK = -(1 << 52)  # 0xfff0000000000000 as int64: sign and exponent bits of tmp
_DEFAULT_NAN = -(1 << 51)  # 0xfff8000000000000 as int64: x86's default (negative) quiet NaN
_QUIET_BIT = 1 << 51


def _take(ops: Float64Ops, table: tuple[float, ...], i: Any, like: Any) -> Any:
    """``table[i]`` for an int64 index array of any shape (array-API ``take`` wants 1-D)."""
    xp = ops.xp
    values = ops.const(table, like)  # a float64 array on ``like``'s device
    shape = i.shape
    flat = xp.take(values, xp.reshape(i, (-1,)), axis=0)
    return xp.reshape(flat, shape)


def log_general_f64(ops: Float64Ops, ix: Any) -> Any:
    """glibc's table path for the bits ``ix`` (int64) of a positive normal double.

    ``x = 2^k z`` with ``z`` in ``[OFF, 2 OFF)``; ``log(x) = k ln2 + log(c) + log1p(z/c - 1)``.
    """
    xp = ops.xp
    c = ops.const
    tmp = ix - c(OFF, ix)
    i = (tmp >> c(45, ix)) & c(127, ix)
    k = tmp >> c(52, ix)
    z = ops.bitcast(ix - (tmp & c(_EXP_MASK, ix)), "float64")
    kd = xp.astype(k, xp.float64)
    invc = _take(ops, INVC, i, z)
    logc = _take(ops, LOGC, i, z)
    r = ops.fma(z, invc, c(-1.0, z))
    w = ops.fma(kd, c(LN2HI, z), logc)
    hi = w + r
    lo = ops.fma(kd, c(LN2LO, z), (w - hi) + r)
    r2 = ops.mul(r, r)
    r3 = ops.mul(r, r2)
    p = ops.fma(ops.fma(r, c(A[4], z), c(A[3], z)), r2, ops.fma(r, c(A[2], z), c(A[1], z)))
    y = ops.fma(r3, p, ops.fma(r2, c(A[0], z), lo))
    return y + hi


def log_near1_f64(ops: Float64Ops, x: Any) -> Any:
    """glibc's path for ``1 - 2^-4 <= x < 1 + 0x1.09p-4``: ``log1p(r)``, ``r = x - 1``, with
    ``r + B[0] r^2`` carried in two parts (``rhi`` has 26 bits, so ``rhi^2`` is exact)."""
    c = ops.const

    def b(j: int) -> Any:
        return c(B[j], x)

    r = x - c(1.0, x)
    r2 = ops.mul(r, r)
    r3 = ops.mul(r, r2)
    q1 = ops.fma(r2, b(3), ops.fma(r, b(2), b(1)))
    q2 = ops.fma(r2, b(6), ops.fma(r, b(5), b(4)))
    q3 = ops.fma(r3, b(10), ops.fma(r2, b(9), ops.fma(r, b(8), b(7))))
    poly = ops.fma(ops.fma(q3, r3, q2), r3, q1)
    t = ops.fma(r, c(2.0**27, x), r)
    rhi = ops.fma(r, c(-(2.0**27), x), t)
    rlo = r - rhi
    s = ops.mul(rhi, rhi)
    hi = ops.fma(s, b(0), r)
    lo = ops.fma(s, b(0), r - hi)
    lo = ops.fma(ops.mul(b(0), rlo), r + rhi, lo)
    return hi + ops.fma(poly, r3, lo)


def log_f64_glibc(ops: Float64Ops, x: Any) -> Any:
    """``log(x)`` for a float64 array, bit for bit as glibc 2.36's ``__log_fma`` computes it.

    Every input is accepted (zeros, negatives, infinities, NaNs, subnormals).  The cases are told
    apart on the bits, never by float comparisons, and subnormals are normalized in integers
    (``float(m)`` is ``x * 2^1074`` exactly): XLA:CPU flushes subnormals to zero in float
    arithmetic, which would otherwise turn ``x * 2^52`` into 0.  Invalid inputs are replaced by
    1.0 before the arithmetic, and each path sees only inputs of its own range (others get 1.0),
    so that no lane overflows (the exact FMA emulation assumes finite operands); the special
    results are chosen at the end.
    """
    xp = ops.xp
    c = ops.const
    ix = ops.bitcast(x, "int64")
    one_bits = c(_ONE_BITS, ix)
    ok = (ix > c(0, ix)) & (ix < c(_INF_BITS, ix))  # positive, finite, nonzero
    sub = ok & (ix < c(_MIN_NORMAL_BITS, ix))
    ixs = xp.where(ok, ix, one_bits)
    # subnormal m * 2^-1074: glibc takes asuint64(x * 2^52) - (52 << 52); float(m) is m * 2^0
    mbits = ops.bitcast(xp.astype(xp.where(sub, ixs, one_bits), xp.float64), "int64")
    ixs = xp.where(sub, mbits - c(_SUB_REBIAS, ix), ixs)
    is_near1 = (ixs >= c(NEAR1_LO, ix)) & (ixs < c(NEAR1_HI, ix))
    general = log_general_f64(ops, xp.where(is_near1, one_bits, ixs))
    near1 = log_near1_f64(ops, ops.bitcast(xp.where(is_near1, ixs, one_bits), "float64"))
    y = xp.where(is_near1, near1, general)
    y = xp.where(ixs == one_bits, c(0.0, x), y)  # glibc returns +0 for x == 1 (any rounding)
    # the special cases
    absbits = ix & c(_ABS_MASK, ix)
    nan_bits = xp.where(absbits > c(_INF_BITS, ix), ix | c(_QUIET_BIT, ix), c(_DEFAULT_NAN, ix))
    special = xp.where(absbits == c(0, ix), c(float("-inf"), x), ops.bitcast(nan_bits, "float64"))
    special = xp.where(ix == c(_INF_BITS, ix), c(float("inf"), x), special)
    return xp.where(ok, y, special)
