"""cuRAND's transforms from Philox words to values, as PyTorch's CUDA kernels call them.

``curand_uniform4``/``curand_uniform2_double`` (``curand_uniform.h``), ``curand_normal4``/
``curand_normal2_double`` (``curand_normal.h``) and the raw ``curand4`` words, each as a
"lane" function: one Philox4x32-10 block in, the values its lanes hold out.  ``KINDS`` maps
each draw kind of ``torch_cuda`` to its lane function and its unroll (values per curand call
per thread).  The uniforms are exact (integer and correctly rounded IEEE operations); the
normals use correctly rounded host math where the GPU uses ``__sincosf``/``logf`` (float) or
CUDA's ``log``/``sincospi`` (double), hence the bounds documented in ``torch_cuda``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..math import fma as _fma

# cuRAND's constants (curand_kernel.h): CURAND_2POW32_INV = 2.3283064e-10f is exactly 2**-32 in
# float32, and CURAND_2POW32_INV_2PI = 2.3283064e-10f * 6.2831855f is float32(2pi) * 2**-32.
INV32 = np.float32(2.0**-32)
HALF_INV32 = np.float32(2.0**-33)
INV32_2PI = np.float32(np.float32(2 * np.pi) * np.float64(2.0**-32))
HALF_INV32_2PI = np.float32(INV32_2PI / np.float32(2))
INV53 = 2.0**-53
HALF_INV53 = 2.0**-54


def bitcast(x: Any, name: str) -> Any:
    return x.view(name)


def u53(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """cuRAND's 53-bit integer from two words: ``x ^ (y << 21)`` (``_curand_uniform_double_hq``)."""
    return lo.astype(np.uint64) ^ (hi.astype(np.uint64) << np.uint64(21))


def uniform_f32(x: np.ndarray) -> np.ndarray:
    """``_curand_uniform``: ``(float)x * 2**-32 + 2**-33`` in float32, a value in (0, 1].

    ``(float)x`` rounds to nearest; the product is exact, so the add is the only other rounding
    (with or without nvcc's FMA contraction).
    """
    return x.astype(np.float32) * INV32 + HALF_INV32


def uniform_f64(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``_curand_uniform_double_hq``: ``z * 2**-53 + 2**-54`` for ``z = x ^ (y << 21)``."""
    return u53(x, y).astype(np.float64) * INV53 + HALF_INV53


def box_muller_f32(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_curand_box_muller(x, y)`` -> (s * sin v, s * cos v) in float32.

    ``u`` as in ``_curand_uniform``; ``v = fma((float)y, 2pi * 2**-32, pi * 2**-32)`` (nvcc
    contracts the multiply-add); ``s = sqrtf(-2 logf(u))``.  The device uses ``__sincosf``; the
    model uses correctly rounded sin/cos of the same float32 ``v`` (the documented error).
    """
    u = uniform_f32(x)
    v = _fma.fma_f32(np, y.astype(np.float32), INV32_2PI, HALF_INV32_2PI, bitcast)
    log_u = np.log(u.astype(np.float64)).astype(np.float32)
    s = np.sqrt(np.float32(-2.0) * log_u)
    v64 = v.astype(np.float64)
    return s * np.sin(v64).astype(np.float32), s * np.cos(v64).astype(np.float32)


def sincospi(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin(pi v) and cos(pi v) for float64 ``v``, reduced exactly to |r| <= 1/4 first."""
    n = np.rint(2.0 * v)
    r = v - 0.5 * n  # exact (Sterbenz) for v in [0, 2]
    sr, cr = np.sin(np.pi * r), np.cos(np.pi * r)
    q = n.astype(np.int64) & 3
    sin = np.choose(q, (sr, cr, -sr, -cr))
    cos = np.choose(q, (cr, -sr, -cr, sr))
    return sin, cos


def box_muller_f64(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``_curand_box_muller_double(x, y, z, w)`` -> (s * sinpi v, s * cospi v) in float64."""
    u = uniform_f64(x, y)
    v = u53(z, w).astype(np.float64) * (2 * INV53) + INV53  # in (0, 2]
    s = np.sqrt(-2.0 * np.log(u))
    sin, cos = sincospi(v)
    return s * sin, s * cos


#: turns one Philox block (x, y, z, w) into the values of its lanes
Lanes = Callable[[tuple[np.ndarray, ...]], tuple[np.ndarray, ...]]


def lanes_u32(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return b  # curand4: x, y, z, w


def lanes_u64(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    x, y, z, w = (c.astype(np.uint64) for c in b)
    return (x << np.uint64(32)) | y, (z << np.uint64(32)) | w


def lanes_uniform_f32(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return tuple(uniform_f32(c) for c in b)  # curand_uniform4


def lanes_uniform_f64(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return uniform_f64(b[0], b[1]), uniform_f64(b[2], b[3])  # curand_uniform2_double


def lanes_normal_f32(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return (*box_muller_f32(b[0], b[1]), *box_muller_f32(b[2], b[3]))  # curand_normal4


def lanes_normal_f64(b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return box_muller_f64(*b)  # curand_normal2_double


#: per draw kind: (unroll = values one curand call yields per thread, the lane function)
KINDS: dict[str, tuple[int, Lanes]] = {
    "u32": (4, lanes_u32),
    "u64": (2, lanes_u64),
    "uniform_f32": (4, lanes_uniform_f32),
    "uniform_f64": (2, lanes_uniform_f64),
    "normal_f32": (4, lanes_normal_f32),
    "normal_f64": (2, lanes_normal_f64),
}
