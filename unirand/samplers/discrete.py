"""``poisson``, ``binomial``, ``multinomial``: ``jax.random``'s (jax 0.10.2), bit for bit.

These are not elementwise: JAX draws them by whole-array rejection loops (see
:mod:`.discrete_loops`), so an element's value depends on the other elements of the call (its
shape and parameters), exactly as in ``jax.random``; they take no ``index=``/``offset=``.

Dtype rules are JAX's: ``poisson`` casts ``lam`` to float32 and returns an integer ``dtype``
(saturating conversion: ``lam = inf`` gives the dtype's maximum; NaN and negative ``lam`` give
``-1``, wrapped for unsigned types); ``binomial`` computes in ``p``'s dtype (a Python float or list
is float32, as JAX's weak types with x64 off; ``n`` is converted to it) and returns a float
``dtype``; ``multinomial`` promotes ``n`` and ``p`` together and scans binomials over the
categories with ``split(key, K)``.  On JAX, a traced key or parameter (inside ``jax.jit``) calls
``jax.random`` itself: the loops need concrete values to stop.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import backends
from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical, dtype_name, numpy_dtype
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, check_elements
from .discrete_loops import Arith, binomial_loops, poisson_loops, to_float
from .hosted import host_loops, on_device
from .jax_native import jax_call
from .sampler import sampler

__all__ = [
    "INT_DTYPES",
    "binomial",
    "binomial_values",
    "multinomial",
    "multinomial_values",
    "poisson",
    "poisson_values",
]

INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


# --------------------------------------------------------------------------------------------
# arguments


def _traced(value: Any) -> bool:
    source = backends.backend_of(value)
    return source is not None and source.is_traced(value)


def _host(value: Any, argument: str, *, floats: bool = False) -> np.ndarray:
    """``value`` (a number, a list, or an array of any supported library) as a host array."""
    if isinstance(value, (str, bytes, complex)) or value is None:
        raise TypeError(
            f"{argument} must be a real number or an array of them; got {type(value).__name__}"
        )
    source = backends.backend_of(value)
    if source is not None:
        host = np.asarray(source.to_numpy(value))
    elif hasattr(value, "__array_namespace__"):
        raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
    else:
        try:
            host = np.asarray(value)
        except Exception as e:
            raise TypeError(f"{argument} must be a real number or an array of them") from e
    kinds = "f" if floats else "biuf"
    if host.dtype.kind not in kinds and dtype_name(host.dtype) != "bfloat16":
        what = "floating" if floats else "real (bool, integer or floating)"
        raise TypeError(
            f"{argument} must have a {what} dtype; got {type(value).__name__} of dtype {host.dtype}"
        )
    return host


def _float_param(value: Any, argument: str) -> tuple[np.ndarray, str]:
    """A float parameter (``p``): Python floats and lists are float32 (JAX's weak types with
    x64 off), arrays keep their float dtype."""
    if isinstance(value, bool) or isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{argument} must have a floating dtype (float16, bfloat16, float32, float64); got "
            f"{type(value).__name__} {value!r}"
        )
    python = type(value) is float or isinstance(value, (list, tuple))
    host = _host(value, argument, floats=True)
    if python:
        host = host.astype(np.float32)
    name = dtype_name(host.dtype)
    if name not in FLOAT_DTYPES:
        raise TypeError(f"{argument} must have a floating dtype; got {host.dtype}")
    return host, name


def _convert(host: np.ndarray, name: str) -> np.ndarray:
    """A host array in float ``name`` as XLA:CPU converts it (16-bit types via float32)."""
    if name in ("float16", "bfloat16"):
        host = host.astype(np.float32)
    return host.astype(numpy_dtype(name))


def _carried(target: Backend, host: np.ndarray, name: str, shape: tuple[int, ...], dev: Any) -> Any:
    """A host parameter of float ``name`` broadcast to ``shape``, flat, carried on ``target``."""
    carry = np.float64 if name == "float64" else np.float32
    flat = np.ascontiguousarray(np.broadcast_to(host, shape).astype(carry)).reshape(-1)
    return target.from_numpy(flat, dev)


def _target_float(target: Backend, name: str, argument: str) -> None:
    try:
        target.dtype(name)
    except TypeError as e:
        raise TypeError(f"{argument} has dtype {name}: {e}") from None


def _jax_native(target: Backend, data: Any, *params: Any) -> bool:
    """Whether to call ``jax.random`` itself: JAX with a traced key or parameter."""
    return target.name == "jax" and (target.is_traced(data) or any(map(_traced, params)))


def _native(target: Backend, data: Any, dev: Any, fn: str, *args: Any, **kwargs: Any) -> Any:
    from ..backends import jax as jax_backend

    if kwargs:
        import jax

        key = jax_backend.BACKEND._key(target.to_device(data, dev))
        with jax.threefry_partitionable(True):
            return getattr(jax.random, fn)(key, *args, **kwargs)
    return jax_call(jax_backend, target, data, dev, fn, *args)


# --------------------------------------------------------------------------------------------
# poisson


def poisson_values(
    backend: Backend, data: Any, lam: np.ndarray, shape: tuple[int, ...], dtype: str, device: Any
) -> Any:
    """``jax.random.poisson`` from host float32 ``lam`` broadcast to ``shape`` (JAX with a concrete
    key, torch on the CPU: computed on NumPy, put on ``device``; :mod:`.hosted`)."""
    hosted = host_loops(backend, data, device)
    if hosted is not None:
        out = poisson_values(*hosted, lam, shape, dtype, "cpu")
        return on_device(backend, out, device)
    flat = _carried(backend, lam, "float32", shape, device)
    with np.errstate(all="ignore"):
        out = poisson_loops(backend, data, flat, dtype, device)
    return backend.xp.reshape(out, shape)


@sampler
def poisson(
    key: PortableKey,
    lam: Any,
    shape: Any = None,
    dtype: Any = "int32",
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Poisson counts with rate ``lam``: ``jax.random.poisson`` bit for bit.

    ``lam`` (numbers or arrays, cast to float32 as JAX does) must broadcast to ``shape``
    (default: its shape).  ``dtype``: an integer dtype (int8 ... uint64), JAX's saturating
    conversion (``lam = inf``: the dtype's maximum); ``lam = 0`` gives 0, negative or NaN
    ``lam`` gives -1 (the unsigned maximum for unsigned types), as in JAX.  ``lam < 10`` is
    Knuth's product of uniforms, ``lam >= 10`` Hörmann's transformed rejection, whose
    whole-array loop makes each value depend on the rest of the array (as in JAX).
    """
    single(key, "poisson")
    name = canonical(dtype, INT_DTYPES)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if _jax_native(target, data, lam):
        return _native(target, data, dev, "poisson", lam, shape, target.dtype(name))
    host = _host(lam, "lam").astype(np.float32)
    if shape is None:
        shape = tuple(host.shape)
    else:
        broadcast_to_shape("poisson lam", shape, tuple(host.shape))
    check_elements(target, shape)
    return poisson_values(target, data, host, shape, name, dev)


# --------------------------------------------------------------------------------------------
# binomial


def binomial_values(
    backend: Backend,
    data: Any,
    n: np.ndarray,
    p: np.ndarray,
    pdtype: str,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
) -> Any:
    """``jax.random.binomial`` from host ``n``, ``p`` of float ``pdtype``, broadcast to
    ``shape``: values of float ``dtype`` (hosted where :mod:`.hosted` says: computed on NumPy,
    put on ``device``)."""
    hosted = host_loops(backend, data, device)
    if hosted is not None:
        out = binomial_values(*hosted, n, p, pdtype, shape, dtype, "cpu")
        return on_device(backend, out, device)
    count = _carried(backend, n, pdtype, shape, device)
    prob = _carried(backend, p, pdtype, shape, device)
    with np.errstate(all="ignore"):
        out = binomial_loops(backend, data, count, prob, pdtype, dtype, device)
        out = Arith(backend, dtype).m.out(out)
    return backend.xp.reshape(out, shape)


@sampler
def binomial(
    key: PortableKey,
    n: Any,
    p: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Binomial counts of ``n`` trials with success probability ``p``: ``jax.random.binomial``
    bit for bit, as floats of ``dtype``.

    Computed in ``p``'s dtype (a Python float or list is float32; an array keeps its float
    dtype); ``n`` is converted to it and floored.  ``shape`` defaults to the broadcast shape of
    ``n`` and ``p``, which must broadcast to it.  As in JAX: NaN ``p``, ``p`` outside [0, 1],
    NaN or negative ``n`` give NaN; ``n = inf`` gives inf; ``p > 1/2`` is drawn as ``n - X``
    with ``X`` of ``1 - p``.  ``n * min(p, 1 - p) <= 10`` sums geometric draws, else BTRS, whose
    whole-array loop makes each value depend on the rest of the array (as in JAX).  ``n = inf``
    with ``p`` 0 or 1 raises ``ValueError``: JAX's loop never ends there.
    """
    single(key, "binomial")
    name = canonical(dtype, FLOAT_DTYPES)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if _jax_native(target, data, n, p):
        return _native(target, data, dev, "binomial", n, p, shape, target.dtype(name))
    ph, pname = _float_param(p, "p")
    _target_float(target, pname, "p")
    nh = _convert(_host(n, "n"), pname)
    bshape = tuple(np.broadcast_shapes(nh.shape, ph.shape))
    if shape is None:
        shape = bshape
    else:
        broadcast_to_shape("binomial n", shape, tuple(nh.shape))
        broadcast_to_shape("binomial p", shape, tuple(ph.shape))
    check_elements(target, shape)
    return binomial_values(target, data, nh, ph, pname, shape, name, dev)


# --------------------------------------------------------------------------------------------
# multinomial


def _promote(nh: np.ndarray, n: Any, pname: str) -> str:
    """``promote_dtypes_inexact(n, p)``'s dtype: Python numbers and integer arrays take ``p``'s,
    float arrays promote with it (float16 with bfloat16: float32)."""
    if isinstance(n, (bool, int, float)) or nh.dtype.kind in "biu":
        return pname
    nname = dtype_name(nh.dtype)
    if nname == pname:
        return pname
    if {nname, pname} == {"float16", "bfloat16"}:
        return "float32"
    return max((nname, pname), key=lambda d: (np.dtype(numpy_dtype(d)).itemsize, d))


def multinomial_values(
    backend: Backend,
    data: Any,
    n: np.ndarray,
    p: np.ndarray,
    pdtype: str,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
) -> Any:
    """``jax.random.multinomial`` from host ``n`` (broadcast to ``shape[:-1]``) and ``p``
    (broadcast to ``shape``) of float ``pdtype``: counts of float ``dtype``, shape ``shape``.

    ``remaining = cumsum(p, reverse=True)`` (XLA's reduce-window: :func:`reverse_cumsum`),
    ``ratio = p / remaining`` (1 where it is 0), then for category
    ``j`` with key ``split(key, K)[j]``: ``count = binomial(remainder, clip(ratio, 0, 1))``,
    ``remainder -= count``.  Hosted where :mod:`.hosted` says: computed on NumPy, put on
    ``device``.
    """
    hosted = host_loops(backend, data, device)
    if hosted is not None:
        out = multinomial_values(*hosted, n, p, pdtype, shape, dtype, "cpu")
        return on_device(backend, out, device)
    xp = backend.xp
    f = Arith(backend, pdtype)
    o = Arith(backend, dtype)
    k_cat = shape[-1]
    batch = shape[:-1]
    size = int(np.prod(batch, dtype=np.int64))
    pm = np.moveaxis(np.broadcast_to(p, shape), -1, 0).reshape(k_cat, size)
    prob = [_carried(backend, pm[j], pdtype, (size,), device) for j in range(k_cat)]
    remainder = _carried(backend, n, pdtype, batch, device)
    if k_cat == 0:
        return xp.reshape(xp.zeros((size * 0,), dtype=backend.dtype(dtype), device=device), shape)
    keys = backend.split(data, (k_cat,))
    counts = []
    with np.errstate(all="ignore"):
        remaining = reverse_cumsum(f, prob)
        for j in range(k_cat):
            den = xp.where(
                remaining[j] == f.c(0.0, remaining[j]), f.full(1.0, size, device), remaining[j]
            )
            ratio = f.clamp(f.div(prob[j], den), 0.0, 1.0)
            count = binomial_loops(backend, keys[j, ...], remainder, ratio, pdtype, pdtype, device)
            remainder = f.sub(remainder, count)
            counts.append(count)
        out = o.m.out(to_float(f, xp.stack(counts, axis=-1), o))
    return xp.reshape(out, shape)


#: XLA's ``ReduceWindowRewriter`` base length on the CPU: a cumulative sum longer than this is
#: rewritten into a tree of scans (measured: lengths up to 5,000, every float dtype)
SCAN_BASE = 16


def reverse_cumsum(f: Arith, xs: list[Any]) -> list[Any]:
    """``lax.cumsum(x, reverse=True)`` over the list ``xs`` (one array per position, rounded
    in ``f``'s dtype after every add) as XLA:CPU computes it.

    Up to :data:`SCAN_BASE` positions it is one reduce-window: ``out[j] = x[j] + x[j+1] + ...``
    accumulated in order.  Longer, XLA's ``ReduceWindowRewriter`` pads the positions to a
    multiple of the base with zeros, scans each block of 16 so, takes each block's total (its
    first position), scans the totals the same way (recursively), and adds to each position
    the totals of the blocks after its own.  The init (``+0``) and the padding zeros are left
    out: adding zero changes only a ``-0`` sum, which the sampler only compares with zero."""
    n = len(xs)
    if n <= SCAN_BASE:
        out = []
        for j in range(n):
            acc = xs[j]
            for i in range(j + 1, n):
                acc = f.add(acc, xs[i])
            out.append(acc)
        return out
    blocks = [reverse_cumsum(f, xs[b : b + SCAN_BASE]) for b in range(0, n, SCAN_BASE)]
    totals = reverse_cumsum(f, [block[0] for block in blocks])
    out = []
    for c, block in enumerate(blocks):
        after = totals[c + 1] if c + 1 < len(blocks) else None
        out += block if after is None else [f.add(v, after) for v in block]
    return out


def _unroll(unroll: Any) -> int:
    """``lax.scan``'s ``unroll``: a bool or a positive int (it changes XLA's code, not the
    values)."""
    if isinstance(unroll, (bool, np.bool_)):
        return 1
    try:
        value = operator.index(unroll)
    except TypeError:
        raise TypeError(f"unroll must be a bool or a positive int; got {unroll!r}") from None
    if value < 1:
        raise ValueError(f"unroll must be a bool or a positive int; got {unroll!r}")
    return value


@sampler
def multinomial(
    key: PortableKey,
    n: Any,
    p: Any,
    *,
    shape: Any = None,
    dtype: Any = "float32",
    unroll: Any = 1,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Multinomial counts of ``n`` trials over the categories of ``p``'s last axis:
    ``jax.random.multinomial`` bit for bit, as floats of ``dtype``.

    ``n`` and ``p`` are promoted together (JAX's ``promote_dtypes_inexact``; Python numbers
    take ``p``'s dtype, a Python float ``p`` is float32).  ``shape`` is the *whole* result
    shape, categories last, as JAX's code uses it (its docstring says the batch prefix); ``p``
    must broadcast to it and ``n`` to ``shape[:-1]``.  Default: ``p``'s shape.  Each category is
    a :func:`binomial` of what remains, so the counts inherit its dependence on the whole
    batch.  ``unroll`` is ``lax.scan``'s (checked; the values do not depend on it).
    """
    single(key, "multinomial")
    name = canonical(dtype, FLOAT_DTYPES)
    _unroll(unroll)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if _jax_native(target, data, n, p):
        kw = {"shape": shape, "dtype": target.dtype(name), "unroll": unroll}
        return _native(target, data, dev, "multinomial", n, p, **kw)
    ph, pname = _float_param(p, "p")
    nh = _host(n, "n")
    pd = _promote(nh, n, pname)
    _target_float(target, pd, "p")
    if ph.ndim == 0:
        raise ValueError("multinomial p must have at least one dimension (the categories)")
    if shape is None:
        shape = tuple(ph.shape)
    elif len(shape) == 0:
        raise ValueError("multinomial shape must have at least one dimension (the categories)")
    broadcast_to_shape("multinomial p", shape, tuple(ph.shape))
    broadcast_to_shape("multinomial n", shape[:-1], tuple(nh.shape))
    check_elements(target, shape)
    return multinomial_values(
        target, data, _convert(nh, pd), _convert(ph, pd), pd, shape, name, dev
    )
