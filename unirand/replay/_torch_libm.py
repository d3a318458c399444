"""The host C library's ``log``/``sin``/``cos``, elementwise, as PyTorch's scalar kernels call them.

PyTorch's scalar paths call libm (glibc on Linux) directly.  NumPy's own ``np.log``/``np.sin``
are SIMD implementations that differ from glibc in the last bit on some hosts (AVX-512 hosts,
for example), so they cannot be used.  Python's ``math`` module calls the same libm for
float64; float32 ``logf``/``sinf``/``cosf`` are called through ctypes.  Both cost one Python
call per element: this is the slow, exact path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable
from functools import cache

import numpy as np


def apply64(fn: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    """``fn`` (a ``math`` function) on each float64 of ``x``."""
    flat = np.asarray(x, dtype=np.float64).ravel().tolist()
    return np.fromiter(map(fn, flat), np.float64, count=len(flat)).reshape(np.shape(x))


@cache
def _libm() -> ctypes.CDLL:
    name = ctypes.util.find_library("m")
    lib = ctypes.CDLL(name) if name else ctypes.CDLL(None)
    for fn in ("logf", "sinf", "cosf"):
        f = getattr(lib, fn)
        f.restype = ctypes.c_float
        f.argtypes = [ctypes.c_float]
    return lib


def apply32(name: str, x: np.ndarray) -> np.ndarray:
    """libm's float32 function ``name`` (``logf``, ``sinf``, ``cosf``) on each element."""
    fn = getattr(_libm(), name)
    flat = np.asarray(x, dtype=np.float32).ravel().tolist()
    return np.fromiter(map(fn, flat), np.float32, count=len(flat)).reshape(np.shape(x))


log = math.log
log1p = math.log1p
sin = math.sin
cos = math.cos
sqrt = math.sqrt
