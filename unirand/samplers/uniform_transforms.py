"""Samplers that transform one uniform per value: ``jax.random`` 0.10.2 bit for bit.

``rademacher``, ``laplace``, ``logistic``, ``rayleigh``, ``geometric`` and ``triangular``, each
read from ``jax/_src/random/core.py`` (jax 0.10.2) and checked against the golden vectors
(``conformance/vectors/jax_transforms.v1.json``), operation by operation as XLA:CPU rounds
them: 16-bit values are computed in float32 and rounded after every operation, ``log`` and
``log1p`` are XLA's (:class:`.dtype_arith.DtypeArith`), ``sqrt`` is correctly rounded.  None of
these transforms has a multiply feeding an add, so XLA's FMA contraction does not enter; where
XLA's simplifier rewrites an operation (``geometric``'s division by a broadcast), the rewrite
is what is computed.  Float parameters are cast to ``dtype`` as JAX casts them
(:func:`.transform_args.cast_param`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..engine.normal_transform import normal_low
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, float_array
from .blocks import parse_block
from .dtype_arith import DtypeArith
from .gumbel import TINY
from .jax_native import jax_call, native_for
from .randint import INT_DTYPES, int_dtype
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
    uniform_in,
)

__all__ = [
    "geometric",
    "laplace",
    "logistic",
    "rademacher",
    "rademacher_values",
    "rayleigh",
    "triangular",
]


# -- rademacher -----------------------------------------------------------------------------
def rademacher_values(
    backend: Backend, data: Any, shape: tuple[int, ...], dtype: str, device: Any, c: Any = None
) -> Any:
    """``2 * bernoulli(key, 0.5, shape) - 1`` in ``dtype``.

    JAX's ``p=0.5`` is a Python float, float64 under x64 (the specification's mode): the
    uniform is ``(64-bit word >> 12) * 2**-52``, below 0.5 exactly when the top bit of the
    first hash word is 0, so the sign is that bit and no float is needed on any library.
    """
    xp = backend.xp
    n = math.prod(shape)
    w, b1, _ = backend.raw_words(data, n, device, c)
    i32 = int_dtype(backend, "int32")
    one = xp.asarray(1, dtype=i32, device=device)
    minus = xp.asarray(-1, dtype=i32, device=device)
    sign = xp.where(b1 >= w.const(1 << 31), minus, one)
    return xp.reshape(xp.astype(sign, int_or_float(backend, dtype)), shape)


@sampler
def rademacher(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "int32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Values -1 or +1 with probability 1/2 each: ``jax.random.rademacher`` bit for bit (as
    with ``jax_enable_x64``, where its ``bernoulli(p=0.5)`` draws float64 uniforms).

    ``dtype``: an integer dtype (unsigned ones wrap -1, as JAX) or a float dtype; the default
    is int32 (JAX's default int: int64 under x64).  ``index``/``offset``: one block of the
    draw (as :func:`unirand.bits`)."""
    single(key, "rademacher")
    shape = as_shape(shape)
    name = canonical(dtype, (*INT_DTYPES, *FLOAT_DTYPES))
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    jb = native_for(target, dev, "rademacher", name, shape, counters(block))
    if jb is not None:
        return jax_call(jb, target, data, dev, "rademacher", shape, int_or_float(target, name))
    out = rademacher_values(target, data, draw_shape(shape, block), name, dev, counters(block))
    return finish(target, out, shape, block)


# -- laplace, logistic --------------------------------------------------------------------------
def laplace_values(
    backend: Backend, data: Any, shape: tuple[int, ...], dtype: str, device: Any, c: Any = None
) -> Any:
    """``sign(u) * log1p(-|u|)``, ``u = uniform(key, shape, dtype, -1 + epsneg, 1)`` (the
    uniform of ``normal``: its range rounds to 2, so the map is exact)."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    u = uniform_in(backend, m, data, shape, device, c, normal_low(dtype), 1.0)
    return deliver(m, xp.sign(u) * m.log1p(-xp.abs(u)))


@sampler
def laplace(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard Laplace values: ``jax.random.laplace`` bit for bit, ``sign(u) * log1p(-|u|)``
    with ``u`` uniform in ``[-1 + epsneg, 1)``.  ``index``/``offset``: one block of the draw."""
    single(key, "laplace")
    shape = as_shape(shape)
    name = float_dtype(dtype)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    jb = native_for(target, dev, "laplace", name, shape, counters(block))
    if jb is not None:
        return jax_call(jb, target, data, dev, "laplace", shape, target.dtype(name))
    out = laplace_values(target, data, draw_shape(shape, block), name, dev, counters(block))
    return finish(target, out, shape, block)


def logistic_values(
    backend: Backend, data: Any, shape: tuple[int, ...], dtype: str, device: Any, c: Any = None
) -> Any:
    """``log(x) - log1p(-x)``, ``x = uniform(key, shape, dtype, tiny, 1)``.  XLA folds the
    uniform's ``(bitcast - 1) + tiny`` into ``bitcast + (-1 + tiny)`` = ``bitcast - 1`` (as in
    ``gumbel``), so ``x = max(tiny, f)``: for float16 that differs from ``f + tiny``."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    f = uniform_in(backend, m, data, shape, device, c)
    x = xp.maximum(f, m.const(TINY[dtype], f))
    return deliver(m, rounder(m)(m.log(x) - m.log1p(-x)))


@sampler
def logistic(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard logistic values: ``jax.random.logistic`` bit for bit, ``log(x) - log1p(-x)``
    with ``x`` uniform in ``[tiny, 1)``.  ``index``/``offset``: one block of the draw."""
    single(key, "logistic")
    shape = as_shape(shape)
    name = float_dtype(dtype)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    jb = native_for(target, dev, "logistic", name, shape, counters(block))
    if jb is not None:
        return jax_call(jb, target, data, dev, "logistic", shape, target.dtype(name))
    out = logistic_values(target, data, draw_shape(shape, block), name, dev, counters(block))
    return finish(target, out, shape, block)


# -- rayleigh -------------------------------------------------------------------------------------
def rayleigh_values(
    backend: Backend,
    data: Any,
    scale: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    c: Any = None,
) -> Any:
    """``scale * sqrt(log(u) * -2)``, ``u = uniform(key, shape, dtype)``; ``scale`` in the
    carry, broadcastable to ``shape``."""
    m = DtypeArith(backend, dtype)
    u = uniform_in(backend, m, data, shape, device, c)
    t = rounder(m)(m.log(u) * m.const(-2.0, u))
    s = rounder(m)(m.ops.sqrt(t))
    return deliver(m, rounder(m)(scale * s))


@sampler
def rayleigh(
    key: PortableKey,
    scale: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Rayleigh values of ``scale``: ``jax.random.rayleigh`` bit for bit,
    ``scale * sqrt(-2 * log(u))``.

    ``scale``: a number or an array (cast to ``dtype``; an array's dtype must cast safely);
    ``shape`` defaults to its shape.  ``index``/``offset``: one block of the draw."""
    single(key, "rayleigh")
    name = float_dtype(dtype)
    host = cast_param(scale, name, "rayleigh", "scale")
    shape = param_shape("rayleigh", shape, {"scale": host})
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    jb = native_for(target, dev, "rayleigh", name, shape, counters(block))
    if jb is not None:
        scale_given = as_given(target, host, name, dev)
        return jax_call(jb, target, data, dev, "rayleigh", scale_given, shape, target.dtype(name))
    s = on_backend(target, host, block, dev)
    out = rayleigh_values(target, data, s, draw_shape(shape, block), name, dev, counters(block))
    return finish(target, out, shape, block)


# -- geometric ----------------------------------------------------------------------------------
def geometric_values(
    backend: Backend,
    data: Any,
    p: Any,
    shape: tuple[int, ...],
    pdtype: str,
    dtype: str,
    device: Any,
    c: Any = None,
    broadcast: bool = False,
) -> Any:
    """``floor(log(u) / log1p(-p)) + 1`` in ``p``'s dtype, ``u = uniform(key, shape,
    p.dtype)`` with 0 mapped to 1, converted to the integer ``dtype`` as XLA converts
    (saturating: NaN is 0, values past the range its ends).

    ``broadcast``: ``p``'s shape is not the draw's, so JAX's ``broadcast_to(log1p(-p))`` is a
    real broadcast, and XLA's simplifier turns the division by it into a multiply by its
    reciprocal (``A / broadcast(B)`` is ``A * broadcast(1 / B)``; measured on float16 and
    bfloat16, where it changes values)."""
    xp = backend.xp
    m = DtypeArith(backend, pdtype)
    u = uniform_in(backend, m, data, shape, device, c)
    one = m.const(1.0, u)
    u = xp.where(u == m.const(0.0, u), one, u)
    lp = xp.broadcast_to(m.log1p(-m.load(p)), shape)  # 1-d: the float operations need it
    if broadcast:  # bfloat16 keeps the float32 reciprocal (XLA's excess precision)
        inverse = one / lp
        q = rounder(m)(m.log(u) * (inverse if pdtype == "bfloat16" else rounder(m)(inverse)))
    else:
        q = rounder(m)(m.log(u) / lp)
    return to_int(backend, rounder(m)(xp.floor(q) + one), dtype, device)


def int_or_float(backend: Backend, dtype: str) -> Any:
    """The library's dtype object of an integer or float dtype name."""
    return backend.dtype(dtype) if dtype in FLOAT_DTYPES else int_dtype(backend, dtype)


def to_int(backend: Backend, g: Any, dtype: str, device: Any) -> Any:
    """Float ``g`` (integral, infinite or NaN) as the integer ``dtype``, saturating."""
    xp = backend.xp
    info = np.iinfo(dtype)
    target = int_dtype(backend, dtype)
    lo, hi = float(info.min), float(info.max) + 1.0  # both powers of two (or 0): exact
    nan = xp.isnan(g)
    over, under = g >= m_const(g, hi, backend), g < m_const(g, lo, backend)
    safe = xp.where(nan | over | under, xp.zeros_like(g), g)
    out = xp.astype(safe, target)
    top = xp.asarray(_wrap(info.max, dtype), dtype=target, device=device)
    bottom = xp.asarray(_wrap(info.min, dtype), dtype=target, device=device)
    return xp.where(over, top, xp.where(under, bottom, out))


def m_const(like: Any, value: float, backend: Backend) -> Any:
    return backend.xp.asarray(value, dtype=like.dtype, device=backend.device_of(like))


def _wrap(value: int, dtype: str) -> int:
    """An integer constant as the backend's dtype takes it: PyTorch has no uint64 values past
    int64, so uint64's maximum is written as its int64 bit pattern -1 there."""
    return value if dtype != "uint64" else value - (1 << 64) if value >= 1 << 63 else value


@sampler
def geometric(
    key: PortableKey,
    p: Any,
    shape: Any = None,
    dtype: Any = "int32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Geometric values (trials to the first success, from 1): ``jax.random.geometric`` bit
    for bit, ``floor(log(u) / log1p(-p)) + 1`` computed in ``p``'s dtype.

    ``p``: a float or float array (Python floats are float32, as ``bernoulli``'s ``p``);
    ``shape`` defaults to its shape; ``dtype``: the integer result dtype (default int32; JAX's
    default int is int64 under x64).  ``index``/``offset``: one block of the draw."""
    single(key, "geometric")
    out_name = canonical(dtype, INT_DTYPES)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = destination(key, xp, device)
    parr, pname = float_array(p, target, dev, "p")
    if shape is None:
        shape = tuple(parr.shape)
    else:
        broadcast_to_shape("geometric p", shape, tuple(parr.shape))
    int_dtype(target, out_name)
    block = parse_block(index, offset, shape)
    jb = native_for(target, dev, "geometric", pname, shape, counters(block))
    if jb is not None:  # p's dtype is the computation's
        return jax_call(jb, target, data, dev, "geometric", parr, shape, target.dtype(out_name))
    spread = tuple(parr.shape) != shape
    if block is not None and len(parr.shape):
        parr = block.take_on(target, parr, dev)
    work = draw_shape(shape, block)
    if len(parr.shape) == 0:
        parr = target.xp.reshape(parr, (1,))
    out = geometric_values(target, data, parr, work, pname, out_name, dev, counters(block), spread)
    return finish(target, out, shape, block)


# -- triangular ---------------------------------------------------------------------------------
def triangular_values(
    backend: Backend,
    data: Any,
    left: Any,
    mode: Any,
    right: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    c: Any = None,
) -> Any:
    """JAX's inverse CDF: ``fc = (mode - left) / (right - left)``; ``left + sqrt(u * (right -
    left) * (mode - left))`` where ``u < fc``, else ``right - sqrt((1 - u) * (right - left) *
    (right - mode))``; every operation rounded in ``dtype``."""
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    r = rounder(m)
    u = uniform_in(backend, m, data, shape, device, c)
    width, rise, fall = r(right - left), r(mode - left), r(right - mode)
    fc = r(rise / width)
    low = r(left + r(m.ops.sqrt(r(r(u * width) * rise))))
    high = r(right - r(m.ops.sqrt(r(r(r(m.const(1.0, u) - u) * width) * fall))))
    return deliver(m, xp.where(u < fc, low, high))


@sampler
def triangular(
    key: PortableKey,
    left: Any,
    mode: Any,
    right: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Triangular values on ``[left, right]`` peaking at ``mode``: ``jax.random.triangular``
    bit for bit (its inverse CDF).

    ``left``/``mode``/``right``: numbers or arrays, cast to ``dtype`` (an array's dtype must
    cast safely); ``shape`` defaults to their broadcast shape.  Like JAX, unirand does not
    check ``left <= mode <= right``: outside it the values are NaN or clipped nonsense.
    ``index``/``offset``: one block of the draw."""
    single(key, "triangular")
    name = float_dtype(dtype)
    hosts = {
        a: cast_param(v, name, "triangular", a)
        for a, v in (("left", left), ("mode", mode), ("right", right))
    }
    shape = param_shape("triangular", shape, hosts)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    jb = native_for(target, dev, "triangular", name, shape, counters(block))
    if jb is not None:
        given = (as_given(target, hosts[a], name, dev) for a in ("left", "mode", "right"))
        return jax_call(jb, target, data, dev, "triangular", *given, shape, target.dtype(name))
    lo, mo, hi = (on_backend(target, hosts[a], block, dev) for a in ("left", "mode", "right"))
    out = triangular_values(
        target, data, lo, mo, hi, draw_shape(shape, block), name, dev, counters(block)
    )
    return finish(target, out, shape, block)
