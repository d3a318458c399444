"""``choice``: ``jax.random.choice``, bit for bit.

JAX (jax 0.10.2, ``jax/_src/random/core.py``): ``randint(key, shape, 0, n)`` (int64: JAX's
default int with x64) without ``p`` and with replacement; the first ``n_draws`` of a
permutation without ``p`` nor replacement; with ``p`` and replacement
``searchsorted(cumsum(p), cumsum(p)[-1] * (1 - uniform))`` (left side), with XLA:CPU's
``cumsum`` (below); without replacement the Gumbel top-k of ``gumbel(key, (n,), p.dtype, mode)
+ log(p)``.

XLA:CPU computes ``cumsum`` (a reduce-window) with its ``ReduceWindowRewriter`` (base 16):
up to 16 values, left to right from 0; longer ones are padded with zeros to rows of 16, each
row summed left to right, the row totals summed the same way (recursively), and each row's
exclusive prefix added to it.  Every add is one rounding in the dtype (16-bit dtypes: in
float32, rounded back).  Verified against ``jnp.cumsum`` up to 10**5 values, every float dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import (
    array_device,
    as_array,
    check_axis,
    check_bool,
    check_count,
    check_elements,
    check_mode,
    float_array,
    index_dtype,
    population,
)
from .blocks import Block, parse_block, refuse_block
from .categorical import top_k_indices
from .dtype_arith import DtypeArith
from .gumbel import GUMBEL_MODES, gumbel_values
from .jax_native import jax_call, native_jax
from .permutation import arange, permutation_values
from .randint import int_dtype, plan, randint_values
from .sampler import sampler

__all__ = ["P_SUM_ATOL", "choice", "xla_cumsum"]


#: XLA's ReduceWindowRewriter base length on CPU
CUMSUM_BASE = 16


def xla_cumsum(m: DtypeArith, x: Any) -> Any:
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
        x = xp.concat([x, xp.zeros(pad, dtype=x.dtype, device=array_device(x))])
    inner = _row_cumsum(m, xp.reshape(x, (rows, CUMSUM_BASE)))
    inclusive = xla_cumsum(m, inner[:, CUMSUM_BASE - 1])
    zero = xp.zeros(1, dtype=x.dtype, device=array_device(x))
    prefix = xp.concat([zero, inclusive[:-1]])
    out = m.round(inner + xp.reshape(prefix, (rows, 1)))
    return xp.reshape(out, (rows * CUMSUM_BASE,))[:n]


def _row_cumsum(m: DtypeArith, a: Any) -> Any:
    """Left-to-right sums of each row, from +0, each add rounded in the dtype."""
    xp = m.xp
    s = xp.zeros(a.shape[0], dtype=a.dtype, device=array_device(a))
    cols = []
    for j in range(a.shape[1]):
        s = m.round(s + a[:, j])
        cols.append(s)
    return xp.stack(cols, axis=1)


def _choice_with_p(
    backend: Backend,
    data: Any,
    p: Any,
    dtype: str,
    shape: tuple[int, ...],
    replace: bool,
    mode: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """Indices (int64; int32 on JAX without x64) drawn with probabilities ``p``; ``counters``:
    a block's (``shape`` is its; with replacement only)."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    itype = index_dtype(backend)
    pc = m.load(p)
    n_draws = math.prod(shape)
    if replace:
        cuml = xla_cumsum(m, pc)
        u = m.load(backend.uniform(data, shape, dtype, 0.0, 1.0, device, counters))
        r = m.round(cuml[-1] * (m.const(1.0, u) - u))  # 1 - u is exact
        return xp.reshape(_searchsorted_scan(backend, cuml, xp.reshape(r, (-1,))), shape)
    g = m.load(gumbel_values(backend, data, (p.shape[0],), dtype, mode, device))
    v = m.round(g + m.log(pc), nan=True)
    return xp.astype(top_k_indices(backend, m, v, n_draws), itype)


def _searchsorted_scan(backend: Backend, a: Any, q: Any) -> Any:
    """``jnp.searchsorted(a, q)`` (method "scan", side "left"): JAX's fixed-length binary
    search, exactly (``a`` need not be sorted: a 16-bit ``cumsum`` may step down)."""
    xp = backend.xp
    n = a.shape[0]
    itype = index_dtype(backend)
    dev = array_device(q)
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


def _check_p(
    backend: Backend, p: Any, dtype: str, n_inputs: int, n_draws: int, replace: bool
) -> None:
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


def _choice_block(
    target: Backend,
    data: Any,
    arr: Any,
    n_inputs: int,
    shape: tuple[int, ...],
    parr: Any,
    pname: str | None,
    axis: int,
    dev: Any,
    block: Block,
) -> Any:
    """A block of ``choice`` with replacement: the draws of the block's elements (each an
    elementwise ``randint`` or uniform), then ``a``'s entries at them."""
    draws = block if arr is None else block.axes(axis, axis + len(shape))
    if parr is None:
        bounds = plan(np.asarray(0, dtype=object), np.asarray(n_inputs, dtype=object), "int64")
        ind = randint_values(target, data, draws.full, bounds, "int64", dev, draws.counters)
    else:
        assert pname is not None
        ind = _choice_with_p(
            target, data, parr, pname, draws.full, True, "low", dev, draws.counters
        )
    if arr is None:
        return target.xp.reshape(ind, block.shape)
    return target.xp.reshape(block.gather(target, arr, axis, ind), block.shape)


@sampler
def choice(
    key: PortableKey,
    a: Any,
    shape: Any = (),
    replace: bool = True,
    p: Any = None,
    axis: int = 0,
    *,
    mode: str | None = None,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """A random sample of ``arange(a)`` (``a`` an int) or of ``a``'s slices along ``axis``:
    ``jax.random.choice`` bit for bit.

    The result has shape ``shape`` (``a`` an int) or ``a.shape[:axis] + shape +
    a.shape[axis+1:]``.  ``p`` (a float array of shape ``(n,)``, finite, non-negative, summing
    to 1 within ``max(1.5e-8, sqrt(eps))`` of its dtype) weights the entries; a Python list
    is float32.  ``mode`` ("low"/"high") is the Gumbel mode for ``replace=False`` with ``p``.
    Indices drawn without ``p`` and with replacement come from ``randint(..., dtype=int64)``
    (JAX's default int with x64), which JAX without x64 cannot compute: it raises there.
    ``index``/``offset``: one block of the result (as :func:`unirand.bits`), with replacement
    only (each draw is then elementwise; without replacement ``ValueError``).
    """
    single(key, "choice")
    replace = check_bool(replace, "replace")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a sequence (tuple or list); got {shape!r}")
    shape = as_shape(shape)
    mode = "low" if mode is None else check_mode(mode, GUMBEL_MODES)
    n = population(a, "a")
    target, dev, data = destination(key, xp, device)
    itype = index_dtype(target)
    if n is not None:
        arr = None
        n_inputs = check_count(n, "a", target)
    else:
        arr = as_array(a, target, dev, "a")
        if len(arr.shape) == 0:
            raise TypeError("a must be an integer or at least 1-dimensional")
        axis = check_axis(axis, len(arr.shape))
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shape)
    block = None
    if index is not None or offset is not None:
        if not replace:
            refuse_block(index, offset, "choice with replace=False")
        # the whole result's shape (no draws: JAX gives zeros(shape), whatever a is)
        gshape = shape
        if arr is not None and n_draws > 0:
            gshape = (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :])
        block = parse_block(index, offset, gshape)
    check_elements(target, shape)
    if not replace and p is None:
        check_elements(target, (n_inputs,), "a")  # a permutation of all of arange(a)
    xp_ = target.xp
    if n_draws == 0 or (block is not None and block.size == 0):  # JAX: zeros(shape, a.dtype)
        out_shape = shape if block is None else block.shape
        return xp_.zeros(out_shape, dtype=itype if arr is None else arr.dtype, device=dev)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
            "when replace=False"
        )
    parr = pname = None
    if p is not None:
        parr, pname = float_array(p, target, dev, "p")
        _check_p(target, parr, pname, n_inputs, n_draws, replace)
    elif replace:
        try:
            int_dtype(target, "int64")  # JAX without x64: a different stream; refuse
        except TypeError as e:
            raise TypeError(
                f"choice with replace=True and p=None draws int64 indices: {e}"
            ) from None
    if block is not None:
        return _choice_block(target, data, arr, n_inputs, shape, parr, pname, axis, dev, block)
    if pname is None:
        jb = native_jax(target, dev, "choice")
    else:
        jb = native_jax(target, dev, "choice", pname, f"{replace}:{mode}")
    if jb is not None:
        return jax_call(
            jb,
            target,
            data,
            dev,
            "choice",
            n_inputs if arr is None else arr,
            shape,
            replace,
            parr,
            axis,
            mode,
        )
    if p is None and replace:
        vmin, vmax = np.asarray(0, dtype=object), np.asarray(n_inputs, dtype=object)
        ind = randint_values(target, data, shape, plan(vmin, vmax, "int64"), "int64", dev)
    elif p is None:
        src = arange(target, n_inputs, dev) if arr is None else arr
        perm = permutation_values(target, data, src, 0 if arr is None else axis, False, dev)
        if arr is None:
            return xp_.reshape(perm[:n_draws], shape)
        sl = (*(slice(None),) * axis, slice(0, n_draws), ...)
        out = perm[sl]
        return xp_.reshape(out, (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :]))
    else:
        assert pname is not None  # set with parr
        ind = _choice_with_p(target, data, parr, pname, shape, replace, mode, dev)
    if arr is None:
        return xp_.reshape(ind, shape)
    flat = xp_.reshape(ind, (-1,))
    out = xp_.take(arr, flat, axis=axis)
    return xp_.reshape(out, (*arr.shape[:axis], *shape, *arr.shape[axis + 1 :]))
