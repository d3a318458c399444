"""XLA:CPU's ``erf``: float32 operation for operation, float64 from the C library.

Read off the optimized LLVM IR of jaxlib 0.10.2 on x86-64 with FMA (the ``multiply_erf``
fusions of ``jax.random.truncated_normal``, f32)::

    x2 = x * x
    p  = fma(x2, fma(x2, fma(x2, fma(x2, A0, A1), A2), A3), A4);  num = x * p
    q  = fma(x2, ... fma(x2, B0, B1) ..., B5), then q = fma(x2, q, 1)
    erf(x) = |x| >= 3.7439594 ? copysign(1, x) : num / q

(the Eigen/XLA rational approximation; NaN gives NaN; subnormal inputs count as zero, XLA:CPU
runs with denormals flushed).  XLA:CPU has two emitters for it: fused f32 ``erf`` (what
``truncated_normal`` gets, bfloat16 too as it computes in f32) clamps at 3.7439594, a
standalone vectorized ``lax.erf`` and the float16 path at 3.8325066, where the rational can
round to +-(1 - 2**-24) or even past 1.  The two agree after rounding to float16/bfloat16, so
only the float32 threshold matters here.  float16/bfloat16 inputs are computed in float32 and
rounded.  float64 ``erf`` is a call to the C library's ``erf`` (glibc), which CPython's
``math.erf`` also calls.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

__all__ = ["ERF_A", "ERF_B", "ERF_CLAMP", "erf_f32", "erf_f64_host"]


def _f(bits: int) -> np.float32:
    # a 0-d array indexed by () is its scalar (NumPy's stubs type it as an array)
    return cast(np.float32, np.array(bits, np.uint32).view(np.float32)[()])


#: numerator coefficients (odd polynomial in x: x * P(x^2)), highest order first
ERF_A = tuple(_f(b) for b in (0x39702D51, 0x3B5F5DA2, 0x3D50B6EB, 0x3E3DA740, 0x3F906EBA))
#: denominator coefficients (Q(x^2)), highest order first; the constant term is 1
ERF_B = tuple(
    _f(b) for b in (0xB3FD3906, 0x37C588DF, 0x3A856D28, 0x3C6687D4, 0x3DE34C21, 0x3EFEB44A)
)
#: at and above this |x| the result is +-1 (fused f32 emitter; the vectorized one: 0x407547CB)
ERF_CLAMP = _f(0x406F9C68)


def erf_f32(ops: Any, x: Any) -> Any:
    """XLA:CPU's float32 ``erf`` (``ops``: exactly rounded float32 ops with an exact FMA)."""
    xp = ops.xp
    c = ops.const
    clamp = xp.abs(x) >= c(ERF_CLAMP, x)
    sign = xp.where(xp.signbit(x), c(-1.0, x), c(1.0, x))
    # XLA:CPU flushes subnormal inputs to zero (DAZ); clamped lanes are computed on 0 (no inf/inf)
    tiny = xp.abs(x) < c(np.finfo(np.float32).tiny, x)
    x = xp.where(tiny | clamp, xp.where(xp.signbit(x), c(-0.0, x), c(0.0, x)), x)
    x2 = ops.mul(x, x)
    p = ops.fma(x2, c(ERF_A[0], x), c(ERF_A[1], x))
    for a in ERF_A[2:]:
        p = ops.fma(x2, p, c(a, x))
    num = ops.mul(x, p)
    q = ops.fma(x2, c(ERF_B[0], x), c(ERF_B[1], x))
    for b in (*ERF_B[2:], np.float32(1.0)):
        q = ops.fma(x2, q, c(b, x))
    return xp.where(clamp, sign, num / q)


def erf_f64_host(x: np.ndarray) -> np.ndarray:
    """float64 ``erf`` on the host: the C library's, as XLA:CPU calls it."""
    flat = np.asarray(x, np.float64).reshape(-1)
    out = np.array([math.erf(v) for v in flat.tolist()], np.float64)
    return out.reshape(np.shape(x))
