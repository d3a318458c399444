"""The log-based samplers compiled: ``exponential`` and ``gumbel`` in its three modes.

* ``exponential``: ``-log1p(-f)``;
* ``gumbel`` "low": ``-log(-log(max(f, tiny)))``;
* ``gumbel`` "high": two uniforms per value, element ``i`` of the draw from counters ``i`` and
  ``n + i`` (the two rows of ``uniform(key, (2, n))``): ``x = high`` when ``high >= 1/2``, else
  ``(high + low * 2**-nmant) + tiny``; then ``-log(-log1p(-x))``;
* ``gumbel`` "highest" (float32): 64 random bits per value (counters ``i`` and ``n + i``) read
  as a fixed-point fraction and converted by truncation as ``jax.random._safe_int_to_float``
  does; ``1 - u`` is formed in 64-bit fixed point for the upper half.

``log``/``log1p`` are XLA:CPU's (float32) and glibc's ``log`` / XLA's ``log1p`` (float64), from
:mod:`.elementary`; 16-bit values are computed in float32 and rounded where the specification
rounds (after each ``log`` and ``log1p``, and after each add of "high").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .blocks64 import BLOCK, log1p_f64_pass
from .elementary import log1p_f32_xla, log1p_f64, log_f32_xla, log_f64_xla
from .float16 import bits16, round16
from .intrinsics import f32_from_bits, f64_bits
from .jit import inline, jit
from .threefry import words
from .units import PARITY32, counter, unit_16, unit_f32, unit_f64

__all__ = [
    "exponential_f32",
    "exponential_f64",
    "exponential_16",
    "gumbel_f32",
    "gumbel_f64",
    "gumbel_16",
    "gumbel_high_f32",
    "gumbel_high_f64",
    "gumbel_high_16",
    "gumbel_highest_f32",
]

F32 = np.float32
U32 = np.uint32
I64 = np.int64
_TINY32 = F32(2.0**-126)
_TINY64 = 2.0**-1022
_HALF32 = F32(0.5)
_ULP32 = F32(2.0**-23)
_ULP64 = 2.0**-52
_WORD = I64(0xFFFFFFFF)


@jit
def exponential_f32(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = -log1p_f32_xla(-unit_f32(y0, y1))


@jit
def exponential_f64(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    """In blocks (:mod:`.blocks64`: the hash vectorizes); ``-log1p(-u)`` has no NaN of its
    own, so none is left for the scalar loop but what the pass could not take."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    a, lp = np.empty(BLOCK), np.empty(BLOCK)
    left = 0
    for b in range(0, out.size, BLOCK):
        o = out[b : b + BLOCK]
        for j in range(o.size):
            y0, y1 = words(k0, k1, k2, counter(start, idx, b + j))
            a[j] = -unit_f64(y0, y1)
        log1p_f64_pass(a, lp, o.size)
        for j in range(o.size):
            o[j] = -lp[j]
            left += 0 if lp[j] == lp[j] else 1
    if left:
        for j in range(out.size):
            if out[j] != out[j]:
                y0, y1 = words(k0, k1, k2, counter(start, idx, j))
                out[j] = -log1p_f64(-unit_f64(y0, y1))


@jit
def exponential_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        u = unit_16(y0, y1, nmant, rng_bits, unit)
        out[j] = bits16(-round16(log1p_f32_xla(-u), bf16), bf16)


@jit
def gumbel_f32(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        f = unit_f32(y0, y1)
        out[j] = -log_f32_xla(-log_f32_xla(f if f >= _TINY32 else _TINY32))


@jit
def gumbel_f64(k0: Any, k1: Any, start: Any, out: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        f = unit_f64(y0, y1)
        out[j] = -log_f64_xla(-log_f64_xla(f if f >= _TINY64 else _TINY64))


@jit
def gumbel_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    tiny: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        u = unit_16(y0, y1, nmant, rng_bits, unit)
        inner = round16(log_f32_xla(u if u >= tiny else tiny), bf16)
        out[j] = bits16(-round16(log_f32_xla(-inner), bf16), bf16)


@jit
def gumbel_high_f32(k0: Any, k1: Any, start: Any, out: Any, total: Any, idx: Any) -> None:
    """Mode "high"; ``total``: the draw's size ``n`` (the low halves' counters follow)."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        high = unit_f32(y0, y1)
        x = high if high >= _HALF32 else (high + unit_f32(z0, z1) * _ULP32) + _TINY32
        out[j] = -log_f32_xla(-log1p_f32_xla(-x))


@jit
def gumbel_high_f64(k0: Any, k1: Any, start: Any, out: Any, total: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        high = unit_f64(y0, y1)
        x = high if high >= 0.5 else (high + unit_f64(z0, z1) * _ULP64) + _TINY64
        out[j] = -log_f64_xla(-log1p_f64(-x))


@jit
def gumbel_high_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    total: Any,
    tiny: Any,
    nmant: int,
    rng_bits: int,
    bf16: bool,
    idx: Any,
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        high = unit_16(y0, y1, nmant, rng_bits, unit)
        low = unit_16(z0, z1, nmant, rng_bits, unit) * unit
        x = high
        if high < _HALF32:
            x = round16(round16(high + low, bf16) + tiny, bf16)
        inner = round16(log1p_f32_xla(-x), bf16)
        out[j] = bits16(-round16(log_f32_xla(-inner), bf16), bf16)


@inline
def _clz32(x: Any) -> Any:
    """Leading zeros of a 32-bit word held in an int64 (32 for 0): from the exponent of its
    exact float64 value."""
    if x == 0:
        return I64(32)
    return I64(31) - (I64(f64_bits(float(x)) >> 52) - I64(1023))


@inline
def _shl(v: Any, s: Any) -> Any:
    """``v << s`` on 32-bit words with XLA's semantics: 0 when ``s >= 32``."""
    return I64(0) if s >= 32 else (v << s) & _WORD


@inline
def _shr(v: Any, s: Any) -> Any:
    return I64(0) if s >= 32 else v >> s


@inline
def _fraction_f32(hi: Any, lo: Any) -> Any:
    """``jax.random._safe_int_to_float`` for float32: the 64-bit fraction ``hi:lo``, truncated."""
    hiclz = _clz32(hi)
    loclz = _clz32(lo)
    if hiclz == 32:
        mant = _shl(lo, loclz)
        lz = 32 + loclz
    else:
        mant = _shl(hi, hiclz) | _shr(lo, 32 - hiclz)
        lz = hiclz
    mant = (mant >> 8) & I64((1 << 23) - 1)
    exp = _shl((I64(126) - lz) & _WORD, I64(23)) & I64((1 << 30) - (1 << 22))
    return f32_from_bits(U32(exp | mant))


@jit
def gumbel_highest_f32(k0: Any, k1: Any, start: Any, out: Any, total: Any, idx: Any) -> None:
    """Mode "highest": the high word from counter ``i``, the low word from ``n + i``."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        hi = I64(U32(y0 ^ y1))
        lo = I64(U32(z0 ^ z1))
        if hi < I64(1 << 31):
            x = _fraction_f32(hi, lo)
            out[j] = -log_f32_xla(-log1p_f32_xla(-x))
        else:  # 1 - u in 64-bit fixed point: ~(hi:lo) + 1
            neg_lo = ~lo & _WORD
            neg_hi = ((~hi & _WORD) + (I64(1) if neg_lo == _WORD else I64(0))) & _WORD
            x = _fraction_f32(neg_hi, (neg_lo + 1) & _WORD)
            out[j] = -log_f32_xla(-log_f32_xla(x))
