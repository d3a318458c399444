"""float16 and bfloat16 for the compiled kernels: the specification's rounding, and the bits.

The specification computes a 16-bit sampler in float32 and rounds to the 16-bit type at fixed
places (:mod:`unirand.math.round16`); :func:`round16` is that rounding for one value (the same
integer operations), and :func:`bits16` writes a float32 that holds a 16-bit value as the 16-bit
pattern, exactly (kernels store 16-bit outputs through a ``uint16`` view: Numba has no 16-bit
float arithmetic).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .intrinsics import f32_bits, f32_from_bits
from .jit import inline

__all__ = ["round16", "bits16"]

I64 = np.int64
U32 = np.uint32
U16 = np.uint16
_F16_OVERFLOW = I64(0x477FF000)
_F32_INF = I64(0x7F800000)
_F16_MIN_NORMAL = I64(0x38800000)
_TWO24 = np.float32(2.0**24)
_TWO_M24 = np.float32(2.0**-24)


@inline
def round16(x: Any, bf16: bool) -> Any:
    """float32 ``x`` rounded to bfloat16 (``bf16``) or float16, ties to even, as float32."""
    if x != x:
        return x
    bits = I64(f32_bits(x))
    sign = bits & I64(0x80000000)
    mag = bits & I64(0x7FFFFFFF)
    if bf16:
        r = (mag + 0x7FFF + ((mag >> 16) & 1)) & I64(0xFFFF0000)
    elif mag >= _F16_OVERFLOW:
        r = _F32_INF
    elif mag >= _F16_MIN_NORMAL:
        r = (mag + 0xFFF + ((mag >> 13) & 1)) & I64(0xFFFFE000)
    else:  # below 2**-14: a multiple of 2**-24
        e = mag >> 23
        m = (mag & 0x7FFFFF) | 0x800000
        s = max(min(126 - e, 30), 1)
        n = (m + (I64(1) << (s - 1)) - 1 + ((m >> s) & 1)) >> s
        r = I64(f32_bits(np.float32(n) * _TWO_M24))
    return f32_from_bits(U32(sign | r))


@inline
def bits16(v: Any, bf16: bool) -> Any:
    """The 16-bit pattern of ``v``, a float32 holding a 16-bit value (or an infinity or NaN)."""
    bits = I64(f32_bits(v))
    if bf16:
        return U16(bits >> 16)
    sign = (bits >> 16) & 0x8000
    mag = bits & 0x7FFFFFFF
    if mag >= _F32_INF:  # infinity, or NaN with its leading payload and the quiet bit
        payload = (mag >> 13) & 0x3FF
        if mag > _F32_INF:
            payload |= 0x200
        return U16(sign | 0x7C00 | payload)
    if mag >= _F16_MIN_NORMAL:
        return U16(sign | (((mag >> 23) - 112) << 10) | ((mag >> 13) & 0x3FF))
    return U16(sign | I64(abs(v) * _TWO24))  # subnormal or zero: exact multiple of 2**-24
