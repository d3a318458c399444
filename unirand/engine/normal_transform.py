"""The normal transform: ``jax.random.normal``'s uniforms to normals, as XLA:CPU computes it.

``u = uniform(key, shape, dtype, nextafter(-1, 0), 1)`` (the range rounds to exactly 2, so the
FMA is exact), then ``sqrt(2) * erf_inv(u)`` with ``erf_inv`` in float32 for float32, float16
and bfloat16 (XLA upcasts 16-bit inputs, rounds the result back, and multiplies in the 16-bit
type).  float64 is ``sqrt(2) * erf_inv(u)`` in float64
(:func:`unirand.math.xla_erf_inv.erf_inv_f64`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..math.ops import Float32Ops
from ..math.xla_erf_inv import SQRT2, erf_inv_f32
from .dtypes import MANTISSA

__all__ = ["SQRT2_64", "normal_low", "root2_16", "from_uniform_f32", "scale"]

#: sqrt(2) in float64
SQRT2_64 = float(np.sqrt(2.0))


def normal_low(dtype: str) -> float:
    """``nextafter(-1, 0)`` in ``dtype``: the lower bound of the uniform under ``normal``."""
    return -(1.0 - 2.0 ** -(MANTISSA[dtype] + 1))


def from_uniform_f32(
    ops: Float32Ops, u: Any, dtype: str, to_target: Any, erf_inv: Any = erf_inv_f32
) -> Any:
    """Normals from uniforms ``u`` (float32 array holding ``dtype`` values).

    ``to_target`` rounds a float32 array to ``dtype`` and returns it in ``dtype``; ``erf_inv``
    is :func:`erf_inv_f32` or its branch-by-branch form (same bytes).
    """
    return scale(ops, erf_inv(ops, u), dtype, to_target)


def scale(ops: Float32Ops, z: Any, dtype: str, to_target: Any) -> Any:
    """``sqrt(2) * z`` for ``z = erf_inv(u)`` in float32, rounded as XLA does for ``dtype``."""
    xp = ops.xp
    if dtype == "float32":
        return ops.mul(ops.const(SQRT2, z), z)
    z16 = xp.astype(to_target(z), xp.float32)
    # sqrt(2) rounded to the 16-bit type; the product of two 16-bit values is exact in float32
    root2 = ops.const(root2_16(dtype), z16)
    return to_target(z16 * root2)


def root2_16(dtype: str) -> float:
    """``sqrt(2)`` rounded to a 16-bit ``dtype`` (float32 and float64 multiply by ``SQRT2``)."""
    if dtype not in ("float16", "bfloat16"):
        return SQRT2_64
    return float(np.asarray(np.sqrt(2.0), _np16(dtype)))


def _np16(dtype: str) -> Any:
    if dtype == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.float16
