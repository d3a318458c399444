"""``bits``: ``jax.random.bits``, bit for bit: the Threefry hash of the partitionable counters."""

from __future__ import annotations

from typing import Any

from ..engine.dtypes import UINT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .blocks import parse_block
from .sampler import sampler

__all__ = ["bits"]


@sampler
def bits(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "uint32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Random bits of ``dtype`` (uint8/16/32/64), ``jax.random.bits`` bit for bit.

    ``index``/``offset``: only that block of the draw, ``bits(key, shape)[index]`` or its
    flattened ``[start:stop]`` (``offset=(start, stop)``), at the block's cost (docs/streams.md,
    "Blocks of a draw"); every elementwise sampler takes them."""
    single(key, "bits")
    shape = as_shape(shape)
    name = canonical(dtype, UINT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)  # raises early for a dtype the library lacks (uint64 on JAX without x64)
    if block is None:
        return target.bits(data, shape, name, dev)
    out = target.bits(data, (block.size,), name, dev, block.counters)
    return target.xp.reshape(out, block.shape)
