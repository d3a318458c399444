"""Normals: ``at::normal_distribution<double>`` (with its cached sample) and ``normal_fill``.

``normal_kernel`` (``ATen/native/cpu/DistributionTemplates.h``) takes one of two paths.
Tensors of fewer than 16 elements draw ``normal_distribution<double>`` per element: Box-Muller
on two double uniforms, one result returned and the other cached in the generator for the next
such draw, across calls and dtypes (:func:`scalar_normals`; ``log_normal_`` uses the same
draw).  Larger ones run ``normal_fill``: Box-Muller on blocks of 16 uniforms, the tail block
redrawn, with the AVX2 polynomials of ``_torch_avx2`` for float or libm for double
(:func:`normal_fill`).  docs/replay.md gives both streams in full.
"""

from __future__ import annotations

import math

import numpy as np

from . import _torch_avx2, _torch_libm
from ._cpu_args import np_dtype
from ._cpu_fused import madd32, madd64
from ._cpu_uniform import doubles, uniform24
from ._mt19937 import MT19937


def scalar_normals(
    eng: MT19937, n: int, cache: float | None, mean: float, std: float, fused: bool
) -> tuple[np.ndarray, float | None]:
    """``n`` draws of ``normal_distribution<double>(mean, std)`` and the cache left after them.

    Each draw uses the cached sample if there is one (and clears it); otherwise it takes two
    double uniforms ``u1, u2``, returns ``r * cos(theta)`` and caches ``r * sin(theta)``, with
    ``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1`` (libm).  The result is
    ``z * std + mean`` in double (``transformation::normal``, fused on AVX builds).
    """
    if n == 0:
        return np.empty(0, dtype=np.float64), cache
    head = [] if cache is None else [cache]
    pairs = (n - len(head) + 1) // 2
    u = doubles(eng, 2 * pairs)
    u1, u2 = u[0::2], u[1::2]
    # libm sqrt is correctly rounded in double, as NumPy's is; the rest is libm's, one by one
    radius = np.sqrt(-2.0 * _torch_libm.apply64("log1p", -u2))
    theta = (2.0 * math.pi) * u1
    z = np.empty(2 * pairs, dtype=np.float64)
    z[0::2] = radius * _torch_libm.apply64("cos", theta)
    z[1::2] = radius * _torch_libm.apply64("sin", theta)
    stream = np.concatenate([np.array(head, dtype=np.float64), z])
    left = float(stream[n]) if stream.size > n else None
    return madd64(stream[:n], std, mean, fused), left


def normal_fill(
    eng: MT19937, n: int, mean: float, std: float, name: str, fused: bool
) -> np.ndarray:
    """``normal_fill`` (``n >= 16``, contiguous): blocks of 16 uniforms, the tail redrawn."""
    nb, tail = divmod(n, 16)
    if name == "float64":
        u = doubles(eng, n + (16 if tail else 0))
        blocks = u[: 16 * nb].reshape(nb, 16)
        last = u[n:].reshape(-1, 16)
        fill = _fill64
    else:
        # float keeps the n uniforms in the output (the tail redraw starts after n);
        # half and bfloat16 use a 16-float buffer per block (it starts after 16 * nb).
        start = n if name == "float32" else 16 * nb
        u = uniform24(eng.words(start + (16 if tail else 0)))
        blocks = u[: 16 * nb].reshape(nb, 16)
        last = u[start:].reshape(-1, 16)
        fill = _torch_avx2.normal_fill16 if fused else _fill32_libm
    out = np.empty(n, dtype=np.float64 if name == "float64" else np.float32)
    out[: 16 * nb] = fill(blocks, mean, std).reshape(-1)
    if tail:
        out[n - 16 :] = fill(last, mean, std).reshape(-1)
    return out if name in ("float32", "float64") else out.astype(np_dtype(name))


def _fill64(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``NormalFill16<double>``: libm ``log``, ``cos``, ``sin`` and ``std::fma``."""
    u1 = 1.0 - blocks[:, :8]
    radius = np.sqrt(-2.0 * _torch_libm.apply64("log", u1))
    theta = (2.0 * math.pi) * blocks[:, 8:]
    n = np.concatenate(
        [
            radius * _torch_libm.apply64("cos", theta),
            radius * _torch_libm.apply64("sin", theta),
        ],
        axis=1,
    )
    if mean == 0.0 and std == 1.0:
        return n + 0.0
    return madd64(n.reshape(-1), std, mean, True).reshape(n.shape)


def _fill32_libm(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``NormalFill16<float>`` without AVX2: ``logf``, ``cosf``, ``sinf`` and ``fmaf``."""
    u1 = np.float32(1.0) - blocks[:, :8]
    radius = np.sqrt(np.float32(-2.0) * _torch_libm.apply32("logf", u1))
    theta = ((2.0 * math.pi) * blocks[:, 8:].astype(np.float64)).astype(np.float32)
    n = np.concatenate(
        [
            radius * _torch_libm.apply32("cosf", theta),
            radius * _torch_libm.apply32("sinf", theta),
        ],
        axis=1,
    )
    m32, s32 = np.float32(mean), np.float32(std)
    if m32 == 0 and s32 == 1:
        return n + np.float32(0.0)
    return madd32(n, s32, m32, True)
