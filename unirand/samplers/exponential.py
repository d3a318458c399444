"""``exponential``: ``jax.random.exponential``, bit for bit: ``-log1p(-u)``, XLA:CPU's ``log1p``."""

from __future__ import annotations

import math
from typing import Any

from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .blocks import parse_block
from .dtype_arith import DtypeArith
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["exponential", "exponential_values"]


def exponential_values(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """``-log1p(-uniform(key, shape, dtype))``; ``counters``: a block's (``shape`` is its)."""
    xp = backend.xp
    jb = native_jax(backend, device, "exponential", dtype) if counters is None else None
    if jb is not None:
        return jax_call(jb, backend, data, device, "exponential", shape, backend.dtype(dtype))
    fast = backend.compiled("exponential", data, shape, dtype, device, counters=counters)
    if fast is not None:
        return fast
    m = DtypeArith(backend, dtype)
    n = math.prod(shape)
    u = m.load(backend.uniform(data, (n,), dtype, 0.0, 1.0, device, counters))
    return xp.reshape(m.out(-m.log1p(-u)), shape)


@sampler
def exponential(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard exponentials: ``jax.random.exponential`` bit for bit, ``-log1p(-u)`` with ``u``
    uniform in [0, 1) and XLA:CPU's ``log1p``.  ``index``/``offset``: one block of the draw
    (as :func:`unirand.bits`)."""
    single(key, "exponential")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if block is None:
        return exponential_values(target, data, shape, name, dev)
    out = exponential_values(target, data, (block.size,), name, dev, block.counters)
    return target.xp.reshape(out, block.shape)
