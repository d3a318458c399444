"""``dirichlet``: ``jax.random.dirichlet`` 0.10.2 as XLA:CPU computes it, the softmax of ``K``
loggammas (golden vectors: ``conformance/vectors/jax_gamma_family.v1.json``).

``softmax(loggamma(key, alpha, shape + (K,)), -1)``: ``exp(x - max)`` over the row, divided by the
row's sum, the sum in XLA's order (:func:`row_sum`).  No blocks: a row is one reduction.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..keys.native.arguments import float_bounds
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_exp import exp_f32_xla
from .arguments import broadcast_to_shape
from .dtype_arith import DtypeArith
from .gamma import _ftz, gamma_values
from .gamma_family import carry_type, deliver_shaped, nan_max, zeros_of
from .hosted import host_loops, on_device
from .sampler import sampler
from .transform_args import float_dtype, rounder
from .truncated_normal import _convert

__all__ = ["dirichlet", "dirichlet_values", "row_sum"]

#: XLA's tree reduction rewriter splits a reduced dimension longer than this into windows of
#: this many elements (a ``reduce-window``, padded with zeros on both sides), then reduces the
#: windows' sums (measured: 17 elements in order, 33 in two windows)
REDUCE_WINDOW = 32


def row_sum(xp: Any, u: Any) -> Any:
    """The sum over the last axis as XLA:CPU reduces it: in order, left to right, up to
    :data:`REDUCE_WINDOW` elements; beyond, the row padded to whole windows (``pad // 2``
    zeros before, the rest after), each window summed in order, then the windows' sums
    reduced the same way (recursively)."""
    k = u.shape[-1]
    if k <= REDUCE_WINDOW:
        s = u[..., 0]
        for j in range(1, k):
            s = s + u[..., j]
        return s
    windows = -(-k // REDUCE_WINDOW)
    low = (windows * REDUCE_WINDOW - k) // 2
    sums = []
    for w in range(windows):
        start = max(w * REDUCE_WINDOW - low, 0)
        stop = min((w + 1) * REDUCE_WINDOW - low, k)
        sums.append(row_sum(xp, u[..., start:stop]))
    return row_sum(xp, xp.stack(sums, axis=-1))


def dirichlet_values(
    backend: Backend,
    data: Any,
    alpha: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
) -> Any:
    """JAX's ``_dirichlet``: ``softmax(loggamma(key, alpha, shape), -1)``, ``shape`` the whole
    result's (batch and ``K``).  XLA's simplifier turns ``u / broadcast(s)`` into
    ``u * broadcast(1 / s)``.  16-bit types: ``jnp.sum`` accumulates in float32 and rounds the
    sum; bfloat16 keeps XLA's excess precision (measured): the float32 ``exp`` values are
    summed unrounded and ``1 / s`` is not rounded."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    lg = m.load(gamma_values(backend, data, alpha, shape, dtype, True, device))
    lg = xp.reshape(lg, (-1, shape[-1]))
    top = lg[:, 0]
    for j in range(1, shape[-1]):
        top = nan_max(m, top, lg[:, j])
    x = r(lg - top[:, None])
    if dtype == "bfloat16":
        wide = exp_f32_xla(m.ops, x)
        inv = m.const(1.0, x) / r(row_sum(xp, wide))
        return r(_ftz(m, r(wide) * inv[:, None]))
    u = m.exp(x)
    inv = r(m.const(1.0, x) / r(row_sum(xp, u)))
    return r(_ftz(m, u * inv[:, None]))


@sampler
def dirichlet(
    key: PortableKey,
    alpha: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Dirichlet values of concentration ``alpha`` (last axis: the ``K`` categories):
    ``jax.random.dirichlet`` as XLA:CPU computes it, ``softmax`` of ``K`` loggammas.

    ``shape``: the batch shape (``alpha.shape[:-1]`` must broadcast to it; default: that
    shape); the result has shape ``shape + (K,)``.  ``alpha`` is converted to ``dtype`` as
    JAX converts it (any float or integer array).  No blocks: a row is one reduction."""
    single(key, "dirichlet")
    name = float_dtype(dtype)
    if isinstance(alpha, (bool, np.bool_)):
        raise TypeError(f"dirichlet: alpha must be an array of numbers; got {alpha!r}")
    host: np.ndarray = _convert(np.asarray(float_bounds(alpha, "alpha")), name).astype(
        carry_type(name)
    )
    if host.ndim < 1:
        raise ValueError(
            f"dirichlet: alpha must have at least one dimension (the categories); got shape "
            f"{host.shape}"
        )
    batch = tuple(host.shape[:-1]) if shape is None else as_shape(shape)
    if shape is not None:
        broadcast_to_shape(
            "dirichlet alpha (its batch shape, alpha.shape[:-1])", batch, tuple(host.shape[:-1])
        )
    full = (*batch, host.shape[-1])
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if target.is_traced(data):
        raise TypeError(
            "dirichlet: the portable engine's rejection loops run eagerly; call it outside "
            "jax.jit (or use a native JAX key)"
        )
    if math.prod(full) == 0:
        return zeros_of(target, name, full, dev)
    hosted = host_loops(target, data, dev)  # the whole sampler on NumPy (.hosted)
    backend, kdata, kdev = (*hosted, "cpu") if hosted is not None else (target, data, dev)
    with np.errstate(all="ignore"):  # NaN and inf parameters compute as XLA does, silently
        out = dirichlet_values(backend, kdata, host, full, name, kdev)
    out = deliver_shaped(backend, name, out, full, None)
    return out if hosted is None else on_device(target, out, dev)
