"""``permutation`` and ``shuffle``: ``jax.random``'s, bit for bit.

JAX (jax 0.10.2, ``jax/_src/random/core.py``):

* ``_shuffle(key, x, axis)``: ``ceil(3 * ln(max(1, x.size)) / ln(2**32 - 1))`` rounds (1 up to
  1625 elements, 2 up to ~2.6 million); each round ``key, sub = split(key)``, draws uint32 sort
  keys ``bits(sub, x.shape)`` and applies ``lax.sort_key_val(keys, x, axis)``, a *stable* sort
  (``is_stable=True``), i.e. a stable argsort of the keys.
* ``permutation(key, x, axis, independent)``: ``_shuffle`` of ``x`` when ``independent`` or
  ``x`` is 1-d, else ``take(x, _shuffle(key, arange(x.shape[axis])), axis)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..keys.portable import PortableKey, destination, single
from .arguments import (
    array_device,
    as_array,
    check_axis,
    check_bool,
    check_count,
    check_elements,
    index_dtype,
    population,
)
from .blocks import refuse_block
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["num_rounds", "permutation", "permutation_values", "shuffle", "shuffle_values"]


def num_rounds(size: int) -> int:
    """``_shuffle``'s static number of sort rounds, computed as JAX does (NumPy float64)."""
    uint32max = np.iinfo(np.uint32).max
    return int(np.ceil(3 * np.log(max(1, size)) / np.log(uint32max)))


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
        sort_keys = backend.bits(sub, shape, "uint32", device)  # the hash words' xor
        if backend.masked_words:  # torch sorts no large uint32 tensor: int64 keys, same order
            sort_keys = xp.astype(sort_keys, xp.int64)
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
    dev = array_device(x)
    base = xp.reshape(xp.arange(rows, dtype=itype, device=dev) * n, (rows, 1))
    idx = xp.reshape(xp.reshape(om, (rows, n)) + base, (rows * n,))
    out = xp.reshape(xp.take(flat, idx, axis=0), moved)
    return xp.permute_dims(out, inv)


def permutation_values(
    backend: Backend, data: Any, x: Any, axis: int, independent: bool, device: Any
) -> Any:
    if independent or len(x.shape) == 1:
        return shuffle_values(backend, data, x, axis, device)
    n = x.shape[axis]
    ind = shuffle_values(backend, data, arange(backend, n, device), 0, device)
    return backend.xp.take(x, ind, axis=axis)


def arange(backend: Backend, n: int, device: Any) -> Any:
    """``jnp.arange(n)``: int64 (int32 on JAX without x64)."""
    return backend.xp.arange(n, dtype=index_dtype(backend), device=device)


@sampler
def permutation(
    key: PortableKey,
    x: Any,
    axis: int = 0,
    independent: bool = False,
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """A random permutation of ``arange(x)`` (``x`` an int) or of ``x`` along ``axis``:
    ``jax.random.permutation`` bit for bit.

    ``independent=True`` permutes every 1-d slice along ``axis`` separately; otherwise whole
    slices are reordered together.  ``arange(x)`` is int64 (int32 on JAX without x64).
    ``index``/``offset`` raise ``ValueError``: a permutation is not elementwise.
    """
    refuse_block(index, offset, "permutation")
    single(key, "permutation")
    independent = check_bool(independent, "independent")
    n = population(x, "x")
    target, dev, data = destination(key, xp, device)
    if n is not None:
        if n < 0:
            raise ValueError(f"x must be non-negative when an integer; got {n}")
        check_count(n, "x", target)
        check_elements(target, (n,), "x")  # arange(n) itself
        axis = check_axis(axis, 1)
        arr = arange(target, n, dev)
        independent = True
    else:
        arr = as_array(x, target, dev, "x")
        if len(arr.shape) == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        axis = check_axis(axis, len(arr.shape))
    jb = native_jax(target, dev, "permutation")
    if jb is not None:
        return jax_call(jb, target, data, dev, "permutation", arr, axis, independent)
    return permutation_values(target, data, arr, axis, independent, dev)


@sampler
def shuffle(
    key: PortableKey,
    x: Any,
    axis: int = 0,
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Every 1-d slice of ``x`` along ``axis`` shuffled independently.

    ``jax.random.shuffle`` was removed from JAX; this is what it computed, which is
    ``jax.random.permutation(key, x, axis, independent=True)`` (same bits).  ``index``/
    ``offset`` raise ``ValueError``: a shuffle is not elementwise.
    """
    refuse_block(index, offset, "shuffle")
    if population(x, "x") is not None:
        raise TypeError(
            f"shuffle takes an array x, not an integer ({x!r}); use permutation(key, n) for "
            "arange(n)"
        )
    return permutation(key, x, axis, True, xp=xp, device=device)
