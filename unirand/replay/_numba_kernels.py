"""The sequential swap loops of ``randperm``, compiled with Numba when it is installed.

Fisher-Yates is a chain of dependent swaps: NumPy cannot run it as one array operation, and a
Python loop costs about a second per million elements.  Numba compiles the same loop to
machine code (torch's own speed).  Numba is optional: :func:`kernels` returns ``None`` when it
is missing (or when ``UNIRAND_NUMBA=0``), and ``_cpu_randperm`` then uses its exact NumPy
formulation.  Numba is imported on the first large ``randperm``, never by ``import unirand``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import numpy as np


class Kernels(NamedTuple):
    forward: Callable[[np.ndarray, np.ndarray], None]
    inside_out: Callable[[np.ndarray, np.ndarray, int], None]


def _forward(words: np.ndarray, out: np.ndarray) -> None:
    """``randperm_cpu`` for small ``n``: ``out = 0..n-1``; swap ``out[i]``, ``out[i + z]`` with
    ``z = words[i] % (n - i)`` for ``i < n - 1``."""
    n = out.size
    for i in range(n):
        out[i] = i
    for i in range(n - 1):
        k = i + np.int64(words[i]) % (n - i)
        save = out[i]
        out[i] = out[k]
        out[k] = save


def _inside_out(draws: np.ndarray, out: np.ndarray, start: int) -> None:
    """``randperm_cpu`` for large ``n``, steps ``start .. start + len(draws) - 1``:
    ``z = random64() % (i + 1)``; ``out[i] = out[z]``; ``out[z] = i``."""
    for j in range(draws.size):
        i = start + j
        z = np.int64(draws[j] % np.uint64(i + 1))
        out[i] = out[z]
        out[z] = i


@cache
def kernels() -> Kernels | None:
    """The compiled kernels, or ``None`` without Numba."""
    if os.environ.get("UNIRAND_NUMBA", "1").strip() == "0":
        return None
    try:
        import numba
    except ImportError:
        return None
    jit: Any = numba.njit(cache=True, nogil=True)
    return Kernels(jit(_forward), jit(_inside_out))
