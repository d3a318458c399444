"""Exactly rounded float arithmetic on any array-API library: the ``ops`` the math runs on.

Every function in :mod:`unirand.math` takes an ``ops`` object (:mod:`unirand.math.ops`).  These
are the generic ones, written once against the array API; a backend returns them from
``float32_ops()``/``float64_ops()`` unless it has a faster one proven identical (NumPy's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..math import fma as _fma

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["ArrayFloatOps", "WideFloat32Ops"]


class WideFloat32Ops:
    """float32 arithmetic with a fast FMA through float64 (libraries that have float64).

    ``a*b`` is exact in float64 and ``a*b + c`` is rounded once there; rounding that to float32
    is correct unless the float64 sum lies exactly halfway between two float32 values (the only
    place a double rounding can go wrong, rounding being monotone).  Those rare elements are
    recomputed with the exact round-to-odd FMA.  No float32 subnormal results occur in the
    samplers that use it.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.xp = backend.xp

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def mul(self, a: Any, b: Any) -> Any:
        return a * b

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        xp = self.xp
        f64 = xp.float64
        s = xp.astype(a, f64) * xp.astype(b, f64) + xp.astype(c, f64)
        out = xp.astype(s, xp.float32)
        bitcast = self.backend.bitcast
        return _fma.fix_float32_ties(xp, out, _fma.float32_ties(s, bitcast), a, b, c, bitcast)

    def sqrt(self, a: Any) -> Any:
        return self.backend.sqrt_f32(a)

    def bitcast(self, a: Any, name: str) -> Any:
        return self.backend.bitcast(a, name)


class ArrayFloatOps:
    """Exactly rounded arithmetic in one float dtype on any array-API backend.

    The FMA is Dekker/Boldo-Melquiond in that dtype alone (float32 needs no float64: JAX
    without x64, MPS).
    """

    def __init__(self, backend: Backend, dtype: str) -> None:
        self.backend = backend
        self.xp = backend.xp
        self.dtype = dtype

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def mul(self, a: Any, b: Any) -> Any:
        return self.backend.barrier(a * b)

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        b_ = self.backend
        return _fma.fma_dekker(self.xp, a, b, c, b_.bitcast, self.dtype, b_.barrier)

    def sqrt(self, a: Any) -> Any:
        if self.dtype == "float32":
            return self.backend.sqrt_f32(a)
        return self.backend.sqrt_f64(a)

    def log(self, a: Any) -> Any:
        return self.backend.log_f64(a)

    def bitcast(self, a: Any, name: str) -> Any:
        return self.backend.bitcast(a, name)
