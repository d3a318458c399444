"""The host C library's elementary functions, elementwise, as PyTorch's scalar kernels call them.

PyTorch's CPU distribution kernels compute in double and call libm (glibc on Linux) directly:
``::log``, ``::log1p``, ``::exp``, ``::tan``, ``::sin``, ``::cos`` (through ``at::log`` etc. in
``ATen/NumericUtils.h``).  NumPy's own ``np.log``/``np.exp``/``np.tan`` are SIMD
implementations that differ from glibc in the last bit on some hosts (AVX-512 hosts, for
example), so they cannot be used.  Python's ``math`` module calls the same libm for float64
(the same ifunc variant, since it runs in the same process on the same CPU), and float32
``logf``/``sinf``/``cosf`` are called through ctypes.  Both cost one Python call per element:
this is the slow, exact path.  The results are therefore exactly as portable as the host's
libm: the goldens come from glibc 2.36 on x86-64.

``math`` raises where C returns an infinity (``log(0)``, ``exp(1000)``); :func:`apply64` maps
those elements to C's results, so callers see libm's values for every input.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable
from functools import cache

import numpy as np

_INF = math.inf


def _log(x: float) -> float:
    if x == 0.0:
        return -_INF
    return math.log(x) if x > 0.0 else math.nan


def _log1p(x: float) -> float:
    if x == -1.0:
        return -_INF
    return math.log1p(x) if x > -1.0 else math.nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _trig(fn: Callable[[float], float]) -> Callable[[float], float]:
    def safe(x: float) -> float:
        return fn(x) if math.isfinite(x) else math.nan

    return safe


#: per function: (the fast ``math`` call, the same with C's results where ``math`` raises)
_FUNCTIONS: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "log": (math.log, _log),
    "log1p": (math.log1p, _log1p),
    "exp": (math.exp, _exp),
    "tan": (math.tan, _trig(math.tan)),
    "sin": (math.sin, _trig(math.sin)),
    "cos": (math.cos, _trig(math.cos)),
}


def apply64(name: str, x: np.ndarray) -> np.ndarray:
    """libm's double function ``name`` (log, log1p, exp, tan, sin, cos) on each element."""
    fast, safe = _FUNCTIONS[name]
    flat = np.asarray(x, dtype=np.float64).ravel().tolist()
    try:
        out = np.fromiter(map(fast, flat), np.float64, count=len(flat))
    except (ValueError, OverflowError):
        out = np.fromiter(map(safe, flat), np.float64, count=len(flat))
    return out.reshape(np.shape(x))


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
