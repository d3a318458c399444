"""Argument handling shared by the portable samplers: each error names the argument.

Parameters arrive as numbers, lists or arrays of any supported library and are moved to the
library the sampler computes on; their dtype rules are JAX's (a Python float is float32, as
JAX's weak types with x64 off; arrays keep their dtype).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import backends
from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, dtype_name, numpy_dtype
from ..keys.validation import is_integer

__all__ = [
    "array_device",
    "as_array",
    "broadcast_to_shape",
    "check_axis",
    "check_bool",
    "check_elements",
    "check_width",
    "check_mode",
    "float_array",
    "float_name",
    "from_host",
    "index_dtype",
    "population",
    "uniform_bound",
]


def index_dtype(backend: Backend) -> Any:
    """``jnp.argmax``'s index dtype: int64, int32 on JAX without x64."""
    try:
        return backend.dtype("int64")
    except TypeError:
        return backend.dtype("int32")


def float_array(value: Any, target: Backend, device: Any, argument: str) -> tuple[Any, str]:
    """``value`` as an array of ``target`` and its float dtype's canonical name.

    Python floats and lists of them are float32 (JAX's weak types, as with x64 off); arrays
    keep their dtype, which must be a float dtype.
    """
    if isinstance(value, (bool, int, complex)) or is_integer(value):
        raise TypeError(
            f"{argument} must have a floating dtype (float16, bfloat16, float32, float64); got "
            f"{type(value).__name__} {value!r}"
        )
    source = backends.backend_of(value)
    if source is not None and source.name != "numpy":
        name = float_name(value.dtype, argument)
        _dtype_on(target, name, argument)
        if source is target:
            return (value if device is None else target.to_device(value, device)), name
        return from_host(target, source.to_numpy(value), device), name
    if source is None and hasattr(value, "__array_namespace__"):
        raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
    python = type(value) is float or isinstance(value, (list, tuple))  # not np.float64
    try:
        host = np.asarray(value)
    except Exception as e:
        raise TypeError(
            f"{argument} must be a float or an array of floats; got {type(value).__name__}"
        ) from e
    if python and host.dtype.kind == "f":
        host = host.astype(np.float32)
    name = float_name(host.dtype, argument)
    _dtype_on(target, name, argument)
    return from_host(target, host.astype(numpy_dtype(name)), device), name


def _dtype_on(target: Backend, name: str, argument: str) -> None:
    """``target`` has the dtype ``name`` of ``argument``, else a ``TypeError`` naming it (JAX
    without x64 has no float64)."""
    try:
        target.dtype(name)
    except TypeError as e:
        raise TypeError(f"{argument} has dtype {name}: {e}") from None


def uniform_bound(value: Any, target: Backend, shape: tuple[int, ...], argument: str) -> Any:
    """``uniform``'s ``minval``/``maxval``: a number, or an array broadcasting to ``shape``.

    Arrays of another library are converted by value (a float64 JAX array given with
    ``xp=torch`` stays float64; reading its buffer as the target's default float would be
    wrong), lists through NumPy; strings, None and other objects raise ``TypeError``, and a
    bound that does not broadcast to ``shape`` (JAX's ``_check_shape``) ``ValueError``.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    given = type(value).__name__
    source = backends.backend_of(value)
    if source is not None and source is not target:
        if source.is_traced(value):
            raise TypeError(
                f"{argument}: a traced JAX array can only be used with xp='jax' (got xp="
                f"{target.name!r})"
            )
        value = np.array(source.to_numpy(value))  # a writable copy (torch warns on others)
        source = backends.by_name("numpy")
    if source is None:
        if hasattr(value, "__array_namespace__"):
            raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
        try:
            value = np.asarray(value)
        except Exception as e:
            raise TypeError(f"{argument} must be a number or an array of numbers") from e
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if source is not target and kind not in tuple("iuf"):
        raise TypeError(
            f"{argument} must be a number or an array of numbers; got {given}"
            + (f" of dtype {value.dtype}" if given in ("ndarray", "Tensor", "Array") else "")
        )
    broadcast_to_shape(f"uniform {argument}", shape, tuple(value.shape))
    return value


def from_host(target: Backend, host: np.ndarray, device: Any) -> Any:
    # reshaped: some backends' from_numpy turn a 0-d array into shape (1,)
    arr = target.from_numpy(np.array(host, order="C"), device)
    return target.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr


def float_name(dtype: Any, argument: str) -> str:
    try:
        name = dtype_name(dtype)
    except Exception:
        name = repr(dtype)
    if name not in FLOAT_DTYPES:
        raise TypeError(
            f"{argument} must have a floating dtype (float16, bfloat16, float32, float64); got "
            f"dtype {dtype}"
        )
    return name


def check_mode(mode: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(mode, str) or mode not in allowed:
        raise ValueError(f"mode must be one of {', '.join(map(repr, allowed))}; got {mode!r}")
    return mode


def broadcast_to_shape(name: str, shape: tuple[int, ...], param: tuple[int, ...]) -> None:
    """JAX's ``_check_shape``: the parameter broadcasts to ``shape`` and not beyond."""
    try:
        result = tuple(np.broadcast_shapes(shape, param))
    except ValueError:
        result = None
    if result != shape:
        raise ValueError(
            f"{name}: parameter shape {param} must broadcast to the shape argument {shape} "
            f"(the result of broadcasting must equal shape)"
        )


def as_array(value: Any, target: Backend, device: Any, argument: str) -> Any:
    """``value`` as an array of ``target`` (any dtype; lists through NumPy, so a list of
    Python floats is float64 and of ints int64, on every library)."""
    source = backends.backend_of(value)
    if source is target or (source is not None and source.xp is target.xp):
        return value if device is None else target.to_device(value, device)
    if source is not None:
        host = source.to_numpy(value)
        check_width(target, host.dtype, argument)
        return from_host(target, host, device)
    if hasattr(value, "__array_namespace__"):
        raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
    try:
        host = np.asarray(value)
    except Exception as e:
        raise TypeError(f"{argument} must be an integer or an array") from e
    if host.dtype.kind not in "biufc":  # object, str, bytes, datetime, void
        raise TypeError(
            f"{argument} must be an integer or an array of numbers; got dtype {host.dtype}"
        )
    check_width(target, host.dtype, argument, listed=not isinstance(value, np.ndarray))
    return from_host(target, host, device)


#: the dtype a 64-bit (or complex128) host array needs of the target library
_WIDE = {"f": "float64", "i": "int64", "u": "uint64", "c": "float64"}


def check_width(target: Backend, dtype: np.dtype, argument: str, listed: bool = False) -> None:
    """Refuse an array whose dtype the target library cannot hold (JAX without
    ``jax_enable_x64`` has no 64-bit types): moving it there would narrow it silently to
    32 bits (``permutation(k, [1.5, 2.5], xp="jax")`` gave float32 where NumPy and torch give
    float64), so the permuted or chosen values would differ from every other library's."""
    wide = dtype.itemsize == 16 if dtype.kind == "c" else dtype.itemsize >= 8
    if dtype.kind not in _WIDE or not wide:
        return
    try:
        target.dtype(_WIDE[dtype.kind])
    except TypeError as e:
        why = " (Python numbers are 64-bit in an array, as in NumPy)" * listed
        raise TypeError(
            f"{argument} has dtype {dtype}{why}, which {target.name} cannot hold: {e}; or "
            f"pass a 32-bit array"
        ) from None


def population(value: Any, argument: str) -> int | None:
    """``n`` when ``value`` is an integer (``arange(n)``), None for an array."""
    if is_integer(value):
        return operator.index(value)
    if isinstance(value, (bool, float, complex)) or (
        getattr(value, "shape", None) == () and not is_integer(value)
    ):
        raise TypeError(
            f"{argument} must be an integer or an array with at least one dimension; got "
            f"{type(value).__name__} {value!r}"
        )
    return None


def check_count(n: int, argument: str, backend: Backend) -> int:
    """``n`` (``arange(n)``'s length) must fit the index dtype: int64, int32 on JAX without x64.

    Past it NumPy wrapped (``permutation(k, 2**63)`` was empty, ``choice(k, 2**70)`` drew below
    2**63) and the other libraries raised their own errors; unirand refuses on every library.
    """
    itype = index_dtype(backend)
    top = 2**31 - 1 if "int32" in str(itype) else 2**63 - 1
    if n > top:
        bits = 32 if top < 2**32 else 64
        raise ValueError(
            f"{argument} must be at most {top} (the int{bits} index dtype) when an integer; got {n}"
        )
    return n


def check_elements(target: Backend, shape: tuple[int, ...], argument: str = "shape") -> None:
    """Refuse, naming ``argument``, a size the target library cannot draw although it is below
    2**63: JAX's XLA aborts the process from 2**60 values (``backends/jax/backend.py``).  The
    portable engine checks at its entry points; this is for the native ``jax.random`` calls
    and the arrays a sampler builds itself (``arange(n)``)."""
    check = getattr(target, "check_elements", None)
    if check is not None:
        check(shape, argument)


def check_axis(axis: Any, ndim: int, argument: str = "axis") -> int:
    if not is_integer(axis):
        raise TypeError(f"{argument} must be an integer; got {type(axis).__name__} {axis!r}")
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{argument} {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def check_bool(value: Any, argument: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a bool; got {type(value).__name__}")
    return bool(value)


def array_device(x: Any) -> Any:
    dev = getattr(x, "device", None)
    return None if callable(dev) else dev
