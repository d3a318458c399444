"""XLA's ``lgamma`` (``xla/hlo/builder/lib/math.cc`` ``Lgamma``) as XLA:CPU computes it.

Read off the optimized HLO and the x86-64 disassembly of ``jax.jit(lax.lgamma)`` (jaxlib
0.10.2, docs/streams.md).  Lanczos' approximation (g = 7, 8 terms) for ``x >= 0.5``:

    z = x - 1;  t = z + 7.5;  log_t = log(7.5) + log1p(z * (1/7.5))
    a = 0.99999999999980993 + sum_i c_i / (z + i)            (i = 1..8, left to right)
    log_y = log(a) + fma(z + 0.5 - t / log_t, log_t, log(sqrt(2 pi)))

and the reflection ``log(pi) - log(sin(pi * frac)) - log_y(-x)`` below 0.5 (``frac`` the
distance of ``|x|`` to its nearest integer below one half; ``-log(sin(...))`` where that is not
finite); ``|x| = inf`` gives inf.  The one fused multiply-add is the ``fma`` above (LLVM
contracts the single-use product into its add); ``z * (1/7.5)`` (the simplifier's form of
``z / 7.5``) feeds ``log1p``, whose argument has several users, so it stays rounded.  ``log``
and ``log1p`` are XLA:CPU's (:mod:`unirand.math.xla_log`: inlined for float32, the C
library's ``log`` for float64); ``sin`` is a C library call (:mod:`unirand.math.xla_libm`),
passed in by the caller as a function of the backend's arrays.  float32 constants are the
float64 ones rounded (as XLA's ``ScalarLike``); the base coefficient rounds to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .xla_exp import quiet_nan
from .xla_log import log1p_f32_xla, log1p_f64_xla, log_f32_xla, log_f64_xla

__all__ = ["LANCZOS", "LANCZOS_BASE", "lgamma_xla"]

#: the Lanczos coefficients c_1..c_8 of XLA (g = 7), as its HLO prints them in float64
LANCZOS = (
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-06,
    1.5056327351493116e-07,
)
LANCZOS_BASE = 0.99999999999980993
LOG_PI = 1.1447298858494002
LOG_ROOT_2PI = 0.91893853320467267
LOG_G_HALF = 2.0149030205422647  # log(7.5)
INV_G_HALF = 0.13333333333333333  # 1 / 7.5, folded by the simplifier
PI = 3.1415926535897931


def lgamma_xla(ops: Any, x: Any, wide: bool, sin: Callable[[Any], Any] | None) -> Any:
    """XLA:CPU's ``lgamma`` of ``x`` (float32 ``ops`` and arrays, or float64 with ``wide``).

    ``sin``: the C library's ``sin`` on the backend's arrays of ``x``'s dtype, for the
    reflection; ``None`` when the caller knows no element is below 0.5 (the reflection, whose
    value is then never selected, is skipped).
    """
    xp = ops.xp
    c = ops.const
    log: Callable[[Any, Any], Any] = log_f64_xla if wide else log_f32_xla
    log1p: Callable[[Any, Any], Any] = log1p_f64_xla if wide else log1p_f32_xla
    k: Callable[[float], Any] = float if wide else np.float32
    one = c(1.0, x)
    tiny = 2.0**-1022 if wide else 2.0**-126
    x = xp.where(xp.abs(x) < c(tiny, x), c(0.0, x), x)  # MXCSR.DAZ: subnormal inputs are 0
    reflect = x < c(0.5, x)
    z = xp.where(reflect, -x, x + c(-1.0, x))
    t = z + c(k(7.5), x)
    log_t = log1p(ops, ops.mul(z, c(k(INV_G_HALF), x))) + c(k(LOG_G_HALF), x)
    a = c(k(LANCZOS_BASE), x)
    for i, coef in enumerate(LANCZOS, start=1):
        term = c(k(coef), x) / (z + (one if i == 1 else c(float(i), x)))
        a = term + a if i == 1 else a + term
    inner = (z + c(0.5, x)) - t / log_t
    log_y = _scaled_fma(ops, inner, log_t, c(k(LOG_ROOT_2PI), x), wide) + log(ops, a)
    out = log_y
    if sin is not None:
        ax = xp.abs(x)
        frac = ax - xp.floor(ax)
        frac = xp.where(c(0.5, x) < frac, one - frac, frac)
        denom = log(ops, sin(ops.mul(frac, c(k(PI), x))))
        reflected = (c(k(LOG_PI), x) - denom) - log_y
        reflected = xp.where(xp.isfinite(denom), reflected, -denom)
        out = xp.where(reflect, reflected, log_y)
    out = xp.where(xp.abs(x) == c(np.inf, x), c(np.inf, x), out)
    if wide:  # a NaN input comes back quieted, payload kept
        return quiet_nan(ops, x, out, "int64", 1 << 51)
    # float32: LLVM orders the last add with the inlined log's NaN (all ones) first
    nan = ops.bitcast(ops.const(np.int32(-1), ops.bitcast(x, "int32")), "float32")
    return xp.where(xp.isnan(out), nan, out)


def _scaled_fma(ops: Any, a: Any, b: Any, c: Any, wide: bool) -> Any:
    """``ops.fma(a, b, c)`` exact for huge ``a`` too: the emulated FMAs split their operands by
    a multiply that overflows past ``2**1000`` (float64) or ``2**115`` (float32), so such
    elements are computed as ``fma(a * 2**-s, b, c * 2**-s) * 2**s`` (powers of two: exact,
    ``c`` being a normal constant)."""
    xp = ops.xp
    big, shift = (2.0**900, 200) if wide else (2.0**100, 40)
    scale = xp.where(xp.abs(a) >= ops.const(big, a), ops.const(2.0**-shift, a), ops.const(1.0, a))
    back = xp.where(xp.abs(a) >= ops.const(big, a), ops.const(2.0**shift, a), ops.const(1.0, a))
    return ops.mul(ops.fma(ops.mul(a, scale), b, ops.mul(c, scale)), back)
