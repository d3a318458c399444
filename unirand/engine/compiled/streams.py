"""The elementwise samplers compiled: one loop per sampler and dtype family, fused with the hash.

Each kernel fills ``out[j]`` with element ``start + j`` of its draw: hash (:mod:`.threefry`),
mantissa float, transform, store, all in registers (no temporaries).  The transforms are the
specification's, one value at a time:

* ``uniform``: ``max(m, fma(f, r, m))`` in float32/float64 (XLA:CPU's contraction; with
  ``r = 1, m = +0`` it is ``f`` itself), ``max(m, round16(round16(f*r) + m))`` for 16-bit types
  (``max`` is ``lax.max``: ``+0`` above ``-0``);
* ``normal``: ``sqrt(2) * erf_inv(u)`` with ``u = f*2 + nextafter(-1, 0)`` (exact);
* ``exponential``: ``-log1p(-f)``; ``gumbel`` (mode "low"): ``-log(-log(max(f, tiny)))``;
* ``bernoulli`` (mode "low", one ``p``): ``f < p``;
* ``randint`` (one 32-bit bound plan) and ``truncated_normal`` (one pair of bounds).

16-bit outputs are written as bit patterns into a ``uint16`` view (:mod:`.float16`); the
functions of :mod:`.elementary` compute in float32 and round where the specification rounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..threefry import PARITY
from .elementary import erf_inv_f32, erf_inv_f64, log1p_f32_xla, log1p_f64, log_f32_xla, log_f64_xla
from .float16 import bits16, round16
from .intrinsics import f32_bits, f32_from_bits, f64_bits, f64_from_bits, fma32, fma64
from .jit import inline, jit
from .threefry import words

__all__ = [
    "uniform_f32",
    "uniform_f64",
    "uniform_16",
    "normal_f32",
    "normal_f64",
    "normal_16",
    "exponential_f32",
    "exponential_f64",
    "exponential_16",
    "gumbel_f32",
    "gumbel_f64",
    "gumbel_16",
    "bernoulli_f32",
    "bernoulli_f64",
    "randint32",
    "truncated_normal_f32",
    "truncated_normal_f64",
    "truncated_normal_16",
]

F32 = np.float32
U32 = np.uint32
U64 = np.uint64
_PARITY = U32(PARITY)
_ONE32 = U32(0x3F800000)
_ONE64 = U64(0x3FF0000000000000)
_SHIFT20 = U64(20)
_SQRT2_32 = F32(np.sqrt(2.0))
_SQRT2_64 = float(np.sqrt(2.0))
_LOW32 = F32(-(1.0 - 2.0**-24))
_LOW64 = -(1.0 - 2.0**-53)
_TWO32 = F32(2.0)
_TINY32 = F32(2.0**-126)
_TINY64 = 2.0**-1022


@inline
def _f32(y0: Any, y1: Any) -> Any:
    """``jax.random.uniform``'s float32 in [0, 1): 23 mantissa bits under 1.0, minus 1."""
    return f32_from_bits(U32(((y0 ^ y1) >> 9) | _ONE32)) - F32(1.0)


@inline
def _f64(y0: Any, y1: Any) -> Any:
    """The float64 in [0, 1): 52 bits (32 of the first word, 20 of the second) under 1.0."""
    return f64_from_bits((U64(y0) << _SHIFT20) | U64(y1 >> 12) | _ONE64) - 1.0


@inline
def _f16(y0: Any, y1: Any, nmant: int, rng_bits: int, unit: Any) -> Any:
    """The 16-bit uniform in [0, 1) as float32: ``nmant`` bits of the low ``rng_bits``."""
    x = U32(y0 ^ y1) & U32((1 << rng_bits) - 1)
    return F32(x >> (rng_bits - nmant)) * unit


@inline
def _max32(m: Any, y: Any) -> Any:
    """``lax.max(m, y)`` (IEEE ``maximum``: ``+0`` above ``-0``) for finite values."""
    if m > y or (m == y and (f32_bits(y) >> 31) == 1):
        return m
    return y


@inline
def _max64(m: Any, y: Any) -> Any:
    if m > y or (m == y and (f64_bits(y) >> 63) == 1):
        return m
    return y


@jit
def uniform_f32(k0: Any, k1: Any, start: Any, out: Any, m: Any, r: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _max32(m, fma32(_f32(y0, y1), r, m))


@jit
def uniform_f64(k0: Any, k1: Any, start: Any, out: Any, m: Any, r: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _max64(m, fma64(_f64(y0, y1), r, m))


@jit
def uniform_16(
    k0: Any, k1: Any, start: Any, out: Any, m: Any, r: Any, nmant: int, rng_bits: int, bf16: bool
) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        y = round16(round16(_f16(y0, y1, nmant, rng_bits, unit) * r, bf16) + m, bf16)
        out[j] = bits16(_max32(m, y), bf16)


@jit
def normal_f32(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _SQRT2_32 * erf_inv_f32(_f32(y0, y1) * _TWO32 + _LOW32)


@jit
def normal_f64(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _SQRT2_64 * erf_inv_f64(_f64(y0, y1) * 2.0 + _LOW64)


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
) -> None:
    """``low``: ``nextafter(-1, 0)`` in the 16-bit type; ``root2``: ``sqrt(2)`` rounded to it
    (the uniform's range ``1 - low`` rounds to 2, so ``f*2`` is exact)."""
    k2 = U32(k0 ^ k1 ^ _PARITY)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        u = round16(_f16(y0, y1, nmant, rng_bits, unit) * _TWO32 + low, bf16)
        z = round16(erf_inv_f32(_max32(low, u)), bf16)
        out[j] = bits16(round16(z * root2, bf16), bf16)


@jit
def exponential_f32(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = -log1p_f32_xla(-_f32(y0, y1))


@jit
def exponential_f64(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = -log1p_f64(-_f64(y0, y1))


@jit
def exponential_16(
    k0: Any, k1: Any, start: Any, out: Any, nmant: int, rng_bits: int, bf16: bool
) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        u = _f16(y0, y1, nmant, rng_bits, unit)
        out[j] = bits16(-round16(log1p_f32_xla(-u), bf16), bf16)


@jit
def gumbel_f32(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        f = _f32(y0, y1)
        out[j] = -log_f32_xla(-log_f32_xla(f if f >= _TINY32 else _TINY32))


@jit
def gumbel_f64(k0: Any, k1: Any, start: Any, out: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        f = _f64(y0, y1)
        out[j] = -log_f64_xla(-log_f64_xla(f if f >= _TINY64 else _TINY64))


@jit
def gumbel_16(
    k0: Any, k1: Any, start: Any, out: Any, tiny: Any, nmant: int, rng_bits: int, bf16: bool
) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        u = _f16(y0, y1, nmant, rng_bits, unit)
        inner = round16(log_f32_xla(u if u >= tiny else tiny), bf16)
        out[j] = bits16(-round16(log_f32_xla(-inner), bf16), bf16)


@jit
def bernoulli_f32(k0: Any, k1: Any, start: Any, out: Any, p: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _f32(y0, y1) < p


@jit
def bernoulli_f64(k0: Any, k1: Any, start: Any, out: Any, p: Any) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        out[j] = _f64(y0, y1) < p


@jit
def randint32(
    k0: Any, k1: Any, start: Any, out: Any, l0: Any, l1: Any, span: Any, mult: Any, base: Any
) -> None:
    """``randint`` with one 32-bit bound plan: ``hi`` from key ``(k0, k1)``, ``lo`` from key
    ``(l0, l1)`` (the two halves of ``split(key)``), ``base + ((hi % span) * mult + lo % span)
    % span`` in wrapping uint32 arithmetic (``x % 0 = x``); the low bits are stored (the
    narrowing of ``astype``)."""
    k2 = U32(k0 ^ k1 ^ _PARITY)
    l2 = U32(l0 ^ l1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        z0, z1 = words(l0, l1, l2, start + j)
        hi = U32(y0 ^ y1)
        lo = U32(z0 ^ z1)
        if span != 0:
            hi = U32(hi % span)
            lo = U32(lo % span)
        s = U32(U32(hi * mult) + lo)
        if span != 0:
            s = U32(s % span)
        out[j] = U32(base + s)


@jit
def truncated_normal_f32(
    k0: Any, k1: Any, start: Any, out: Any, a: Any, r: Any, lo: Any, hi: Any
) -> None:
    """``sqrt(2) * erf_inv(max(a, fma(f, r, a)))`` clipped to ``[lo, hi]`` (nonzero bounds)."""
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        z = _SQRT2_32 * erf_inv_f32(_max32(a, fma32(_f32(y0, y1), r, a)))
        z = lo if z < lo else z
        out[j] = hi if z > hi else z


@jit
def truncated_normal_f64(
    k0: Any, k1: Any, start: Any, out: Any, a: Any, r: Any, lo: Any, hi: Any
) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        z = _SQRT2_64 * erf_inv_f64(_max64(a, fma64(_f64(y0, y1), r, a)))
        z = lo if z < lo else z
        out[j] = hi if z > hi else z


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
) -> None:
    k2 = U32(k0 ^ k1 ^ _PARITY)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, start + j)
        u = round16(round16(_f16(y0, y1, nmant, rng_bits, unit) * r, bf16) + a, bf16)
        z = round16(erf_inv_f32(_max32(a, u)), bf16)
        z = round16(z * root2, bf16)
        z = lo if z < lo else z
        out[j] = bits16(hi if z > hi else z, bf16)
