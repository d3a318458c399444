"""``permutation``, ``shuffle`` and ``choice``: ``jax.random``'s, bit for bit.

JAX (jax 0.10.2, ``jax/_src/random/core.py``):

* ``_shuffle(key, x, axis)``: ``ceil(3 * ln(max(1, x.size)) / ln(2**32 - 1))`` rounds (1 up to
  1625 elements, 2 up to ~2.6 million); each round ``key, sub = split(key)``, draws uint32 sort
  keys ``bits(sub, x.shape)`` and applies ``lax.sort_key_val(keys, x, axis)``, a *stable* sort
  (``is_stable=True``), i.e. a stable argsort of the keys.
* ``permutation(key, x, axis, independent)``: ``_shuffle`` of ``x`` when ``independent`` or
  ``x`` is 1-d, else ``take(x, _shuffle(key, arange(x.shape[axis])), axis)``.
* ``choice``: ``randint(key, shape, 0, n)`` (int64: JAX's default int with x64) without ``p``
  and with replacement; the first ``n_draws`` of a permutation without ``p`` nor replacement;
  with ``p`` and replacement ``searchsorted(cumsum(p), cumsum(p)[-1] * (1 - uniform))`` (left
  side), with XLA:CPU's ``cumsum`` (below); without replacement the Gumbel top-k of
  ``gumbel(key, (n,), p.dtype, mode) + log(p)``.

XLA:CPU computes ``cumsum`` (a reduce-window) with its ``ReduceWindowRewriter`` (base 16):
up to 16 values, left to right from 0; longer ones are padded with zeros to rows of 16, each
row summed left to right, the row totals summed the same way (recursively), and each row's
exclusive prefix added to it.  Every add is one rounding in the dtype (16-bit dtypes: in
float32, rounded back).  Verified against ``jnp.cumsum`` up to 10**5 values, every float dtype.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from . import backends
from ._api import _other, _single, _target
from ._distributions import (
    GUMBEL_MODES,
    _check_mode,
    _float_array,
    _from_host,
    _index_dtype,
    _Math,
    _native_jax,
    _top_k_indices,
    gumbel_values,
)
from ._key import ThreefryKey
from ._randint import int_dtype, plan, randint_values
from .backends import Backend
from .keys.validation import as_shape, is_integer

__all__ = [
    "permutation",
    "shuffle",
    "choice",
    "shuffle_values",
    "num_rounds",
    "xla_cumsum",
    "P_SUM_ATOL",
]

#: XLA's ReduceWindowRewriter base length on CPU
CUMSUM_BASE = 16


def num_rounds(size: int) -> int:
    """``_shuffle``'s static number of sort rounds, computed as JAX does (NumPy float64)."""
    uint32max = np.iinfo(np.uint32).max
    return int(np.ceil(3 * np.log(max(1, size)) / np.log(uint32max)))


# -- the shuffle -------------------------------------------------------------------------------
def shuffle_values(backend: Backend, data: Any, x: Any, axis: int, device: Any) -> Any:
    """JAX's ``_shuffle``: every 1-d slice of ``x`` along ``axis`` permuted, rounds of stable
    sorts by fresh uint32 keys (one key per element of ``x``)."""
    xp = backend.xp
    shape = tuple(x.shape)
    n = math.prod(shape)
    nd = len(shape)
    for _ in range(num_rounds(n)):
        keys = backend.split(data, (2,))
        data, sub = keys[0, ...], keys[1, ...]
        _, b1, b2 = backend.raw_words(sub, n, device)
        sort_keys = xp.reshape(b1 ^ b2, shape)
        order = xp.argsort(sort_keys, axis=axis, stable=True)
        x = _take_along(xp, x, order, axis % nd)
    return x


def _take_along(xp: Any, x: Any, order: Any, axis: int) -> Any:
    """``take_along_axis`` through a flat ``take`` (every array-API library has it)."""
    nd = len(x.shape)
    if nd == 1:
        return xp.take(x, order, axis=0)
    perm = (*(i for i in range(nd) if i != axis), axis)
    inv = tuple(int(i) for i in np.argsort(perm))
    xm, om = xp.permute_dims(x, perm), xp.permute_dims(order, perm)
    moved = tuple(xm.shape)
    n = moved[-1]
    rows = math.prod(moved[:-1])
    flat = xp.reshape(xm, (rows * n,))
    itype = order.dtype
    dev = _device(x)
    base = xp.reshape(xp.arange(rows, dtype=itype, device=dev) * n, (rows, 1))
    idx = xp.reshape(xp.reshape(om, (rows, n)) + base, (rows * n,))
    out = xp.reshape(xp.take(flat, idx, axis=0), moved)
    return xp.permute_dims(out, inv)


def _device(x: Any) -> Any:
    dev = getattr(x, "device", None)
    return None if callable(dev) else dev


def _permutation_values(
    backend: Backend, data: Any, x: Any, axis: int, independent: bool, device: Any
) -> Any:
    if independent or len(x.shape) == 1:
        return shuffle_values(backend, data, x, axis, device)
    n = x.shape[axis]
    ind = shuffle_values(backend, data, _arange(backend, n, device), 0, device)
    return backend.xp.take(x, ind, axis=axis)


def _arange(backend: Backend, n: int, device: Any) -> Any:
    """``jnp.arange(n)``: int64 (int32 on JAX without x64)."""
    return backend.xp.arange(n, dtype=_index_dtype(backend), device=device)


# -- XLA:CPU's cumsum ----------------------------------------------------------------------------
def xla_cumsum(m: _Math, x: Any) -> Any:
    """``jnp.cumsum`` of a 1-d array as XLA:CPU sums it (see the module docstring); ``x`` is
    carried by ``m`` (float32 for the 16-bit dtypes)."""
    xp = m.xp
    n = x.shape[0]
    if n == 0:
        return x
    if n <= CUMSUM_BASE:
        return _row_cumsum(m, xp.reshape(x, (1, n)))[0, ...]
    rows = -(-n // CUMSUM_BASE)
    pad = rows * CUMSUM_BASE - n
    if pad:
        x = xp.concat([x, xp.zeros(pad, dtype=x.dtype, device=_device(x))])
    inner = _row_cumsum(m, xp.reshape(x, (rows, CUMSUM_BASE)))
    inclusive = xla_cumsum(m, inner[:, CUMSUM_BASE - 1])
    zero = xp.zeros(1, dtype=x.dtype, device=_device(x))
    prefix = xp.concat([zero, inclusive[:-1]])
    out = m.round(inner + xp.reshape(prefix, (rows, 1)))
    return xp.reshape(out, (rows * CUMSUM_BASE,))[:n]


def _row_cumsum(m: _Math, a: Any) -> Any:
    """Left-to-right sums of each row, from +0, each add rounded in the dtype."""
    xp = m.xp
    s = xp.zeros(a.shape[0], dtype=a.dtype, device=_device(a))
    cols = []
    for j in range(a.shape[1]):
        s = m.round(s + a[:, j])
        cols.append(s)
    return xp.stack(cols, axis=1)


# -- choice --------------------------------------------------------------------------------------
def _choice_with_p(
    backend: Backend,
    data: Any,
    p: Any,
    dtype: str,
    shape: tuple[int, ...],
    replace: bool,
    mode: str,
    device: Any,
) -> Any:
    """Indices (int64; int32 on JAX without x64) drawn with probabilities ``p``."""
    xp = backend.xp
    m = _Math(backend, dtype)
    itype = _index_dtype(backend)
    pc = m.load(p)
    n_draws = math.prod(shape)
    if replace:
        cuml = xla_cumsum(m, pc)
        u = m.load(backend.uniform(data, shape, dtype, 0.0, 1.0, device))
        r = m.round(cuml[-1] * (m.const(1.0, u) - u))  # 1 - u is exact
        return xp.reshape(_searchsorted_scan(backend, cuml, xp.reshape(r, (-1,))), shape)
    g = m.load(gumbel_values(backend, data, (p.shape[0],), dtype, mode, device))
    v = m.round(g + m.log(pc), nan=True)
    return xp.astype(_top_k_indices(backend, m, v, n_draws), itype)


def _searchsorted_scan(backend: Backend, a: Any, q: Any) -> Any:
    """``jnp.searchsorted(a, q)`` (method "scan", side "left"): JAX's fixed-length binary
    search, exactly (``a`` need not be sorted: a 16-bit ``cumsum`` may step down)."""
    xp = backend.xp
    n = a.shape[0]
    itype = _index_dtype(backend)
    dev = _device(q)
    low = xp.zeros(q.shape, dtype=itype, device=dev)
    high = xp.full(q.shape, n, dtype=itype, device=dev)
    two = xp.asarray(2, dtype=itype, device=dev)
    for _ in range(int(np.ceil(np.log2(n + 1)))):
        mid = low + (high - low) // two
        left = q <= xp.take(a, mid, axis=0)
        low, high = xp.where(left, low, mid), xp.where(left, mid, high)
    return high


#: ``p`` must sum to 1 within ``max(P_SUM_ATOL, sqrt(eps(p.dtype)))`` (NumPy's rule)
P_SUM_ATOL = float(np.sqrt(np.finfo(np.float64).eps))
_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


def _check_p(backend: Backend, p: Any, dtype: str, n_inputs: int, n_draws: int, replace: bool):
    if tuple(p.shape) != (n_inputs,):
        raise ValueError(
            f"p must be None or a 1-d array with the size of a.shape[axis] ({n_inputs}); got "
            f"shape {tuple(p.shape)}"
        )
    if backend.is_traced(p):
        return  # JAX native under jit: values unknown (not checked)
    host = np.asarray(backend.to_numpy(p), dtype=np.float64)
    if not np.all(np.isfinite(host)):
        raise ValueError("p must be finite")
    if np.any(host < 0):
        raise ValueError("p must be non-negative")
    total = float(host.sum())
    tol = max(P_SUM_ATOL, math.sqrt(_EPS[dtype]))
    if abs(total - 1.0) > tol:
        raise ValueError(f"p must sum to 1 (within {tol:.3g} for {dtype}); it sums to {total!r}")
    if not replace and int(np.count_nonzero(host)) < n_draws:
        raise ValueError(
            f"choice with replace=False: p has {int(np.count_nonzero(host))} non-zero entries, "
            f"fewer than the {n_draws} draws"
        )


def _as_array(value: Any, target: Backend, device: Any, argument: str) -> Any:
    """``value`` as an array of ``target`` (any dtype; lists through NumPy)."""
    source = backends.backend_of(value)
    if source is target:
        return value if device is None else target.to_device(value, device)
    if source is not None:
        return _from_host(target, source.to_numpy(value), device)
    if hasattr(value, "__array_namespace__"):
        raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
    try:
        host = np.asarray(value)
    except Exception as e:
        raise TypeError(f"{argument} must be an integer or an array") from e
    if host.dtype == object:
        raise TypeError(f"{argument} must be an integer or an array of numbers")
    return _from_host(target, host, device)


def _population(value: Any, argument: str) -> int | None:
    """``n`` when ``value`` is an integer (``arange(n)``), None for an array."""
    if is_integer(value):
        return operator.index(value)
    if isinstance(value, (bool, float, complex)) or (
        getattr(value, "shape", None) == () and not is_integer(value)
    ):
        raise TypeError(
            f"{argument} must be an integer or an array with at least one dimension; got "
            f"{type(value).__name__} {value!r}"
        )
    return None


def _check_axis(axis: Any, ndim: int, argument: str = "axis") -> int:
    if not is_integer(axis):
        raise TypeError(f"{argument} must be an integer; got {type(axis).__name__} {axis!r}")
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{argument} {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def _check_bool(value: Any, argument: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a bool; got {type(value).__name__}")
    return bool(value)


# -- the public functions ------------------------------------------------------------------------
def permutation(
    key: ThreefryKey,
    x: Any,
    axis: int = 0,
    independent: bool = False,
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """A random permutation of ``arange(x)`` (``x`` an int) or of ``x`` along ``axis``:
    ``jax.random.permutation`` bit for bit.

    ``independent=True`` permutes every 1-d slice along ``axis`` separately; otherwise whole
    slices are reordered together.  ``arange(x)`` is int64 (int32 on JAX without x64).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).permutation(x, axis, independent, xp=xp, device=device)
    _single(key, "permutation")
    independent = _check_bool(independent, "independent")
    n = _population(x, "x")
    target, dev, data = _target(key, xp, device)
    if n is not None:
        if n < 0:
            raise ValueError(f"x must be non-negative when an integer; got {n}")
        axis = _check_axis(axis, 1)
        arr = _arange(target, n, dev)
        independent = True
    else:
        arr = _as_array(x, target, dev, "x")
        if len(arr.shape) == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        axis = _check_axis(axis, len(arr.shape))
    jb = _native_jax(target, dev)
    if jb is not None:
        import jax

        k = jb.BACKEND._key(target.to_device(data, dev))
        with jax.threefry_partitionable(True):
            return jax.random.permutation(k, arr, axis, independent)
    return _permutation_values(target, data, arr, axis, independent, dev)


def shuffle(key: ThreefryKey, x: Any, axis: int = 0, *, xp: Any = None, device: Any = None) -> Any:
    """Every 1-d slice of ``x`` along ``axis`` shuffled independently.

    ``jax.random.shuffle`` was removed from JAX; this is what it computed, which is
    ``jax.random.permutation(key, x, axis, independent=True)`` (same bits).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).shuffle(x, axis, xp=xp, device=device)
    if _population(x, "x") is not None:
        raise TypeError("shuffle takes an array; use permutation(key, n) for arange(n)")
    return permutation(key, x, axis, True, xp=xp, device=device)


def choice(
    key: ThreefryKey,
    a: Any,
    shape: Any = (),
    replace: bool = True,
    p: Any = None,
    axis: int = 0,
    *,
    mode: str | None = None,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """A random sample of ``arange(a)`` (``a`` an int) or of ``a``'s slices along ``axis``:
    ``jax.random.choice`` bit for bit.

    The result has shape ``shape`` (``a`` an int) or ``a.shape[:axis] + shape +
    a.shape[axis+1:]``.  ``p`` (a float array of shape ``(n,)``, finite, non-negative, summing
    to 1 within ``max(1.5e-8, sqrt(eps))`` of its dtype) weights the entries; a Python list
    is float32.  ``mode`` ("low"/"high") is the Gumbel mode for ``replace=False`` with ``p``.
    Indices drawn without ``p`` and with replacement come from ``randint(..., dtype=int64)``
    (JAX's default int with x64), which JAX without x64 cannot compute: it raises there.
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).choice(a, shape, replace, p, axis, mode=mode, xp=xp, device=device)
    _single(key, "choice")
    replace = _check_bool(replace, "replace")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a sequence (tuple or list); got {shape!r}")
    shape = as_shape(shape)
    mode = "low" if mode is None else _check_mode(mode, GUMBEL_MODES)
    n = _population(a, "a")
    target, dev, data = _target(key, xp, device)
    itype = _index_dtype(target)
    if n is not None:
        arr = None
        n_inputs = n
    else:
        arr = _as_array(a, target, dev, "a")
        if len(arr.shape) == 0:
            raise TypeError("a must be an integer or at least 1-dimensional")
        axis = _check_axis(axis, len(arr.shape))
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shape)
    xp_ = target.xp
    if n_draws == 0:  # JAX: zeros(shape, a.dtype)
        return xp_.zeros(shape, dtype=itype if arr is None else arr.dtype, device=dev)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
            "when replace=False"
        )
    parr = pname = None
    if p is not None:
        parr, pname = _float_array(p, target, dev, "p")
        _check_p(target, parr, pname, n_inputs, n_draws, replace)
    elif replace:
        int_dtype(target, "int64")  # JAX without x64: a different stream; refuse
    jb = _native_jax(target, dev)
    if jb is not None:
        import jax

        k = jb.BACKEND._key(target.to_device(data, dev))
        with jax.threefry_partitionable(True):
            return jax.random.choice(
                k, n_inputs if arr is None else arr, shape, replace, parr, axis, mode
            )
    if p is None and replace:
        vmin, vmax = np.asarray(0, dtype=object), np.asarray(n_inputs, dtype=object)
        ind = randint_values(target, data, shape, plan(vmin, vmax, "int64"), "int64", dev)
    elif p is None:
        src = _arange(target, n_inputs, dev) if arr is None else arr
        perm = _permutation_values(target, data, src, 0 if arr is None else axis, False, dev)
        if arr is None:
            return xp_.reshape(perm[:n_draws], shape)
        sl = (*(slice(None),) * axis, slice(0, n_draws), ...)
        out = perm[sl]
        return xp_.reshape(out, (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :]))
    else:
        ind = _choice_with_p(target, data, parr, pname, shape, replace, mode, dev)
    if arr is None:
        return xp_.reshape(ind, shape)
    flat = xp_.reshape(ind, (-1,))
    out = xp_.take(arr, flat, axis=axis)
    return xp_.reshape(out, (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :]))
