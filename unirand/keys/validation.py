"""Argument checks shared by the public functions: each error names the argument."""

from __future__ import annotations

import math
import operator
from typing import Any

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
    return tuple(out)


def as_batch_shape(num: Any) -> tuple[int, ...]:
    """``split``'s ``num`` as a batch shape: an int n is ``(n,)``, a sequence is a shape."""
    if is_integer(num):
        n = operator.index(num)
        if n < 0:
            raise ValueError(f"num must be non-negative; got {n}")
        return (n,)
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
