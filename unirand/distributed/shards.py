"""Shards of a global draw: which samplers can be drawn by blocks, shard ``r`` of ``n``, one block.

In the partitionable Threefry layout element ``i`` of a draw is the hash of counter ``i``
alone, so a block of a global array (one rank's shard, a dask chunk, one device's part of a
``jax.Array``) is computed by itself with ``sampler(key, shape=global_shape, index=block)``
(:mod:`unirand.samplers.blocks`) and equals the same block of the single-device draw bit for
bit, whatever the layout, with no communication: every rank needs only the key.

:func:`shard` is the form for plain data- or tensor-parallel ranks (``torch.distributed``,
MPI, a process pool): rank ``r`` of ``n`` along one dimension, cut as ``torch.chunk`` and
DTensor's ``Shard(dim)`` cut.  The sampler's own argument checks run on every rank, before
anything is drawn, so every rank fails the same way at the call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..keys.portable import PortableKey
from ..keys.validation import as_shape
from ..samplers.sampler import REGISTRY

__all__ = ["elementwise", "portable_key", "shard", "shard_index"]


def elementwise(sampler: Any) -> Callable[..., Any]:
    """The registered sampler ``sampler`` (the function, e.g. ``unirand.normal``, or its
    name); a sampler without blocks (``permutation``, ``shuffle``) is refused."""
    if isinstance(sampler, str):
        fn = REGISTRY.get(sampler)
        name = sampler
    else:
        name = getattr(sampler, "__name__", "")
        fn = REGISTRY.get(name)
        if fn is not sampler:
            fn = None
    if fn is None:
        known = ", ".join(n for n, f in REGISTRY.items() if _has_blocks(f))
        raise TypeError(
            f"sampler must be one of unirand's samplers (the function or its name: {known}); "
            f"got {sampler!r}"
        )
    if not _has_blocks(fn):
        raise ValueError(
            f"sampler {name!r} is not elementwise (a value depends on the whole draw), so it "
            "cannot be drawn by blocks; draw it on one device"
        )
    return fn


def _has_blocks(fn: Callable[..., Any]) -> bool:
    params = inspect.signature(fn).parameters
    return "index" in params and "shape" in params


def portable_key(key: Any, name: str) -> PortableKey:
    """``key`` if it is one portable key (``unirand.key(seed)``): only their streams are
    defined element by element (a native generator's draw is sequential)."""
    if not isinstance(key, PortableKey):
        raise TypeError(
            f"{name}: key must be a portable key (unirand.key(seed)): a native generator's "
            f"stream cannot be drawn by blocks; got {type(key).__name__}"
        )
    if key.shape != ():
        raise ValueError(f"{name}: key must be a single key; got a key array of shape {key.shape}")
    return key


def shard_index(shape: Any, rank: int, world_size: int, dim: int = 0) -> tuple[slice, ...]:
    """The ``index`` of shard ``rank`` of ``world_size`` along ``dim``, as ``torch.chunk`` and
    DTensor's ``Shard(dim)`` cut it: shards of ``ceil(n / world_size)`` elements, the last ones
    shorter or empty.  ``sampler(key, shape, index=shard_index(shape, r, n, d))`` is rank
    ``r``'s part of the global draw."""
    gshape = as_shape(shape)
    for value, what in ((rank, "rank"), (world_size, "world_size"), (dim, "dim")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"shard_index: {what} must be an int; got {value!r}")
    if world_size < 1:
        raise ValueError(f"shard_index: world_size must be >= 1; got {world_size}")
    if not 0 <= rank < world_size:
        raise ValueError(f"shard_index: rank must be in [0, {world_size}); got {rank}")
    if not -len(gshape) <= dim < len(gshape):
        raise ValueError(f"shard_index: dim {dim} is out of range for shape {gshape}")
    dim %= len(gshape)
    n = gshape[dim]
    size = -(-n // world_size)
    start = min(rank * size, n)
    stop = min(start + size, n)
    return tuple(slice(start, stop) if a == dim else slice(None) for a in range(len(gshape)))


def shard(
    sampler: Any,
    key: Any,
    shape: Any,
    rank: int,
    world_size: int,
    dim: int = 0,
    **kwargs: Any,
) -> Any:
    """Rank ``rank``'s shard of ``sampler(key, shape, **kwargs)``, split along ``dim`` into
    ``world_size`` parts (:func:`shard_index`), computed alone on the sampler's backend
    (``xp=``, ``device=`` as usual).  Concatenating the shards of every rank along ``dim``
    gives the single-process draw byte for byte, for any ``world_size``.

    >>> import numpy as np, unirand
    >>> key = unirand.key(0)
    >>> parts = [unirand.distributed.shard(unirand.normal, key, (5, 3), r, 2) for r in range(2)]
    >>> bool((np.concatenate(parts) == unirand.normal(key, (5, 3))).all())
    True
    """
    fn = elementwise(sampler)
    gshape = as_shape(shape)
    index = shard_index(gshape, rank, world_size, dim)
    return fn(portable_key(key, "shard"), shape=gshape, index=index, **kwargs)
