"""XLA:CPU's ``log`` and ``log1p``, operation for operation, with exact rounding.

Read off the optimized LLVM IR of jaxlib 0.10.2 on x86-64 with FMA (docs/streams.md): XLA
inlines float32 ``log`` (Cephes/Eigen ``plog_float``) and ``log1p`` (a Cephes rational below
``sqrt(2) - 1``, else ``log(1 + x)``), and its LLVM backend contracts every multiply with a
single use into the add that consumes it; ``ops.fma`` is that fused multiply-add, every other
operation one correctly rounded IEEE operation.  float64 ``log`` is a call to the C library,
which :func:`c_log_f64` makes too (through CPython's ``math.log``).  The ``*_xla`` forms add
XLA's special cases (``log(0) = -inf``, ``log(inf) = inf``, negative or NaN inputs).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .ops import Float32Ops

__all__ = [
    "LOG_P",
    "LOG_Q1",
    "LOG_Q2",
    "SQRT_HALF",
    "LOG1P_D",
    "LOG1P_N",
    "LOG1P_SMALL",
    "LOG1P_D64",
    "LOG1P_N64",
    "log_f32",
    "log1p_small_f32",
    "log1p_small",
    "log1p_large_f32",
    "log_f32_xla",
    "log1p_f32_xla",
    "log_f64_xla",
    "log1p_f64_xla",
    "c_log_f64",
]

_F = np.float32

#: Cephes logf polynomial (Eigen plog_float order), float32
LOG_P = tuple(
    _F(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)
LOG_Q1 = _F(-2.12194440e-4)
LOG_Q2 = _F(0.693359375)
SQRT_HALF = _F(0.707106781186547524)
#: XLA's log1p: Cephes rational for |x| < sqrt(2) - 1, numerator and denominator, float32
LOG1P_D = tuple(
    _F(c)
    for c in (
        15.062909083469192043167,
        83.047565967967209469434,
        221.76239823732856465394,
        309.09872225312059774938,
        216.42788614495947685003,
        60.118660497603843919306,
    )
)
LOG1P_N = tuple(
    _F(c)
    for c in (
        4.5270000862445199635215e-5,
        0.49854102823193375972212,
        6.5787325942061044846969,
        29.911919328553073277375,
        60.949667980987787057556,
        57.112963590585538103336,
        20.039553499201281259648,
    )
)
LOG1P_SMALL = _F(0.41421356237309504880)
LOG1P_D64 = (
    15.062909083469192043167,
    83.047565967967209469434,
    221.76239823732856465394,
    309.09872225312059774938,
    216.42788614495947685003,
    60.118660497603843919306,
)
LOG1P_N64 = (
    4.5270000862445199635215e-5,
    0.49854102823193375972212,
    6.5787325942061044846969,
    29.911919328553073277375,
    60.949667980987787057556,
    57.112963590585538103336,
    20.039553499201281259648,
)


def log_f32(ops: Float32Ops, t: Any) -> Any:
    """XLA:CPU's inlined float32 ``log`` (Cephes/Eigen ``plog_float``), for finite ``t > 0``."""
    xp = ops.xp
    c = ops.const
    v = xp.maximum(t, c(np.finfo(_F).tiny, t))
    bits = ops.bitcast(v, "int32")
    e = xp.astype((bits >> 23) - 127, xp.float32) + c(1.0, t)
    m = ops.bitcast((bits & c(np.int32(-2139095041), bits)) | c(0x3F000000, bits), "float32")
    small = m < c(SQRT_HALF, t)
    zero = c(0.0, t)
    x = (m - c(1.0, t)) + xp.where(small, m, zero)
    e = e - xp.where(small, c(1.0, t), zero)
    x2 = ops.mul(x, x)
    x3 = ops.mul(x2, x)
    p = [c(v_, t) for v_ in LOG_P]
    y = ops.fma(x, p[0], p[1])
    y1 = ops.fma(x, p[3], p[4])
    y2 = ops.fma(x, p[6], p[7])
    y = ops.fma(y, x, p[2])
    y1 = ops.fma(y1, x, p[5])
    y2 = ops.fma(y2, x, p[8])
    y = ops.fma(y, x3, y1)
    y = ops.fma(y, x3, y2)
    y = ops.fma(y, x3, ops.mul(e, c(LOG_Q1, t)))
    r = ops.fma(x2, c(-0.5, t), x) + y
    return ops.fma(e, c(LOG_Q2, t), r)


def log1p_small_f32(ops: Float32Ops, a: Any) -> Any:
    """XLA's ``log1p`` for ``|a| < sqrt(2) - 1``: ``a + (-0.5*a^2 + a^3 * N(a)/D(a))``."""
    return log1p_small(ops, a, LOG1P_D, LOG1P_N)


def log1p_small(ops: Float32Ops, a: Any, dcoef: tuple[float, ...], ncoef: tuple[float, ...]) -> Any:
    """The small branch of XLA's ``log1p`` with coefficients rounded to ``a``'s dtype."""
    c = ops.const
    a2 = ops.mul(a, a)
    d = ops.fma(c(1.0, a), a, c(dcoef[0], a))  # Horner from 0: the first step gives 1
    for coef in dcoef[1:]:
        d = ops.fma(d, a, c(coef, a))
    n = ops.fma(c(ncoef[0], a), a, c(ncoef[1], a))
    for coef in ncoef[2:]:
        n = ops.fma(n, a, c(coef, a))
    tail = ops.mul(ops.mul(a, a2), n / d)
    return a + ops.fma(a2, c(-0.5, a), tail)


def log1p_large_f32(ops: Float32Ops, a: Any) -> Any:
    """XLA's ``log1p`` for ``|a| >= sqrt(2) - 1``: ``log(1 + a)``."""
    return log_f32(ops, a + ops.const(1.0, a))


def log_f32_xla(ops: Any, t: Any) -> Any:
    """XLA:CPU's float32 ``log`` for every input: :func:`log_f32` plus its special cases."""
    xp = ops.xp
    c = ops.const
    r = log_f32(ops, t)
    r = xp.where(t == c(0.0, t), c(-np.inf, t), r)
    r = xp.where(t == c(np.inf, t), c(np.inf, t), r)
    bits = ops.bitcast(t, "int32")
    nan = ops.bitcast(bits | c(np.int32(-1), bits), "float32")  # 0xFFFFFFFF
    return xp.where(t >= c(0.0, t), r, nan)


def log1p_f32_xla(ops: Any, a: Any) -> Any:
    """XLA:CPU's float32 ``log1p``: both branches evaluated, one selected (traceable)."""
    xp = ops.xp
    small = xp.abs(a) < ops.const(LOG1P_SMALL, a)
    return xp.where(small, log1p_small_f32(ops, a), log_f32_xla(ops, a + ops.const(1.0, a)))


def log_f64_xla(ops: Any, x: Any) -> Any:
    """float64 ``log`` as XLA:CPU calls it (the C library), fed only positive inputs."""
    xp = ops.xp
    c = ops.const
    ok = x > c(0.0, x)
    r = ops.log(xp.where(ok, x, c(1.0, x)))
    return xp.where(ok, r, xp.where(x == c(0.0, x), c(-np.inf, x), c(np.nan, x)))


def log1p_f64_xla(ops: Any, a: Any) -> Any:
    """XLA:CPU's float64 ``log1p``: the Cephes rational below ``sqrt(2) - 1``, else ``log``."""
    xp = ops.xp
    c = ops.const
    small = xp.abs(a) < c(0.41421356237309504880, a)
    big = log_f64_xla(ops, a + c(1.0, a))
    return xp.where(small, log1p_small(ops, a, LOG1P_D64, LOG1P_N64), big)


_c_log = np.frompyfunc(math.log, 1, 1)


def c_log_f64(x: np.ndarray) -> np.ndarray:
    """float64 ``log`` of a host array as the C library computes it (XLA:CPU's float64 ``log``;
    NumPy's own SIMD ``log`` differs from it in ~0.3 % of inputs)."""
    return _c_log(x).astype(np.float64)
