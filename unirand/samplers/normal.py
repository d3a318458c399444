"""``normal``: ``jax.random.normal`` as XLA:CPU computes it: ``sqrt(2) * erf_inv(u)``
(:mod:`unirand.engine.normal_transform`), on the backend's engine or its proven fast path.
"""

from __future__ import annotations

from typing import Any

from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .blocks import parse_block
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["normal"]


@sampler
def normal(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard normals: ``jax.random.normal`` as XLA:CPU on x86-64 with FMA computes it.

    ``sqrt(2) * erf_inv(u)`` with ``u`` uniform in ``[nextafter(-1, 0), 1)``, every operation of
    XLA's ``erf_inv`` reproduced with exact rounding, so the bytes are the same on every
    backend and device (float64: see docs/streams.md).  ``index``/``offset``: one block of
    the draw (as :func:`unirand.bits`).
    """
    single(key, "normal")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if block is not None:
        out = target.normal(data, (block.size,), name, dev, block.counters)
        return target.xp.reshape(out, block.shape)
    jb = native_jax(target, dev, "normal", name)
    if jb is not None:
        return jax_call(jb, target, data, dev, "normal", shape, target.dtype(name))
    return target.normal(data, shape, name, dev)
