"""``categorical``: ``jax.random.categorical``, bit for bit: Gumbel-max, or Gumbel top-k.

``argmax(gumbel + logits)`` as XLA reduces it (the first maximum, or the first NaN); without
replacement ``lax.top_k`` in XLA's total order of floats (ties by lower index).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape, is_integer
from .arguments import broadcast_to_shape, check_mode, float_array, index_dtype
from .blocks import Block, parse_block, refuse_block
from .dtype_arith import DtypeArith
from .gumbel import GUMBEL_MODES, gumbel_values
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["categorical", "categorical_values", "top_k_indices"]


def categorical_values(
    backend: Backend,
    data: Any,
    logits: Any,
    axis: int,
    shape: tuple[int, ...],
    dtype: str,
    replace: bool,
    mode: str,
    device: Any,
) -> Any:
    """``jax.random.categorical``: the Gumbel-max trick (``replace``) or Gumbel top-k.

    ``logits`` is an array of ``dtype`` in ``backend``; ``axis`` is in ``[0, logits.ndim)``;
    ``shape`` has been checked against the batch shape.
    """
    xp = backend.xp
    jb = native_jax(backend, device, "categorical", dtype, f"{replace}:{mode}")
    if jb is not None:
        return jax_call(
            jb, backend, data, device, "categorical", logits, axis, shape, replace, mode
        )
    ndim = len(logits.shape)
    batch = tuple(d for i, d in enumerate(logits.shape) if i != axis)
    m = DtypeArith(backend, dtype)
    lg = m.load(logits)
    if replace:
        prefix = shape[: len(shape) - len(batch)]
        noise_shape = list(shape[len(shape) - len(batch) :])
        noise_shape.insert(axis, logits.shape[axis])
        g = m.load(gumbel_values(backend, data, (*prefix, *noise_shape), dtype, mode, device))
        lg = xp.reshape(lg, (1,) * len(prefix) + tuple(logits.shape))
        v = m.round(g + lg)
        return _argmax_first(backend, _axis_last(xp, v, len(prefix) + axis))
    prefix = shape[: len(shape) - len(batch)]
    k = math.prod(prefix)
    if k > logits.shape[axis]:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of categories "
            f"({logits.shape[axis]})."
        )
    g = m.load(gumbel_values(backend, data, tuple(logits.shape), dtype, mode, device))
    v = _axis_last(xp, m.round(lg + g, nan=True), axis)
    top = top_k_indices(backend, m, v, k)  # batch + (k,)
    perm = (ndim - 1, *range(ndim - 1))
    return xp.reshape(xp.permute_dims(top, perm), shape)


def categorical_block(
    backend: Backend,
    data: Any,
    logits: Any,
    axis: int,
    shape: tuple[int, ...],
    dtype: str,
    mode: str,
    device: Any,
    block: Block,
) -> Any:
    """A block of ``categorical`` with replacement: the Gumbel noise of the block's elements,
    every category of each (the noise's global shape has the categories at ``prefix + axis``),
    plus the logits at those elements, then the first maximum of each."""
    xp = backend.xp
    noise = block.with_axis(len(shape) - (len(logits.shape) - 1) + axis, logits.shape[axis])
    m = DtypeArith(backend, dtype)
    size = (noise.size,)
    g = gumbel_values(backend, data, size, dtype, mode, device, noise.counters, noise.total)
    lg = m.load(noise.take_on(backend, logits, device))  # the logits' axes end the noise's
    v = m.round(xp.reshape(m.load(g), noise.full) + lg)
    return xp.reshape(_argmax_first(backend, v), block.shape)


def _axis_last(xp: Any, v: Any, axis: int) -> Any:
    nd = len(v.shape)
    if axis == nd - 1:
        return v
    perm = (*(i for i in range(nd) if i != axis), axis)
    return xp.permute_dims(v, perm)


def _argmax_first(backend: Backend, v: Any) -> Any:
    """``jnp.argmax(v, axis=-1)`` as XLA reduces it: the first maximum, or the first NaN."""
    xp = backend.xp
    n = v.shape[-1]
    dev = backend.device_of(v)
    isnan = xp.isnan(v)
    anynan = xp.any(isnan, axis=-1, keepdims=True)
    y = xp.where(isnan, xp.asarray(-np.inf, dtype=v.dtype, device=dev), v)
    hit = xp.where(anynan, isnan, y == xp.max(y, axis=-1, keepdims=True))
    itype = index_dtype(backend)
    idx = xp.arange(n, dtype=itype, device=dev)
    cand = xp.where(hit, idx, xp.asarray(n, dtype=itype, device=dev))
    return xp.min(cand, axis=-1)


def top_k_indices(backend: Backend, m: DtypeArith, v: Any, k: int) -> Any:
    """``lax.top_k(v, k)[1]``: XLA orders floats totally (-NaN < -inf < ... < -0.0 < +0.0 <
    ... < inf < NaN), ties by lower index; indices are int32."""
    xp = backend.xp
    iname = "int64" if m.wide else "int32"
    s = backend.bitcast(v, iname)
    dev = backend.device_of(s)
    low = xp.asarray((1 << (63 if m.wide else 31)) - 1, dtype=s.dtype, device=dev)
    key = xp.where(s < xp.zeros_like(s), s ^ low, s)
    order = xp.argsort(~key, axis=-1, stable=True)  # ~key ascending = key descending
    return xp.astype(order[..., :k], backend.dtype("int32"))


@sampler
def categorical(
    key: PortableKey,
    logits: Any,
    axis: int = -1,
    shape: Any = None,
    *,
    replace: bool = True,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Indices drawn with probabilities ``softmax(logits, axis)``: ``jax.random.categorical``.

    ``argmax(gumbel(key, shape', logits.dtype) + logits, axis)`` (the first maximum; the first
    NaN if any), or with ``replace=False`` the Gumbel top-k.  ``logits`` follows ``p`` of
    :func:`bernoulli` for its dtype.  Indices are int64 (int32 on JAX without x64, and int32
    for ``replace=False``, as in JAX).  ``index``/``offset``: one block of the result (as
    :func:`unirand.bits`), with replacement only (without it, ``ValueError``).
    """
    single(key, "categorical")
    mode = check_mode(mode, GUMBEL_MODES)
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    target, dev, data = destination(key, xp, device)
    arr, name = float_array(logits, target, dev, "logits")
    ndim = len(arr.shape)
    if ndim == 0:
        raise ValueError("logits must have at least one dimension (the categories)")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for logits of shape {tuple(arr.shape)}")
    axis %= ndim
    if arr.shape[axis] == 0:
        raise ValueError("logits must have at least one category along axis")
    batch = tuple(d for i, d in enumerate(arr.shape) if i != axis)
    if shape is None:
        shape = batch
    else:
        shape = as_shape(shape)
        broadcast_to_shape("categorical", shape, batch)
        if not replace and shape[len(shape) - len(batch) :] != batch:
            raise ValueError(
                f"categorical with replace=False: shape {shape} must end with the batch shape "
                f"{batch} of logits"
            )
    if index is not None or offset is not None:
        if not replace:
            refuse_block(index, offset, "categorical with replace=False")
        block = parse_block(index, offset, shape)
        assert block is not None
        return categorical_block(target, data, arr, axis, shape, name, mode, dev, block)
    return categorical_values(target, data, arr, axis, shape, name, bool(replace), mode, dev)
