"""Arithmetic in a sampler's dtype as XLA:CPU does it: the carrier, the roundings, log and log1p.

float64 values are carried in float64, the others in float32 (a 16-bit value is exact in
float32); every float32 result of a 16-bit sampler is rounded back to the 16-bit type, as XLA
computes 16-bit operations in float32.  ``log``/``log1p`` are XLA:CPU's
(:mod:`unirand.math.xla_log`), ``exp`` (:mod:`unirand.math.xla_exp`) and ``lgamma``
(:mod:`unirand.math.xla_lgamma`) too; ``tan``/``pow`` (and ``lgamma``'s ``sin``) are the host C
library's, as XLA:CPU calls them (:mod:`unirand.math.xla_libm`): host arrays go to it directly,
device arrays through the host, traced JAX arrays through ``jax.pure_callback``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..math.xla_exp import exp_f32_xla, exp_f64_xla
from ..math.xla_lgamma import lgamma_xla
from ..math.xla_libm import c_pow, c_sin, c_tan
from ..math.xla_log import log1p_f32_xla, log1p_f64_xla, log_f32_xla, log_f64_xla

__all__ = ["DtypeArith"]


class DtypeArith:
    """Arithmetic in ``dtype`` as XLA:CPU does it.  Values are carried in float64 for float64,
    in float32 otherwise (a 16-bit value is exact in float32); ``round`` rounds a float32
    result to the 16-bit type."""

    def __init__(self, backend: Backend, dtype: str) -> None:
        xp = backend.xp
        self.backend, self.dtype, self.xp = backend, dtype, xp
        self.target = backend.dtype(dtype)
        self.wide = dtype == "float64"
        self.ops = backend.float64_ops() if self.wide else backend.float32_ops()
        self.carry = xp.float64 if self.wide else xp.float32
        self.short = dtype in ("float16", "bfloat16")

    def load(self, x: Any) -> Any:
        if str(x.dtype).rsplit(".", 1)[-1] in ("float16", "bfloat16"):
            x = self.backend.from16(x)  # NaN bits kept (PyTorch's widening does not)
        return self.xp.astype(x, self.carry)

    def round(self, x: Any, *, nan: bool = False) -> Any:
        """``x`` (float32) rounded to the 16-bit type, carried in float32.  ``nan=True`` also
        gives NaNs XLA's bits (sign and leading payload kept, quiet bit set; PyTorch's
        vectorized bfloat16 conversion makes every NaN 0xFFFF), for the total order of
        ``top_k``."""
        if not self.short:
            return x
        xp = self.xp
        r = self.backend.round16(x, self.dtype)
        if not nan:
            return r
        bits = self.ops.bitcast(x, "int32")
        keep = -(1 << 16) if self.dtype == "bfloat16" else -(1 << 13)
        quiet = (bits & self.const(keep, bits)) | self.const(0x00400000, bits)
        return xp.where(xp.isnan(x), self.ops.bitcast(quiet, "float32"), r)

    def out(self, x: Any) -> Any:
        return self.xp.astype(x, self.target)

    def round_nan(self, x: Any) -> Any:
        """:meth:`round` with XLA's NaN bits (``nan=True``): where a NaN parameter flows on."""
        return self.round(x, nan=True)

    def out_nan(self, x: Any) -> Any:
        """:meth:`out` keeping the NaN bits in a 16-bit result (PyTorch's casts do not:
        :meth:`Backend.to_dtype`)."""
        return self.backend.to_dtype(x, self.dtype) if self.short else self.out(x)

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def log(self, x: Any) -> Any:
        if self.wide:
            return log_f64_xla(self.ops, x)
        return self.round(log_f32_xla(self.ops, x))

    def log1p(self, x: Any) -> Any:
        if self.wide:
            return log1p_f64_xla(self.ops, x)
        return self.round(log1p_f32_xla(self.ops, x))

    def exp(self, x: Any) -> Any:
        if self.wide:
            return exp_f64_xla(self.ops, x)
        return self.round(exp_f32_xla(self.ops, x), nan=True)

    def tan(self, x: Any) -> Any:
        return self.round(self.host(c_tan, x), nan=True)

    def pow(self, x: Any, y: Any) -> Any:
        """``x ** y`` as XLA:CPU computes ``lax.pow`` of floats: the C library's ``pow``."""
        if not hasattr(y, "dtype"):
            y = self.const(y, x)
        if self.dtype == "float16":  # x86's vcvtph2ps quiets a signalling NaN: pow(NaN, 0) = 1
            x, y = self._quiet(x), self._quiet(y)
        return self.round(self.host(c_pow, x, y), nan=True)

    def _quiet(self, x: Any) -> Any:
        bits = self.ops.bitcast(x, "int32")
        quiet = self.ops.bitcast(bits | self.const(0x00400000, bits), "float32")
        return self.xp.where(self.xp.isnan(x), quiet, x)

    def lgamma(self, x: Any) -> Any:
        """XLA's ``lgamma``; the reflection (and its C library ``sin``) only where some
        element is below 0.5 (always when ``x`` is traced)."""
        xp = self.xp
        below = self.backend.is_traced(x) or bool(xp.any(x < self.const(0.5, x)))
        sin = (lambda v: self.host(c_sin, v)) if below else None
        return self.round(lgamma_xla(self.ops, x, self.wide, sin), nan=True)

    def host(self, fn: Callable[..., np.ndarray], *args: Any) -> Any:
        """``fn`` (a C library function of host arrays, :mod:`unirand.math.xla_libm`) of the
        backend's arrays ``args`` (one dtype; they broadcast), as an array like ``args[0]``."""
        b = self.backend
        shape = tuple(np.broadcast_shapes(*(tuple(a.shape) for a in args)))
        if any(b.is_traced(a) for a in args):
            import jax

            spec = jax.ShapeDtypeStruct(shape, args[0].dtype)
            call = lambda *h: fn(*(np.asarray(v) for v in h))  # noqa: E731
            return jax.pure_callback(call, spec, *args, vmap_method="broadcast_all")
        out = fn(*(b.to_numpy(a) for a in args))
        arr = b.from_numpy(np.ascontiguousarray(out), b.device_of(args[0]))
        return self.xp.reshape(arr, shape) if tuple(arr.shape) != shape else arr
