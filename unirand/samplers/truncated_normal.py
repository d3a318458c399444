"""``truncated_normal``: ``jax.random.truncated_normal`` as XLA:CPU computes it.

JAX (jax 0.10.2): ``a = erf(lower / sqrt2)``, ``b = erf(upper / sqrt2)`` (all in the dtype),
``u = uniform(key, shape, dtype, a, b)``, ``out = sqrt2 * erf_inv(u)`` clipped to
``[nextafter(lower, inf), nextafter(upper, -inf)]``.  The bounds' part (``erf``, ``nextafter``)
is computed once on the host with XLA's ``erf`` (:mod:`unirand.math.xla_erf`), as XLA's fused
kernel does it (``/ sqrt2`` is a multiply by the folded reciprocal; see docs/samplers.md); the
per-value part is ``uniform`` and the ``normal`` transform of every backend (FMA-exact
``uniform``, XLA's ``erf_inv``).  float64 uses the C library's ``erf`` (as XLA:CPU) on the
host, and ``log`` inside ``erf_inv`` as ``normal`` does (PyTorch: its own ``log``, see
docs/samplers.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backends
from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical, numpy_dtype
from ..engine.normal_transform import SQRT2_64, from_uniform_f32, root2_16
from ..keys.native.arguments import float_bounds
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_erf import erf_f32, erf_f64_host
from ..math.xla_erf_inv import erf_inv_f64
from .arguments import broadcast_to_shape
from .blocks import parse_block
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["truncated_normal", "truncated_normal_values", "host_bounds"]


def _nextafter(x: np.ndarray, up: bool) -> np.ndarray:
    """IEEE ``nextafter(x, +-inf)`` by bits, for any float dtype (bfloat16 included)."""
    width = x.dtype.itemsize * 8
    u = np.dtype(f"uint{width}")
    bits = x.view(u).astype(np.int64)
    sign = (bits >> (width - 1)) & 1
    mag = bits & ((1 << (width - 1)) - 1)
    toward_bigger_mag = (sign == 0) == up
    zero = mag == 0
    new = np.where(toward_bigger_mag, bits + 1, bits - 1)
    # from +-0: the smallest subnormal with the direction's sign
    new = np.where(zero, (0 if up else 1 << (width - 1)) | 1, new)
    inf_bits = ((1 << (width - 1)) - 1) & ~((1 << (width - 1 - _mant(x.dtype))) - 1)
    stay = np.isnan(x.astype(np.float32)) | ((mag == inf_bits) & toward_bigger_mag)
    new = np.where(stay, bits, new)
    return new.astype(u).view(x.dtype)


def _mant(dt: np.dtype) -> int:
    return {2: 10, 4: 23, 8: 52}[dt.itemsize] if dt.name != "bfloat16" else 7


def _convert(v: np.ndarray, dtype: str) -> np.ndarray:
    """A bound in ``dtype`` as XLA:CPU converts it: 16-bit types via float32 (LLVM's ``fptrunc
    double to half``/``bfloat`` on x86-64 rounds twice; measured on halfway cases)."""
    npd = numpy_dtype(dtype)
    if dtype in ("float16", "bfloat16"):
        v = v.astype(np.float32)
    return v.astype(npd)


def host_bounds(lower: np.ndarray, upper: np.ndarray, dtype: str) -> tuple[np.ndarray, ...]:
    """``(a, b, lo, hi)`` in ``dtype`` (NumPy): the uniform's range and the clip bounds.

    XLA's algebraic simplifier rewrites ``x / sqrt2`` to ``x * (1 / sqrt2)`` (reciprocal
    folded in the dtype; bfloat16: in float32, as XLA upcasts the divide), so ``erf`` gets
    that product, not the quotient: they differ in the last bit (e.g. 0.3, 1.5 in float32).
    """
    npd = numpy_dtype(dtype)
    lo_, up_ = _convert(lower, dtype), _convert(upper, dtype)
    if dtype == "float64":
        inv = np.float64(1.0) / np.float64(np.sqrt(2.0))
        a, b = erf_f64_host(lo_ * inv), erf_f64_host(up_ * inv)
    else:
        ops = backends.by_name("numpy").float32_ops()
        inv = np.float32(1.0) / np.float32(np.asarray(np.sqrt(2.0), npd))
        if dtype != "bfloat16":
            inv = np.float32(np.asarray(inv, npd))

        def erf(v: np.ndarray) -> np.ndarray:
            # float16: the product of two float16 values is exact in float32, one rounding
            q = (v.astype(np.float32) * inv).astype(npd).astype(np.float32)
            return np.asarray(erf_f32(ops, np.atleast_1d(q))).reshape(q.shape).astype(npd)

        a, b = erf(lo_), erf(up_)
    return a, b, _nextafter(lo_, True), _nextafter(up_, False)


def truncated_normal_values(
    backend: Backend,
    data: Any,
    bounds: tuple[np.ndarray, ...],
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """Truncated normals of shape ``shape`` from host bounds ``(a, b, lo, hi)`` (see
    :func:`host_bounds`; they broadcast to ``shape``); ``counters``: a block's (``shape`` is
    its, the bounds its elements').

    Shape ``()`` is computed as one value of shape ``(1,)`` (the same counter, so the same
    number: the float operations need 1-d arrays) and returned with shape ``()``, as
    ``jax.random.truncated_normal`` does.
    """
    if shape == ():
        one = tuple(np.reshape(v, (1,)) for v in bounds)
        return backend.xp.reshape(
            truncated_normal_values(backend, data, one, (1,), dtype, device, counters), ()
        )
    if bounds[2].all() and bounds[3].all() and backend.compiled_available(data, device):
        # nonzero clip bounds (a zero bound's sign would need NumPy's maximum); each one value
        # or one per element
        a, b, lo, hi = bounds
        host = (backend.host_param(v, dtype, shape) for v in (a, b - a, lo, hi))
        params = (*host, root2_16(dtype))  # b - a: the uniform's range, rounded in the dtype
        fast = backend.compiled(
            "truncated_normal", data, shape, dtype, device, *params, counters=counters
        )
        if fast is not None:
            return fast
    xp = backend.xp
    a, b, lo, hi = (backend.from_numpy(np.ascontiguousarray(v), device) for v in bounds)
    a, b, lo, hi = (xp.reshape(v, bounds[0].shape) for v in (a, b, lo, hi))
    u = backend.uniform(data, shape, dtype, a, b, device, counters)
    if dtype == "float64":
        ops = backend.float64_ops()
        z = erf_inv_f64(ops, u)
        z = ops.mul(ops.const(SQRT2_64, z), z)
    else:
        z = from_uniform_f32(
            backend.float32_ops(),
            xp.astype(u, xp.float32),
            dtype,
            lambda v: backend.to_dtype(v, dtype),
        )
    z = xp.maximum(z, xp.broadcast_to(lo, z.shape))
    return xp.minimum(z, xp.broadcast_to(hi, z.shape))


def _bound(value: Any, argument: str) -> tuple[Any, bool]:
    """A bound as a host float array (:func:`float_bounds`), or (traced JAX array, True)."""
    source = backends.backend_of(value)
    if source is not None and source.is_traced(value):
        return value, True
    return float_bounds(value, argument), False


@sampler
def truncated_normal(
    key: PortableKey,
    lower: Any,
    upper: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard normals truncated to ``(lower, upper)``: ``jax.random.truncated_normal`` as
    XLA:CPU computes it.

    ``lower``/``upper`` are floats or float arrays (infinite bounds allowed); ``shape``
    defaults to their broadcast shape.  Concrete bounds must satisfy ``lower < upper`` (in
    ``dtype``) everywhere and not be NaN: JAX returns clipped garbage there, unirand raises.
    ``index``/``offset``: one block of the draw (as :func:`unirand.bits`).
    """
    single(key, "truncated_normal")
    name = canonical(dtype, FLOAT_DTYPES)
    if shape is not None:
        shape = as_shape(shape)
    lo, lo_traced = _bound(lower, "lower")
    up, up_traced = _bound(upper, "upper")
    bshape = tuple(np.broadcast_shapes(np.shape(lo), np.shape(up)))
    if shape is None:
        shape = bshape
    else:
        for arg, v in (("lower", lo), ("upper", up)):
            broadcast_to_shape(f"truncated_normal {arg}", shape, tuple(np.shape(v)))
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if not (lo_traced or up_traced):
        lc, uc = (_convert(v, name).astype(np.float64) for v in (lo, up))
        if np.isnan(lc).any() or np.isnan(uc).any():
            raise ValueError("truncated_normal: lower and upper must not be NaN")
        if np.any(lc >= uc):
            raise ValueError(
                f"truncated_normal: lower must be < upper everywhere (in {name}); got lower "
                f"{lower!r}, upper {upper!r}"
            )
    jb = native_jax(target, dev, "truncated_normal", name) if block is None else None
    if jb is not None:
        return jax_call(
            jb, target, data, dev, "truncated_normal", lower, upper, shape, target.dtype(name)
        )
    if lo_traced or up_traced:
        raise TypeError("truncated_normal: the portable engine needs concrete (non-traced) bounds")
    # np.ascontiguousarray makes 0-d arrays 1-d: keep the bounds' shape (shape () stays ())
    lo_b, up_b = (np.ascontiguousarray(v).reshape(v.shape) for v in np.broadcast_arrays(lo, up))
    if block is None:
        return truncated_normal_values(
            target, data, host_bounds(lo_b, up_b, name), shape, name, dev
        )
    if lo_b.ndim:  # the bounds of the block's elements only
        lo_b, up_b = (np.ascontiguousarray(block.take(v)) for v in (lo_b, up_b))
    bounds = host_bounds(lo_b, up_b, name)
    out = truncated_normal_values(target, data, bounds, block.full, name, dev, block.counters)
    return target.xp.reshape(out, block.shape)
