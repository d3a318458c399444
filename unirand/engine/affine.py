"""``uniform``'s affine map ``f * (maxval - minval) + minval`` with XLA:CPU's rounding.

JAX rounds both bounds to the output dtype, and XLA:CPU contracts the map into one fused
multiply-add (float32/float64; 16-bit dtypes round the product and the sum separately).  Host
scalar bounds are handled once on the host; a range that is a power of two makes the product
exact, so no FMA emulation is needed.

Non-finite bounds give JAX's bytes too (measured on XLA:CPU, x86, jaxlib 0.10.2): where ``r``
or ``m`` is not finite the fused and unfused products are equal, so ``f*r + m`` is taken as it
is (the FMA emulation would overflow); a NaN it makes is ``r``'s own NaN when ``r`` is NaN, else
x86's default NaN ``0xFFC00000`` (``inf - inf``, ``0 * inf``); and ``lax.max`` is XLA's
(:func:`spec_max`).  16-bit NaNs are XLA's conversions (:func:`unirand.math.round16.nan_to_16`).
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
    if dtype in ("float16", "bfloat16"):  # in float32, rounded to the dtype, as XLA:CPU does
        lo, hi = (_bound16(backend, v, dtype, device) for v in (minval, maxval))
        return Bounds(lo, backend.round16(hi - lo, dtype), False)
    lo, hi = (_bound_array(backend, v, dtype, device) for v in (minval, maxval))
    r = hi - lo  # rounded in the output dtype, as in JAX
    return Bounds(xp.astype(lo, compute), xp.astype(r, compute), False)


def _bound16(backend: Backend, v: Any, dtype: str, device: Any) -> Any:
    """A bound rounded to the 16-bit ``dtype``, in float32 (exact), its NaNs as XLA converts
    them: torch's CPU kernels make every bfloat16 NaN ``0xFFFF``, so NaN lanes are taken from
    the bound's own float32 value (sign and payload) through ``round16``."""
    xp = backend.xp
    v16 = xp.astype(_bound_array(backend, v, dtype, device), xp.float32)
    if _is_host_scalar(v):
        return backend.round16(v16, dtype)  # NumPy converted it (ml_dtypes: XLA's NaNs)
    arr = xp.asarray(v, device=device) if device is not None else xp.asarray(v)
    return xp.where(xp.isnan(v16), backend.round16(xp.astype(arr, xp.float32), dtype), v16)


def apply_affine(backend: Backend, f: Any, dtype: str, b: Bounds) -> Any:
    """``max(m, f*(maxval-minval) + m)`` with XLA:CPU's rounding (``max`` is :func:`spec_max`).

    float32/float64: one fused multiply-add (emulated exactly).  float16/bfloat16: XLA:CPU does
    not fuse; the product and the sum are each rounded to the output dtype.
    """
    xp = backend.xp
    target = backend.dtype(dtype)
    finite = _finite(backend, b.r) & _finite(backend, b.m)
    nans = finite is not True  # finite bounds make no NaN: the common path skips the NaN rules
    if dtype in ("float16", "bfloat16"):
        # the product is exact in float32 only for short ranges: round it, then the sum
        y = backend.round16(backend.round16(f * b.r, dtype) + b.m, dtype)
        if not nans:
            return xp.astype(spec_max(xp, xp.broadcast_to(b.m, y.shape), y, False), target)
        y = _nan_of_y(backend, y, b, "float32")
        return backend.to16(spec_max(xp, xp.broadcast_to(b.m, y.shape), y), dtype)
    if b.exact_product or finite is False:
        y = f * b.r + b.m  # exact, or equal to the fused result (module docstring)
    else:
        shape = xp.broadcast_shapes(f.shape, b.r.shape, b.m.shape)
        args = [xp.broadcast_to(v, shape) for v in (f, b.r, b.m)]
        if dtype == "float64":
            fa, fb, fc = args
            y = _fma.fma_dekker(xp, fa, fb, fc, backend.bitcast, "float64", backend.barrier)
        else:
            y = backend.float32_ops().fma(*args)
        if nans:  # array bounds, some not finite
            y = xp.where(finite, y, f * b.r + b.m)
    if nans:
        y = _nan_of_y(backend, y, b, dtype)
    return spec_max(xp, xp.broadcast_to(b.m, y.shape), y, nans)


def _finite(backend: Backend, v: Any) -> Any:
    """Whether ``v`` is finite: a bool for a concrete 0-d bound (no array work on the common
    path), else an array (a traced bound's values are unknown)."""
    if v.ndim == 0 and not backend.is_traced(v):
        return bool(backend.xp.isfinite(v))
    return backend.xp.isfinite(v)


def _nan_of_y(backend: Backend, y: Any, b: Bounds, dtype: str) -> Any:
    """``y``'s NaNs as XLA:CPU's ``f*r + m`` makes them: ``r``'s NaN where ``r`` is NaN (``m``'s
    NaN lanes are ``m`` after :func:`spec_max` whatever ``y`` is), else x86's default NaN."""
    xp = backend.xp
    word = getattr(xp, _INT[dtype])
    nan = backend.bitcast(xp.asarray(_DEFAULT_NAN[dtype], dtype=word, device=_device(y)), dtype)
    return xp.where(xp.isnan(y), xp.where(xp.isnan(b.r), b.r, nan), y)


#: x86's default NaN ("real indefinite"): negative, quiet, no payload
_DEFAULT_NAN = {"float32": -0x400000, "float64": -(1 << 51)}
_INT = {"float32": "int32", "float64": "int64"}


def _device(x: Any) -> Any:
    dev = getattr(x, "device", None)
    return None if callable(dev) else dev


def spec_max(xp: Any, m: Any, y: Any, nans: bool = True) -> Any:
    """``lax.max(m, y)`` as XLA:CPU computes it: IEEE 754-2019 ``maximum``, where ``+0`` is
    above ``-0`` (so ``uniform(key, minval=-0.0)`` gives ``+0.0`` where the float is 0, as in
    JAX; NumPy's and torch's ``maximum`` would keep ``-0.0``), and for NaNs (measured on
    jaxlib 0.10.2, every pair of special values): a NaN ``m`` itself; else a NaN ``y`` with its
    sign bit and-ed with ``m``'s (``max(inf, -nan)`` is ``+nan``, ``max(-inf, -nan)`` is
    ``-nan``).  ``nans=False``: neither is NaN (finite bounds), the IEEE part only."""
    r = xp.where(m > y, m, y)
    r = xp.where((m == y) & xp.signbit(y), m, r)
    if not nans:
        return r
    y_nan = xp.where(xp.signbit(m), y, xp.abs(y))  # abs clears a NaN's sign bit, nothing else
    return xp.where(xp.isnan(m), m, xp.where(xp.isnan(y), y_nan, r))


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
