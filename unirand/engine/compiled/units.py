"""What every compiled sampler starts from: the uniform float of a hash, ``lax.max``, ``at``.

The floats in [0, 1) are ``jax.random.uniform``'s: random mantissa bits under 1.0, minus 1
(exact).  ``max32``/``max64`` are ``lax.max`` (IEEE ``maximum``: ``+0`` above ``-0``) for finite
values.  :func:`at` lets one kernel take a parameter either as one value or as an array with one
value per element (a broadcast parameter, materialized by the driver): Numba compiles each form
on its own, so the scalar form costs nothing per element.  :func:`counter` does the same for
the counter of ``out[j]``: ``start + j``, or ``idx[j]`` when the draw is a block of a larger one
(``idx`` its flat indices); ``idx=None`` compiles to the plain loop.  Imported only when Numba
is installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import types
from numba.extending import overload

from ..threefry import PARITY
from .intrinsics import f32_bits, f32_from_bits, f64_bits, f64_from_bits
from .jit import inline

__all__ = ["PARITY32", "unit_f32", "unit_f64", "unit_16", "max32", "max64", "at", "counter"]

F32 = np.float32
U32 = np.uint32
U64 = np.uint64
#: the key schedule's parity constant, as the kernels' word type
PARITY32 = U32(PARITY)
_ONE32 = U32(0x3F800000)
_ONE64 = U64(0x3FF0000000000000)
_SHIFT20 = U64(20)


@inline
def unit_f32(y0: Any, y1: Any) -> Any:
    """``jax.random.uniform``'s float32 in [0, 1): 23 mantissa bits under 1.0, minus 1."""
    return f32_from_bits(U32(((y0 ^ y1) >> 9) | _ONE32)) - F32(1.0)


@inline
def unit_f64(y0: Any, y1: Any) -> Any:
    """The float64 in [0, 1): 52 bits (32 of the first word, 20 of the second) under 1.0."""
    return f64_from_bits((U64(y0) << _SHIFT20) | U64(y1 >> 12) | _ONE64) - 1.0


@inline
def unit_16(y0: Any, y1: Any, nmant: int, rng_bits: int, unit: Any) -> Any:
    """The 16-bit uniform in [0, 1) as float32: ``nmant`` bits of the low ``rng_bits``;
    ``unit`` is ``2**-nmant``."""
    x = U32(y0 ^ y1) & U32((1 << rng_bits) - 1)
    return F32(x >> (rng_bits - nmant)) * unit


@inline
def max32(m: Any, y: Any) -> Any:
    """``lax.max(m, y)`` (IEEE ``maximum``: ``+0`` above ``-0``) for finite values."""
    if m > y or (m == y and (f32_bits(y) >> 31) == 1):
        return m
    return y


@inline
def max64(m: Any, y: Any) -> Any:
    if m > y or (m == y and (f64_bits(y) >> 63) == 1):
        return m
    return y


def at(p: Any, j: int) -> Any:
    """``p[j]`` when ``p`` is an array (one value per element), else ``p`` (Python form, for
    reading; kernels use the Numba overload below)."""
    return p[j] if isinstance(p, np.ndarray) else p


@overload(at, inline="always")
def _at(p: Any, j: Any) -> Any:
    # the implementations' parameters must read exactly as at's, annotations included
    if isinstance(p, types.Array):

        def element(p: Any, j: Any) -> Any:
            return p[j]

        return element

    def value(p: Any, j: Any) -> Any:
        return p

    return value


def counter(start: Any, idx: Any, j: int) -> Any:
    """The counter of ``out[j]``: ``idx[j]`` for a block (its elements' flat indices in the whole
    draw), else ``start + j`` (Python form; kernels use the Numba overload below)."""
    return idx[j] if isinstance(idx, np.ndarray) else start + j


@overload(counter, inline="always")
def _counter(start: Any, idx: Any, j: Any) -> Any:
    # the implementations' parameters must read exactly as counter's, annotations included
    if isinstance(idx, types.Array):

        def element(start: Any, idx: Any, j: Any) -> Any:
            return idx[j]

        return element

    def contiguous(start: Any, idx: Any, j: Any) -> Any:
        return start + j

    return contiguous
