"""Blocks of a draw: ``index=`` and ``offset=``, the counters of a block, its parameters.

In the partitionable layout element ``i`` of a draw is the hash of counter ``i`` alone, so any
block of a global draw can be computed without the rest: its counters are the flat indices of
its elements in the global shape (:attr:`Block.counters`), and every elementwise sampler turns
a counter into a value the same way whatever the shape.  A block is described by one integer
array per axis of the global shape (:attr:`Block.coords`), which broadcast to the block's full
shape; the global flat index is ``sum(coords[a] * stride[a])``.  Everything here costs
O(block): no array of the global size is built, parameters included (:meth:`Block.take`
gathers a parameter's elements through a broadcast view).

Two forms are parsed: ``index`` (a tuple of slices, ints and one ``Ellipsis``, NumPy's basic
indexing; the result is ``draw[index]``) and ``offset=(start, stop)`` (the result is
``draw.reshape(-1)[start:stop]``, for code that shards the flattened draw).
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.threefry import as_indices

__all__ = ["Block", "parse_block", "refuse_block", "second_half"]


class Block:
    """The elements of a draw of global shape ``gshape`` selected by ``coords``.

    ``coords``: one int64 array per axis of ``gshape``, broadcastable to each other; their
    broadcast shape is :attr:`full` (an axis selected by an int has length 1 there).
    ``shape``: the shape of the result (ints drop their axis; ``offset`` gives a 1-d block).
    """

    def __init__(
        self,
        gshape: tuple[int, ...],
        coords: tuple[np.ndarray, ...],
        shape: tuple[int, ...],
        full: tuple[int, ...] | None = None,
        flat: range | None = None,
    ) -> None:
        self.gshape = gshape
        self._coords = coords
        #: the flat range of an ``offset`` block: its counters, its coordinates only on demand
        self.flat = flat
        if full is None:
            full = tuple(np.broadcast_shapes(*(c.shape for c in coords))) if coords else ()
        self.full = full
        self.shape = shape
        self.total = math.prod(gshape)
        self.size = math.prod(self.full)

    @functools.cached_property
    def coords(self) -> tuple[np.ndarray, ...]:
        """One int64 array per axis of ``gshape``, broadcastable to :attr:`full`."""
        if self.flat is None or not self.gshape:
            return self._coords
        flat = np.arange(self.flat.start, self.flat.stop, dtype=np.int64)
        return tuple(np.asarray(c, np.int64) for c in np.unravel_index(flat, self.gshape))

    @functools.cached_property
    def counters(self) -> np.ndarray | range:
        """The block's global flat indices, C order of :attr:`full`: a new writable int64
        array, or for an ``offset`` block its ``range`` (the engines count those themselves,
        as for a whole draw: no array of counters)."""
        if self.flat is not None:
            return self.flat
        acc: Any = np.zeros((), np.int64)
        stride = 1
        for c, d in zip(reversed(self.coords), reversed(self.gshape), strict=True):
            acc = acc + c * np.int64(stride)
            stride *= d
        return np.array(np.broadcast_to(acc, self.full), np.int64, order="C").reshape(-1)

    def take(self, param: np.ndarray) -> np.ndarray:
        """The block's elements of a host ``param`` broadcastable to ``gshape``, in the shape
        :attr:`full` (a view of the broadcast, indexed per axis: O(block))."""
        param = np.asarray(param)
        nd = len(self.gshape)
        p = param.reshape((1,) * (nd - param.ndim) + param.shape)
        dims: tuple[int, ...] = tuple(p.shape)
        ix: tuple[np.ndarray, ...] = tuple(
            c if d != 1 else np.zeros_like(c) for c, d in zip(self.coords, dims, strict=True)
        )
        return np.broadcast_to(p[ix] if ix else p, self.full)

    def take_on(self, backend: Backend, x: Any, device: Any = None) -> Any:
        """:meth:`take` for an array of ``backend`` (kept on its library: a traced JAX array
        stays traced); host arrays and array-API libraries without integer-array indexing
        go through NumPy."""
        if backend.name not in ("torch", "jax") or isinstance(x, (np.ndarray, np.generic)):
            host = np.asarray(x if isinstance(x, (np.ndarray, np.generic)) else backend.to_numpy(x))
            out = np.array(self.take(host), order="C")  # writable: torch wraps it
            arr = backend.from_numpy(out, device)
            return backend.xp.reshape(arr, self.full)
        xp = backend.xp
        nd = len(self.gshape)
        p = xp.reshape(x, (1,) * (nd - len(x.shape)) + tuple(x.shape))
        dev = backend.device_of(x)
        ix = tuple(
            backend.from_numpy(np.ascontiguousarray(c if d != 1 else np.zeros_like(c)), dev)
            for c, d in zip(self.coords, p.shape, strict=True)
        )
        return xp.broadcast_to(p[ix] if ix else p, self.full)

    def with_axis(self, pos: int, k: int) -> Block:
        """This block with a whole axis of length ``k`` inserted at ``pos`` of the global shape
        (``categorical``'s categories), last in :attr:`full`: the broadcast shape gains one
        trailing axis."""
        coords = [c.reshape(*c.shape, 1) for c in self.coords]
        coords.insert(pos, np.arange(k, dtype=np.int64).reshape((1,) * len(self.full) + (k,)))
        gshape = (*self.gshape[:pos], k, *self.gshape[pos:])
        return Block(gshape, tuple(coords), (*self.shape, k), (*self.full, k))

    def axes(self, start: int, stop: int) -> Block:
        """The block restricted to axes ``start:stop`` of the global shape, as a block of a
        draw of shape ``gshape[start:stop]`` (``choice``'s draws inside its output); its
        :attr:`full` broadcasts against this block's."""
        return Block(self.gshape[start:stop], self.coords[start:stop], ())

    def gather(self, backend: Backend, x: Any, before: int, values: Any) -> Any:
        """``x[coords[:before], values, coords[-after:]]`` in the shape :attr:`full`: the
        elements of an array ``x`` of ``backend`` whose axis ``before`` is indexed by
        ``values`` (an integer array of ``backend`` broadcasting against :attr:`full`) and
        whose other axes are this block's (``choice`` of an array's slices)."""
        after = len(x.shape) - before - 1
        rest = self.coords[len(self.coords) - after :] if after else ()
        host = (*self.coords[:before], *rest)
        if backend.name in ("torch", "jax", "numpy"):
            dev = backend.device_of(x)
            ix = [backend.from_numpy(np.ascontiguousarray(c), dev) for c in host]
            ix.insert(before, values)
            return backend.xp.broadcast_to(x[tuple(ix)], self.full)
        hx, hv = backend.to_numpy(x), backend.to_numpy(values)
        selection = (*host[:before], hv, *host[before:])
        out = np.ascontiguousarray(np.broadcast_to(hx[selection], self.full))
        return backend.from_numpy(out, backend.device_of(x))


def second_half(counters: np.ndarray | range, total: int | None) -> np.ndarray:
    """A block's counters in the two rows of ``uniform(key, (2, total))``: the samplers with two
    uniforms per value (``gumbel``/``bernoulli`` "high") read element ``i`` from counters ``i``
    and ``total + i``, where ``total`` is the whole draw's size, not the block's."""
    if total is None:
        raise ValueError("a block's second uniforms need the whole draw's size (total)")
    c = as_indices(counters)
    return np.concatenate([c, c + np.int64(total)])


def refuse_block(index: Any, offset: Any, what: str) -> None:
    """A sampler whose values are not elementwise takes no block."""
    if index is not None or offset is not None:
        arg = "index" if index is not None else "offset"
        raise ValueError(
            f"{arg}: {what} is not elementwise (each value depends on the whole draw), so it "
            "has no blocks; draw it whole and index the result"
        )


def parse_block(index: Any, offset: Any, shape: tuple[int, ...]) -> Block | None:
    """The block ``index`` or ``offset`` selects in a draw of ``shape`` (``None``: the whole
    draw, the ordinary call)."""
    if index is None and offset is None:
        return None
    if index is not None and offset is not None:
        raise TypeError("index and offset select a block two ways; give one of them")
    if offset is not None:
        return _flat(offset, shape)
    return _basic(index, shape)


def _flat(offset: Any, shape: tuple[int, ...]) -> Block:
    total = math.prod(shape)
    if not isinstance(offset, tuple) or len(offset) != 2:
        raise TypeError(
            f"offset must be a pair (start, stop) of ints over the flattened draw; got {offset!r}"
        )
    start, stop = (_int(v, "offset") for v in offset)
    if not 0 <= start <= stop <= total:
        raise IndexError(
            f"offset ({start}, {stop}) must satisfy 0 <= start <= stop <= {total} (the size of "
            f"shape {shape})"
        )
    m = stop - start
    if not shape:  # a scalar draw: its only element (counter 0), or none
        return Block((), (), (m,), (m,), range(start, stop))
    return Block(shape, (), (m,), (m,), range(start, stop))


def _int(v: Any, argument: str) -> int:
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{argument}: expected an int, got a bool")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{argument}: expected an int, got {type(v).__name__} {v!r}") from None


def _is_int(item: Any) -> bool:
    """An int as NumPy's basic indexing takes it (not a bool, not an array of several)."""
    if isinstance(item, (bool, np.bool_)):
        return False
    try:
        operator.index(item)
    except TypeError:
        return False
    return True


def _basic(index: Any, shape: tuple[int, ...]) -> Block:
    items = index if isinstance(index, tuple) else (index,)
    for item in items:
        if item is None:
            raise TypeError("index: None (np.newaxis) adds an axis; a block can only select")
        if not (item is Ellipsis or isinstance(item, slice)) and not _is_int(item):
            raise TypeError(
                f"index: only basic indexing (ints, slices, one Ellipsis) selects a block; got "
                f"{type(item).__name__} {item!r} (advanced indexing is not supported)"
            )
    ellipses = sum(item is Ellipsis for item in items)
    if ellipses > 1:
        raise IndexError("index: an index can only have a single ellipsis ('...')")
    explicit = len(items) - ellipses
    if explicit > len(shape):
        raise IndexError(
            f"index: too many indices for a draw of shape {shape}: {explicit} were indexed"
        )
    if ellipses:
        at = next(i for i, item in enumerate(items) if item is Ellipsis)
        fill = (slice(None),) * (len(shape) - explicit)
        items = (*items[:at], *fill, *items[at + 1 :])
    else:
        items = (*items, *(slice(None),) * (len(shape) - explicit))
    nd = len(shape)
    coords: list[np.ndarray] = []
    out: list[int] = []
    for axis, (item, dim) in enumerate(zip(items, shape, strict=True)):
        if isinstance(item, slice):
            try:
                r = range(*item.indices(dim))
            except (TypeError, ValueError) as e:
                raise type(e)(f"index: axis {axis}: {e}") from None
            values = np.arange(r.start, r.stop, r.step, dtype=np.int64)
            out.append(len(values))
        else:
            i = operator.index(item)
            if not -dim <= i < dim:
                raise IndexError(
                    f"index: {i} is out of bounds for axis {axis} with size {dim} (shape {shape})"
                )
            values = np.array([i % dim], np.int64)
        coords.append(values.reshape((1,) * axis + (-1,) + (1,) * (nd - axis - 1)))
    return Block(shape, tuple(coords), tuple(out))
