"""The continuous samplers of uniform and normal compiled: one loop per sampler and dtype family.

Each kernel fills ``out[j]`` with element ``start + j`` of its draw (a block: element ``idx[j]``,
:func:`.units.counter`): hash (:mod:`.threefry`), mantissa float (:mod:`.units`), transform,
store, all in registers (no temporaries).  The transforms are the specification's, one value at
a time:

* ``uniform``: ``max(m, fma(f, r, m))`` in float32/float64 (XLA:CPU's contraction; with
  ``r = 1, m = +0`` it is ``f`` itself), ``max(m, round16(round16(f*r) + m))`` for 16-bit types
  (``max`` is ``lax.max``: ``+0`` above ``-0``);
* ``normal``: ``sqrt(2) * erf_inv(u)`` with ``u = f*2 + nextafter(-1, 0)`` (exact);
* ``truncated_normal``: ``sqrt(2) * erf_inv`` of a uniform between the bounds' images, clipped.

The bounds ``m``/``r`` (``a``/``r``/``lo``/``hi``) are one value each, or arrays with one value
per element (:func:`.units.at`).  The log-based samplers are in :mod:`.log_streams`, the
discrete ones in :mod:`.discrete_streams`.  16-bit outputs are written as bit patterns into a
``uint16`` view (:mod:`.float16`); the functions of :mod:`.elementary` compute in float32 and
round where the specification rounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .blocks64 import BLOCK, erf_inv_f64_pass
from .elementary import erf_inv_f32, erf_inv_f64
from .float16 import bits16, round16
from .intrinsics import fma32, fma64
from .jit import jit
from .threefry import words
from .units import PARITY32, at, counter, max32, max64, unit_16, unit_f32, unit_f64

__all__ = [
    "uniform_f32",
    "uniform_f64",
    "uniform_16",
    "normal_f32",
    "normal_f64",
    "normal_16",
    "truncated_normal_f32",
    "truncated_normal_f64",
    "truncated_normal_16",
]

F32 = np.float32
U32 = np.uint32
_SQRT2_32 = F32(np.sqrt(2.0))
_SQRT2_64 = float(np.sqrt(2.0))
_LOW32 = F32(-(1.0 - 2.0**-24))
_LOW64 = -(1.0 - 2.0**-53)
_TWO32 = F32(2.0)


@jit
def uniform_f32(k0: Any, k1: Any, start: Any, out: Any, m: Any, r: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        mj = at(m, j)
        out[j] = max32(mj, fma32(unit_f32(y0, y1), at(r, j), mj))


@jit
def uniform_f64(k0: Any, k1: Any, start: Any, out: Any, m: Any, r: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        mj = at(m, j)
        out[j] = max64(mj, fma64(unit_f64(y0, y1), at(r, j), mj))


@jit
def uniform_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    m: Any,
    r: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        mj = at(m, j)
        y = round16(round16(unit_16(y0, y1, nmant, rng_bits, unit) * at(r, j), bf16) + mj, bf16)
        out[j] = bits16(max32(mj, y), bf16)


@jit
def normal_f32(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = _SQRT2_32 * erf_inv_f32(unit_f32(y0, y1) * _TWO32 + _LOW32)


@jit
def normal_f64(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    """In blocks (:mod:`.blocks64`: the hash vectorizes), the tails recomputed one by one."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    a, lp = np.empty(BLOCK), np.empty(BLOCK)
    left = 0
    for b in range(0, out.size, BLOCK):
        o = out[b : b + BLOCK]
        for j in range(o.size):
            y0, y1 = words(k0, k1, k2, counter(start, idx, b + j))
            o[j] = unit_f64(y0, y1) * 2.0 + _LOW64
        left += erf_inv_f64_pass(o, a, lp, _SQRT2_64, o.size)
    if left:
        for j in range(out.size):
            if out[j] != out[j]:
                y0, y1 = words(k0, k1, k2, counter(start, idx, j))
                out[j] = _SQRT2_64 * erf_inv_f64(unit_f64(y0, y1) * 2.0 + _LOW64)


@jit
def normal_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    low: Any,
    root2: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    """``low``: ``nextafter(-1, 0)`` in the 16-bit type; ``root2``: ``sqrt(2)`` rounded to it
    (the uniform's range ``1 - low`` rounds to 2, so ``f*2`` is exact)."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        u = round16(unit_16(y0, y1, nmant, rng_bits, unit) * _TWO32 + low, bf16)
        z = round16(erf_inv_f32(max32(low, u)), bf16)
        out[j] = bits16(round16(z * root2, bf16), bf16)


@jit
def truncated_normal_f32(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    a: Any,
    r: Any,
    lo: Any,
    hi: Any,
    idx: Any,
) -> None:
    """``sqrt(2) * erf_inv(max(a, fma(f, r, a)))`` clipped to ``[lo, hi]`` (nonzero bounds)."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        aj, lj, hj = at(a, j), at(lo, j), at(hi, j)
        z = _SQRT2_32 * erf_inv_f32(max32(aj, fma32(unit_f32(y0, y1), at(r, j), aj)))
        z = lj if z < lj else z
        out[j] = hj if z > hj else z


@jit
def truncated_normal_f64(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    a: Any,
    r: Any,
    lo: Any,
    hi: Any,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    sa, lp = np.empty(BLOCK), np.empty(BLOCK)
    left = 0
    for b in range(0, out.size, BLOCK):
        o = out[b : b + BLOCK]
        for j in range(o.size):
            y0, y1 = words(k0, k1, k2, counter(start, idx, b + j))
            aj = at(a, b + j)
            o[j] = max64(aj, fma64(unit_f64(y0, y1), at(r, b + j), aj))
        left += erf_inv_f64_pass(o, sa, lp, _SQRT2_64, o.size)
        for j in range(o.size):
            z, lj, hj = o[j], at(lo, b + j), at(hi, b + j)
            z = lj if z < lj else z
            o[j] = hj if z > hj else z
    if left:
        for j in range(out.size):
            if out[j] != out[j]:
                y0, y1 = words(k0, k1, k2, counter(start, idx, j))
                aj, lj, hj = at(a, j), at(lo, j), at(hi, j)
                z = _SQRT2_64 * erf_inv_f64(max64(aj, fma64(unit_f64(y0, y1), at(r, j), aj)))
                z = lj if z < lj else z
                out[j] = hj if z > hj else z


@jit
def truncated_normal_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    a: Any,
    r: Any,
    lo: Any,
    hi: Any,
    root2: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        aj, lj, hj = at(a, j), at(lo, j), at(hi, j)
        u = round16(round16(unit_16(y0, y1, nmant, rng_bits, unit) * at(r, j), bf16) + aj, bf16)
        z = round16(erf_inv_f32(max32(aj, u)), bf16)
        z = round16(z * root2, bf16)
        z = lj if z < lj else z
        out[j] = bits16(hj if z > hj else z, bf16)
