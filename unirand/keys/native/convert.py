"""Shared steps of the native samplers computed on the host (gamma, the XLA transforms, the
nine uniform/normal transforms): one home for what those mixins all need.

* :func:`no_block` refuses ``index``/``offset`` (a native stream has no counters);
* :func:`host_param` reads a float parameter as a float64 host array, naming the argument;
* :func:`give` rounds host values *once* to the dtype and hands them to the key's library
  (16-bit floats are computed in float32 or float64 before, never drawn in 16 bits);
* :func:`fitted_shape` checks parameter shapes against ``shape`` (JAX's rule), naming them;
* :func:`jax_own` calls ``jax.random``'s own sampler for a JAX key;
* :func:`masked` draws a NumPy method on the parameters inside its domain only: NumPy raises
  its own error (naming no argument) outside it, where ``jax.random`` computes a value
  anyway; those elements are drawn with a stand-in parameter and set to ``fill`` (NaN).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import backends
from ...engine.dtypes import numpy_dtype
from .methods import _no_block

__all__ = [
    "compute_dtype",
    "fitted_shape",
    "give",
    "host_param",
    "jax_arg",
    "jax_own",
    "masked",
    "no_block",
    "np_dtype",
    "to_host",
]


def no_block(index: Any, offset: Any) -> None:
    """Refuse ``index``/``offset``: a native stream has no counters (unirand's error)."""
    _no_block(index, offset)


def np_dtype(name: str) -> Any:
    """The NumPy dtype of a dtype name (bfloat16 through ml_dtypes)."""
    return numpy_dtype(name)


def host_param(value: Any, argument: str) -> np.ndarray:
    """A float parameter as a float64 host array (a TypeError names a non-float one)."""
    source = backends.backend_of(value)
    host = source.to_numpy(value) if source is not None else np.asarray(value)
    if isinstance(value, bool) or host.dtype.kind not in "iuf":
        raise TypeError(f"{argument} must be a number or an array of floats; got {value!r}")
    return host.astype(np.float64)


def fitted_shape(fn: str, shape: Any, **params: np.ndarray) -> tuple[int, ...]:
    """The draw's shape: ``shape``, which every parameter must broadcast to (JAX's rule), or
    the parameters' broadcast shape when ``shape`` is None; a ``ValueError`` names the
    parameter that does not fit (NumPy's own error names none)."""
    from ..validation import as_shape

    if shape is None:
        try:
            return tuple(np.broadcast_shapes(*(p.shape for p in params.values())))
        except ValueError:
            shapes = ", ".join(f"{n} {p.shape}" for n, p in params.items())
            raise ValueError(f"{fn}: the parameters' shapes do not broadcast: {shapes}") from None
    out = as_shape(shape)
    for n, p in params.items():
        try:
            fits = np.broadcast_shapes(out, p.shape) == out
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"{fn}: {n} of shape {p.shape} does not broadcast to shape {out}")
    return out


def compute_dtype(name: str) -> str:
    """The dtype a native draw for ``name`` is computed in: float64, else float32."""
    return "float64" if name == "float64" else "float32"


def give(key: Any, values: Any, name: str, xp: Any, device: Any) -> Any:
    """Host ``values`` rounded once to ``name``, as an array of the key's library, delivered."""
    host = np.ascontiguousarray(np.asarray(values).astype(np_dtype(name)))
    own = backends.by_name(key.library)
    arr = own.from_numpy(host)
    arr = own.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr
    return key._deliver(arr, xp, device)


def to_host(key: Any, draw: Any) -> np.ndarray:
    """A draw of the key's library as a NumPy array (its dtype kept)."""
    return np.asarray(backends.by_name(key.library).to_numpy(draw))


def jax_arg(value: Any) -> Any:
    """A parameter for ``jax.random``: JAX arrays, NumPy arrays and Python numbers as they
    are (JAX's dtype rules unchanged); lists and another library's arrays as NumPy arrays."""
    if isinstance(value, (list, tuple)):
        return np.asarray(value)
    source = backends.backend_of(value)
    if source is None or source.name in ("jax", "numpy"):
        return value
    return source.to_numpy(value)


def jax_own(key: Any, src: Any, what: str, xp: Any, device: Any, *args: Any) -> Any:
    """A JAX key's draw: ``jax.random.<what>(src, *args)`` (its numbers are JAX's)."""
    import jax

    args = tuple(jax_arg(a) for a in args)
    return key._deliver(getattr(jax.random, what)(src, *args), xp, device)


def masked(
    draw: Callable[..., np.ndarray],
    shape: tuple[int, ...],
    params: tuple[np.ndarray, ...],
    valid: np.ndarray,
    stand_in: tuple[float, ...],
    fill: float = np.nan,
) -> np.ndarray:
    """``draw(*params, size=shape)`` with the parameters broadcast to ``shape`` and replaced by
    ``stand_in`` where ``valid`` is false; those elements are ``fill``."""
    ok = np.broadcast_to(valid, shape)
    full = tuple(
        np.where(ok, np.broadcast_to(p, shape), s) for p, s in zip(params, stand_in, strict=True)
    )
    with np.errstate(all="ignore"):
        out = np.asarray(draw(*full, size=shape), np.float64)
    return out if ok.all() else np.where(ok, out, fill)
