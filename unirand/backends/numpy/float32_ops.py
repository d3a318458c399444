"""Exactly rounded float32 arithmetic on NumPy, with a fast fused multiply-add.

The generic :class:`unirand.engine.float_ops.ArrayFloatOps` emulates the FMA in float32 alone;
NumPy has float64, so one float64 multiply-add and a rare fix-up are exact and much faster.
"""

from __future__ import annotations

from typing import Any

import array_api_compat.numpy as compat_np
import numpy as np

from ...math import fma as _fma

__all__ = ["OPS", "NumpyFloat32Ops"]


class NumpyFloat32Ops:
    """Exactly rounded float32 arithmetic on NumPy, with a fast FMA.

    ``a*b`` is exact in float64 and ``a*b + c`` is rounded once there; rounding that to float32
    is correct unless the float64 sum lies exactly halfway between two float32 values (the only
    place a double rounding can go wrong, since rounding is monotone).  Those rare elements are
    recomputed with the exact round-to-odd FMA.  Results are never float32 subnormals here.
    """

    xp = compat_np

    def const(self, value: Any, like: Any) -> Any:
        return like.dtype.type(value)

    def mul(self, a: Any, b: Any) -> Any:
        return a * b

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        if np.ndim(a) == 0:
            a, b = b, a
        s = a.astype(np.float64)  # explicit upcasts beat a casting multiply in NumPy
        s *= b  # exact: 24 + 24 bits
        s += c
        out = s.astype(np.float32)
        low = s.view(np.int64)
        low &= _fma.TIE_MASK  # in place (s is no longer needed): _fma.float32_ties, no temporary
        return _fma.fix_float32_ties(compat_np, out, low == _fma.TIE_BITS, a, b, c, _view)

    def sqrt(self, a: Any) -> Any:
        return np.sqrt(a)

    def bitcast(self, a: Any, name: str) -> Any:
        return a.view(np.dtype(name))


def _view(x: np.ndarray, name: str) -> np.ndarray:
    return x.view(np.dtype(name))


#: the one instance (the ops hold no state)
OPS = NumpyFloat32Ops()
