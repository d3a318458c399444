"""Exactly rounded fused multiply-add, emulated with correctly rounded operations.

XLA:CPU contracts ``floats * (maxval - minval) + minval`` into one FMA (one rounding), so a
portable ``uniform`` must compute ``RN(a*b + c)`` exactly on libraries that have no FMA.

* float32: ``a*b`` is exact in float64 (24 + 24 bits); the sum ``a*b + c`` is taken in float64,
  its rounding error recovered by TwoSum, and the float64 result rounded to odd; rounding that to
  float32 is then correct (round-to-odd at 53 >= 24 + 2 bits, Boldo & Melquiond 2008).
* float64: Dekker's TwoProduct (Veltkamp split) gives ``a*b = uh + ul`` exactly; then
  ``(th, tl) = TwoSum(c, uh)``, ``v = RO(tl + ul)`` and ``RN(th + v)``: the emulated FMA of
  Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
  rounding to odd", IEEE Trans. Computers 57(4), 2008.

Valid without overflow or underflow of the intermediates (the uniform ranges of ``jax.random``).
Only ``+ - *``, comparisons and integer bit operations are used, so every IEEE backend agrees.
``bitcast`` is the backend's reinterpretation of float64 as int64 and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Bitcast = Callable[[Any, str], Any]

_VELTKAMP = 134217729.0  # 2**27 + 1


def two_sum_error(a: Any, b: Any, s: Any) -> Any:
    """The exact error ``(a + b) - s`` of ``s = RN(a + b)`` (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def round_to_odd(xp: Any, s: Any, err: Any, bitcast: Bitcast) -> Any:
    """Given float64 ``s = RN(x)`` and ``err = x - s`` exactly, return ``RO(x)``.

    Round-to-odd keeps ``s`` when exact; otherwise it picks, of the two float64 neighbours of
    ``x``, the one with an odd last bit.
    """
    bits = bitcast(s, "int64")
    inexact = (err != 0) & ((bits & 1) == 0) & xp.isfinite(s)
    away = (err > 0) == (s > 0)  # move |s| up when the error has the sign of s
    one = xp.ones_like(bits)
    step = xp.where(inexact, xp.where(away, one, -one), xp.zeros_like(bits))
    return bitcast(bits + step, "float64")


def fma_f32(xp: Any, a: Any, b: Any, c: Any, bitcast: Bitcast) -> Any:
    """``RN32(a*b + c)`` for float32 arrays, computed through float64."""
    f64 = xp.float64
    a64, b64, c64 = (xp.astype(v, f64) for v in (a, b, c))
    p = a64 * b64  # exact
    s = p + c64
    s = round_to_odd(xp, s, two_sum_error(p, c64, s), bitcast)
    return xp.astype(s, xp.float32)


def _split(a: Any) -> tuple[Any, Any]:
    g = a * _VELTKAMP
    hi = g - (g - a)
    return hi, a - hi


def two_product(a: Any, b: Any) -> tuple[Any, Any]:
    """Dekker: ``a*b = uh + ul`` exactly, ``uh = RN(a*b)``."""
    uh = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    return uh, ul


def fma_f64(xp: Any, a: Any, b: Any, c: Any, bitcast: Bitcast) -> Any:
    """``RN64(a*b + c)`` for float64 arrays (Boldo & Melquiond's emulated FMA)."""
    uh, ul = two_product(a, b)
    th = c + uh
    tl = two_sum_error(c, uh, th)
    v = tl + ul
    v = round_to_odd(xp, v, two_sum_error(tl, ul, v), bitcast)
    return th + v
