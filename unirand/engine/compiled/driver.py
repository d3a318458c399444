"""The compiled engine's entry points: a draw cut into parts, each part one kernel call.

Every entry but ``fold_in`` is ``stream(k0, k1, out, dtype, *params, idx=None)``: ``idx``, when
given, holds the flat indices of ``out``'s elements in a larger draw (a block of it; one int64
per element), so each value is that element's; without it the kernels hash ``0..n-1``.
Backends call these with the output array already allocated (NumPy's own, or a zero-copy NumPy
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
from . import discrete_streams, log_streams, streams, threefry

__all__ = [
    "bits",
    "split",
    "split_key",
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


def _f32(x: Any) -> Any:
    """A parameter as float32: one value, or an array of one value per element."""
    return x.astype(np.float32, copy=False) if isinstance(x, np.ndarray) else _F32(x)


def _f64(x: Any) -> Any:
    return x.astype(np.float64, copy=False) if isinstance(x, np.ndarray) else float(x)


def _idx(idx: Any) -> Any:
    """A block's flat indices as the kernels read them (int64, contiguous), or ``None``: for
    a whole draw and for a contiguous block (a ``range``), which the kernels count."""
    if idx is None or isinstance(idx, range):
        return None
    return np.ascontiguousarray(idx, dtype=np.int64)


def _origin(idx: Any) -> int:
    """The first counter: that of a contiguous block, else 0."""
    return idx.start if isinstance(idx, range) else 0


def _run(kernel: Any, k0: int, k1: int, out: np.ndarray, *params: Any, origin: int = 0) -> None:
    """``kernel`` over ``out`` in parts; a parameter that is an array (one value per element
    of ``out``, a block's indices last) is cut into the same parts."""
    a, b = U32(k0), U32(k1)
    n = out.shape[0]
    if n <= SERIAL:
        kernel(a, b, np.int64(origin), out, *params)
        return
    size = max(MIN_PART, -(-n // (4 * workers())))

    def part(s: int) -> None:
        cut = [q[s : s + size] if isinstance(q, np.ndarray) else q for q in params]
        kernel(a, b, np.int64(origin + s), out[s : s + size], *cut)

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


def bits(k0: int, k1: int, out: np.ndarray, dtype: str, idx: Any = None) -> None:
    """Unsigned random bits of ``out``'s width (uint8/16/32/64)."""
    _run(_BITS[out.dtype.itemsize], k0, k1, _unsigned(out), _idx(idx), origin=_origin(idx))


def split(k0: int, k1: int, out: np.ndarray, dtype: str = "uint32") -> None:
    """``out`` of shape (n, 2), uint32: the n keys of ``split``."""
    _run(threefry.split, k0, k1, _unsigned(out))


def split_key(data: np.ndarray, n: int) -> np.ndarray:
    """``(n, 2)`` uint32 keys of ``split`` of the key data ``data`` (uint32, contiguous), for
    ``n <= SERIAL``: one kernel call."""
    return threefry.split_key(data, n)


def fold_in(k0: int, k1: int, value: int) -> tuple[int, int]:
    y0, y1 = threefry.fold_in(U32(k0), U32(k1), U32(value))
    return int(y0), int(y1)


def uniform(k0: int, k1: int, out: np.ndarray, dtype: str, m: Any, r: Any, idx: Any = None) -> None:
    """``max(m, f*r + m)`` as the specification rounds it; ``m``/``r`` already rounded to
    ``dtype`` (finite): one value each, or arrays of one value per element."""
    if dtype == "float32":
        _run(streams.uniform_f32, k0, k1, out, _f32(m), _f32(r), _idx(idx), origin=_origin(idx))
    elif dtype == "float64":
        _run(streams.uniform_f64, k0, k1, out, _f64(m), _f64(r), _idx(idx), origin=_origin(idx))
    else:
        _run(
            streams.uniform_16,
            k0,
            k1,
            out.view(np.uint16),
            _f32(m),
            _f32(r),
            *_short(dtype),
            _idx(idx),
            origin=_origin(idx),
        )


def normal(
    k0: int, k1: int, out: np.ndarray, dtype: str, low: float, root2: float, idx: Any = None
) -> None:
    """Standard normals; ``low``/``root2``: ``nextafter(-1, 0)`` and ``sqrt(2)`` in a 16-bit
    ``dtype`` (unused for float32/float64)."""
    if dtype == "float32":
        _run(streams.normal_f32, k0, k1, out, _idx(idx), origin=_origin(idx))
    elif dtype == "float64":
        _run(streams.normal_f64, k0, k1, out, _idx(idx), origin=_origin(idx))
    else:
        view = out.view(np.uint16)
        _run(
            streams.normal_16,
            k0,
            k1,
            view,
            _F32(low),
            _F32(root2),
            *_short(dtype),
            _idx(idx),
            origin=_origin(idx),
        )


def exponential(k0: int, k1: int, out: np.ndarray, dtype: str, idx: Any = None) -> None:
    if dtype == "float32":
        _run(log_streams.exponential_f32, k0, k1, out, _idx(idx), origin=_origin(idx))
    elif dtype == "float64":
        _run(log_streams.exponential_f64, k0, k1, out, _idx(idx), origin=_origin(idx))
    else:
        _run(
            log_streams.exponential_16,
            k0,
            k1,
            out.view(np.uint16),
            *_short(dtype),
            _idx(idx),
            origin=_origin(idx),
        )


def gumbel(
    k0: int,
    k1: int,
    out: np.ndarray,
    dtype: str,
    tiny: float,
    mode: str = "low",
    idx: Any = None,
    total: int | None = None,
) -> None:
    """``tiny``: the dtype's smallest normal number; ``mode``: "low", "high" or "highest"
    ("highest" is "high" but for float32); ``total``: the whole draw's size where ``out`` is
    a block (the second uniforms of "high" follow it)."""
    n = np.int64(out.shape[0] if total is None else total)
    if mode == "highest" and dtype == "float32":
        _run(log_streams.gumbel_highest_f32, k0, k1, out, n, _idx(idx), origin=_origin(idx))
    elif mode in ("high", "highest"):
        if dtype == "float32":
            _run(log_streams.gumbel_high_f32, k0, k1, out, n, _idx(idx), origin=_origin(idx))
        elif dtype == "float64":
            _run(log_streams.gumbel_high_f64, k0, k1, out, n, _idx(idx), origin=_origin(idx))
        else:
            view = out.view(np.uint16)
            _run(
                log_streams.gumbel_high_16,
                k0,
                k1,
                view,
                n,
                _F32(tiny),
                *_short(dtype),
                _idx(idx),
                origin=_origin(idx),
            )
    elif dtype == "float32":
        _run(log_streams.gumbel_f32, k0, k1, out, _idx(idx), origin=_origin(idx))
    elif dtype == "float64":
        _run(log_streams.gumbel_f64, k0, k1, out, _idx(idx), origin=_origin(idx))
    else:
        _run(
            log_streams.gumbel_16,
            k0,
            k1,
            out.view(np.uint16),
            _F32(tiny),
            *_short(dtype),
            _idx(idx),
            origin=_origin(idx),
        )


def bernoulli(
    k0: int,
    k1: int,
    out: np.ndarray,
    dtype: str,
    p: Any,
    mode: str = "low",
    idx: Any = None,
    total: int | None = None,
) -> None:
    """``out`` is bool; ``p`` (rounded to ``dtype``) one value or one per element; ``mode``
    "low" or "high"; ``total`` as for :func:`gumbel`."""
    n = np.int64(out.shape[0] if total is None else total)
    if dtype == "float64":
        if mode == "high":
            _run(
                discrete_streams.bernoulli_high_f64,
                k0,
                k1,
                out,
                _f64(p),
                n,
                _idx(idx),
                origin=_origin(idx),
            )
        else:
            _run(
                discrete_streams.bernoulli_f64, k0, k1, out, _f64(p), _idx(idx), origin=_origin(idx)
            )
    elif dtype == "float32":
        if mode == "high":
            _run(
                discrete_streams.bernoulli_high_f32,
                k0,
                k1,
                out,
                _f32(p),
                n,
                _idx(idx),
                origin=_origin(idx),
            )
        else:
            _run(
                discrete_streams.bernoulli_f32, k0, k1, out, _f32(p), _idx(idx), origin=_origin(idx)
            )
    else:  # 16-bit uniforms and probabilities are exact in float32
        nmant, rng_bits, bf16 = _short(dtype)
        if mode == "high":
            kernel = discrete_streams.bernoulli_high_16
            _run(
                kernel,
                k0,
                k1,
                out,
                _f32(p),
                n,
                nmant,
                rng_bits,
                bf16,
                _idx(idx),
                origin=_origin(idx),
            )
        else:
            _run(
                discrete_streams.bernoulli_16,
                k0,
                k1,
                out,
                _f32(p),
                nmant,
                rng_bits,
                _idx(idx),
                origin=_origin(idx),
            )


def randint(
    k0: int,
    k1: int,
    out: np.ndarray,
    dtype: str,
    l0: int,
    l1: int,
    span: Any,
    mult: Any,
    base: Any,
    idx: Any = None,
) -> None:
    """A bound plan (:mod:`unirand.samplers.randint`); ``(k0, k1)``, ``(l0, l1)``: the keys of
    ``split(key)``; ``span``/``mult``/``base``: ints, or uint32/uint64 arrays of one value per
    element.  The plan is 64-bit when ``out`` is (int64/uint64), else 32-bit, and ``out`` of any
    integer dtype up to 32 bits gets its low bits."""
    wide = out.dtype.itemsize == 8
    word = np.uint64 if wide else U32
    plan = tuple(q if isinstance(q, np.ndarray) else word(q) for q in (span, mult, base))
    kernel = discrete_streams.randint64 if wide else discrete_streams.randint32
    _run(kernel, k0, k1, _unsigned(out), U32(l0), U32(l1), *plan, _idx(idx), origin=_origin(idx))


def truncated_normal(
    k0: int,
    k1: int,
    out: np.ndarray,
    dtype: str,
    a: Any,
    r: Any,
    lo: Any,
    hi: Any,
    root2: float,
    idx: Any = None,
) -> None:
    """The uniform's ``a`` and range ``r`` (rounded to ``dtype``), the clip bounds ``lo``/``hi``
    (nonzero): one value each or arrays of one per element; ``sqrt(2)`` in a 16-bit ``dtype``."""
    if dtype == "float32":
        bounds: tuple[Any, ...] = (_f32(a), _f32(r), _f32(lo), _f32(hi))
        _run(streams.truncated_normal_f32, k0, k1, out, *bounds, _idx(idx), origin=_origin(idx))
    elif dtype == "float64":
        _run(
            streams.truncated_normal_f64,
            k0,
            k1,
            out,
            _f64(a),
            _f64(r),
            _f64(lo),
            _f64(hi),
            _idx(idx),
            origin=_origin(idx),
        )
    else:
        bounds = (_f32(a), _f32(r), _f32(lo), _f32(hi), _F32(root2))
        _run(
            streams.truncated_normal_16,
            k0,
            k1,
            out.view(np.uint16),
            *bounds,
            *_short(dtype),
            _idx(idx),
            origin=_origin(idx),
        )


def _warm_up_calls() -> list[tuple[Any, tuple[Any, ...]]]:
    """One call per kernel signature the backends use: (entry, arguments)."""
    floats = ("float16", "bfloat16", "float32", "float64")
    calls: list[tuple[Any, tuple[Any, ...]]] = []
    for width in (np.uint8, np.uint16, np.uint32, np.uint64):
        calls.append((bits, (1, 2, np.empty(3, width), "")))
    calls.append((split, (1, 2, np.empty((3, 2), np.uint32))))
    calls.append((split_key, (np.zeros(2, np.uint32), 2)))
    calls.append((fold_in, (1, 2, 3)))
    for dtype in floats:
        store = np.uint16 if dtype in ("float16", "bfloat16") else np.dtype(dtype)
        calls.append((uniform, (1, 2, np.empty(3, store), dtype, 0.0, 1.0)))
        calls.append((normal, (1, 2, np.empty(3, store), dtype, -0.5, 1.5)))
        calls.append((exponential, (1, 2, np.empty(3, store), dtype)))
        for mode in ("low", "high") + (("highest",) if dtype == "float32" else ()):
            calls.append((gumbel, (1, 2, np.empty(3, store), dtype, 2.0**-14, mode)))
        for mode in ("low", "high"):
            calls.append((bernoulli, (1, 2, np.empty(3, np.bool_), dtype, 0.5, mode)))
        bounds = (-0.5, 1.0, -1.0, 1.0, 1.5)
        calls.append((truncated_normal, (1, 2, np.empty(3, store), dtype, *bounds)))
    for width in (np.uint8, np.uint16, np.uint32, np.uint64):
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
