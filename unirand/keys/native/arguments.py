"""Argument checks of the native key kinds: one wording for every kind, JAX's shape rules.

Native keys take the same arguments as portable keys; the library's own sampler then decides
the numbers.  These checks run before it, so a bad argument raises the same ``TypeError`` or
``ValueError`` on every kind (NumPy's and torch's integer-range rule for ``randint``, which do
not clip as JAX does).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ...backends import to_numpy
from ...engine.dtypes import FLOAT_DTYPES, UINT_DTYPES, canonical, numpy_dtype
from ..validation import as_shape, is_integer

__all__ = [
    "INT_DTYPES",
    "P_SUM_ATOL",
    "categorical_plan",
    "check_axis",
    "check_bool",
    "check_bounds",
    "check_int_range",
    "check_mode",
    "check_p",
    "choice_plan",
    "float_bounds",
    "float_name",
    "host_array",
    "int_bounds",
    "int_name",
    "population",
    "real_param",
    "trunc_plan",
    "uint_name",
]

_MODES = {
    "bernoulli": ("low", "high"),
    "gumbel": ("low", "high", "highest"),
    "choice": ("low", "high"),
}


def check_mode(mode: Any, what: str) -> str:
    if mode is None and what == "choice":
        return "low"
    allowed = _MODES[what]
    if mode not in allowed:
        raise ValueError(f"mode must be one of {', '.join(map(repr, allowed))}; got {mode!r}")
    return mode


def uint_name(dtype: Any) -> str:
    return canonical(dtype, UINT_DTYPES)


def float_name(dtype: Any) -> str:
    return canonical(dtype, FLOAT_DTYPES)


INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def int_name(dtype: Any) -> str:
    return canonical(dtype, INT_DTYPES)


def categorical_plan(
    logits_shape: tuple[int, ...], axis: Any, shape: Any, replace: Any
) -> tuple[int, tuple[int, ...], tuple[int, ...], int]:
    """JAX's shape rules for ``categorical``: ``(axis, prefix, gumbel_shape, k)``.

    With ``replace`` the Gumbel noise has shape ``prefix + logits shape (batch broadcast to
    shape's tail)`` and the argmax runs over ``len(prefix) + axis``; without, the noise has the
    logits' shape and the top ``k = prod(prefix)`` indices are taken.
    """
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    ndim = len(logits_shape)
    if ndim == 0:
        raise ValueError("logits must have at least one dimension (the categories)")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for logits of shape {logits_shape}")
    axis %= ndim
    n = logits_shape[axis]
    if n == 0:
        raise ValueError("logits must have at least one category along axis")
    batch = tuple(d for i, d in enumerate(logits_shape) if i != axis)
    shape = batch if shape is None else as_shape(shape)
    try:
        ok = np.broadcast_shapes(shape, batch) == shape
    except ValueError:
        ok = False
    if not ok or len(shape) < len(batch):
        raise ValueError(f"categorical: shape {shape} is not broadcast-compatible with {batch}")
    prefix = shape[: len(shape) - len(batch)]
    if replace:
        tail = list(shape[len(shape) - len(batch) :])
        tail.insert(axis, n)
        return axis, prefix, (*prefix, *tail), 0
    if shape[len(prefix) :] != batch:
        raise ValueError(
            f"categorical with replace=False: shape {shape} must end with the batch shape "
            f"{batch} of logits"
        )
    k = math.prod(prefix)
    if k > n:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of categories ({n})"
        )
    return axis, prefix, tuple(logits_shape), k


def check_bounds(shape: tuple[int, ...], *arrays: Any, names: tuple[str, ...] = ()) -> None:
    """Parameters (``minval``, ``p``, ...) must broadcast to ``shape`` without growing it
    (JAX's ``_check_shape``); ``names`` (one per array) name them in the error, as the
    portable samplers do, instead of the libraries' "Incompatible shapes for broadcasting"."""
    for i, a in enumerate(arrays):
        param = tuple(np.shape(a))
        try:
            ok = np.broadcast_shapes(shape, param) == shape
        except ValueError:
            ok = False
        if not ok:
            what = f"{names[i]}: parameter" if i < len(names) else "a parameter of"
            raise ValueError(
                f"{what} shape {param} must broadcast to the shape argument {shape} (the result "
                "of broadcasting must equal shape)"
            )


# -- argument checks of randint, choice and truncated_normal (one wording for every adapter) ----
def host_array(value: Any, argument: str | None = None) -> np.ndarray:
    """``value`` (a number, list or array of any supported library) as a host NumPy array.

    A ragged list or an object NumPy cannot read raises ``TypeError`` naming ``argument``
    (NumPy's own "setting an array element with a sequence" names nothing).
    """
    try:
        return np.asarray(to_numpy(value))
    except (TypeError, ValueError):
        what = argument or "an argument"
        raise TypeError(
            f"{what} must be a number or an array of numbers (lists: not ragged); got "
            f"{type(value).__name__} {_short(value)}"
        ) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real_param(value: Any, argument: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A real parameter (``minval``, ``maxval``, ``p``, ``logits``) as a host array of an
    integer or float dtype (bfloat16 too), broadcasting to ``shape`` when given.

    The portable samplers' rule on every native kind: strings, None, bools, complex numbers
    and other objects raise ``TypeError`` naming the argument, where NumPy converted strings
    (``minval="0"``) or raised "could not convert string to float", and JAX "Invalid argument
    to dtype: None".
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a number or an array of numbers; got bool {value!r}")
    host = host_array(value, argument)
    if host.dtype.kind not in "iuf" and host.dtype.name != "bfloat16":
        raise TypeError(
            f"{argument} must be a number or an array of numbers; got {type(value).__name__} "
            f"{_short(value)} (dtype {host.dtype})"
        )
    if shape is not None:
        check_bounds(shape, host, names=(argument,))
    return host


def int_bounds(value: Any, argument: str) -> np.ndarray:
    """An integer bound as an object array of exact Python ints; bools and floats are refused
    (``jax.random.randint`` would truncate floats)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be an integer or an integer array; got bool")
    if isinstance(value, int):
        return np.asarray(value, dtype=object)
    host = host_array(value, argument)
    if host.dtype.kind not in "iu":
        raise TypeError(
            f"{argument} must be an integer or an integer array; got dtype {host.dtype}"
        )
    return host.astype(object)


def check_int_range(vmin: np.ndarray, vmax: np.ndarray, dtype: str) -> None:
    """NumPy's and torch's rule (no clipping, unlike ``jax.random.randint``): ``minval`` and
    ``maxval - 1`` must be values of ``dtype`` and ``minval < maxval`` everywhere."""
    info = np.iinfo(dtype)
    lo, hi = int(info.min), int(info.max) + 1
    if np.any(vmin < lo) or np.any(vmin >= hi):
        raise ValueError(f"minval must be in [{lo}, {hi}) for dtype {dtype}; got {vmin.tolist()}")
    if np.any(vmax <= lo) or np.any(vmax > hi):
        raise ValueError(f"maxval must be in ({lo}, {hi}] for dtype {dtype}; got {vmax.tolist()}")
    if np.any(vmin >= vmax):
        raise ValueError(
            f"minval must be < maxval everywhere (the range [minval, maxval) is empty); got "
            f"minval {vmin.tolist()}, maxval {vmax.tolist()}"
        )


def float_bounds(value: Any, argument: str) -> np.ndarray:
    """A ``truncated_normal`` bound as a host float array (every key kind uses this check).

    Integers are taken as JAX takes them (converted to the dtype), as float64 when exact:
    ``|value| <= 2**53``, so the conversion to the sampling dtype rounds once.  Bools are
    refused.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a number or an array of numbers; got {value!r}")
    host = host_array(value, argument)
    if host.dtype.kind in "iu":
        if host.size and max(abs(int(v)) for v in host.reshape(-1).tolist()) > 2**53:
            raise ValueError(f"{argument}: integer bounds must be within 2**53 in magnitude")
        return host.astype(np.float64)
    if host.dtype.kind != "f" and host.dtype.name != "bfloat16":
        raise TypeError(
            f"{argument} must be a number or an array of numbers; got dtype {host.dtype}"
        )
    return host


def trunc_plan(lower: np.ndarray, upper: np.ndarray, shape: Any, dtype: str) -> tuple[int, ...]:
    """The result shape (default: the bounds' broadcast shape); bounds in ``dtype`` must not be
    NaN and must satisfy ``lower < upper`` everywhere."""
    try:
        bshape = tuple(np.broadcast_shapes(lower.shape, upper.shape))
    except ValueError:
        raise ValueError(
            f"truncated_normal: lower of shape {lower.shape} and upper of shape {upper.shape} "
            "do not broadcast together"
        ) from None
    shape = bshape if shape is None else as_shape(shape)
    check_bounds(shape, lower, upper, names=("lower", "upper"))
    npd = _np_dtype(dtype)
    lo, up = (v.astype(npd).astype(np.float64) for v in (lower, upper))
    if np.isnan(lo).any() or np.isnan(up).any():
        raise ValueError("truncated_normal: lower and upper must not be NaN")
    if np.any(lo >= up):
        raise ValueError(
            f"truncated_normal: lower must be < upper everywhere (in {dtype}); got lower "
            f"{lower.tolist()}, upper {upper.tolist()}"
        )
    return shape


def _np_dtype(name: str) -> Any:
    return numpy_dtype(name)


#: ``p`` must sum to 1 within ``max(P_SUM_ATOL, sqrt(eps(p.dtype)))``: NumPy's ``choice`` rule
P_SUM_ATOL = float(np.sqrt(np.finfo(np.float64).eps))
_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


def check_p(p: np.ndarray, n_inputs: int, n_draws: int, replace: bool) -> None:
    """``choice``'s ``p``: shape ``(n,)``, finite, non-negative, summing to 1 (see
    ``P_SUM_ATOL``), and without replacement at least ``n_draws`` non-zero entries."""
    if p.dtype.kind != "f" and p.dtype.name != "bfloat16":
        raise TypeError(f"p must be a float array; got dtype {p.dtype}")
    if p.shape != (n_inputs,):
        raise ValueError(
            f"p must be None or a 1-d array with the size of a.shape[axis] ({n_inputs}); got "
            f"shape {p.shape}"
        )
    host = p.astype(np.float64)
    if not np.all(np.isfinite(host)):
        raise ValueError("p must be finite")
    if np.any(host < 0):
        raise ValueError("p must be non-negative")
    total = float(host.sum())
    tol = max(P_SUM_ATOL, math.sqrt(_EPS.get(p.dtype.name, _EPS["float64"])))
    if abs(total - 1.0) > tol:
        raise ValueError(f"p must sum to 1 (within {tol:.3g} for {p.dtype}); it sums to {total!r}")
    nonzero = int(np.count_nonzero(host))
    if not replace and nonzero < n_draws:
        raise ValueError(
            f"choice with replace=False: p has {nonzero} non-zero entries, fewer than the "
            f"{n_draws} draws"
        )


def choice_plan(
    a_shape: tuple[int, ...] | None, n: int | None, shape: Any, replace: Any, axis: Any
) -> tuple[int, tuple[int, ...], int, int]:
    """``choice``'s checks (JAX's rules): ``(axis, shape, n_inputs, n_draws)``.

    ``a`` is ``arange(n)`` (``a_shape`` None) or an array of shape ``a_shape``.
    """
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a sequence (tuple or list); got {shape!r}")
    shape = as_shape(shape)
    if a_shape is None:
        assert n is not None
        axis, n_inputs = 0, n
    else:
        if len(a_shape) == 0:
            raise TypeError("a must be an integer or at least 1-dimensional")
        axis = check_axis(axis, len(a_shape))
        n_inputs = a_shape[axis]
    n_draws = math.prod(shape)
    if n_draws and n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
            "when replace=False"
        )
    return axis, shape, n_inputs, n_draws


#: the largest ``arange(n)`` an int64 index dtype holds
INT64_TOP = 2**63 - 1


def population(value: Any, argument: str, top: int = INT64_TOP) -> int | None:
    """``n`` when ``value`` is an integer (meaning ``arange(n)``), None for an array.

    ``n`` must fit the index dtype (``top``: int64, int32 for JAX without x64): past it NumPy
    wrapped (``permutation(k, 2**63)`` was empty) or the library raised its own error; the
    wording is the portable samplers' (``samplers/arguments.py`` ``check_count``).
    """
    if is_integer(value):
        n = operator.index(value)
        if n < 0:
            raise ValueError(f"{argument} must be non-negative when an integer; got {n}")
        if n > top:
            bits = 32 if top < 2**32 else 64
            raise ValueError(
                f"{argument} must be at most {top} (the int{bits} index dtype) when an "
                f"integer; got {n}"
            )
        return n
    if isinstance(value, (bool, np.bool_, float, complex)) or (
        getattr(value, "shape", None) == () and not is_integer(value)
    ):
        raise TypeError(
            f"{argument} must be an integer or an array with at least one dimension; got "
            f"{type(value).__name__} {value!r}"
        )
    return None


def check_axis(axis: Any, ndim: int) -> int:
    if not is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def check_bool(value: Any, argument: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a bool; got {type(value).__name__}")
    return bool(value)
