"""Exactly rounded fused multiply-add, emulated with correctly rounded operations.

XLA:CPU contracts ``floats * (maxval - minval) + minval`` into one FMA (one rounding), so a
portable ``uniform`` must compute ``RN(a*b + c)`` exactly on libraries that have no FMA.

* float32: ``a*b`` is exact in float64 (24 + 24 bits); the sum ``a*b + c`` is taken in float64,
  its rounding error recovered by TwoSum, and the float64 result rounded to odd; rounding that to
  float32 is then correct (round-to-odd at 53 >= 24 + 2 bits, Boldo & Melquiond 2008).
* any precision, in that precision alone (float64; float32 where a library has no float64):
  Dekker's TwoProduct (Veltkamp split) gives ``a*b = uh + ul`` exactly; then
  ``(th, tl) = TwoSum(c, uh)``, ``v = RO(tl + ul)`` and ``RN(th + v)``: the emulated FMA of
  Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
  rounding to odd", IEEE Trans. Computers 57(4), 2008.  ``barrier`` keeps a compiler that
  contracts multiply-adds (XLA) from fusing the two inexact products into their consumers.

Valid without overflow or underflow of the intermediates (the uniform ranges of ``jax.random``).
Only ``+ - *``, comparisons and integer bit operations are used, so every IEEE backend agrees.
``bitcast`` is the backend's reinterpretation of floats as same-width integers and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Bitcast = Callable[[Any, str], Any]

#: per float dtype: (Veltkamp split constant 2**ceil(p/2) + 1, same-width integer dtype)
_SPLIT = {"float32": (4097.0, "int32"), "float64": (134217729.0, "int64")}


def _identity(x: Any) -> Any:
    return x


def two_sum_error(a: Any, b: Any, s: Any) -> Any:
    """The exact error ``(a + b) - s`` of ``s = RN(a + b)`` (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def round_to_odd(xp: Any, s: Any, err: Any, bitcast: Bitcast, dtype: str = "float64") -> Any:
    """Given ``s = RN(x)`` and ``err = x - s`` exactly, return ``RO(x)`` in ``s``'s precision.

    Round-to-odd keeps ``s`` when exact; otherwise it picks, of the two neighbours of ``x``,
    the one with an odd last bit.
    """
    bits = bitcast(s, _SPLIT[dtype][1])
    inexact = (err != 0) & ((bits & 1) == 0) & xp.isfinite(s)
    away = (err > 0) == (s > 0)  # move |s| up when the error has the sign of s
    one = xp.ones_like(bits)
    step = xp.where(inexact, xp.where(away, one, -one), xp.zeros_like(bits))
    return bitcast(bits + step, dtype)


def fma_f32(xp: Any, a: Any, b: Any, c: Any, bitcast: Bitcast) -> Any:
    """``RN32(a*b + c)`` for float32 arrays, computed through float64."""
    f64 = xp.float64
    a64, b64, c64 = (xp.astype(v, f64) for v in (a, b, c))
    p = a64 * b64  # exact
    s = p + c64
    s = round_to_odd(xp, s, two_sum_error(p, c64, s), bitcast)
    return xp.astype(s, xp.float32)


#: a float64 whose 29 bits below float32 precision are ``TIE_BITS`` lies halfway between two
#: float32 values: ``bits & TIE_MASK == TIE_BITS`` (sign and exponent do not matter)
TIE_MASK = 0x1FFFFFFF
TIE_BITS = 0x10000000


def float32_ties(s: Any, bitcast: Bitcast) -> Any:
    """Where the float64 ``s`` lies exactly halfway between two float32 values.

    Why: ``s = RN64(a*b + c)`` for float32 ``a, b, c`` (the product is exact) rounds to
    ``RN32(a*b + c)`` except where a double rounding can go wrong, which, rounding being
    monotone, is only where ``s`` is such a midpoint (and the float64 sum was inexact).
    """
    return (bitcast(s, "int64") & TIE_MASK) == TIE_BITS


def fix_float32_ties(xp: Any, out: Any, tie: Any, a: Any, b: Any, c: Any, bitcast: Bitcast) -> Any:
    """``out = RN32(RN64(a*b + c))`` (float32) with the elements at ``tie`` (the boolean
    :func:`float32_ties` of the float64 sum) recomputed by the exact :func:`fma_f32`.

    Shared by the float64-backed float32 FMAs of NumPy and PyTorch; ``a, b, c`` are arrays or
    scalars of ``out``'s dtype (array scalars keep their device).
    """
    if bool(xp.any(tie)):

        def arr(v: Any) -> Any:
            return v if hasattr(v, "dtype") else xp.asarray(v, dtype=out.dtype, device=out.device)

        args = (arr(v) for v in (a, b, c))
        a_, b_, c_ = (xp.broadcast_to(v, tie.shape)[tie] for v in args)
        out[tie] = fma_f32(xp, a_, b_, c_, bitcast)
    return out


def _split(a: Any, factor: float, barrier: Any) -> tuple[Any, Any]:
    g = barrier(a * factor)
    hi = g - (g - a)
    return hi, a - hi


def two_product(
    a: Any, b: Any, dtype: str = "float64", barrier: Any = _identity
) -> tuple[Any, Any]:
    """Dekker: ``a*b = uh + ul`` exactly, ``uh = RN(a*b)``."""
    factor = _SPLIT[dtype][0]
    uh = barrier(a * b)
    ah, al = _split(a, factor, barrier)
    bh, bl = _split(b, factor, barrier)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl  # every product here is exact
    return uh, ul


def fma_dekker(
    xp: Any, a: Any, b: Any, c: Any, bitcast: Bitcast, dtype: str, barrier: Any = _identity
) -> Any:
    """``RN(a*b + c)`` in ``dtype`` using only that precision (Boldo & Melquiond).

    The inputs pass the barrier too: XLA's simplifier reassociates additions with constants
    (``(x + C) - C -> x``), which would cancel the error terms if it could see ``c``.
    """
    a, b, c = barrier((a, b, c))
    uh, ul = two_product(a, b, dtype, barrier)
    th = c + uh
    tl = two_sum_error(c, uh, th)
    v = tl + ul
    v = round_to_odd(xp, v, two_sum_error(tl, ul, v), bitcast, dtype)
    # v == 0: the sum is exact and th carries IEEE's sign of zero (th + (+0) would lose -0)
    return xp.where(v == 0, th, th + v)


def fma_f64(xp: Any, a: Any, b: Any, c: Any, bitcast: Bitcast) -> Any:
    """``RN64(a*b + c)`` for float64 arrays."""
    return fma_dekker(xp, a, b, c, bitcast, "float64")
