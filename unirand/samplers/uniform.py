"""``uniform``: ``jax.random.uniform``, bit for bit: mantissa bits, then the affine map with
XLA:CPU's fused multiply-add (:mod:`unirand.engine.affine`).
"""

from __future__ import annotations

from typing import Any

from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import uniform_bound
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["uniform"]


@sampler
def uniform(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    minval: Any = 0.0,
    maxval: Any = 1.0,
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Floats in ``[minval, maxval)``: ``jax.random.uniform`` bit for bit, XLA:CPU FMA included."""
    single(key, "uniform")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    minval = uniform_bound(minval, target, shape, "minval")
    maxval = uniform_bound(maxval, target, shape, "maxval")
    jb = native_jax(target, dev, "uniform", name)
    if jb is not None:
        return jax_call(jb, target, data, dev, "uniform", shape, target.dtype(name), minval, maxval)
    return target.uniform(data, shape, name, minval, maxval, dev)
