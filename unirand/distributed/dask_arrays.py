"""``dask_array``: a global draw as a ``dask.array.Array``, the same bytes for every chunking.

In the partitionable Threefry layout a chunk of a global draw is a block of it
(:mod:`unirand.samplers.blocks`), so each chunk is one task that computes
``sampler(key, shape=global_shape, index=chunk)`` where dask runs it: on a thread of the local
scheduler, or on a ``distributed`` worker process.  Nothing is drawn on the client and no value
travels between tasks: a task carries the key's two 32-bit words, the global shape and its
chunk's slices.  The result equals ``sampler(key, global_shape)`` of one process byte for byte
(hence ``jax.random``'s) whatever the chunks are, regular or not, and however dask schedules
them.

Array parameters (``bernoulli``'s ``p``, ``uniform``'s bounds, ``truncated_normal``'s limits,
anything of a shape broadcasting to the draw) cannot be handed to a task as the chunk's slice:
a sampler reads a block's parameters by their global coordinates (:meth:`Block.take`), from an
array that broadcasts to the global shape.  So each array parameter is stored once in the graph
as its own key (as ``dask.array.random`` stores its array arguments), every chunk task depends
on that key and reads only its block's elements.  A dask array parameter becomes one chunk
(``rechunk``) for the same reason.  Scalars, strings and lists stay in each task.

This module imports dask (the ``dask`` extra) and never torch or jax: its chunks are NumPy
arrays (or CuPy's, ``xp="cupy"``), the array types dask computes with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from itertools import product
from typing import Any

import numpy as np
from dask._task_spec import DataNode, Task, TaskRef
from dask.array import core, utils
from dask.array.core import Array
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from ..backends import resolve, to_numpy
from ..keys.operations import key_data, wrap_key_data
from ..keys.validation import as_shape
from ..samplers.sampler import BLOCK_ARGUMENTS, REGISTRY
from .shards import elementwise, portable_key

__all__ = ["dask_array"]

#: the array libraries whose arrays dask holds as chunks
CHUNK_LIBRARIES = ("numpy", "cupy")
#: arguments dask_array sets itself
_RESERVED = ("key", "shape", *BLOCK_ARGUMENTS)
#: a chunk's place in the global draw: ("offset", (start, stop)) or ("index", slices)
Where = tuple[str, Any]

# dask's array functions are unannotated: called through these, they are typed calls
_new_array: Callable[..., Array] = core.Array
_normalize_chunks: Callable[..., tuple[tuple[Any, ...], ...]] = core.normalize_chunks
_slices_from_chunks: Callable[..., list[tuple[slice, ...]]] = core.slices_from_chunks
_meta_from_array: Callable[..., Any] = utils.meta_from_array


def dask_array(
    sampler: Any,
    key: Any,
    shape: Any,
    chunks: Any = "auto",
    *,
    xp: Any = None,
    **kwargs: Any,
) -> Array:
    """``sampler(key, shape, **kwargs)`` as a dask array cut into ``chunks``, each chunk
    computed by its own task where dask runs it, from the key alone.

    ``sampler``: an elementwise sampler of unirand (the function, ``unirand.normal``, or its
    name); ``kwargs`` are its parameters (``dtype=``, ``p=``, ``minval=``...), checked now, at
    the call, as the sampler checks them.  ``chunks``: any form dask takes (``"auto"``, an int,
    a tuple of ints, explicit per-axis tuples, ``-1``, a dict); ``"auto"`` sizes chunks for the
    output's dtype.  ``xp``: the chunks' array library, NumPy by default (or ``"cupy"``).

    The values do not depend on the chunks: ``dask_array(...).compute()`` equals
    ``sampler(key, shape, **kwargs)`` byte for byte for every chunking.  Two equal calls give
    the same graph (the name tokenizes the key, sampler, shape, chunks and parameters).
    Under ``unirand.debug_key_reuse`` the key is consumed here, once, as a draw consumes it.

    >>> import numpy as np, unirand
    >>> key = unirand.key(0)
    >>> x = unirand.distributed.dask_array(unirand.normal, key, (6, 4), chunks=((1, 5), (3, 1)))
    >>> bool((x.compute() == unirand.normal(key, (6, 4))).all())
    True
    """
    fn = elementwise(sampler)
    name = fn.__name__
    key = portable_key(key, "dask_array")
    gshape = as_shape(shape)
    for arg in _RESERVED:
        if arg in kwargs:
            raise TypeError(
                f"dask_array: {arg}= is set by dask_array itself (each chunk is a block of the "
                "global draw); pass the global shape as shape"
            )
    library = _library(xp)
    words = tuple(int(w) for w in np.asarray(to_numpy(key_data(key))).reshape(-1))

    inline, arrays = _split(kwargs)
    # the sampler's own checks, now, on an empty block: the call fails here, not at compute
    stand_ins = {n: _stand_in(v) for n, v in arrays.items()}
    empty = fn(key, shape=gshape, offset=(0, 0), xp=library, **inline, **stand_ins)
    meta = _meta_from_array(empty, ndim=len(gshape))
    chunks = _chunks(chunks, gshape, meta.dtype)

    token = tokenize(name, words, gshape, chunks, library, inline, arrays)
    out = f"unirand-{name}-{token}"
    graph: dict[Any, Any] = {}
    dependencies: list[Any] = []
    refs: dict[str, TaskRef] = {}
    for pname, value in arrays.items():
        if isinstance(value, Array):
            whole: Any = value
            whole = whole.rechunk(value.shape)
            dependencies.append(whole)
            refs[pname] = TaskRef(_first(whole))
        else:
            pkey = f"unirand-{name}-{pname}-{tokenize(value)}"
            graph[pkey] = DataNode(pkey, value)
            refs[pname] = TaskRef(pkey)
    names = tuple(refs)
    for block, slices in zip(_blocks(chunks), _slices_from_chunks(chunks), strict=True):
        tkey = (out, *block)
        graph[tkey] = Task(
            tkey,
            _chunk,
            name,
            words,
            gshape,
            _where(gshape, slices),
            tuple(s.stop - s.start for s in slices),
            library,
            inline,
            names,
            *refs.values(),
        )
    layers = HighLevelGraph.from_collections(out, graph, dependencies=dependencies)
    return _new_array(layers, out, chunks, meta=meta)


def _chunk(
    name: str,
    words: tuple[int, int],
    gshape: tuple[int, ...],
    where: Where,
    shape: tuple[int, ...],
    library: str,
    inline: Mapping[str, Any],
    names: tuple[str, ...],
    *arrays: Any,
) -> Any:
    """One chunk: the block ``where`` of the draw of ``gshape`` under the key ``words``, in the
    chunk's ``shape``.  A module-level function of picklable arguments, so process workers
    (``distributed``) run it by reference."""
    key = wrap_key_data(np.array(words, np.uint32))
    params = dict(zip(names, arrays, strict=True))
    kind, block = where
    fn = REGISTRY[name]
    out = fn(key, shape=gshape, xp=library, **{kind: block}, **inline, **params)
    return out.reshape(shape) if kind == "offset" else out


def _library(xp: Any) -> str:
    """The canonical name of the chunks' array library (a name travels in the graph, a module
    does not pickle)."""
    if xp is None:
        return "numpy"
    if isinstance(xp, str) and xp.strip().lower() in ("torch", "pytorch", "jax", "jax.numpy"):
        name = xp.strip().lower()
    else:
        name = resolve(xp).name
    if name not in CHUNK_LIBRARIES:
        raise ValueError(
            f"dask_array: xp must be an array library dask computes chunks with "
            f"({', '.join(CHUNK_LIBRARIES)}); got {xp!r}. For torch use "
            "unirand.distributed.dtensor, for jax unirand.distributed.jax_array"
        )
    return name


def _split(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters that stay in every task (scalars, strings, dtypes, lists) and the arrays,
    each stored once in the graph."""
    inline, arrays = {}, {}
    for pname, value in kwargs.items():
        shape = None if isinstance(value, type) else getattr(value, "shape", None)
        if isinstance(value, Array) or (isinstance(shape, tuple) and len(shape) > 0):
            arrays[pname] = value
        else:
            inline[pname] = value
    return inline, arrays


def _stand_in(value: Any) -> Any:
    """What the eager check sees for an array parameter: the array itself, or for a dask
    array an array of its shape and dtype that costs nothing (a broadcast zero)."""
    if isinstance(value, Array):
        return np.broadcast_to(np.zeros((), value.dtype), value.shape)
    return value


def _first(x: Array) -> Any:
    keys: Any = x.__dask_keys__()
    while isinstance(keys, list):
        (keys,) = keys
    return keys


def _chunks(chunks: Any, gshape: tuple[int, ...], dtype: np.dtype[Any]) -> tuple[Any, ...]:
    """dask's normal form of ``chunks`` for ``gshape``, or a ValueError naming the argument."""
    if isinstance(chunks, Array) or (
        hasattr(chunks, "shape") and not isinstance(chunks, (tuple, list))
    ):
        raise TypeError(
            f"dask_array: chunks must be a dask chunk spec; got {type(chunks).__name__}"
        )
    try:
        normal = _normalize_chunks(chunks, gshape, dtype=dtype)
    except (ValueError, TypeError, NotImplementedError) as e:
        raise ValueError(
            f"dask_array: chunks {chunks!r} do not describe a chunking of shape {gshape}: {e}"
        ) from None
    if len(normal) != len(gshape) or any(
        sum(c) != n or not all(_size(b) for b in c) for c, n in zip(normal, gshape, strict=False)
    ):
        raise ValueError(
            f"dask_array: chunks {chunks!r} do not describe a chunking of shape {gshape} "
            f"(chunk sizes must be ints >= 0 adding up to each axis); got {normal}"
        )
    return tuple(tuple(int(b) for b in c) for c in normal)


def _size(b: Any) -> bool:
    """Whether ``b`` is a chunk's length: an int >= 0 (dask's unknown NaN is not one)."""
    return isinstance(b, (int, np.integer)) and not isinstance(b, bool) and int(b) >= 0


def _blocks(chunks: tuple[Any, ...]) -> Iterator[tuple[int, ...]]:
    return product(*(range(len(c)) for c in chunks))


def _where(gshape: tuple[int, ...], slices: tuple[slice, ...]) -> Where:
    """A chunk as ``offset=`` when its elements are one flat run of the draw (every axis after
    the first of length > 1 whole: no counter array to build), else as ``index=``."""
    sizes = [s.stop - s.start for s in slices]
    if 0 in sizes:
        return ("offset", (0, 0))
    first = next((a for a, n in enumerate(sizes) if n != 1), len(sizes))
    if all(slices[a].start == 0 and sizes[a] == gshape[a] for a in range(first + 1, len(gshape))):
        start, stride = 0, 1
        for s, n in zip(reversed(slices), reversed(gshape), strict=True):
            start += s.start * stride
            stride *= n
        return ("offset", (start, start + math.prod(sizes)))
    return ("index", tuple(slices))
