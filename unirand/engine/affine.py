"""``uniform``'s affine map ``f * (maxval - minval) + minval`` with XLA:CPU's rounding.

JAX rounds both bounds to the output dtype, and XLA:CPU contracts the map into one fused
multiply-add (float32/float64; 16-bit dtypes round the product and the sum separately).  Host
scalar bounds are handled once on the host; a range that is a power of two makes the product
exact, so no FMA emulation is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..math import fma as _fma
from .dtypes import numpy_dtype

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["Bounds", "affine_bounds", "apply_affine", "host_bounds", "spec_max"]


class Bounds:
    """minval and the range ``maxval - minval``, each rounded to the output dtype as JAX does.

    ``m``/``r`` are arrays of the compute dtype (float32 for 16-bit outputs); ``exact_product``
    says that ``f * r`` is exact for every float ``f`` of the stream (``r`` a power of two
    known on the host), so ``f*r + m`` needs no FMA emulation.
    """

    def __init__(self, m: Any, r: Any, exact_product: bool) -> None:
        self.m, self.r, self.exact_product = m, r, exact_product


def host_bounds(dtype: str, minval: Any, maxval: Any) -> tuple[float, float] | None:
    """(m, r) as Python floats when both bounds are host scalars, rounded like JAX."""
    if type(minval) is float and type(maxval) is float and dtype in _FLOAT_TYPES:
        # the common case, without NumPy's array machinery: one rounding of each double
        to = _FLOAT_TYPES[dtype]
        lo_, hi_ = to(minval), to(maxval)
        return float(lo_), float(hi_ - lo_)
    if not all(_is_host_scalar(v) for v in (minval, maxval)):
        return None
    npd = numpy_dtype(dtype)
    lo = np.asarray(minval).astype(npd)
    hi = np.asarray(maxval).astype(npd)
    return float(lo), float(hi - lo)


_FLOAT_TYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


def affine_bounds(backend: Backend, dtype: str, minval: Any, maxval: Any, device: Any) -> Bounds:
    xp = backend.xp
    compute = xp.float64 if dtype == "float64" else xp.float32
    host = host_bounds(dtype, minval, maxval)
    if host is not None:
        m, r = host
        exact = r > 0 and np.isfinite(r) and np.frexp(r)[0] == 0.5
        mk = xp.asarray(m, dtype=compute, device=device)
        rk = xp.asarray(r, dtype=compute, device=device)
        return Bounds(mk, rk, exact)
    lo, hi = (_bound_array(backend, v, dtype, device) for v in (minval, maxval))
    r = hi - lo  # rounded in the output dtype, as in JAX
    return Bounds(xp.astype(lo, compute), xp.astype(r, compute), False)


def apply_affine(backend: Backend, f: Any, dtype: str, b: Bounds) -> Any:
    """``max(m, f*(maxval-minval) + m)`` with XLA:CPU's rounding (``max`` is :func:`spec_max`).

    float32/float64: one fused multiply-add (emulated exactly).  float16/bfloat16: XLA:CPU does
    not fuse; the product and the sum are each rounded to the output dtype.
    """
    xp = backend.xp
    target = backend.dtype(dtype)
    if dtype in ("float16", "bfloat16"):
        # the product is exact in float32 only for short ranges: round it, then the sum
        y = backend.round16(backend.round16(f * b.r, dtype) + b.m, dtype)
        return xp.astype(spec_max(xp, xp.broadcast_to(b.m, y.shape), y), target)
    if b.exact_product:
        y = f * b.r + b.m
    else:
        shape = xp.broadcast_shapes(f.shape, b.r.shape, b.m.shape)
        args = [xp.broadcast_to(v, shape) for v in (f, b.r, b.m)]
        if dtype == "float64":
            y = _fma.fma_dekker(xp, *args, backend.bitcast, "float64", backend.barrier)
        else:
            y = backend.float32_ops().fma(*args)
    return spec_max(xp, xp.broadcast_to(b.m, y.shape), y)


def spec_max(xp: Any, m: Any, y: Any) -> Any:
    """``lax.max(m, y)``: IEEE 754-2019 ``maximum``, where ``+0`` is above ``-0`` (so
    ``uniform(key, minval=-0.0)`` gives ``+0.0`` where the float is 0, as in JAX; NumPy's and
    torch's ``maximum`` would keep ``-0.0``).  ``y`` is NaN wherever ``m`` is (``y = f*r + m``),
    so NaNs propagate."""
    r = xp.where(m > y, m, y)
    return xp.where((m == y) & xp.signbit(y), m, r)


def _is_host_scalar(v: Any) -> bool:
    return isinstance(v, (int, float)) or (isinstance(v, (np.generic, np.ndarray)) and v.ndim == 0)


def _bound_array(backend: Backend, v: Any, dtype: str, device: Any) -> Any:
    """A bound as an array of the output dtype; host scalars are rounded once, from their value
    (a library's default float dtype must not round them first)."""
    if _is_host_scalar(v):
        return backend.from_numpy(np.asarray(np.asarray(v).astype(numpy_dtype(dtype))), device)
    xp = backend.xp
    try:
        arr = xp.asarray(v, device=device) if device is not None else xp.asarray(v)
        return xp.astype(arr, backend.dtype(dtype))
    except Exception as e:
        raise TypeError(
            f"minval/maxval must be numbers or arrays of {backend.name}; got {type(v).__name__}"
        ) from e
