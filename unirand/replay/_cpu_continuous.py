"""``exponential_``, ``geometric_``, ``cauchy_`` and ``log_normal_``: one double sample each.

Their CPU kernels (``ATen/native/cpu/DistributionTemplates.h``) are serial loops that draw one
``*_distribution<double>`` sample per element in memory order and store
``static_cast<scalar_t>(sample)``.  The transforms (``ATen/core/TransformationHelper.h``) call
libm in double, so these values are libm's (``_torch_libm``):

* exponential: ``(-1 / lambda) * log1p(-u)`` for a double uniform ``u`` in [0, 1);
* geometric: ``ceil(log(u) / log1p(-p))``;
* Cauchy: ``median + sigma * tan(pi * (u - 0.5))``, one fused multiply-add on AVX builds;
* log-normal: ``exp(z)`` for ``z`` a ``normal_distribution<double>(mean, std)`` draw, which
  uses and refills the generator's cached normal exactly as ``randn`` of < 16 elements does.

The MKL path that ``DistributionKernels.cpp`` has for ``exponential_`` is compiled out in
torch 2.x (``#if ... || 1``, pytorch/pytorch#132395), so every CPU runs this one.
"""

from __future__ import annotations

import math

import numpy as np

from . import _torch_libm
from ._cpu_args import float64_to_dtype
from ._cpu_fused import madd64
from ._cpu_normal import scalar_normals
from ._cpu_uniform import doubles
from ._mt19937 import MT19937


def exponential(eng: MT19937, n: int, lambd: float, name: str) -> np.ndarray:
    """``exponential_(lambd)``: ``static_cast<T>(-1.0) / lambda * log1p(-u)``."""
    u = doubles(eng, n)
    with np.errstate(all="ignore"):
        v = (-1.0 / lambd) * _torch_libm.apply64("log1p", -u)
    return float64_to_dtype(v, name)


def geometric(eng: MT19937, n: int, p: float, name: str) -> np.ndarray:
    """``geometric_(p)``: ``ceil(log(u) / log1p(-p))``, cast (ints truncate as x86 does)."""
    u = doubles(eng, n)
    with np.errstate(all="ignore"):
        v = np.ceil(_torch_libm.apply64("log", u) / math.log1p(-p))
    return float64_to_dtype(v, name)


def cauchy(eng: MT19937, n: int, median: float, sigma: float, name: str, fused: bool) -> np.ndarray:
    """``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))`` (double, unclipped:
    the clipping in ``transformation::cauchy`` is for float, which the CPU kernel never uses)."""
    u = doubles(eng, n)
    t = _torch_libm.apply64("tan", math.pi * (u - 0.5))
    return float64_to_dtype(madd64(t, sigma, median, fused), name)


def log_normal(
    eng: MT19937, n: int, cache: float | None, mean: float, std: float, name: str, fused: bool
) -> tuple[np.ndarray, float | None]:
    """``log_normal_(mean, std)``: ``exp(normal_distribution<double>(mean, std))`` per element."""
    z, cache = scalar_normals(eng, n, cache, mean, std, fused)
    return float64_to_dtype(_torch_libm.apply64("exp", z), name), cache
