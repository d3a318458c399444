"""The compiled engine's entry points: a draw cut into parts, each part one kernel call.

Every entry but ``fold_in`` is ``stream(k0, k1, out, dtype, *params)``.  Backends call these with
the output array already allocated (NumPy's own, or a zero-copy NumPy
view of a torch CPU tensor), flat and C-contiguous, of the sampler's dtype.  A draw of more than
``SERIAL`` values is cut into parts of at least ``MIN_PART`` values, run on the worker threads
of :mod:`unirand.engine.parallel` (the kernels release the GIL); element ``i`` of the output is
always element ``i`` of the stream, whatever the parts.  Imported only when Numba is installed.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numba.core.compiler_lock import global_compiler_lock

from ..dtypes import MANTISSA
from ..parallel import parallel_map, workers
from . import streams, threefry

__all__ = [
    "bits",
    "split",
    "fold_in",
    "uniform",
    "normal",
    "exponential",
    "gumbel",
    "bernoulli",
    "randint",
    "truncated_normal",
    "warm_up",
]

#: below this many values a draw runs on the calling thread (a part costs ~20 us of overhead)
SERIAL = 1 << 17
#: the smallest part handed to a worker thread
MIN_PART = 1 << 16

U32 = np.uint32
_BITS = {1: threefry.bits8, 2: threefry.bits16, 4: threefry.bits32, 8: threefry.bits64}
_F32 = np.float32


def _run(kernel: Any, k0: int, k1: int, out: np.ndarray, *params: Any) -> None:
    a, b = U32(k0), U32(k1)
    n = out.shape[0]
    if n <= SERIAL:
        kernel(a, b, np.int64(0), out, *params)
        return
    size = max(MIN_PART, -(-n // (4 * workers())))

    def part(s: int) -> None:
        kernel(a, b, np.int64(s), out[s : s + size], *params)

    parallel_map(part, range(0, n, size), min_tasks=2)


# A fork while another thread compiles a kernel would copy Numba's compiler lock held by a thread
# the child does not have, and the child's first compilation would wait forever.  Holding the
# lock across the fork (released on both sides) makes the fork wait for the compilation instead.
def _before_fork() -> None:
    global_compiler_lock.acquire()


def _after_fork() -> None:
    global_compiler_lock.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork
    )


def _short(dtype: str) -> tuple[int, int, bool]:
    """(mantissa bits, random bits used, is bfloat16) of a 16-bit float dtype."""
    nmant = MANTISSA[dtype]
    return nmant, 8 if nmant < 8 else 16, dtype == "bfloat16"


def _unsigned(out: np.ndarray) -> np.ndarray:
    """``out`` as unsigned integers of its width (torch hands uint32 memory as int32)."""
    return out.view(np.dtype(f"u{out.dtype.itemsize}")) if out.dtype.kind == "i" else out


def bits(k0: int, k1: int, out: np.ndarray, dtype: str) -> None:
    """Unsigned random bits of ``out``'s width (uint8/16/32/64)."""
    _run(_BITS[out.dtype.itemsize], k0, k1, _unsigned(out))


def split(k0: int, k1: int, out: np.ndarray, dtype: str = "uint32") -> None:
    """``out`` of shape (n, 2), uint32: the n keys of ``split``."""
    _run(threefry.split, k0, k1, _unsigned(out))


def fold_in(k0: int, k1: int, value: int) -> tuple[int, int]:
    y0, y1 = threefry.fold_in(U32(k0), U32(k1), U32(value))
    return int(y0), int(y1)


def uniform(k0: int, k1: int, out: np.ndarray, dtype: str, m: float, r: float) -> None:
    """``max(m, f*r + m)`` as the specification rounds it; ``m``/``r`` already rounded to
    ``dtype`` (finite)."""
    if dtype == "float32":
        _run(streams.uniform_f32, k0, k1, out, _F32(m), _F32(r))
    elif dtype == "float64":
        _run(streams.uniform_f64, k0, k1, out, float(m), float(r))
    else:
        _run(streams.uniform_16, k0, k1, out.view(np.uint16), _F32(m), _F32(r), *_short(dtype))


def normal(k0: int, k1: int, out: np.ndarray, dtype: str, low: float, root2: float) -> None:
    """Standard normals; ``low``/``root2``: ``nextafter(-1, 0)`` and ``sqrt(2)`` in a 16-bit
    ``dtype`` (unused for float32/float64)."""
    if dtype == "float32":
        _run(streams.normal_f32, k0, k1, out)
    elif dtype == "float64":
        _run(streams.normal_f64, k0, k1, out)
    else:
        view = out.view(np.uint16)
        _run(streams.normal_16, k0, k1, view, _F32(low), _F32(root2), *_short(dtype))


def exponential(k0: int, k1: int, out: np.ndarray, dtype: str) -> None:
    if dtype == "float32":
        _run(streams.exponential_f32, k0, k1, out)
    elif dtype == "float64":
        _run(streams.exponential_f64, k0, k1, out)
    else:
        _run(streams.exponential_16, k0, k1, out.view(np.uint16), *_short(dtype))


def gumbel(k0: int, k1: int, out: np.ndarray, dtype: str, tiny: float) -> None:
    """Mode "low"; ``tiny``: the dtype's smallest normal number."""
    if dtype == "float32":
        _run(streams.gumbel_f32, k0, k1, out)
    elif dtype == "float64":
        _run(streams.gumbel_f64, k0, k1, out)
    else:
        _run(streams.gumbel_16, k0, k1, out.view(np.uint16), _F32(tiny), *_short(dtype))


def bernoulli(k0: int, k1: int, out: np.ndarray, dtype: str, p: float) -> None:
    """Mode "low", one probability ``p`` (rounded to ``dtype``): ``out`` is bool."""
    if dtype == "float64":
        _run(streams.bernoulli_f64, k0, k1, out, float(p))
    else:  # float32, and 16-bit uniforms (exact in float32) against p (a 16-bit value)
        if dtype != "float32":
            raise ValueError(f"bernoulli's compiled kernel covers float32/float64; got {dtype}")
        _run(streams.bernoulli_f32, k0, k1, out, _F32(p))


def randint(
    k0: int, k1: int, out: np.ndarray, dtype: str, l0: int, l1: int, span: int, mult: int, base: int
) -> None:
    """One 32-bit bound plan (:mod:`unirand.samplers.randint`); ``(k0, k1)``, ``(l0, l1)``:
    the keys of ``split(key)``; ``out`` of any integer dtype up to 32 bits (its low bits)."""
    plan = (U32(l0), U32(l1), U32(span), U32(mult), U32(base))
    _run(streams.randint32, k0, k1, _unsigned(out), *plan)


def truncated_normal(
    k0: int,
    k1: int,
    out: np.ndarray,
    dtype: str,
    a: float,
    r: float,
    lo: float,
    hi: float,
    root2: float,
) -> None:
    """One pair of bounds: the uniform's ``a`` and range ``r`` (rounded to ``dtype``), the clip
    bounds ``lo``/``hi`` (nonzero), ``sqrt(2)`` in a 16-bit ``dtype``."""
    if dtype == "float32":
        _run(streams.truncated_normal_f32, k0, k1, out, _F32(a), _F32(r), _F32(lo), _F32(hi))
    elif dtype == "float64":
        _run(streams.truncated_normal_f64, k0, k1, out, float(a), float(r), float(lo), float(hi))
    else:
        bounds = (_F32(a), _F32(r), _F32(lo), _F32(hi), _F32(root2))
        _run(streams.truncated_normal_16, k0, k1, out.view(np.uint16), *bounds, *_short(dtype))


def _warm_up_calls() -> list[tuple[Any, tuple[Any, ...]]]:
    """One call per kernel signature the backends use: (entry, arguments)."""
    floats = ("float16", "bfloat16", "float32", "float64")
    calls: list[tuple[Any, tuple[Any, ...]]] = []
    for width in (np.uint8, np.uint16, np.uint32, np.uint64):
        calls.append((bits, (1, 2, np.empty(3, width), "")))
    calls.append((split, (1, 2, np.empty((3, 2), np.uint32))))
    calls.append((fold_in, (1, 2, 3)))
    for dtype in floats:
        store = np.uint16 if dtype in ("float16", "bfloat16") else np.dtype(dtype)
        calls.append((uniform, (1, 2, np.empty(3, store), dtype, 0.0, 1.0)))
        calls.append((normal, (1, 2, np.empty(3, store), dtype, -0.5, 1.5)))
        calls.append((exponential, (1, 2, np.empty(3, store), dtype)))
        calls.append((gumbel, (1, 2, np.empty(3, store), dtype, 2.0**-14)))
        bounds = (-0.5, 1.0, -1.0, 1.0, 1.5)
        calls.append((truncated_normal, (1, 2, np.empty(3, store), dtype, *bounds)))
    for dtype in ("float32", "float64"):
        calls.append((bernoulli, (1, 2, np.empty(3, np.bool_), dtype, 0.5)))
    for width in (np.uint8, np.uint16, np.uint32):
        calls.append((randint, (1, 2, np.empty(3, width), "", 3, 4, 10, 6, 0)))
    return calls


def warm_up(part: int = 0, parts: int = 1) -> None:
    """Compile (or load from the disk cache) the kernel signatures the backends use, by drawing
    a few values of each: every ``parts``-th from ``part`` on, so that worker processes can
    share the work (cold: about 25 s for all on one core; warm: 0.3 s).  A process about to
    spawn workers runs it there first, so that they load the machine code from the cache
    instead of each compiling it."""
    for entry, args in _warm_up_calls()[part::parts]:
        entry(*args)
