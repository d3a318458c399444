"""``cauchy``, ``pareto``, ``lognormal``, ``weibull_min``: ``jax.random``'s, as XLA:CPU has them.

Each is one transform of a stream unirand already reproduces, through XLA:CPU's elementary
functions (:class:`.dtype_arith.DtypeArith`; jax 0.10.2's ``jax/_src/random/core.py``):

* ``cauchy``: ``tan(pi * (u - 0.5))``, ``u = uniform(key, shape, dtype, eps, 1)``;
* ``pareto``: ``exp(exponential(key, shape, dtype) / b)``;
* ``lognormal``: ``exp(normal(key, shape, dtype) * sigma)``;
* ``weibull_min``: ``pow(-log1p(-u), 1 / concentration) * scale``, ``u = uniform(key, shape)``.

``exp`` is XLA's inlined one, ``tan``/``pow`` the host C library's (what XLA:CPU calls), so
``cauchy`` and ``weibull_min`` depend on the C library as JAX's do (docs/streams.md).  Every
operation of a 16-bit dtype is computed in float32 and rounded, as XLA does.

Parameters follow JAX's types: a Python number is weak (it takes the sampler's dtype, converted
from its float64 value; 16-bit types through float32, as XLA converts), an array keeps its
float dtype, which ``pareto``/``lognormal`` must be able to cast safely to ``dtype``
(``TypeError`` otherwise, JAX's ``TypePromotionError``) and which ``weibull_min`` promotes
with, as ``jnp.power`` and ``*`` do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical, numpy_dtype
from ..engine.normal_transform import normal_low, root2_16
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_erf_inv import erf_inv_f32, erf_inv_f64
from .arguments import broadcast_to_shape, float_array
from .blocks import Block, parse_block
from .dtype_arith import DtypeArith
from .exponential import exponential_values
from .jax_native import jax_call, native_for
from .sampler import sampler

__all__ = [
    "Param",
    "cauchy",
    "cauchy_values",
    "folds",
    "lognormal",
    "lognormal_values",
    "param",
    "pareto",
    "pareto_values",
    "promote",
    "weibull_min",
    "weibull_min_values",
]

_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}
_SHORT = ("float16", "bfloat16")


@dataclass(frozen=True)
class Param:
    """A float parameter: a weak Python number (``value``) or an array of the target library
    (``array``, of float dtype ``dtype``)."""

    value: float | None
    array: Any
    dtype: str | None

    @property
    def shape(self) -> tuple[int, ...]:
        return () if self.array is None else tuple(self.array.shape)

    @property
    def given(self) -> Any:
        """The parameter as ``jax.random`` gets it on the native path."""
        return self.value if self.array is None else self.array


def param(value: Any, target: Backend, device: Any, argument: str) -> Param:
    """A sampler's float parameter: Python ``int``/``float`` stay weak numbers, anything else
    goes through :func:`.arguments.float_array` (a float dtype, on ``target``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Param(float(value), None, None)
    arr, name = float_array(value, target, device, argument)
    return Param(None, arr, name)


def promote(a: str, b: str) -> str:
    """JAX's promotion of two float dtypes: float16 with bfloat16 is float32, else the wider."""
    if a == b:
        return a
    if {a, b} == set(_SHORT):
        return "float32"
    return max(a, b, key=lambda n: numpy_dtype(n).itemsize)


def _safe(src: str, dst: str) -> bool:
    return src == dst or promote(src, dst) == dst


def _weak(value: float, dtype: str) -> np.ndarray:
    """A Python number in ``dtype`` as XLA converts the weak float64 value (16-bit: via
    float32)."""
    v = np.asarray(value, np.float64)
    if dtype in _SHORT:
        v = v.astype(np.float32)
    return v.astype(numpy_dtype(dtype))


def _carried(m: DtypeArith, p: Param, like: Any) -> Any:
    """``p`` in ``m``'s dtype, carried as ``m`` carries values (widening is exact); a weak
    number becomes a 0-d array like ``like``."""
    if p.array is None:
        value = 1.0 if p.value is None else p.value
        return m.const(float(_weak(value, m.dtype).astype(np.float64)), like)
    return m.load(m.xp.astype(p.array, m.target)) if p.dtype != m.dtype else m.load(p.array)


def _reciprocal(value: float | None) -> float:
    """``1.0 / value`` as Python computes it (float64), with IEEE's signed infinity at 0."""
    v = 1.0 if value is None else value
    return 1.0 / v if v != 0.0 else math.copysign(math.inf, v)


def _check_cast(name: str, dtype: str, *params: tuple[str, Param]) -> None:
    for argument, p in params:
        if p.dtype is not None and not _safe(p.dtype, dtype):
            raise TypeError(
                f"{name}: cannot safely cast {argument} of dtype {p.dtype} to {dtype} (JAX's "
                f"TypePromotionError); pass an array of {dtype} or a Python number"
            )


def _native(target: Backend, dev: Any, family: str, name: str, shape: Any, counters: Any) -> Any:
    return native_for(target, dev, family, name, shape, counters)


def cauchy_values(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """``tan(pi * (u - 0.5))``, ``u`` uniform in ``[eps, 1)``; ``counters``: a block's."""
    jb = _native(backend, device, "cauchy", dtype, shape, counters)
    if jb is not None:
        return jax_call(jb, backend, data, device, "cauchy", shape, backend.dtype(dtype))
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    u = m.load(backend.uniform(data, (n,), dtype, _EPS[dtype], 1.0, device, counters))
    pi = m.const(float(np.asarray(np.pi, numpy_dtype(dtype)).astype(np.float64)), u)
    v = m.round_nan(m.round_nan(u - m.const(0.5, u)) * pi)
    return backend.xp.reshape(m.out_nan(m.tan(v)), shape)


def folds(dtype: str, p: Param, shape: tuple[int, ...]) -> bool:
    """Whether XLA's simplifier folds a parameter that it broadcasts (its shape is not the
    draw's): ``e / broadcast(b)`` becomes ``e * broadcast(1 / b)`` and ``(sqrt2 * z) *
    broadcast(sigma)`` becomes ``z * broadcast(sqrt2 * sigma)``, each new value rounded in the
    dtype.  Not for bfloat16, whose operations XLA:CPU rewrites into float32 first."""
    return dtype != "bfloat16" and p.shape != shape


def pareto_values(
    backend: Backend,
    data: Any,
    b: Param,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
    folded: bool | None = None,
) -> Any:
    """``exp(exponential / b)``; ``b`` broadcasts to ``shape`` (a block's, with ``counters``).
    ``folded``: see :func:`folds` (default: from ``b``'s shape and ``shape``)."""
    jb = _native(backend, device, "pareto", dtype, shape, counters)
    if jb is not None:
        return jax_call(jb, backend, data, device, "pareto", b.given, shape, backend.dtype(dtype))
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    e = m.load(exponential_values(backend, data, (n,), dtype, device, counters))
    e = backend.xp.reshape(e, shape)
    bc = _carried(m, b, e)
    if folds(dtype, b, shape) if folded is None else folded:
        return m.out_nan(m.exp(m.round_nan(e * m.round_nan(m.const(1.0, bc) / bc))))
    return m.out_nan(m.exp(m.round_nan(e / bc)))


def lognormal_values(
    backend: Backend,
    data: Any,
    sigma: Param,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
    folded: bool | None = None,
) -> Any:
    """``exp(normal * sigma)``; ``sigma`` broadcasts to ``shape`` (a block's, with
    ``counters``).  ``folded``: see :func:`folds`."""
    jb = _native(backend, device, "lognormal", dtype, shape, counters)
    if jb is not None:
        s = sigma.given
        return jax_call(jb, backend, data, device, "lognormal", s, shape, backend.dtype(dtype))
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    if not (folds(dtype, sigma, shape) if folded is None else folded):
        z = m.load(xp.reshape(backend.normal(data, (n,), dtype, device, counters), shape))
        return m.out_nan(m.exp(m.round_nan(z * _carried(m, sigma, z))))
    # normal = sqrt2 * erf_inv(u): XLA multiplies erf_inv(u) by the folded sqrt2 * sigma
    u = m.load(backend.uniform(data, (n,), dtype, normal_low(dtype), 1.0, device, counters))
    ei = erf_inv_f64(m.ops, u) if m.wide else m.round_nan(erf_inv_f32(m.ops, u))
    ei = xp.reshape(ei, shape)
    s = _carried(m, sigma, ei)
    return m.out_nan(m.exp(m.round_nan(ei * m.round_nan(m.const(root2_16(dtype), s) * s))))


def weibull_min_values(
    backend: Backend,
    data: Any,
    scale: Param,
    concentration: Param,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """``pow(-log1p(-u), 1 / concentration) * scale`` with JAX's promotions: ``pow`` in the
    promotion of ``dtype`` and ``concentration``'s, the product in that with ``scale``'s;
    the result has the broadcast shape of ``u`` and the parameters."""
    jb = _native(backend, device, "weibull_min", dtype, shape, counters)
    if jb is not None:
        args = (scale.given, concentration.given, shape, backend.dtype(dtype))
        return jax_call(jb, backend, data, device, "weibull_min", *args)
    xp = backend.xp
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    u = m.load(backend.uniform(data, (n,), dtype, 0.0, 1.0, device, counters))
    x = xp.reshape(-m.log1p(-u), shape)  # negation exact
    power = promote(dtype, concentration.dtype or dtype)
    mp = DtypeArith(backend, power)
    xw = mp.load(m.out_nan(x))
    if concentration.array is None:  # 1.0 / c in Python (float64), then XLA's conversion
        inv = _carried(mp, Param(_reciprocal(concentration.value), None, None), xw)
    else:
        mc = DtypeArith(backend, concentration.dtype or dtype)
        inv = mc.round_nan(
            mc.const(1.0, mc.load(concentration.array)) / mc.load(concentration.array)
        )
        inv = mp.load(mc.out_nan(inv))
    powered = mp.pow(xw, inv)
    final = promote(power, scale.dtype or power)
    mf = DtypeArith(backend, final)
    y = mf.load(mp.out_nan(powered))
    return mf.out_nan(mf.round_nan(y * _carried(mf, scale, y)))


def _block_param(block: Block, target: Backend, p: Param, dev: Any) -> Param:
    if p.array is None or not len(p.shape):
        return p
    return Param(None, block.take_on(target, p.array, dev), p.dtype)


def _shape_of(shape: Any, *params: tuple[str, Param], name: str) -> tuple[int, ...]:
    """JAX's ``_check_broadcast_shapes``: ``shape`` (default: the parameters' broadcast
    shape), to which every parameter must broadcast."""
    if shape is None:
        return tuple(np.broadcast_shapes(*(p.shape for _, p in params)))
    shape = as_shape(shape)
    for argument, p in params:
        broadcast_to_shape(f"{name} {argument}", shape, p.shape)
    return shape


@sampler
def cauchy(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard Cauchy values: ``jax.random.cauchy`` as XLA:CPU computes it,
    ``tan(pi * (u - 0.5))`` with ``u`` uniform in ``[eps, 1)`` and the C library's ``tan``.
    ``index``/``offset``: one block of the draw (as :func:`unirand.bits`)."""
    single(key, "cauchy")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if block is None:
        return cauchy_values(target, data, shape, name, dev)
    out = cauchy_values(target, data, (block.size,), name, dev, block.counters)
    return target.xp.reshape(out, block.shape)


@sampler
def pareto(
    key: PortableKey,
    b: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Pareto values of shape ``b`` (density ``b / x**(b + 1)`` on ``x >= 1``):
    ``jax.random.pareto`` as XLA:CPU computes it, ``exp(e / b)`` with ``e`` a standard
    exponential.  ``b``: a number or a float array (dtype castable to ``dtype``) broadcasting to
    ``shape`` (default: ``b``'s shape).  ``index``/``offset``: one block of the draw."""
    single(key, "pareto")
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    pb = param(b, target, dev, "b")
    _check_cast("pareto", name, ("b", pb))
    shape = _shape_of(shape, ("b", pb), name="pareto")
    block = parse_block(index, offset, shape)
    if block is None:
        return pareto_values(target, data, pb, shape, name, dev)
    folded = folds(name, pb, shape)
    pb = _block_param(block, target, pb, dev)
    out = pareto_values(target, data, pb, block.full, name, dev, block.counters, folded)
    return target.xp.reshape(out, block.shape)


@sampler
def lognormal(
    key: PortableKey,
    sigma: Any = 1.0,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Log-normal values, ``exp(sigma * z)`` with ``z`` standard normal:
    ``jax.random.lognormal`` as XLA:CPU computes it.  ``sigma``: a number or a float array
    (castable to ``dtype``) broadcasting to ``shape`` (default: ``sigma``'s shape).  The
    default ``sigma`` is the Python number 1 (JAX's ``np.float32(1)`` refuses 16-bit dtypes;
    the values are the same elsewhere).  ``index``/``offset``: one block of the draw."""
    single(key, "lognormal")
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    ps = param(sigma, target, dev, "sigma")
    _check_cast("lognormal", name, ("sigma", ps))
    shape = _shape_of(shape, ("sigma", ps), name="lognormal")
    block = parse_block(index, offset, shape)
    if block is None:
        return lognormal_values(target, data, ps, shape, name, dev)
    folded = folds(name, ps, shape)
    ps = _block_param(block, target, ps, dev)
    out = lognormal_values(target, data, ps, block.full, name, dev, block.counters, folded)
    return target.xp.reshape(out, block.shape)


@sampler
def weibull_min(
    key: PortableKey,
    scale: Any,
    concentration: Any,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Weibull values (density ``~ x**(c - 1) exp(-(x / scale)**c)``, ``c = concentration``):
    ``jax.random.weibull_min`` as XLA:CPU computes it, ``pow(-log1p(-u), 1 / c) * scale``
    with the C library's ``pow``.  As in JAX the result has the broadcast shape of ``shape``
    and the parameters, and a parameter array of a wider float dtype promotes it; for a
    Python ``concentration``, ``1 / c`` is taken in float64 (JAX with ``jax_enable_x64``;
    without it JAX rounds ``c`` to float32 first).  ``index``/``offset``: one block of the
    draw (the parameters must then broadcast to ``shape``)."""
    single(key, "weibull_min")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    psc = param(scale, target, dev, "scale")
    pco = param(concentration, target, dev, "concentration")
    block = parse_block(index, offset, shape)
    if block is None:
        return weibull_min_values(target, data, psc, pco, shape, name, dev)
    for argument, p in (("scale", psc), ("concentration", pco)):
        broadcast_to_shape(f"weibull_min {argument} (with index/offset)", shape, p.shape)
    psc, pco = (_block_param(block, target, p, dev) for p in (psc, pco))
    out = weibull_min_values(target, data, psc, pco, block.full, name, dev, block.counters)
    return target.xp.reshape(out, block.shape)
