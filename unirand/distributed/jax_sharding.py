"""A sharded ``jax.Array`` of a global draw, each device's block computed by itself.

``jax.jit(lambda k: jax.random.normal(k, shape), out_shardings=sharding)(key)`` is JAX's way to
get a sharded random array; with partitionable Threefry every device computes its own block and
the result is the same whatever the sharding.  :func:`jax_array` builds the same array with
``jax.make_array_from_callback``: the callback computes the block ``index`` of the draw with the
sampler's ``index=`` (:mod:`unirand.samplers.blocks`), on NumPy by default or on any backend
``xp=`` names, and JAX puts each block on its device.  So the array is bit for bit
``jax.random``'s, built without compiling a program per shape and sharding, and usable where
the blocks are better computed elsewhere (a torch GPU, a host pipeline feeding TPUs).

Each process computes only its addressable devices' blocks (multi-host: every process makes the
same call with the same key; nothing is communicated), and a block replicated on several devices
is computed once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ..backends import to_numpy
from ..keys.validation import as_shape
from ..samplers.sampler import BLOCK_ARGUMENTS
from .shards import elementwise, portable_key

__all__ = ["jax_array"]


def jax_array(
    sampler: Any,
    key: Any,
    shape: Any,
    sharding: jax.sharding.Sharding,
    *,
    xp: Any = None,
    **kwargs: Any,
) -> jax.Array:
    """``sampler(key, shape, **kwargs)`` as a ``jax.Array`` laid out by ``sharding``.

    The result equals ``jax.jit(lambda k: jax.random.<sampler>(k, shape, ...),
    out_shardings=sharding)(key.jax_key())`` byte for byte, assembled and shard by shard.
    ``sampler`` is one of unirand's elementwise samplers (the function or its name);
    ``kwargs`` are its arguments (``dtype``, ``minval``, ``logits``, ...; parameter arrays are
    the whole draw's).  ``xp`` is where the blocks are computed (NumPy when ``None``; ``torch``
    with ``device=...``, ``jax``); they are then copied to their devices.

    ``sharding`` is a ``jax.sharding.Sharding`` (``NamedSharding(mesh, PartitionSpec(...))``,
    ``SingleDeviceSharding``, ...).  JAX's shardings are even: a shape whose sharded dimension
    the mesh axes do not divide raises ``ValueError`` before anything is drawn, as do the
    sampler's own argument checks, and a 64-bit dtype while JAX's x64 mode is off (JAX would
    silently store 32 bits).  Not traceable: call it outside ``jax.jit``.
    """
    fn = elementwise(sampler)
    pkey = portable_key(key, "jax_array")
    gshape = as_shape(shape)
    if not isinstance(sharding, jax.sharding.Sharding):
        raise TypeError(
            "jax_array: sharding must be a jax.sharding.Sharding, e.g. "
            "NamedSharding(mesh, PartitionSpec('x')); got "
            f"{type(sharding).__name__} {sharding!r}"
        )
    for name in BLOCK_ARGUMENTS:
        if name in kwargs:
            raise TypeError(
                f"jax_array: {name}= is not taken: the sharding decides the blocks, and each "
                "device's block is drawn with index= by jax_array itself"
            )
    where = np if xp is None else xp
    # an empty block: every argument checked and the dtype known before any device is touched
    probe = fn(pkey, shape=gshape, offset=(0, 0), xp=where, **kwargs)
    dtype = np.dtype(to_numpy(probe).dtype)
    _check_dtype(dtype)
    _check_layout(sharding, gshape)
    block = _block_callback(fn, pkey, gshape, where, kwargs)
    return jax.make_array_from_callback(gshape, sharding, block, dtype=dtype)


def _check_layout(sharding: jax.sharding.Sharding, gshape: tuple[int, ...]) -> None:
    """The shape fits the sharding: its rank, and even blocks (JAX has no uneven shards)."""
    compatible = getattr(sharding, "check_compatible_aval", None)  # not in Sharding's API
    try:
        if compatible is not None:
            compatible(gshape)  # a spec longer than the shape
    except ValueError as e:
        raise ValueError(f"jax_array: shape {gshape} does not fit the sharding: {e}") from None
    try:
        sharding.shard_shape(gshape)
    except ValueError as e:  # JAX's IndivisibleError
        raise ValueError(
            f"jax_array: shape {gshape} cannot be sharded evenly: {e}. Every device of a "
            "jax.Array holds a block of one shape, so each sharded dimension must be a multiple "
            "of the size of its mesh axes: pad the shape or choose another mesh"
        ) from None


def _check_dtype(dtype: np.dtype[Any]) -> None:
    """JAX without x64 would turn a 64-bit block into 32 bits: not the draw asked for."""
    stored = np.dtype(jax.dtypes.canonicalize_dtype(dtype))
    if stored != dtype:
        raise ValueError(
            f"jax_array: the draw's dtype is {dtype}, which JAX stores as {stored} while its "
            "64-bit mode is off; turn it on (jax.config.update('jax_enable_x64', True)) or "
            "draw a 32-bit dtype"
        )


def _block_callback(
    fn: Callable[..., Any],
    key: Any,
    gshape: tuple[int, ...],
    xp: Any,
    kwargs: dict[str, Any],
) -> Callable[[Any], Any]:
    """``make_array_from_callback``'s callback: ``index`` (one slice per axis, from the
    sharding) to that block of the draw, computed once per distinct block (JAX calls it once
    per device, replicas included)."""
    done: dict[tuple[tuple[int, int, int], ...], Any] = {}

    def block(index: Any) -> Any:
        items = tuple(index)
        if len(items) != len(gshape) or not all(isinstance(s, slice) for s in items):
            raise TypeError(f"jax_array: expected one slice per axis of {gshape}; got {index!r}")
        spans = tuple(s.indices(d) for s, d in zip(items, gshape, strict=True))
        if spans not in done:
            out = fn(key, shape=gshape, index=items, xp=xp, **kwargs)
            done[spans] = out if isinstance(out, jax.Array) else to_numpy(out)
        return done[spans]

    return block
