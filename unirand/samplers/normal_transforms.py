"""Samplers built on normals: ``wald``, ``maxwell``, ``double_sided_maxwell``, as XLA:CPU
computes ``jax.random`` 0.10.2 (golden vectors: ``conformance/vectors/jax_transforms.v1.json``).

Where XLA contracts a multiply into an add (an FMA on the reference platform) the
specification has ``fma``; everything else is rounded once per operation, 16-bit types in
float32 rounded back after every operation.  Measured against ``jax.random`` (jax 0.10.2,
x86-64 with FMA, no AVX512-FP16), not guessed:

- ``wald``: ``sqrt(fma(4 * mean, y, mean**2 * y**2))`` and ``x = fma(-(mean / 2), sqrt_term,
  mean + mean**2 * y / 2)``.
- ``maxwell`` is ``jnp.linalg.norm`` of three normals, a reduction whose code XLA chooses by
  the draw's size: up to 4,096 normals (``3 * size <= 4096``) the normals are fused into the
  reduction and summed with FMAs (float32: ``fma(x2, x2, fma(x0, x0, x1 * x1))``, float64:
  ``fma(x2, x2, fma(x1, x1, x0 * x0))``); beyond, the normals are materialized and summed as
  ``(x0*x0 + x2*x2) + x1*x1`` without FMA.  float16 rounds each square and the float32 sum;
  bfloat16 sums exact squares in float32 and rounds, and beyond 4,096 normals keeps XLA's
  excess precision: the unrounded float32 normal ``bf16(sqrt2) * erf_inv(u)`` is squared.
  So a ``maxwell`` value depends on the size of the draw it belongs to (blocks use the whole
  draw's size).
- ``double_sided_maxwell``: ``sign * maxwell * scale + loc``, one FMA below 4,096 values
  (one fused loop), none from 4,096 on (bfloat16 there: float32 throughout, rounded once).
- ``wald`` of one value (shapes ``()``, ``(1,)``): XLA folds ``sqrt2 * sqrt2`` through
  ``v**2`` (:func:`_wald_one`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import numpy_dtype
from ..engine.normal_transform import normal_low, root2_16
from ..engine.threefry import as_indices
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_erf_inv import erf_inv_f32, erf_inv_f64
from .blocks import Block, parse_block
from .dtype_arith import DtypeArith
from .jax_native import jax_call, maxwell_regime, native_for
from .sampler import sampler
from .transform_args import (
    as_given,
    cast_param,
    counters,
    deliver,
    draw_shape,
    finish,
    float_dtype,
    on_backend,
    param_shape,
    rounder,
)
from .uniform_transforms import rademacher_values

__all__ = ["FUSED_NORMALS", "double_sided_maxwell", "maxwell", "maxwell_values", "wald"]

#: the most normals XLA:CPU fuses into ``maxwell``'s reduction (measured: 3 * 1365 fused,
#: 3 * 1366 materialized, in every dtype)
FUSED_NORMALS = 4096


#: draws of fewer values than this are one fused loop in XLA:CPU where ``maxwell`` alone is
#: not: bfloat16 ``maxwell`` still rounds its float32 sum, ``double_sided_maxwell`` contracts
#: ``sign * maxwell * scale + loc`` into an FMA (measured: 4,095 values do, 4,096 do not)
FUSED_VALUES = 4096


def _split2(backend: Backend, data: Any) -> tuple[Any, Any]:
    keys = backend.split(data, (2,))
    return keys[0, ...], keys[1, ...]


# -- wald ---------------------------------------------------------------------------------------
def wald_values(
    backend: Backend,
    data: Any,
    mean: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    c: Any = None,
    total: int | None = None,
) -> Any:
    """JAX's ``_wald``: ``k1, k2 = split(key)``, ``v = normal(k1)``, ``z = uniform(k2)``,
    ``y = v**2``, ``x = mean + mean**2 * y / 2 - mean / 2 * sqrt(4 * mean * y + mean**2 *
    y**2)``, then ``x`` where ``z <= mean / (mean + x)`` else ``mean**2 / x``; ``total``: the
    whole draw's size (default: ``shape``'s)."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    r, ops = rounder(m), m.ops
    n = math.prod(shape)
    k1, k2 = _split2(backend, data)
    z = xp.reshape(m.load(backend.uniform(k2, (n,), dtype, 0.0, 1.0, device, c)), shape)
    mean = xp.broadcast_to(mean, shape)
    half, four = m.const(0.5, z), m.const(4.0, z)
    if (n if total is None else total) == 1 and dtype != "bfloat16":  # bfloat16: measured
        return deliver(m, _wald_one(backend, m, k1, mean, z, dtype, device, c))
    v = xp.reshape(m.load(backend.normal(k1, (n,), dtype, device, c)), shape)
    if m.short:  # every operation rounded to the 16-bit type (no FMA in 16-bit)
        y = r(v * v)
        ysq, msq = r(y * y), r(mean * mean)
        root = r(ops.sqrt(r(r(r(four * mean) * y) + r(msq * ysq))))
        x = r(r(mean + r(r(msq * y) * half)) - r(r(mean * half) * root))
    else:
        y = ops.mul(v, v)
        ysq, msq = ops.mul(y, y), ops.mul(mean, mean)
        root = ops.sqrt(ops.fma(ops.mul(four, mean), y, ops.mul(msq, ysq)))
        x = ops.fma(-ops.mul(mean, half), root, mean + ops.mul(ops.mul(msq, y), half))
    accept = z <= r(mean / r(mean + x))
    return deliver(m, xp.where(accept, x, r(msq / x)))


def _wald_one(
    backend: Backend, m: DtypeArith, k1: Any, mean: Any, z: Any, dtype: str, device: Any, c: Any
) -> Any:
    """``wald`` of one value: XLA's simplifier sees ``v = sqrt2 * e`` (``e = erf_inv(u)``,
    rounded to the dtype) through ``v**2`` and folds the constants, so ``y = (e*e) * c2``
    (``c2 = sqrt2 * sqrt2`` rounded), ``y**2 = (e*e)**2 * (c2 * c2)`` and ``4 * mean * y =
    (mean * e*e) * (4 * c2)`` (measured: shapes ``()`` and ``(1,)``; larger draws, and
    bfloat16, keep the normal)."""
    xp, ops, r = backend.xp, m.ops, rounder(m)
    shape = tuple(z.shape)
    u = backend.uniform(k1, (math.prod(shape),), dtype, normal_low(dtype), 1.0, device, c)
    u = xp.reshape(m.load(u), shape)
    e = erf_inv_f64(ops, u) if dtype == "float64" else r(erf_inv_f32(ops, u))
    npd = numpy_dtype(dtype).type
    root2 = npd(root2_16(dtype))
    c2 = npd(root2 * root2)
    c4, c8 = (float(npd(v)) for v in (c2 * c2, npd(4.0) * c2))
    ee = r(ops.mul(e, e))
    y = r(ops.mul(ee, m.const(float(c2), ee)))
    ysq = r(ops.mul(r(ops.mul(ee, ee)), m.const(c4, ee)))
    msq = r(ops.mul(mean, mean))
    half = m.const(0.5, ee)
    t = r(ops.mul(r(ops.mul(mean, ee)), m.const(c8, ee)))
    if m.short:
        root = r(ops.sqrt(r(t + r(ops.mul(msq, ysq)))))
        x = r(r(mean + r(r(msq * y) * half)) - r(r(mean * half) * root))
    else:
        root = ops.sqrt(ops.fma(ops.mul(mean, ee), m.const(c8, ee), ops.mul(msq, ysq)))
        x = ops.fma(-ops.mul(mean, half), root, mean + ops.mul(ops.mul(msq, y), half))
    return xp.where(z <= r(mean / r(mean + x)), x, r(msq / x))


@sampler
def wald(
    key: PortableKey,
    mean: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Wald (inverse Gaussian) values of ``mean``: ``jax.random.wald`` as XLA:CPU computes it.

    ``mean``: a number or an array (cast to ``dtype``; an array's dtype must cast safely);
    ``shape`` defaults to its shape.  ``index``/``offset``: one block of the draw."""
    single(key, "wald")
    name = float_dtype(dtype)
    host = cast_param(mean, name, "wald", "mean")
    shape = param_shape("wald", shape, {"mean": host})
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    jb = native_for(target, dev, "wald", name, shape, counters(block))
    if jb is not None:
        mean_given = as_given(target, host, name, dev)
        return jax_call(jb, target, data, dev, "wald", mean_given, shape, target.dtype(name))
    mu = on_backend(target, host, block, dev)
    work, total = draw_shape(shape, block), math.prod(shape)
    out = wald_values(target, data, mu, work, name, dev, counters(block), total)
    return finish(target, out, shape, block)


# -- maxwell ------------------------------------------------------------------------------------
def _normal_counters(c: Any) -> np.ndarray:
    """Counters of the three normals of each value: ``3 * c + (0, 1, 2)``."""
    idx = as_indices(c).astype(np.int64)
    return (idx[:, None] * np.int64(3) + np.arange(3, dtype=np.int64)).reshape(-1)


def maxwell_values(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    c: Any = None,
    total: int | None = None,
    excess: bool = False,
) -> Any:
    """``norm(normal(key, (*shape, 3)), axis=-1)``, summed as XLA sums it for a draw of
    ``total`` values (default: ``shape``'s size); ``c``: a block's counters.  ``excess``:
    where XLA keeps bfloat16's excess precision (:data:`FUSED_VALUES` values or more), the
    float32 root itself, unrounded (``double_sided_maxwell`` computes on with it)."""
    xp = backend.xp
    n = math.prod(shape)
    total = n if total is None else total
    fused = 3 * total <= FUSED_NORMALS
    c3 = None if c is None else _normal_counters(c)
    m = DtypeArith(backend, dtype)
    r, ops = rounder(m), m.ops
    if dtype == "bfloat16" and not fused:
        u = xp.astype(
            backend.uniform(data, (3 * n,), dtype, normal_low(dtype), 1.0, device, c3), xp.float32
        )
        x = ops.mul(ops.const(root2_16(dtype), u), erf_inv_f32(ops, u))
    else:
        x = m.load(backend.normal(data, (3 * n,), dtype, device, c3))
    x = xp.reshape(x, (n, 3))
    x0, x1, x2 = x[:, 0], x[:, 1], x[:, 2]
    if dtype == "float16":
        s = r((r(x0 * x0) + r(x1 * x1)) + r(x2 * x2))
    elif dtype == "bfloat16" and fused:  # squares of 8-bit significands: exact in float32
        s = r((x1 * x1 + x0 * x0) + x2 * x2)
    elif not fused:
        s = (ops.mul(x0, x0) + ops.mul(x2, x2)) + ops.mul(x1, x1)
        if dtype == "bfloat16" and total < FUSED_VALUES:
            s = r(s)
    elif dtype == "float32":
        s = ops.fma(x2, x2, ops.fma(x0, x0, ops.mul(x1, x1)))
    else:
        s = ops.fma(x2, x2, ops.fma(x1, x1, ops.mul(x0, x0)))
    if excess and dtype == "bfloat16" and total >= FUSED_VALUES:
        return xp.reshape(ops.sqrt(s), shape)
    return xp.reshape(deliver(m, r(ops.sqrt(s))), shape)


@sampler
def maxwell(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """One-sided Maxwell values: ``jax.random.maxwell`` as XLA:CPU computes it, the norm of
    three standard normals per value (summed as XLA sums them for a draw of this size: see
    the module docstring).  ``index``/``offset``: one block of the draw."""
    single(key, "maxwell")
    shape = as_shape(shape)
    name = float_dtype(dtype)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    total = math.prod(shape)
    jb = native_for(target, dev, "maxwell", name, shape, counters(block), maxwell_regime(total))
    if jb is not None:
        return jax_call(jb, target, data, dev, "maxwell", shape, target.dtype(name))
    work = draw_shape(shape, block)
    out = maxwell_values(target, data, work, name, dev, counters(block), total)
    return finish(target, out, shape, block)


# -- double_sided_maxwell -----------------------------------------------------------------------
def double_sided_maxwell_values(
    backend: Backend,
    data: Any,
    loc: Any,
    scale: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """``rademacher(k2) * maxwell(k1) * scale + loc`` with ``k1, k2 = split(key)``; ``shape``
    the whole draw's, ``block`` the elements computed (``loc``/``scale`` are theirs)."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    k1, k2 = _split2(backend, data)
    size, c, total = draw_shape(shape, block), counters(block), math.prod(shape)
    mx = m.load(maxwell_values(backend, k1, size, dtype, device, c, total, excess=True))
    sign = m.load(rademacher_values(backend, k2, size, dtype, device, c))
    if dtype == "bfloat16" and total >= FUSED_VALUES:  # float32 throughout, rounded once
        t = m.ops.mul(sign * mx, xp.broadcast_to(scale, mx.shape)) + loc
        return deliver(m, r(t))
    if not m.short and math.prod(shape) < FUSED_VALUES:  # one fused loop: XLA contracts
        a, b, c = sign * mx, xp.broadcast_to(scale, mx.shape), xp.broadcast_to(loc, mx.shape)
        plain = m.ops.mul(a, b) + c
        # the emulated FMA is exact for finite values; a hardware FMA of infinities is the
        # plain result (inf or NaN)
        return deliver(m, xp.where(xp.isfinite(plain), m.ops.fma(a, b, c), plain))
    t = rounder(m)(m.ops.mul(rounder(m)(sign * mx), scale))
    return deliver(m, rounder(m)(t + loc))


@sampler
def double_sided_maxwell(
    key: PortableKey,
    loc: Any,
    scale: Any,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Double-sided Maxwell values: ``jax.random.double_sided_maxwell`` as XLA:CPU computes it,
    ``sign * maxwell * scale + loc``.

    As in JAX the result has shape ``shape + broadcast(loc, scale).shape``, and an empty
    ``shape`` counts as the parameters' shape (so array parameters of shape ``(3,)`` with the
    default ``shape=()`` give ``(3, 3)``).  ``loc``/``scale``: numbers or arrays, cast to
    ``dtype`` (an array's dtype must cast safely: JAX would promote the result's dtype).
    ``index``/``offset``: one block of the draw."""
    single(key, "double_sided_maxwell")
    name = float_dtype(dtype)
    hosts = {
        "loc": cast_param(loc, name, "double_sided_maxwell", "loc"),
        "scale": cast_param(scale, name, "double_sided_maxwell", "scale"),
    }
    params = param_shape("double_sided_maxwell", None, hosts)
    given_shape = as_shape(shape)
    shape = (*(given_shape or params), *params)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    regime = maxwell_regime(math.prod(shape))
    jb = native_for(target, dev, "double_sided_maxwell", name, shape, counters(block), regime)
    if jb is not None:
        lg, sg = (as_given(target, hosts[a], name, dev) for a in ("loc", "scale"))
        args = (lg, sg, given_shape, target.dtype(name))
        return jax_call(jb, target, data, dev, "double_sided_maxwell", *args)
    lo, sc = (on_backend(target, hosts[a], block, dev) for a in ("loc", "scale"))
    out = double_sided_maxwell_values(target, data, lo, sc, shape, name, dev, block)
    return finish(target, out, shape, block)
