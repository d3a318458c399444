"""Uniform reals from mt19937 words: ``uniform_real_distribution`` and the kernels built on it.

``uniform_real<T>`` (``ATen/core/TransformationHelper.h``) takes the low ``digits(T)`` bits of
one draw: 24 of one 32-bit word for float (and so for Half and BFloat16, which compute in
float), 53 of ``random64()`` (two words) for double.  ``torch.rand``/``uniform_`` and
``bernoulli`` (``ATen/native/cpu/DistributionTemplates.h``) write one such uniform per element
in memory order; every other continuous sampler here starts from the double one.
"""

from __future__ import annotations

import numpy as np

from ._cpu_args import np_dtype, to_dtype
from ._cpu_fused import madd32, madd64
from ._mt19937 import MT19937


def uniform24(words: np.ndarray) -> np.ndarray:
    """``uniform_real<float>``: the low 24 bits of one word, times 2**-24."""
    return (words & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)


def uniform53(words: np.ndarray) -> np.ndarray:
    """``uniform_real<double>``: the low 53 bits of ``random64() = (w0 << 32) | w1``."""
    hi = (words[0::2] & np.uint32(0x1FFFFF)).astype(np.float64)
    return (hi * 2.0**32 + words[1::2]) * 2.0**-53


def doubles(eng: MT19937, n: int) -> np.ndarray:
    """``n`` draws of ``uniform_real_distribution<double>(0, 1)`` (two words each)."""
    return uniform53(eng.words(2 * n))


def uniform(eng: MT19937, n: int, low: float, high: float, name: str, fused: bool) -> np.ndarray:
    """``uniform_kernel``: ``v = x * (to - from) + from`` in opmath, cast, ``to`` becomes ``from``.

    ``fused`` is the AVX2/AVX-512 build, where GCC contracts the multiply-add.
    """
    if name == "float64":
        x = doubles(eng, n)
        v = x if (low, high) == (0.0, 1.0) else madd64(x, high - low, low, fused)
        return np.where(v == high, low, v)
    x = uniform24(eng.words(n))
    lo32, hi32 = np.float32(low), np.float32(high)
    if lo32 == 0 and hi32 == 1:
        v = x
    else:
        v = madd32(x, np.float32(hi32 - lo32), lo32, fused)
    v = v if name == "float32" else v.astype(np_dtype(name))
    to, frm = to_dtype(np.array(high), name), to_dtype(np.array(low), name)
    return np.where(v == to, frm, v).astype(v.dtype)


def bernoulli(eng: MT19937, probs: np.ndarray, name: str) -> np.ndarray:
    """``bernoulli_kernel(self, p_tensor)``: 1 where a uniform is below ``p`` (cast to ``name``).

    A double ``p`` compares a double uniform (two words); every other dtype a float uniform
    (one word) with ``(float)p``.
    """
    pd = to_dtype(probs.reshape(-1), name)
    if name == "float64":
        hit = doubles(eng, pd.size) < pd
    else:
        hit = uniform24(eng.words(pd.size)) < pd.astype(np.float32)
    return hit.astype(np_dtype(name)).reshape(probs.shape)
