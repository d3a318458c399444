"""``generalized_normal`` and ``ball``: ``jax.random.generalized_normal``/``ball`` (jax 0.10.2)
as XLA:CPU computes them (golden vectors: ``conformance/vectors/jax_generalized_normal.v1.json``).

JAX's ``_generalized_normal`` is jitted with ``p`` traced: a Python number is a weakly typed
float64 scalar under x64 (an int is int64, converted to float64 by the division), so
``1/p`` is computed once in float64 and converted to the dtype (16-bit types through float32,
as LLVM's ``fptrunc`` does); the same value is gamma's shape parameter and the exponent.
``keys = split(key)``, ``g = gamma(keys[0], 1/p, shape)``, ``r = rademacher(keys[1], shape)``
and the value is ``r * pow(g, 1/p)``: XLA:CPU's ``pow`` is the C library's (16-bit types in
float32, rounded), ``r`` is exactly +-1.  Element ``i`` depends on the key, ``i`` and ``p``
only, so ``index``/``offset`` give exact blocks.

``ball`` (``_ball``, ``p`` traced again, ``d`` static): ``k1, k2 = split(key)``,
``g = generalized_normal(k1, p, (*shape, d))``, ``e = exponential(k2, shape)`` and
``g / (sum(|g| ** p, -1) + e) ** (1/p)``.  Measured in the optimized HLO (x86-64, no
AVX512-FP16):

- ``|g| ** p`` is ``lax.pow`` with the exponent converted to the dtype, an int ``p`` as a
  float ``p``: jnp's ``integer_pow`` is only for concrete exponents;
- the sum over the minor axis of size ``d`` (float32 for the 16-bit types, their rounded
  powers; bfloat16 keeps pow's float32 result) depends on the draw's size, as ``maxwell``'s
  norm: below 4,096 powers it is fused and summed in order; from 4,096 on it is a vectorized
  loop, 16 float32 (8 float64) lanes summed by halving (:func:`_row_sum`);
- ``d = 1`` has no reduction and keeps the divide ``g / pow(s, 1/p)``;
- float16, float32 and float64: the simplifier rewrites ``g / pow(s, c)`` as
  ``g * pow(s, -c)``; bfloat16 (normalized to float32 first) keeps ``g * (1 / pow(s, c))``,
  the reciprocal and the product in float32, rounded once.

``ball`` has no blocks: each value depends on its whole row.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.native.methods_generalized_normal import check_d, check_p
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_libm import c_pow
from .blocks import Block, parse_block
from .dtype_arith import DtypeArith
from .exponential import exponential_values
from .gamma import gamma_values as _gamma_values, host_alpha
from .hosted import host_loops, on_device
from .sampler import sampler
from .uniform_transforms import rademacher_values

__all__ = [
    "ball",
    "ball_values",
    "check_d",
    "check_p",
    "generalized_normal",
    "generalized_normal_values",
]


def _inverse(p: float | int, dtype: str) -> np.ndarray:
    """``1/p`` in float64 (``p`` weakly typed: float64 under x64), converted to ``dtype``."""
    with np.errstate(all="ignore"):
        inv = np.float64(1.0) / np.float64(p)
    return host_alpha(inv, dtype)


def _split2(backend: Backend, data: Any) -> tuple[Any, Any]:
    keys = backend.split(data, (2,))
    return keys[0, ...], keys[1, ...]


def _carried(m: DtypeArith, host: np.ndarray, like: Any) -> Any:
    """A host scalar of the dtype's values as a carry-dtype constant like ``like``."""
    return m.const(float(np.asarray(host).astype(np.float64)), like)


def generalized_normal_values(
    backend: Backend,
    data: Any,
    p: float | int,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """``r * pow(gamma(k0, 1/p), 1/p)`` of shape ``shape`` (a block's elements when ``block``
    is given), in the carry dtype of :class:`DtypeArith` (flat)."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    k0, k1 = _split2(backend, data)
    inv = _inverse(p, dtype)
    g = _gamma_values(backend, k0, inv, shape, dtype, False, device, block)
    n = math.prod(shape if block is None else block.full)
    if n == 0:
        return m.load(xp.reshape(g, (0,)))
    g = m.load(xp.reshape(g, (n,)))
    c = None if block is None else block.counters
    r = m.load(rademacher_values(backend, k1, (n,), dtype, device, c))
    return m.round(r * m.pow(g, _carried(m, inv, g)))


def ball_values(
    backend: Backend,
    data: Any,
    d: int,
    p: float | int,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
) -> Any:
    """``g / (sum(|g| ** p, -1) + e) ** (1/p)`` as XLA:CPU computes it (module docstring), in
    ``dtype``, of shape ``(*shape, d)``."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    k1, k2 = _split2(backend, data)
    g = generalized_normal_values(backend, k1, p, (*shape, d), dtype, device)
    e = m.load(xp.reshape(exponential_values(backend, k2, (n,), dtype, device), (n,)))
    if n == 0 or d == 0:
        return xp.reshape(m.out(g), (*shape, d))
    g = xp.reshape(g, (n, d))
    power = _carried(m, host_alpha(p, dtype), g)
    inv = _carried(m, _inverse(p, dtype), e)
    # bfloat16 keeps pow's float32 result in the sum (XLA's excess precision)
    a = m.host(c_pow, xp.abs(g), power) if dtype == "bfloat16" else m.pow(xp.abs(g), power)
    s = _row_sum(m, a, d, n * d)
    t = m.round(m.round(s) + e)
    if d == 1:  # no reduction: the simplifier keeps the divide
        return xp.reshape(m.out(m.round(g / m.pow(t, inv)[:, None])), (*shape, d))
    if dtype == "bfloat16":  # float32 throughout from the reciprocal on, rounded once
        q = m.const(1.0, t) / m.pow(t, inv)
    else:
        q = m.pow(t, -inv)
    return xp.reshape(m.out(m.round(g * q[:, None])), (*shape, d))


#: the most ``|g| ** p`` values XLA:CPU fuses into ``ball``'s reduction (summed in order);
#: beyond, the reduction is its own vectorized loop
FUSED_VALUES = 4096


def _row_sum(m: DtypeArith, a: Any, d: int, total: int) -> Any:
    """``a.sum(-1)`` (``a``: ``(n, d)``, float32 or float64) in XLA:CPU's order: in order from
    ``+0`` when fused (fewer than :data:`FUSED_VALUES` values); else into the lanes of a
    64-byte vector (``lane = j % L``, ``L`` = 16 float32 or 8 float64, unused lanes ``+0``)
    and the lanes summed by halving (``lane i + lane i + L/2``), as measured (d = 5 to 40)."""
    zero = m.ops.const(0.0, a[:, 0])
    if total < FUSED_VALUES:
        s = a[:, 0] + zero
        for j in range(1, d):
            s = s + a[:, j]
        return s
    lanes = 8 if m.wide else 16
    acc = [a[:, j] if j < d else zero for j in range(lanes)]
    for j in range(lanes, d):
        acc[j % lanes] = acc[j % lanes] + a[:, j]
    while len(acc) > 1:
        half = len(acc) // 2
        acc = [acc[i] + acc[i + half] for i in range(half)]
    return acc[0]


@sampler
def generalized_normal(
    key: PortableKey,
    p: Any,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Generalized normal values, density proportional to ``exp(-|x|**p)``:
    ``jax.random.generalized_normal`` as XLA:CPU computes it, ``sign * gamma(1/p) ** (1/p)``.

    ``p``: a real number (JAX traces it: a weakly typed float64 under x64, so ``1/p`` is
    rounded once, in float64, then converted to ``dtype``).  Element ``i`` depends only on the
    key, ``i`` and ``p``: ``index``/``offset`` give exact blocks of the draw (as
    :func:`unirand.bits`).  Concrete inputs only (gamma's loops run on the host)."""
    single(key, "generalized_normal")
    pv = check_p(p, "generalized_normal")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    _eager(target, data, "generalized_normal")
    hosted = host_loops(target, data, dev)  # the whole sampler on NumPy (.hosted)
    backend, kdata, kdev = (*hosted, "cpu") if hosted is not None else (target, data, dev)
    out = generalized_normal_values(backend, kdata, pv, shape, name, kdev, block)
    m = DtypeArith(backend, name)
    out = backend.xp.reshape(m.out(out), shape if block is None else block.shape)
    return out if hosted is None else on_device(target, out, dev)


@sampler
def ball(
    key: PortableKey,
    d: Any,
    p: Any = 2,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Points uniform in the unit Lp ball of dimension ``d``: ``jax.random.ball`` as XLA:CPU
    computes it (Barthe et al.: generalized normals scaled by their Lp norm plus an
    exponential).  The result has shape ``(*shape, d)``.

    ``d``: a nonnegative int; ``p``: a real number (an int ``p``, the default 2, gives the
    values of the float ``p``).  No blocks: each point depends on its whole row."""
    single(key, "ball")
    dv = check_d(d)
    pv = check_p(p, "ball")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    _eager(target, data, "ball")
    hosted = host_loops(target, data, dev)  # the whole sampler on NumPy (.hosted)
    if hosted is not None:
        return on_device(target, ball_values(*hosted, dv, pv, shape, name, "cpu"), dev)
    return ball_values(target, data, dv, pv, shape, name, dev)


def _eager(target: Backend, data: Any, fn: str) -> None:
    if target.is_traced(data):
        raise TypeError(
            f"{fn}: the portable engine's gamma rejection loops run eagerly; call it outside "
            "jax.jit (or use a native JAX key)"
        )
