"""XLA:CPU's ``erf_inv`` (float32 and float64), operation for operation, with exact rounding.

``jax.random.normal`` is ``sqrt(2) * lax.erf_inv(u)``.  XLA lowers ``erf_inv`` to Giles'
polynomials over ``log1p`` (:mod:`unirand.math.xla_log`), and on an x86-64 host with FMA its
LLVM backend contracts every multiply that has a single use into the add that consumes it.  The
functions below repeat that computation (read off the optimized IR of jaxlib 0.10.2; see
docs/streams.md): ``ops.fma`` is a fused multiply-add with one rounding, every other operation
is one correctly rounded IEEE operation.  Formulas are split by branch so that a backend may
evaluate each branch only where it is taken (NumPy) or evaluate both and select (traceable
backends).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import Float32Ops, Float64Ops
from .xla_log import (
    LOG1P_D64,
    LOG1P_N64,
    LOG1P_SMALL,
    log1p_large_f32,
    log1p_small,
    log1p_small_f32,
)

__all__ = [
    "ERFINV64_LT625",
    "ERFINV64_LT16",
    "ERFINV64_GE16",
    "ERFINV_LT5",
    "ERFINV_GE5",
    "SQRT2",
    "erfinv_poly_f32",
    "erf_inv_f32",
    "erf_inv_f32_by_branch",
    "finish_erf_inv_f32",
    "erf_inv_f64",
]

_F = np.float32

#: Giles' erf_inv, float64 (w < 6.25, w < 16, w >= 16), highest order first
ERFINV64_LT625 = (
    -3.6444120640178196996e-21,
    -1.685059138182016589e-19,
    1.2858480715256400167e-18,
    1.115787767802518096e-17,
    -1.333171662854620906e-16,
    2.0972767875968561637e-17,
    6.6376381343583238325e-15,
    -4.0545662729752068639e-14,
    -8.1519341976054721522e-14,
    2.6335093153082322977e-12,
    -1.2975133253453532498e-11,
    -5.4154120542946279317e-11,
    1.051212273321532285e-09,
    -4.1126339803469836976e-09,
    -2.9070369957882005086e-08,
    4.2347877827932403518e-07,
    -1.3654692000834678645e-06,
    -1.3882523362786468719e-05,
    0.0001867342080340571352,
    -0.00074070253416626697512,
    -0.0060336708714301490533,
    0.24015818242558961693,
    1.6536545626831027356,
)
ERFINV64_LT16 = (
    2.2137376921775787049e-09,
    9.0756561938885390979e-08,
    -2.7517406297064545428e-07,
    1.8239629214389227755e-08,
    1.5027403968909827627e-06,
    -4.013867526981545969e-06,
    2.9234449089955446044e-06,
    1.2475304481671778723e-05,
    -4.7318229009055733981e-05,
    6.8284851459573175448e-05,
    2.4031110387097893999e-05,
    -0.0003550375203628474796,
    0.00095328937973738049703,
    -0.0016882755560235047313,
    0.0024914420961078508066,
    -0.0037512085075692412107,
    0.005370914553590063617,
    1.0052589676941592334,
    3.0838856104922207635,
)
ERFINV64_GE16 = (
    -2.7109920616438573243e-11,
    -2.5556418169965252055e-10,
    1.5076572693500548083e-09,
    -3.7894654401267369937e-09,
    7.6157012080783393804e-09,
    -1.4960026627149240478e-08,
    2.9147953450901080826e-08,
    -6.7711997758452339498e-08,
    2.2900482228026654717e-07,
    -9.9298272942317002539e-07,
    4.5260625972231537039e-06,
    -1.9681778105531670567e-05,
    7.5995277030017761139e-05,
    -0.00021503011930044477347,
    -0.00013871931833623122026,
    1.0103004648645343977,
    4.8499064014085844221,
)
#: Giles' erf_inv, float32: w < 5 and w >= 5, highest order first
ERFINV_LT5 = tuple(
    _F(c)
    for c in (
        2.81022636e-08,
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941,
    )
)
ERFINV_GE5 = tuple(
    _F(c)
    for c in (
        -0.000200214257,
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682,
    )
)
SQRT2 = _F(np.sqrt(2.0))


def erfinv_poly_f32(ops: Float32Ops, lp: Any, big: Any) -> Any:
    """Giles' polynomial of ``w = -log1p(-x^2)``, given ``lp = log1p(-x^2)``; ``big``: w >= 5.

    ``big`` may be a Python bool (one branch for the whole array) or a boolean array.
    """
    xp = ops.xp
    c = ops.const
    if isinstance(big, bool):
        coefs = [c(v, lp) for v in (ERFINV_GE5 if big else ERFINV_LT5)]
        w = ops.sqrt(-lp) + c(-3.0, lp) if big else c(-2.5, lp) - lp
    else:
        pairs = zip(ERFINV_LT5, ERFINV_GE5, strict=True)
        coefs = [xp.where(big, c(g, lp), c(s, lp)) for s, g in pairs]
        w = xp.where(big, ops.sqrt(-lp) + c(-3.0, lp), c(-2.5, lp) - lp)
    p = ops.fma(coefs[0], w, coefs[1])
    for coef in coefs[2:]:
        p = ops.fma(w, p, coef)
    return p


def erf_inv_f32(ops: Float32Ops, x: Any) -> Any:
    """``lax.erf_inv`` on float32 as XLA:CPU computes it, both branches evaluated (traceable)."""
    xp = ops.xp
    c = ops.const
    a = ops.mul(x, -x)
    small = xp.abs(a) < c(LOG1P_SMALL, a)
    lp = xp.where(small, log1p_small_f32(ops, a), log1p_large_f32(ops, a))
    p = erfinv_poly_f32(ops, lp, ~(lp > c(-5.0, lp)))
    return finish_erf_inv_f32(ops, x, p)


def erf_inv_f32_by_branch(ops: Float32Ops, x: Any) -> Any:
    """``erf_inv_f32`` with each branch evaluated only where it is taken (mutable arrays with
    boolean indexing: NumPy, PyTorch, CuPy); same operations, same bytes, less work."""
    xp = ops.xp
    c = ops.const
    a = ops.mul(x, -x)
    small = xp.abs(a) < c(LOG1P_SMALL, a)
    large = ~small
    lp = xp.empty_like(a)
    lp[small] = log1p_small_f32(ops, a[small])
    lp[large] = log1p_large_f32(ops, a[large])
    big = ~(lp > c(-5.0, lp))
    rest = ~big
    p = xp.empty_like(lp)
    if bool(xp.any(big)):
        p[big] = erfinv_poly_f32(ops, lp[big], True)
    p[rest] = erfinv_poly_f32(ops, lp[rest], False)
    return finish_erf_inv_f32(ops, x, p)


def finish_erf_inv_f32(ops: Float32Ops, x: Any, p: Any) -> Any:
    """``x * p``, with ``erf_inv(+-1) = +-inf`` (any float dtype)."""
    xp = ops.xp
    edge = xp.abs(x) == ops.const(1.0, x)
    return ops.mul(x, xp.where(edge, ops.const(np.inf, x), p))


def erf_inv_f64(ops: Float64Ops, x: Any) -> Any:
    """``lax.erf_inv`` on float64 as XLA:CPU computes it (``log`` from the C library)."""
    xp = ops.xp
    c = ops.const
    a = ops.mul(x, -x)
    small = xp.abs(a) < c(0.41421356237309504880, a)
    lp = xp.where(small, log1p_small(ops, a, LOG1P_D64, LOG1P_N64), ops.log(a + c(1.0, a)))
    lt625 = lp > c(-6.25, lp)
    lt16 = lp > c(-16.0, lp)
    shift = xp.where(lt16, c(3.25, lp), c(5.0, lp))
    w = xp.where(lt625, c(-3.125, lp) - lp, ops.sqrt(-lp) - shift)
    a_, b_, g_ = ERFINV64_LT625, ERFINV64_LT16, ERFINV64_GE16

    def coef(i: int) -> Any:
        if i < 17:
            return xp.where(lt16, xp.where(lt625, c(a_[i], lp), c(b_[i], lp)), c(g_[i], lp))
        if i < 19:
            return xp.where(lt625, c(a_[i], lp), c(b_[i], lp))
        return c(a_[i], lp)

    p = ops.fma(coef(0), w, coef(1))
    for i in range(2, 17):
        p = ops.fma(w, p, coef(i))
    for i in range(17, 19):
        p = xp.where(lt16, ops.fma(w, p, coef(i)), p)
    for i in range(19, 23):
        p = xp.where(lt625, ops.fma(w, p, coef(i)), p)
    return finish_erf_inv_f32(ops, x, p)
