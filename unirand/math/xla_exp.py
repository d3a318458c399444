"""XLA:CPU's ``exp``, operation for operation, with exact rounding.

Read off the optimized LLVM IR and the x86-64 disassembly of jaxlib 0.10.2 (``jax.jit(lax.exp)``
dumped with ``XLA_FLAGS=--xla_dump_to=DIR``; docs/streams.md): XLA inlines both widths, no C
library call.  float32 is Cephes ``expf`` (XLA's ``polynomial_approximations.cc``): clamp to
``[-87.8, 88.8]``, ``n = floor(x*log2(e) + 1/2)`` clamped to ``[-127, 127]``, a two-constant
Cody-Waite reduction, a degree-5 polynomial and a multiply by ``2**n`` built from its bits
(``n = -127`` builds ``0.0``).  float64 is XLA's ``xla.exp.f64`` intrinsic
(``xla/codegen/intrinsic/exp.cc``): the Cephes rational ``1 + 2*P(g)/(Q(g) - P(g))`` and an
``ldexp`` in four exact power-of-two multiplies, with ``x < -708.396...`` giving 0 and
``x > 709.782...`` giving inf.  LLVM contracts every multiply with one use into the add that
consumes it (``ops.fma``); every other operation is one correctly rounded IEEE operation.
NaN propagates through both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import Float32Ops

__all__ = [
    "EXP32_P",
    "EXP64_P",
    "EXP64_Q",
    "exp_f32_xla",
    "exp_f64_xla",
    "quiet_nan",
]


def _f32(bits: int) -> np.float32:
    return np.float32(np.array(bits, np.uint32).view(np.float32)[()])


def _f64(bits: int) -> float:
    return float(np.array(bits, np.uint64).view(np.float64)[()])


#: float32: clamp bounds of the argument, log2(e), Cody-Waite ln2 = C1 - C2 (C2 stored negated)
EXP32_LO, EXP32_HI = np.float32(-87.8), np.float32(88.8)
EXP32_LOG2E = _f32(0x3FB8AA3B)
EXP32_C1 = _f32(0x3F318000)  # 0.693359375
EXP32_C2 = _f32(0xB95E8083)  # -2.12194440e-4
#: the smallest normal float32: results below it are flushed to zero (MXCSR.FTZ)
EXP32_TINY = np.float32(2.0**-126)
#: float32 polynomial, highest order first (Horner, each step one FMA)
EXP32_P = tuple(
    _f32(b) for b in (0x39506967, 0x3AB743CE, 0x3C088908, 0x3D2AA9C1, 0x3E2AAAAA, 0x3F000000)
)

#: float64: where the result is 0 below, inf above; log2(e); ln2 = C1 + C2
EXP64_LO = _f64(0xC086232BDD7ABCD2)
EXP64_HI = _f64(0x40862E42FEFA39EF)
EXP64_LOG2E = _f64(0x3FF71547652B82FE)
EXP64_C1 = _f64(0x3FE62E4000000000)
EXP64_C2 = _f64(0x3EB7F7D1CF79ABCA)
#: float64 rational: P in g**2 (then times g), Q in g**2, highest order first
EXP64_P = (_f64(0x3F2089CDD5E44BE8), _f64(0x3F9F06D10CCA2C7E), 1.0)
EXP64_Q = (_f64(0x3EC92EB6BC365FA0), _f64(0x3F64AE39B508B6C0), _f64(0x3FCD17099887E074), 2.0)
_ONE64_BITS = 0x3FF0000000000000


def exp_f32_xla(ops: Float32Ops, x: Any) -> Any:
    """XLA:CPU's float32 ``exp`` (1-d or any shape), for every input."""
    xp = ops.xp
    c = ops.const
    # select(x uge lo, x, lo) then select(x ule hi, x, hi): NaN passes both
    x = xp.where(x < c(EXP32_LO, x), c(EXP32_LO, x), x)
    x = xp.where(x > c(EXP32_HI, x), c(EXP32_HI, x), x)
    n = xp.floor(ops.fma(x, c(EXP32_LOG2E, x), c(0.5, x)))
    n = xp.where(n < c(-127.0, x), c(-127.0, x), n)
    n = xp.where(n > c(127.0, x), c(127.0, x), n)
    r = ops.fma(-n, c(EXP32_C1, x), x)  # vfnmadd: x - n*C1, rounded once
    r = ops.fma(-n, c(EXP32_C2, x), r)
    p = ops.fma(r, c(EXP32_P[0], x), c(EXP32_P[1], x))
    for coef in EXP32_P[2:]:
        p = ops.fma(p, r, c(coef, x))
    y = ops.fma(p, ops.mul(r, r), r) + c(1.0, x)
    ni = xp.astype(xp.where(xp.isnan(n), c(0.0, x), n), xp.int32)  # NaN: y is NaN anyway
    scale = ops.bitcast((ni + c(127, ni)) << c(23, ni), "float32")
    out = ops.mul(y, scale)
    # XLA:CPU runs with MXCSR's flush-to-zero: a subnormal result is +0
    out = xp.where(out < c(EXP32_TINY, x), c(0.0, x), out)
    return quiet_nan(ops, x, out, "int32", 0x00400000)


def quiet_nan(ops: Any, x: Any, out: Any, ints: str, quiet: int) -> Any:
    """``out``, with x86's NaN for NaN inputs: the input's sign and payload, quiet bit set."""
    xp = ops.xp
    bits = ops.bitcast(x, ints)
    nan = ops.bitcast(bits | ops.const(quiet, bits), "float32" if ints == "int32" else "float64")
    return xp.where(xp.isnan(x), nan, out)


def _pow2_f64(ops: Any, k: Any) -> Any:
    """``2**k`` for int64 ``k`` from its bits (``k`` in the normal range after XLA's split)."""
    xp = ops.xp
    bits = (k << ops.const(52, k)) + ops.const(_ONE64_BITS, k)
    return ops.bitcast(xp.astype(bits, xp.int64), "float64")


def exp_f64_xla(ops: Any, x: Any) -> Any:
    """XLA:CPU's float64 ``exp`` (``xla.exp.f64``), for every input."""
    xp = ops.xp
    c = ops.const
    # llvm.minimum / llvm.maximum: NaN propagates
    xc = xp.where(x > c(EXP64_HI, x), c(EXP64_HI, x), x)
    xc = xp.where(xc < c(EXP64_LO, x), c(EXP64_LO, x), xc)
    n = xp.floor(ops.fma(xc, c(EXP64_LOG2E, x), c(0.5, x)))
    g = ops.fma(-n, c(EXP64_C1, x), xc)
    g = ops.fma(-n, c(EXP64_C2, x), g)
    g2 = ops.mul(g, g)
    p = ops.fma(g2, c(EXP64_P[0], x), c(EXP64_P[1], x))
    p = ops.fma(p, g2, c(EXP64_P[2], x))
    pg = ops.mul(p, g)  # two users: not contracted
    q = ops.fma(g2, c(EXP64_Q[0], x), c(EXP64_Q[1], x))
    for coef in EXP64_Q[2:]:
        q = ops.fma(q, g2, c(coef, x))
    e = ops.fma(pg / (q - pg), c(2.0, x), c(1.0, x))
    # fptosi to i32, clamped to [-2099, 2099], then 2**n as 2**b * 2**b * 2**b * 2**(n - 3b)
    ni = xp.astype(xp.where(xp.isnan(n), c(0.0, x), n), xp.int64)
    ni = xp.clip(ni, -2099, 2099)
    b = ni >> ops.const(2, ni)
    s1 = _pow2_f64(ops, b)
    y = ops.mul(ops.mul(ops.mul(e, s1), s1), s1)
    y = ops.mul(y, _pow2_f64(ops, ni - ops.const(3, ni) * b))
    y = xp.where(x < c(EXP64_LO, x), c(0.0, x), y)
    y = xp.where(x > c(EXP64_HI, x), c(np.inf, x), y)
    return quiet_nan(ops, x, y, "int64", 1 << 51)
