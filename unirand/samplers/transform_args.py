"""Arguments and arithmetic shared by the transform samplers (:mod:`.uniform_transforms`,
:mod:`.normal_transforms`): their float parameters cast to the sampling dtype as JAX casts
them, the result shape, blocks, and the rounding of 16-bit values with XLA's NaN bits."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backends
from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, canonical, dtype_name, numpy_dtype
from ..keys.native.arguments import float_bounds
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, from_host
from .blocks import Block
from .dtype_arith import DtypeArith
from .truncated_normal import _convert

__all__ = [
    "as_given",
    "cast_param",
    "counters",
    "deliver",
    "draw_shape",
    "finish",
    "float_dtype",
    "on_backend",
    "param_shape",
    "rounder",
    "uniform_in",
]

#: the float dtypes a float array's dtype may be cast to safely (JAX's ``safe_to_cast``)
_SAFE = {
    "float16": ("float16", "float32", "float64"),
    "bfloat16": ("bfloat16", "float32", "float64"),
    "float32": ("float32", "float64"),
    "float64": ("float64",),
}


# -- parameters ---------------------------------------------------------------------------------
def cast_param(value: Any, dtype: str, name: str, argument: str) -> np.ndarray:
    """``value.astype(dtype)`` as JAX computes it, on the host, carried exactly in float32
    (16-bit and float32 dtypes) or float64.

    Python numbers and lists are weakly typed (converted to ``dtype``, 16-bit via float32 as
    XLA:CPU converts); an array keeps its dtype, which must cast safely to ``dtype`` (JAX's
    ``_check_all_safe_to_cast``: a float64 ``scale`` with float32 samples raises there too).
    """
    source = backends.backend_of(value)
    if source is not None and source.is_traced(value):
        raise TypeError(f"{name}: the portable engine needs a concrete (non-traced) {argument}")
    host = float_bounds(value, argument)
    given = getattr(value, "dtype", None)
    if given is not None and not isinstance(value, (int, float)):
        kind = dtype_name(given)
        if kind in _SAFE and dtype not in _SAFE[kind]:
            raise TypeError(
                f"{name}: {argument} has dtype {kind}, which cannot be cast safely to {dtype} "
                f"(JAX raises TypePromotionError); pass {argument} as {dtype} or as a Python number"
            )
    converted = _convert(np.asarray(host), dtype)
    return converted.astype(np.float64 if dtype == "float64" else np.float32)


def param_shape(name: str, shape: Any, params: dict[str, np.ndarray]) -> tuple[int, ...]:
    """JAX's ``_check_broadcast_shapes``: ``shape`` (checked: every parameter broadcasts to it),
    or the parameters' broadcast shape when ``shape`` is None."""
    if shape is None:
        try:
            return tuple(np.broadcast_shapes(*(np.shape(v) for v in params.values())))
        except ValueError:
            shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in params.items())
            raise ValueError(f"{name}: the parameters' shapes do not broadcast: {shapes}") from None
    shape = as_shape(shape)
    for argument, v in params.items():
        broadcast_to_shape(f"{name} {argument}", shape, tuple(np.shape(v)))
    return shape


def on_backend(backend: Backend, host: np.ndarray, block: Block | None, device: Any) -> Any:
    """A host parameter on ``backend``: whole (it broadcasts to the draw), or the block's
    elements (in the block's full shape)."""
    if block is not None and host.ndim:
        host = np.ascontiguousarray(block.take(host))
    return from_host(backend, np.ascontiguousarray(host).reshape(host.shape), device)


def as_given(backend: Backend, host: np.ndarray, dtype: str, device: Any) -> Any:
    """A :func:`cast_param` parameter as an array of ``dtype`` itself (exact: its values are
    ``dtype``'s), for ``jax.random``'s native call, which casts it to ``dtype`` again."""
    return from_host(backend, host.astype(numpy_dtype(dtype)), device)


def rounder(m: DtypeArith) -> Callable[[Any], Any]:
    """``m``'s rounding to the 16-bit type with XLA's NaN bits (PyTorch's bfloat16 conversion
    makes every NaN 0xFFFF; a NaN parameter must give JAX's NaN on every library)."""
    return functools.partial(m.round, nan=True)


def deliver(m: DtypeArith, x: Any) -> Any:
    """Carried values in ``m``'s dtype, NaN bits kept (:meth:`Backend.to_dtype`)."""
    return m.backend.to_dtype(x, m.dtype)


def float_dtype(dtype: Any) -> str:
    return canonical(dtype, FLOAT_DTYPES)


def uniform_in(
    backend: Backend,
    m: DtypeArith,
    data: Any,
    shape: tuple[int, ...],
    device: Any,
    c: Any,
    lo: float = 0.0,
    hi: float = 1.0,
) -> Any:
    """``uniform(key, shape, dtype, lo, hi)`` in ``m``'s carry, shaped ``shape``."""
    n = math.prod(shape)
    u = backend.uniform(data, (n,), m.dtype, lo, hi, device, c)
    return backend.xp.reshape(m.load(u), shape)


def finish(backend: Backend, out: Any, shape: tuple[int, ...], block: Block | None) -> Any:
    """The computed values in the result's shape: ``shape``, or the block's."""
    return backend.xp.reshape(out, shape if block is None else block.shape)


def draw_shape(shape: tuple[int, ...], block: Block | None) -> tuple[int, ...]:
    """The shape the values are computed in: the draw's or the block's full shape, and
    ``(1,)`` for one value (the same counter, so the same number: the exactly rounded float
    operations need arrays of at least one dimension)."""
    work = shape if block is None else block.full
    return work or (1,)


def counters(block: Block | None) -> Any:
    return None if block is None else block.counters
