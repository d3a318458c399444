"""XLA:CPU's float32 ``rsqrt`` on the reference host, on NumPy: the hardware estimate and one
Newton-Raphson step (``xla/codegen/intrinsic/rsqrt.cc``).

``jax.random.gamma``'s ``c = (1/3) / sqrt(d)`` is rewritten by XLA to ``(1/3) * rsqrt(d)``,
and XLA:CPU's float32 ``rsqrt`` is ``y0 = vrsqrtps(x)`` (a table lookup whose bits the ISA
leaves to the CPU) refined by ``h = fma(x*y0, y0, -1)``, ``y = fma(-0.5*y0, h, y0)``: one
step on AMD CPUs without AVX-512 (the reference host), two on others.  ``y0`` itself is kept
below the smallest normal and at infinity.  The estimate is the reference host's, measured by
``conformance/generate_gamma_rsqrt.py`` (:mod:`._gamma_rsqrt_data`).  float64 ``rsqrt`` is
``1 / sqrt(x)``, correctly rounded twice, on every host.
"""

from __future__ import annotations

import base64
import functools
import zlib

import numpy as np

from ._gamma_rsqrt_data import TABLE

__all__ = ["rsqrt_estimate", "rsqrt_f32_xla", "rsqrt_f64_xla"]


@functools.cache
def _table() -> np.ndarray:
    raw = zlib.decompress(base64.b64decode("".join(TABLE)))
    return np.frombuffer(raw, dtype="<u4").astype(np.int64)


def rsqrt_estimate(x: np.ndarray) -> np.ndarray:
    """``vrsqrtps`` of float32 ``x`` as the reference CPU computes it (zeros and
    subnormals: inf of their sign, as ``vrsqrtps`` flushes them; below zero: x86's default NaN;
    NaN: itself, quieted; inf: 0)."""
    x = np.asarray(x, np.float32)
    b = x.view(np.uint32).astype(np.int64)
    e = (b >> 23) & 0xFF
    unbiased = e - 127
    parity = unbiased & 1
    k = (unbiased - parity) // 2  # x = 4**k * x', x' in [1, 4)
    idx = (parity << 12) | ((b & 0x7FFFFF) >> 11)
    y = _table()[np.clip(idx, 0, 8191)] - (k << 23)
    out = np.clip(y, 0, 0x7F7FFFFF).astype(np.uint32).view(np.float32).copy()
    out[np.signbit(x)] = np.array(0xFFC00000, np.uint32).view(np.float32)  # x86's default NaN
    nan = np.isnan(x)
    out[nan] = (x[nan].view(np.uint32) | np.uint32(0x00400000)).view(np.float32)  # quieted
    out[np.isinf(x) & (x > 0)] = 0.0
    out[e == 0] = np.where(np.signbit(x[e == 0]), -np.inf, np.inf)  # zeros and subnormals
    return out


def rsqrt_f32_xla(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's float32 ``rsqrt(x)`` on the reference host (see the module docstring)."""
    from .. import backends

    ops = backends.by_name("numpy").float32_ops()
    x = np.ascontiguousarray(x, np.float32).reshape(-1)
    y0 = rsqrt_estimate(x)
    with np.errstate(all="ignore"):
        r2 = x * y0
        half = y0 * np.float32(-0.5)
        h = ops.fma(r2, y0, np.full_like(x, -1.0))
        y = ops.fma(half, h, y0)
    keep = (x < np.float32(2.0**-126)) | (x == np.float32(np.inf))
    return np.where(keep, y0, y).astype(np.float32)


def rsqrt_f64_xla(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's float64 ``rsqrt``: ``1 / sqrt(x)``; below zero x86's default NaN
    (``sqrtsd`` gives ``0xFFF8...``, NumPy's ``sqrt`` a positive one)."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        y = np.float64(1.0) / np.sqrt(x)
    default_nan = np.array(0xFFF8000000000000, np.uint64).view(np.float64)
    return np.where(x < 0, default_nan, y)
