"""Argument checks shared by the public functions: each error names the argument."""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

_U64 = 2**64


def as_shape(shape: Any, *, argument: str = "shape") -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative Python ints (an int is a 1-d shape)."""
    if isinstance(shape, (str, bytes)) or shape is None:
        raise TypeError(f"{argument} must be a tuple of non-negative integers; got {shape!r}")
    try:
        dims = (shape,) if is_integer(shape) else tuple(shape)
    except TypeError:
        raise TypeError(
            f"{argument} must be a tuple of non-negative integers; got {shape!r}"
        ) from None
    out = []
    for d in dims:
        if not is_integer(d):
            raise TypeError(f"{argument} entries must be integers; got {d!r} in {shape!r}")
        d = operator.index(d)
        if d < 0:
            raise ValueError(f"{argument} entries must be non-negative; got {d} in {shape!r}")
        out.append(d)
    return check_size(tuple(out), argument)


#: the largest total size (and extent) any backend can index: int64 sizes and strides
MAX_SIZE = 2**63 - 1


def check_size(shape: tuple[int, ...], argument: str = "shape") -> tuple[int, ...]:
    """``shape`` itself, after checking that every extent and the total size fit in int64.

    Checked before any library sees the shape: past it NumPy wraps the size silently, torch
    raises ``OverflowError``, JAX ``TypeError`` and XLA aborts the interpreter.  A shape with
    a zero extent has size 0 and passes (each extent must still fit in int64).
    """
    size = math.prod(shape)
    if size > MAX_SIZE or any(d > MAX_SIZE for d in shape):
        raise ValueError(
            f"{argument} {shape!r} has {size} elements; the total size and every entry must be "
            "below 2**63"
        )
    return shape


def as_batch_shape(num: Any) -> tuple[int, ...]:
    """``split``'s ``num`` as a batch shape: an int n is ``(n,)``, a sequence is a shape."""
    if is_integer(num):
        n = operator.index(num)
        if n < 0:
            raise ValueError(f"num must be non-negative; got {n}")
        return check_size((n,), "num")
    return as_shape(num, argument="num")


def size_of(shape: tuple[int, ...]) -> int:
    return math.prod(shape)


def as_seed(seed: Any) -> int:
    """A seed as a Python int in [-2**63, 2**64)."""
    if not is_integer(seed):
        raise TypeError(
            f"seed must be a Python or NumPy integer in [-2**63, 2**64); got {type(seed).__name__} "
            f"{seed!r}"
        )
    value = operator.index(seed)
    if not -(2**63) <= value < _U64:
        raise ValueError(f"seed must be in [-2**63, 2**64); got {value}")
    return value


def as_fold_in_data(data: Any) -> int:
    """fold_in data as a Python int in [0, 2**32)."""
    if not is_integer(data):
        raise TypeError(
            f"data must be an integer in [0, 2**32); got {type(data).__name__} {data!r}"
        )
    value = operator.index(data)
    if not 0 <= value < 2**32:
        raise ValueError(f"data must be in [0, 2**32); got {value}")
    return value


def is_integer(x: Any) -> bool:
    """True for ints and NumPy integer scalars (or 0-d integer arrays); never for bool."""
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return False
    if isinstance(x, int):
        return True
    dtype = getattr(x, "dtype", None)
    if dtype is None or getattr(x, "shape", None) not in ((), None):
        return False
    try:
        operator.index(x)
    except TypeError:
        return False
    return "int" in str(dtype)


def check_index(index: Any, shape: tuple[int, ...]) -> None:
    """Raise ``IndexError`` for an index that is not a valid index of keys of ``shape``.

    Every kind checks here first, on every library, so a bad index gets one error, an
    ``IndexError`` naming it, as NumPy raises: JAX would clamp an out-of-range index
    (``keys[5]`` of 2 keys would be ``keys[1]``: a duplicated key), and gives its own
    ``TypeError`` for a float or string index and its own wording for too many indices.
    Checked: ints, NumPy integers, 0-d and n-d integer arrays with concrete values (their
    range); floats, strings and other objects, more indices than batch axes and a second
    ``...`` are refused.  Slices, ``None``, ``...`` and boolean masks are left to the library;
    an index traced by ``jax.jit``/``vmap`` has no value to check and keeps JAX's semantics
    (clamped).
    """
    idx = index if isinstance(index, tuple) else (index,)
    if sum(i is Ellipsis for i in idx) > 1:
        raise IndexError(f"an index can only have a single ellipsis ('...'); got {index!r}")
    consumed = sum(i is not None and i is not Ellipsis for i in idx)
    dim = 0
    for i in idx:
        if i is None or isinstance(i, slice):
            dim += i is not None
            continue
        if i is Ellipsis:
            dim += len(shape) - consumed
            continue
        if dim >= len(shape):
            raise IndexError(f"too many indices {index!r} for keys of shape {shape}")
        n = shape[dim]
        if is_integer(i):
            lo = hi = operator.index(i)
        else:
            if isinstance(i, (float, complex, str, bytes)):
                raise _not_an_index(i, index, shape)
            try:
                a = np.asarray(i)
            except Exception:  # traced by jax.jit/vmap, or not array-like: the library decides
                return
            if a.dtype.kind == "b":
                return  # a boolean mask spans a.ndim axes; the library checks its shape
            if a.dtype.kind not in "iu":
                if a.size:
                    raise _not_an_index(i, index, shape)
                dim += 1  # an empty list: NumPy's empty integer index
                continue
            if a.size == 0:
                dim += 1
                continue
            lo, hi = int(a.min()), int(a.max())
        if lo < -n or hi >= n:
            bad = lo if lo < -n else hi
            raise IndexError(
                f"index {bad} is out of range for axis {dim} of size {n} (keys of shape {shape})"
            )
        dim += 1


def _not_an_index(entry: Any, index: Any, shape: tuple[int, ...]) -> IndexError:
    where = "" if entry is index else f" in index {index!r}"
    return IndexError(
        "keys are indexed by integers, slices, None, ... and integer or boolean arrays; got "
        f"{type(entry).__name__} {entry!r}{where} (keys of shape {shape})"
    )
