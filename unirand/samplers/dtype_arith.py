"""Arithmetic in a sampler's dtype as XLA:CPU does it: the carrier, the roundings, log and log1p.

float64 values are carried in float64, the others in float32 (a 16-bit value is exact in
float32); every float32 result of a 16-bit sampler is rounded back to the 16-bit type, as XLA
computes 16-bit operations in float32.  ``log``/``log1p`` are XLA:CPU's
(:mod:`unirand.math.xla_log`).
"""

from __future__ import annotations

from typing import Any

from ..engine.backend import Backend
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
