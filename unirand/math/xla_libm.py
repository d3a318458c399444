"""XLA:CPU's ``tan``, ``pow`` and ``sin``: calls to the host C library, under XLA's MXCSR.

Read off jaxlib 0.10.2's optimized LLVM IR (docs/streams.md): ``lax.tan`` and ``lax.pow`` lower
to ``llvm.tan``/``llvm.pow`` on vectors, which the x86-64 backend scalarizes into calls to
``tanf``/``tan``/``powf``/``pow`` of the process's C library (``sinf``/``sin`` likewise, in
``lgamma``'s reflection); 16-bit types are computed in float32 and rounded.  XLA:CPU runs its
kernels with MXCSR's flush-to-zero and denormals-are-zero bits set, which changes what these
functions return for subnormal inputs and results (``powf`` of a subnormal is not ``powf`` of
0, and its intermediate products are flushed too), so they are called here with the same
bits set, then restored (MXCSR is per thread).

So the specification's values are the *host C library's*: glibc on the reference platform
(glibc 2.36, x86-64).  Another C library gives other bytes, as XLA:CPU there would.  NumPy's
own ufunc is used where a probe proves it calls the same function (NumPy calls the C library
for ``tan``/``power`` unless it has a SIMD loop, as for float32 ``sin``, or SVML on AVX-512
hosts); otherwise, with Numba installed, a compiled loop calls the C function through its
pointer (about 20 ns an element: an indirect call, so LLVM can neither fold nor vectorize it
into another implementation; compiled once per process, not cached: the pointer is this
process's), and without Numba each element is one ``ctypes`` call (about 2 us).  Away from
x86-64 glibc the MXCSR bits cannot be set: subnormal inputs and results then follow the host's
default.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import platform
import threading
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np

__all__ = ["c_pow", "c_sin", "c_tan", "mxcsr_settable", "xla_mxcsr"]

#: MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6)
FTZ_DAZ = 0x8040
#: glibc x86-64 ``fenv_t``: 32 bytes, ``__mxcsr`` the last 4
_FENV_SIZE, _MXCSR_OFFSET = 32, 28
_LOCAL = threading.local()

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_NAMES = {
    ("tan", 4): "tanf",
    ("tan", 8): "tan",
    ("sin", 4): "sinf",
    ("sin", 8): "sin",
    ("pow", 4): "powf",
    ("pow", 8): "pow",
}
_UFUNCS: dict[str, Callable[..., Any]] = {"tan": np.tan, "sin": np.sin, "pow": np.power}


@cache
def _libm() -> Any:
    name = ctypes.util.find_library("m")
    try:
        return ctypes.CDLL(name) if name else ctypes.CDLL(None)
    except OSError:  # pragma: no cover - hosts without a loadable libm
        return ctypes.CDLL(None)


class _Float(ctypes.c_float):
    """A subclass: ctypes hands it back as is, not converted to a Python float (that
    conversion, made under denormals-are-zero, would flush a subnormal result)."""


class _Double(ctypes.c_double):
    """As :class:`_Float`, for float64."""


@cache
def _c_function(fn: str, width: int) -> Any:
    f = getattr(_libm(), _NAMES[(fn, width)])
    t = _Float if width == 4 else _Double
    f.restype = t
    f.argtypes = [t, t] if fn == "pow" else [t]
    return f


@cache
def mxcsr_settable() -> bool:
    """Whether this host is x86-64 with glibc's ``fegetenv``/``fesetenv`` (MXCSR reachable)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    lib = _libm()
    if not (hasattr(lib, "fegetenv") and hasattr(lib, "fesetenv")):
        return False
    env = (ctypes.c_ubyte * _FENV_SIZE)()
    if lib.fegetenv(env) != 0:
        return False
    mxcsr = int.from_bytes(bytes(env[_MXCSR_OFFSET:]), "little")
    return (mxcsr & 0xFFFF0000) == 0 and (mxcsr & 0x1F80) == 0x1F80  # exceptions masked


@contextlib.contextmanager
def xla_mxcsr() -> Iterator[None]:
    """Within the block, this thread's MXCSR has XLA:CPU's flush-to-zero and
    denormals-are-zero bits set (no-op where :func:`mxcsr_settable` is False)."""
    if not mxcsr_settable() or getattr(_LOCAL, "active", False):
        yield
        return
    lib = _libm()
    saved = (ctypes.c_ubyte * _FENV_SIZE)()
    lib.fegetenv(saved)
    env = (ctypes.c_ubyte * _FENV_SIZE).from_buffer_copy(saved)
    mxcsr = int.from_bytes(bytes(env[_MXCSR_OFFSET:]), "little") | FTZ_DAZ
    env[_MXCSR_OFFSET:] = list(mxcsr.to_bytes(4, "little"))
    lib.fesetenv(env)
    _LOCAL.active = True
    try:
        yield
    finally:
        _LOCAL.active = False
        lib.fesetenv(saved)


def _by_ctypes(fn: str, args: tuple[np.ndarray, ...]) -> np.ndarray:
    dt = args[0].dtype
    f = _c_function(fn, dt.itemsize)
    t = _Float if dt.itemsize == 4 else _Double
    # arguments made (and results read) outside the MXCSR block, from the raw bytes: converting
    # a subnormal between float and double under it would flush it, and converting a float32
    # signalling NaN to a Python float quiets it (``powf(sNaN, 0)`` is NaN, ``powf(qNaN, 0)`` 1)
    size = dt.itemsize
    raws = [np.ascontiguousarray(a).reshape(-1).tobytes() for a in args]
    flat = [[t.from_buffer_copy(r, i * size) for i in range(len(r) // size)] for r in raws]
    with xla_mxcsr():
        out = [f(*v) for v in zip(*flat, strict=True)]
    raw = b"".join(bytes(r) for r in out)
    return np.frombuffer(raw, dtype=dt).reshape(args[0].shape).copy()


@cache
def _compiled_loop(fn: str, width: int) -> Callable[..., None] | None:
    """A Numba loop ``loop(*args, out)`` calling the C library's ``fn`` on every element (flat
    contiguous arrays), or None without Numba (or with ``UNIRAND_NUMBA=0``)."""
    import os

    if os.environ.get("UNIRAND_NUMBA", "1").strip() == "0":
        return None
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - Numba is an optional extra
        return None
    t = ctypes.c_float if width == 4 else ctypes.c_double
    address = ctypes.cast(_c_function(fn, width), ctypes.c_void_p).value
    if address is None:  # pragma: no cover - a resolved symbol always has an address
        return None
    f = ctypes.CFUNCTYPE(t, *([t, t] if fn == "pow" else [t]))(address)
    if fn == "pow":

        def two(x: Any, y: Any, out: Any) -> None:  # pragma: no cover - compiled
            for i in range(out.shape[0]):
                out[i] = f(x[i], y[i])

        return njit(nogil=True, error_model="numpy")(two)

    def one(x: Any, out: Any) -> None:  # pragma: no cover - compiled
        for i in range(out.shape[0]):
            out[i] = f(x[i])

    return njit(nogil=True, error_model="numpy")(one)


def _by_loop(fn: str, args: tuple[np.ndarray, ...]) -> np.ndarray | None:
    """``fn`` of ``args`` by :func:`_compiled_loop` under XLA's MXCSR, or None without it."""
    dt = args[0].dtype
    loop = _compiled_loop(fn, dt.itemsize)
    if loop is None:
        return None
    flat = [a.reshape(-1) for a in args]
    out = np.empty(flat[0].shape[0], dt)
    with xla_mxcsr():
        loop(*flat, out)
    return out.reshape(args[0].shape)


def _probe_inputs(dt: np.dtype, two: bool) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(0x11B)
    n = 3000
    ints = np.uint32 if dt.itemsize == 4 else np.uint64
    raw = rng.integers(0, np.iinfo(ints).max, n, dtype=np.uint64, endpoint=True).astype(ints)
    wide = raw.view(dt)
    near = rng.uniform(-10.0, 10.0, n).astype(dt)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, 2.0], dt)
    x = np.concatenate([special, wide, near])
    if not two:
        return (x,)
    y = np.concatenate([special[::-1], rng.uniform(-4.0, 4.0, 2 * n).astype(dt)])
    return np.abs(x), y


@cache
def numpy_is_c_library(fn: str, dtype: str) -> bool:
    """Whether NumPy's ufunc for ``fn`` in ``dtype`` returns the C library's bytes on 6,000
    fixed inputs (random bit patterns, specials, [-10, 10]) under XLA's MXCSR; once per
    process."""
    dt = np.dtype(dtype)
    args = _probe_inputs(dt, fn == "pow")
    want = _by_ctypes(fn, args)
    with np.errstate(all="ignore"), xla_mxcsr():
        got = np.asarray(_UFUNCS[fn](*args), dtype=dt)
    return bool(got.tobytes() == want.tobytes())


def _call(fn: str, *args: Any) -> np.ndarray:
    arrs = tuple(np.ascontiguousarray(a) for a in np.broadcast_arrays(*args))
    dt = arrs[0].dtype
    if dt not in _FLOATS or any(a.dtype != dt for a in arrs):
        raise TypeError(f"{fn}: expected float32 or float64 arrays of one dtype, got {dt}")
    if arrs[0].size == 0:
        return np.empty(arrs[0].shape, dt)
    if numpy_is_c_library(fn, dt.name):
        with np.errstate(all="ignore"), xla_mxcsr():
            return np.asarray(_UFUNCS[fn](*arrs), dtype=dt)
    fast = _by_loop(fn, arrs)
    return _by_ctypes(fn, arrs) if fast is None else fast


def c_tan(x: np.ndarray) -> np.ndarray:
    """``tanf``/``tan`` of the C library on a host array, as XLA:CPU calls it."""
    return _call("tan", x)


def c_sin(x: np.ndarray) -> np.ndarray:
    """``sinf``/``sin`` of the C library on a host array, as XLA:CPU calls it."""
    return _call("sin", x)


def c_pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``powf``/``pow`` of the C library on host arrays (broadcast), as XLA:CPU calls it."""
    return _call("pow", x, y)
