"""Samplers built on ``loggamma``/``gamma``: ``beta``, ``chisquare``, ``f``, ``t`` (and the
helpers of ``dirichlet``), as XLA:CPU computes ``jax.random`` 0.10.2 (golden vectors:
``conformance/vectors/jax_gamma_family.v1.json``).

Each is :func:`unirand.samplers.gamma.gamma_values` (Marsaglia-Tsang, a key per element) on
keys split as JAX splits them, then a few operations in the dtype
(:class:`~unirand.samplers.dtype_arith.DtypeArith`: 16-bit types in float32, rounded after
every operation):

- ``chisquare``: ``2 * exp(loggamma(key, df / 2))`` (``df / 2`` is ``df * 0.5``: the same).
- ``f``: ``key_dfd, key_dfn = split(key)`` and ``e_n, e_d`` the two ``exp(loggamma)``.  JAX
  writes ``(2 e_n / dfnum) / (2 e_d / dfden)``; XLA's simplifier rewrites ``A / (B / C)`` into
  ``(A * C) / B`` and hoists the scalar factors, so XLA:CPU computes
  ``(e_n * (2 dfden)) / (e_d * (2 dfnum))`` (measured; :func:`f_values`).
- ``beta``: ``key_a, key_b = split(key)``, ``la, lb`` the two ``loggamma``, ``m = max(la,
  lb)`` (NaN-propagating, as XLA's ``maximum``), ``ea / (ea + eb)`` of ``e = exp(l - m)``.
- ``t``: ``key_n, key_g = split(key)``, ``n * sqrt(half / gamma(key_g, half))`` with
  ``half = df / 2`` and ``n = normal(key_n)``.
- ``dirichlet`` (:mod:`.dirichlet`): the softmax of ``K`` loggammas, on these helpers.

``beta``, ``chisquare``, ``f`` and ``t`` are elementwise (element ``i`` depends on the key,
``i`` and its parameters only): ``index``/``offset`` give exact blocks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import numpy_dtype
from ..keys.portable import PortableKey, destination, single
from .blocks import Block, parse_block
from .dtype_arith import DtypeArith
from .gamma import _ftz, gamma_values
from .hosted import host_loops, on_device
from .sampler import sampler
from .transform_args import cast_param, deliver, float_dtype, param_shape, rounder

__all__ = [
    "beta",
    "carry_type",
    "chisquare",
    "deliver_shaped",
    "f",
    "nan_max",
    "t",
    "zeros_of",
]


# -- helpers ------------------------------------------------------------------------------------
def _split2(backend: Backend, data: Any) -> tuple[Any, Any]:
    """``jax.random.split(key)``: the two keys' data."""
    keys = backend.split(data, (2,))
    return keys[0, ...], keys[1, ...]


def carry_type(dtype: str) -> type:
    return np.float64 if dtype == "float64" else np.float32


def half_of(df: np.ndarray, dtype: str) -> np.ndarray:
    """``df / 2`` in ``dtype`` on the host (carried as float32 for 16-bit types): XLA turns
    the divide into ``df * 0.5``, the same value."""
    carry = carry_type(dtype)
    with np.errstate(all="ignore"):
        return (
            np.asarray(np.asarray(df, carry) * carry(0.5)).astype(numpy_dtype(dtype)).astype(carry)
        )


def _host_params(
    hosts: dict[str, np.ndarray], shape: tuple[int, ...], block: Block | None
) -> dict[str, np.ndarray]:
    """Every parameter broadcast to the draw (or taken for the block), flat, C order."""
    out = {}
    for name, h in hosts.items():
        full = np.broadcast_to(h, shape) if block is None else block.take(h)
        out[name] = np.ascontiguousarray(full).reshape(-1)
    return out


def _flat(backend: Backend, m: DtypeArith, x: Any) -> Any:
    return m.load(backend.xp.reshape(x, (-1,)))


def _dev(backend: Backend, m: DtypeArith, host: np.ndarray, device: Any) -> Any:
    return backend.from_numpy(np.ascontiguousarray(host.astype(carry_type(m.dtype))), device)


def nan_max(m: DtypeArith, a: Any, b: Any) -> Any:
    """XLA's ``maximum``: a NaN operand (the first one) wins."""
    xp = m.xp
    return xp.where(xp.isnan(a), a, xp.where(xp.isnan(b), b, xp.maximum(a, b)))


def _exp_log_gamma(
    backend: Backend,
    m: DtypeArith,
    data: Any,
    alpha: np.ndarray,
    shape: tuple[int, ...],
    device: Any,
    block: Block | None,
) -> Any:
    """``exp(loggamma(key, alpha, shape))`` flat, in the carry dtype."""
    lg = gamma_values(backend, data, alpha, shape, m.dtype, True, device, block)
    return m.exp(_flat(backend, m, lg))


# -- the values ---------------------------------------------------------------------------------
def chisquare_values(
    backend: Backend,
    data: Any,
    df: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """JAX's ``_chisquare``: ``exp(loggamma(key, df / 2)) * 2`` (flat, carried)."""
    m = DtypeArith(backend, dtype)
    e = _exp_log_gamma(backend, m, data, half_of(df, dtype), shape, device, block)
    return rounder(m)(e * m.const(2.0, e))


def f_values(
    backend: Backend,
    data: Any,
    dfnum: np.ndarray,
    dfden: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """JAX's ``_f`` as XLA rewrites it: ``(e_n * (2 dfden)) / (e_d * (2 dfnum))`` (flat);
    bfloat16 keeps ``((2 e_n) / dfnum) / ((2 e_d) / dfden)`` (measured)."""
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    key_dfd, key_dfn = _split2(backend, data)
    p = _host_params({"n": dfnum, "d": dfden}, shape, block)
    en = _exp_log_gamma(backend, m, key_dfn, half_of(dfnum, dtype), shape, device, block)
    ed = _exp_log_gamma(backend, m, key_dfd, half_of(dfden, dtype), shape, device, block)
    two = m.const(2.0, en)
    nn, dd = (_dev(backend, m, p[k], device) for k in ("n", "d"))
    if dtype == "bfloat16":  # measured: bfloat16 keeps JAX's order (no rewrite)
        return r(r(r(en * two) / nn) / r(r(ed * two) / dd))
    return r(r(en * r(dd * two)) / r(ed * r(nn * two)))


def beta_values(
    backend: Backend,
    data: Any,
    a: np.ndarray,
    b: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """JAX's ``_beta``: the ratio of two gammas through their logarithms (flat)."""
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    key_a, key_b = _split2(backend, data)
    la = _flat(backend, m, gamma_values(backend, key_a, a, shape, dtype, True, device, block))
    lb = _flat(backend, m, gamma_values(backend, key_b, b, shape, dtype, True, device, block))
    top = nan_max(m, la, lb)
    ea, eb = m.exp(r(la - top)), m.exp(r(lb - top))
    return r(_ftz(m, ea / r(ea + eb)))


def t_values(
    backend: Backend,
    data: Any,
    df: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    block: Block | None = None,
) -> Any:
    """JAX's ``_t``: ``normal(key_n) * sqrt(half / gamma(key_g, half))`` (flat)."""
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    key_n, key_g = _split2(backend, data)
    half = half_of(df, dtype)
    n = math.prod(shape) if block is None else block.size
    c = None if block is None else block.counters
    z = m.load(backend.normal(key_n, (n,), dtype, device, c))
    g = _flat(backend, m, gamma_values(backend, key_g, half, shape, dtype, False, device, block))
    h = _dev(backend, m, _host_params({"h": half}, shape, block)["h"], device)
    return r(z * r(m.ops.sqrt(r(h / g))))


# -- arguments ----------------------------------------------------------------------------------
def _prepare(
    fn: str,
    key: PortableKey,
    params: dict[str, Any],
    shape: Any,
    dtype: Any,
    xp: Any,
    device: Any,
    index: Any,
    offset: Any,
) -> tuple[Backend, Any, Any, str, tuple[int, ...], Block | None, dict[str, np.ndarray]]:
    single(key, fn)
    name = float_dtype(dtype)
    hosts = {k: cast_param(v, name, fn, k) for k, v in params.items()}
    out_shape = param_shape(fn, shape, hosts)
    block = parse_block(index, offset, out_shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if target.is_traced(data):
        raise TypeError(
            f"{fn}: the portable engine's rejection loops run eagerly; call it outside jax.jit "
            "(or use a native JAX key)"
        )
    return target, dev, data, name, out_shape, block, hosts


def deliver_shaped(
    backend: Backend, m_dtype: str, out: Any, shape: tuple[int, ...], block: Block | None
) -> Any:
    m = DtypeArith(backend, m_dtype)
    return backend.xp.reshape(deliver(m, out), shape if block is None else block.shape)


def _empty(shape: tuple[int, ...], block: Block | None) -> bool:
    return math.prod(shape if block is None else block.shape) == 0


def zeros_of(backend: Backend, dtype: str, shape: tuple[int, ...], device: Any) -> Any:
    m = DtypeArith(backend, dtype)
    return backend.xp.reshape(m.out(backend.from_numpy(np.zeros(0, np.float32), device)), shape)


def _draw(
    backend: Backend,
    data: Any,
    dtype: str,
    shape: tuple[int, ...],
    block: Block | None,
    device: Any,
    values: Callable[[Backend, Any, Any], Any],
) -> Any:
    """The draw (or block) of ``values(backend, data, device)``: zeros of the shape when
    empty, else the values computed silently (NaN and inf parameters compute as XLA does), in
    the dtype and shape.  Where :func:`.hosted.host_loops` says so (JAX, torch CPU) the whole
    sampler runs on NumPy, not only its gamma loops, and the result is handed over."""
    if _empty(shape, block):
        return zeros_of(backend, dtype, shape if block is None else block.shape, device)
    hosted = host_loops(backend, data, device)
    if hosted is not None:
        host = _draw(*hosted, dtype, shape, block, "cpu", values)
        return on_device(backend, host, device)
    with np.errstate(all="ignore"):
        out = values(backend, data, device)
    return deliver_shaped(backend, dtype, out, shape, block)


@sampler
def beta(
    key: PortableKey,
    a: Any,
    b: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Beta(``a``, ``b``) values: ``jax.random.beta`` as XLA:CPU computes it (the ratio of two
    gammas through their logarithms, see the module docstring).

    ``a``, ``b``: numbers or arrays (cast to ``dtype``; an array's dtype must cast safely)
    broadcasting to ``shape`` (default: their broadcast shape).  ``index``/``offset``: one
    block of the draw.  Concrete inputs only (the gamma loops run on the host)."""
    target, dev, data, name, shape, block, h = _prepare(
        "beta", key, {"a": a, "b": b}, shape, dtype, xp, device, index, offset
    )
    return _draw(
        target,
        data,
        name,
        shape,
        block,
        dev,
        lambda bk, kd, dv: beta_values(bk, kd, h["a"], h["b"], shape, name, dv, block),
    )


@sampler
def chisquare(
    key: PortableKey,
    df: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Chi-square values with ``df`` degrees of freedom: ``jax.random.chisquare`` as XLA:CPU
    computes it, ``2 * exp(loggamma(df / 2))``.  ``df``: a number or an array broadcasting to
    ``shape`` (default: its shape).  ``index``/``offset``: one block of the draw."""
    target, dev, data, name, shape, block, h = _prepare(
        "chisquare", key, {"df": df}, shape, dtype, xp, device, index, offset
    )
    return _draw(
        target,
        data,
        name,
        shape,
        block,
        dev,
        lambda bk, kd, dv: chisquare_values(bk, kd, h["df"], shape, name, dv, block),
    )


@sampler
def f(
    key: PortableKey,
    dfnum: Any,
    dfden: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """F-distribution values: ``jax.random.f`` as XLA:CPU computes it (two chi-squares, the
    quotient as XLA rewrites it: module docstring).  ``dfnum``, ``dfden``: numbers or arrays
    broadcasting to ``shape``.  ``index``/``offset``: one block of the draw."""
    target, dev, data, name, shape, block, h = _prepare(
        "f", key, {"dfnum": dfnum, "dfden": dfden}, shape, dtype, xp, device, index, offset
    )
    for argument in ("dfnum", "dfden"):
        given = tuple(h[argument].shape)
        if given and given != shape:  # JAX's lax.div does not broadcast
            raise ValueError(
                f"f: {argument} of shape {given} must be a number (or 0-d) or have the draw's "
                f"shape {shape}: jax.random.f divides by it without broadcasting"
            )
    return _draw(
        target,
        data,
        name,
        shape,
        block,
        dev,
        lambda bk, kd, dv: f_values(bk, kd, h["dfnum"], h["dfden"], shape, name, dv, block),
    )


@sampler
def t(
    key: PortableKey,
    df: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Student's t values with ``df`` degrees of freedom: ``jax.random.t`` as XLA:CPU computes
    it, ``normal * sqrt((df / 2) / gamma(df / 2))``.  ``df``: a number or an array
    broadcasting to ``shape``.  ``index``/``offset``: one block of the draw."""
    target, dev, data, name, shape, block, h = _prepare(
        "t", key, {"df": df}, shape, dtype, xp, device, index, offset
    )
    return _draw(
        target,
        data,
        name,
        shape,
        block,
        dev,
        lambda bk, kd, dv: t_values(bk, kd, h["df"], shape, name, dv, block),
    )
