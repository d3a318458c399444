"""``bits``: ``jax.random.bits``, bit for bit: the Threefry hash of the partitionable counters."""

from __future__ import annotations

from typing import Any

from ..engine.dtypes import UINT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .sampler import sampler

__all__ = ["bits"]


@sampler
def bits(
    key: PortableKey, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
) -> Any:
    """Random bits of ``dtype`` (uint8/16/32/64), ``jax.random.bits`` bit for bit."""
    single(key, "bits")
    shape = as_shape(shape)
    name = canonical(dtype, UINT_DTYPES)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)  # raises early for a dtype the library lacks (uint64 on JAX without x64)
    return target.bits(data, shape, name, dev)
