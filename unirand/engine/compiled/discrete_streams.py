"""The discrete samplers compiled: ``bernoulli`` (modes "low" and "high") and ``randint``.

* ``bernoulli`` "low": ``f < p``; "high": two uniforms per value, element ``i`` from counters
  ``i`` and ``n + i`` (the rows of ``uniform(key, (2, n))``): ``u2 * 2**-nmant < p - u1``, the
  difference rounded to the dtype.  ``p`` is one value or one per element (:func:`.units.at`).
  16-bit uniforms and probabilities are exact in float32, so those compare there.
* ``randint`` with a 32- or 64-bit bound plan (:mod:`unirand.samplers.randint`), its values
  one per draw or one per element.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .float16 import round16
from .jit import jit
from .threefry import words
from .units import PARITY32, at, counter, unit_16, unit_f32, unit_f64

__all__ = [
    "bernoulli_f32",
    "bernoulli_f64",
    "bernoulli_16",
    "bernoulli_high_f32",
    "bernoulli_high_f64",
    "bernoulli_high_16",
    "randint32",
    "randint64",
]

F32 = np.float32
U32 = np.uint32
U64 = np.uint64
_SHIFT32 = U64(32)
_ULP32 = F32(2.0**-23)
_ULP64 = 2.0**-52


@jit
def bernoulli_f32(k0: Any, k1: Any, start: Any, out: Any, p: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = unit_f32(y0, y1) < at(p, j)


@jit
def bernoulli_f64(k0: Any, k1: Any, start: Any, out: Any, p: Any, idx: Any) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = unit_f64(y0, y1) < at(p, j)


@jit
def bernoulli_16(
    k0: Any, k1: Any, start: Any, out: Any, p: Any, nmant: int, rng_bits: int, idx: Any
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    unit = F32(2.0**-nmant)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        out[j] = unit_16(y0, y1, nmant, rng_bits, unit) < at(p, j)


@jit
def bernoulli_high_f32(
    k0: Any, k1: Any, start: Any, out: Any, p: Any, total: Any, idx: Any
) -> None:
    """Mode "high"; ``total``: the draw's size ``n`` (the second uniforms' counters follow)."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        out[j] = unit_f32(z0, z1) * _ULP32 < at(p, j) - unit_f32(y0, y1)


@jit
def bernoulli_high_f64(
    k0: Any, k1: Any, start: Any, out: Any, p: Any, total: Any, idx: Any
) -> None:
    k2 = U32(k0 ^ k1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(k0, k1, k2, total + counter(start, idx, j))
        out[j] = unit_f64(z0, z1) * _ULP64 < at(p, j) - unit_f64(y0, y1)


@jit
def bernoulli_high_16(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    p: Any,
    total: Any,
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
        u1 = unit_16(y0, y1, nmant, rng_bits, unit)
        u2 = unit_16(z0, z1, nmant, rng_bits, unit) * unit
        out[j] = u2 < round16(at(p, j) - u1, bf16)


@jit
def randint32(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    l0: Any,
    l1: Any,
    span: Any,
    mult: Any,
    base: Any,
    idx: Any,
) -> None:
    """``randint`` with a 32-bit bound plan: ``hi`` from key ``(k0, k1)``, ``lo`` from key
    ``(l0, l1)`` (the two halves of ``split(key)``), ``base + ((hi % span) * mult + lo % span)
    % span`` in wrapping uint32 arithmetic (``x % 0 = x``); the low bits are stored (the
    narrowing of ``astype``).  ``span``/``mult``/``base``: one value each or one per element."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    l2 = U32(l0 ^ l1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(l0, l1, l2, counter(start, idx, j))
        hi = U32(y0 ^ y1)
        lo = U32(z0 ^ z1)
        sp = U32(at(span, j))
        if sp != 0:
            hi = U32(hi % sp)
            lo = U32(lo % sp)
        s = U32(U32(hi * U32(at(mult, j))) + lo)
        if sp != 0:
            s = U32(s % sp)
        out[j] = U32(U32(at(base, j)) + s)


@jit
def randint64(
    k0: Any,
    k1: Any,
    start: Any,
    out: Any,
    l0: Any,
    l1: Any,
    span: Any,
    mult: Any,
    base: Any,
    idx: Any,
) -> None:
    """The 64-bit plan: ``hi``/``lo`` are 64-bit draws (the first hash word on top), the
    arithmetic wraps modulo 2**64; ``out`` is the uint64 view of an int64/uint64 output."""
    k2 = U32(k0 ^ k1 ^ PARITY32)
    l2 = U32(l0 ^ l1 ^ PARITY32)
    for j in range(out.size):
        y0, y1 = words(k0, k1, k2, counter(start, idx, j))
        z0, z1 = words(l0, l1, l2, counter(start, idx, j))
        hi = (U64(y0) << _SHIFT32) | U64(y1)
        lo = (U64(z0) << _SHIFT32) | U64(z1)
        sp = U64(at(span, j))
        if sp != 0:
            hi = U64(hi % sp)
            lo = U64(lo % sp)
        s = U64(U64(hi * U64(at(mult, j))) + lo)
        if sp != 0:
            s = U64(s % sp)
        out[j] = U64(U64(at(base, j)) + s)
