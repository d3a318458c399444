"""The specification's elementary functions, one value at a time, for the compiled kernels.

Each function is the scalar form of its specification in :mod:`unirand.math` (same constants,
imported from there; same operations in the same order): XLA:CPU's float32 ``log``/``log1p``
(:mod:`unirand.math.xla_log`) and ``erf_inv`` (:mod:`unirand.math.xla_erf_inv`), glibc's float64
``log`` (:mod:`unirand.math.glibc_log`).  ``fma32``/``fma64`` are real fused multiply-adds
exactly where the specification has ``ops.fma``; every other operation is one IEEE operation.
Branches replace the ``where`` selections (the value is the same: the vectorized forms compute
both sides and pick one).  The golden vectors and the cross-checks against the vectorized engine
test every function here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...math._glibc_log_data import LN2HI, LN2LO, NEAR1_HI, NEAR1_LO, OFF, POLY_A, POLY_B
from ...math.glibc_log import INVC, LOGC
from ...math.xla_erf_inv import (
    ERFINV64_GE16,
    ERFINV64_LT16,
    ERFINV64_LT625,
    ERFINV_GE5,
    ERFINV_LT5,
)
from ...math.xla_log import (
    LOG1P_D,
    LOG1P_D64,
    LOG1P_N,
    LOG1P_N64,
    LOG1P_SMALL,
    LOG_P,
    LOG_Q1,
    LOG_Q2,
    SQRT_HALF,
)
from .intrinsics import f32_bits, f32_from_bits, f64_bits, f64_from_bits, fma32, fma64
from .jit import inline

__all__ = ["log_f32_xla", "log1p_f32_xla", "erf_inv_f32", "log_f64", "log1p_f64", "erf_inv_f64"]

F32 = np.float32
U32 = np.uint32
I64 = np.int64
U64 = np.uint64

# float32 constants (typed float32 in the kernels: Numba freezes global NumPy scalars)
_P = np.array(LOG_P, np.float32)
_D = np.array(LOG1P_D, np.float32)
_N = np.array(LOG1P_N, np.float32)
_LT5 = np.array(ERFINV_LT5, np.float32)
_GE5 = np.array(ERFINV_GE5, np.float32)
_Q1, _Q2, _SQRT_HALF, _SMALL = F32(LOG_Q1), F32(LOG_Q2), F32(SQRT_HALF), F32(LOG1P_SMALL)
_TINY = F32(np.finfo(np.float32).tiny)
_ZERO, _ONE, _HALF = F32(0.0), F32(1.0), F32(0.5)
_INF = F32(np.inf)
_NAN32_BITS = U32(0xFFFFFFFF)  # XLA's NaN for log of a negative number
_MANT_MASK = U32(0x807FFFFF)
_HALF_EXP = U32(0x3F000000)

# float64 constants
_D64 = np.array(LOG1P_D64, np.float64)
_N64 = np.array(LOG1P_N64, np.float64)
_INVC = np.array(INVC, np.float64)
_LOGC = np.array(LOGC, np.float64)
_A = np.array(POLY_A, np.float64)
_B = np.array(POLY_B, np.float64)
_E625 = np.array(ERFINV64_LT625, np.float64)
_E16 = np.array(ERFINV64_LT16, np.float64)
_EGE16 = np.array(ERFINV64_GE16, np.float64)
_OFF, _NEAR1_LO, _NEAR1_HI = I64(OFF), I64(NEAR1_LO), I64(NEAR1_HI)
_ONE_BITS = I64(0x3FF0000000000000)
_INF_BITS = I64(0x7FF0000000000000)
_MIN_NORMAL_BITS = I64(0x0010000000000000)
_SUB_REBIAS = I64((1022 + 52) << 52)
_EXP_MASK = I64(-(1 << 52))
_ABS_MASK = I64(0x7FFFFFFFFFFFFFFF)
_DEFAULT_NAN = I64(-(1 << 51))
_QUIET_BIT = I64(1 << 51)
_SPLIT27 = 2.0**27


# -- float32 -----------------------------------------------------------------------------------
@inline
def log_f32(t: Any) -> Any:
    """Cephes/Eigen ``plog_float`` as XLA:CPU inlines it, for finite ``t > 0``."""
    v = t if t >= _TINY else _TINY
    bits = f32_bits(v)
    e = F32(I64(bits >> 23) - 127) + _ONE
    m = f32_from_bits(U32((bits & _MANT_MASK) | _HALF_EXP))
    if m < _SQRT_HALF:
        x = (m - _ONE) + m
        e = e - _ONE
    else:
        x = (m - _ONE) + _ZERO
        e = e - _ZERO
    x2 = x * x
    x3 = x2 * x
    y = fma32(x, _P[0], _P[1])
    y1 = fma32(x, _P[3], _P[4])
    y2 = fma32(x, _P[6], _P[7])
    y = fma32(y, x, _P[2])
    y1 = fma32(y1, x, _P[5])
    y2 = fma32(y2, x, _P[8])
    y = fma32(y, x3, y1)
    y = fma32(y, x3, y2)
    y = fma32(y, x3, e * _Q1)
    r = fma32(x2, F32(-0.5), x) + y
    return fma32(e, _Q2, r)


@inline
def log_f32_xla(t: Any) -> Any:
    """XLA:CPU's float32 ``log`` for every input (its special cases around :func:`log_f32`)."""
    if not t >= _ZERO:
        return f32_from_bits(_NAN32_BITS)
    if t == _ZERO:
        return -_INF
    if t == _INF:
        return _INF
    return log_f32(t)


@inline
def log1p_small_f32(a: Any) -> Any:
    a2 = a * a
    d = fma32(_ONE, a, _D[0])
    for i in range(1, _D.size):
        d = fma32(d, a, _D[i])
    n = fma32(_N[0], a, _N[1])
    for i in range(2, _N.size):
        n = fma32(n, a, _N[i])
    tail = (a * a2) * (n / d)
    return a + fma32(a2, F32(-0.5), tail)


@inline
def log1p_f32_xla(a: Any) -> Any:
    """XLA:CPU's float32 ``log1p``: the Cephes rational below ``sqrt(2) - 1``, else ``log``."""
    if abs(a) < _SMALL:
        return log1p_small_f32(a)
    return log_f32_xla(a + _ONE)


@inline
def erf_inv_f32(x: Any) -> Any:
    """``lax.erf_inv`` in float32 as XLA:CPU computes it (Giles' polynomials)."""
    a = x * -x
    if abs(a) < _SMALL:
        lp = log1p_small_f32(a)
    else:
        lp = log_f32(a + _ONE)
    if not lp > F32(-5.0):
        w = np.sqrt(-lp) + F32(-3.0)
        p = fma32(_GE5[0], w, _GE5[1])
        for i in range(2, _GE5.size):
            p = fma32(w, p, _GE5[i])
    else:
        w = F32(-2.5) - lp
        p = fma32(_LT5[0], w, _LT5[1])
        for i in range(2, _LT5.size):
            p = fma32(w, p, _LT5[i])
    if abs(x) == _ONE:
        p = _INF
    return x * p


# -- float64 -----------------------------------------------------------------------------------
@inline
def _log_general(ix: Any) -> Any:
    tmp = ix - _OFF
    i = (tmp >> 45) & 127
    k = tmp >> 52
    z = f64_from_bits(U64(ix - (tmp & _EXP_MASK)))
    kd = np.float64(k)
    r = fma64(z, _INVC[i], -1.0)
    w = fma64(kd, LN2HI, _LOGC[i])
    hi = w + r
    lo = fma64(kd, LN2LO, (w - hi) + r)
    r2 = r * r
    r3 = r * r2
    p = fma64(fma64(r, _A[4], _A[3]), r2, fma64(r, _A[2], _A[1]))
    y = fma64(r3, p, fma64(r2, _A[0], lo))
    return y + hi


@inline
def _log_near1(x: Any) -> Any:
    r = x - 1.0
    r2 = r * r
    r3 = r * r2
    q1 = fma64(r2, _B[3], fma64(r, _B[2], _B[1]))
    q2 = fma64(r2, _B[6], fma64(r, _B[5], _B[4]))
    q3 = fma64(r3, _B[10], fma64(r2, _B[9], fma64(r, _B[8], _B[7])))
    poly = fma64(fma64(q3, r3, q2), r3, q1)
    t = fma64(r, _SPLIT27, r)
    rhi = fma64(r, -_SPLIT27, t)
    rlo = r - rhi
    s = rhi * rhi
    hi = fma64(s, _B[0], r)
    lo = fma64(s, _B[0], r - hi)
    lo = fma64(_B[0] * rlo, r + rhi, lo)
    return hi + fma64(poly, r3, lo)


@inline
def log_f64(x: Any) -> Any:
    """glibc 2.36's ``__log_fma``, every input (zeros, negatives, infinities, NaNs, subnormals)."""
    ix = I64(f64_bits(x))
    if not (ix > 0 and ix < _INF_BITS):
        absbits = ix & _ABS_MASK
        if absbits == 0:
            return -np.inf
        if ix == _INF_BITS:
            return np.inf
        nan = (ix | _QUIET_BIT) if absbits > _INF_BITS else _DEFAULT_NAN
        return f64_from_bits(U64(nan))
    if ix < _MIN_NORMAL_BITS:  # subnormal: rescaled in integers, as glibc does
        ix = I64(f64_bits(np.float64(ix))) - _SUB_REBIAS
    if ix == _ONE_BITS:
        return 0.0
    if ix >= _NEAR1_LO and ix < _NEAR1_HI:
        return _log_near1(f64_from_bits(U64(ix)))
    return _log_general(ix)


@inline
def log1p_small_f64(a: Any) -> Any:
    a2 = a * a
    d = fma64(1.0, a, _D64[0])
    for i in range(1, _D64.size):
        d = fma64(d, a, _D64[i])
    n = fma64(_N64[0], a, _N64[1])
    for i in range(2, _N64.size):
        n = fma64(n, a, _N64[i])
    tail = (a * a2) * (n / d)
    return a + fma64(a2, -0.5, tail)


@inline
def log_f64_xla(x: Any) -> Any:
    """float64 ``log`` as the specification feeds it: positive inputs, else -inf or NaN."""
    if x > 0.0:
        return log_f64(x)
    return -np.inf if x == 0.0 else np.nan


@inline
def log1p_f64(a: Any) -> Any:
    """XLA:CPU's float64 ``log1p``: the Cephes rational below ``sqrt(2) - 1``, else ``log``."""
    if abs(a) < 0.41421356237309504880:
        return log1p_small_f64(a)
    return log_f64_xla(a + 1.0)


@inline
def _horner64(coefs: Any, count: int, w: Any) -> Any:
    p = fma64(coefs[0], w, coefs[1])
    for i in range(2, count):
        p = fma64(w, p, coefs[i])
    return p


@inline
def erf_inv_f64(x: Any) -> Any:
    """``lax.erf_inv`` in float64 as XLA:CPU computes it (glibc's ``log``)."""
    a = x * -x
    if abs(a) < 0.41421356237309504880:
        lp = log1p_small_f64(a)
    else:
        lp = log_f64(a + 1.0)
    if lp > -6.25:
        p = _horner64(_E625, _E625.size, -3.125 - lp)
    elif lp > -16.0:
        p = _horner64(_E16, _E16.size, np.sqrt(-lp) - 3.25)
    else:
        p = _horner64(_EGE16, _EGE16.size, np.sqrt(-lp) - 5.0)
    if abs(x) == 1.0:
        p = np.inf
    return x * p
