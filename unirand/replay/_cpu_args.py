"""Arguments and results of ``TorchCPUGenerator``'s methods: checks, dtypes, casts, targets.

Every public method checks all of its arguments here *before* it touches the generator, so a
bad call raises ``TypeError``/``ValueError`` naming the argument and never advances the state.
The casts are C++'s ``static_cast`` as the x86-64 kernels execute it, because torch writes each
sample as ``static_cast<scalar_t>(double_or_float_sample)``.
"""

from __future__ import annotations

import math
import operator
from typing import Any, cast

import numpy as np

from ..engine.dtypes import dtype_name

FLOATS = ("float16", "bfloat16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
BOOL = ("bool",)

#: the largest finite value of each float dtype (``std::numeric_limits<T>::max()``)
FLOAT_MAX = {
    "float16": 65504.0,
    "bfloat16": 3.3895313892515355e38,
    "float32": 3.4028234663852886e38,
    "float64": float(np.finfo(np.float64).max),
}
#: ``std::numeric_limits<T>::digits`` (significand bits, the implicit one included)
DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def np_dtype(name: str) -> np.dtype:
    """The NumPy dtype of a canonical name (bfloat16 through ml_dtypes)."""
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def bits(x: np.ndarray, name: str) -> np.ndarray:
    """The bitcast ``unirand.math.fma`` expects (NumPy's ``view``)."""
    return x.view(name)


def as_xp(xp: Any) -> str:
    """``"numpy"`` or ``"jax"``: where the finished array is handed."""
    if xp is None:
        return "numpy"
    name = xp if isinstance(xp, str) else getattr(xp, "__name__", None)
    if name in ("numpy", "jax", "jax.numpy"):
        return "jax" if name.startswith("jax") else "numpy"
    raise TypeError(f"xp must be None, 'numpy', numpy, 'jax', jax or jax.numpy; got {xp!r}")


def check_target(xp: str, dtype: str) -> None:
    """Refuse before drawing: JAX without x64 would silently narrow 64-bit results."""
    if xp == "jax" and dtype in ("float64", "int64"):
        import jax

        if not cast(Any, jax.config).jax_enable_x64:  # a dynamic attribute
            raise ValueError(f"dtype {dtype} with xp=jax needs jax_enable_x64 on")


def emit(arr: np.ndarray, xp: str) -> Any:
    if xp == "numpy":
        return arr
    import jax.numpy as jnp

    return jnp.asarray(arr)


def real(value: Any, argument: str, *, finite: bool = True) -> float:
    """A real number as a Python float (finite unless ``finite=False``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{argument} must be a real number; got {value!r}")
    out = float(value)
    if math.isnan(out) or (finite and math.isinf(out)):
        raise ValueError(f"{argument} must be {'finite' if finite else 'a number'}; got {value!r}")
    return out


def integer(value: Any, argument: str) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be an integer; got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{argument} must be an integer; got {value!r}") from None


def dtype_of(dtype: Any, allowed: tuple[str, ...], method: str) -> str:
    """The canonical name of ``dtype`` if ``method`` supports it, else ``TypeError``."""
    try:
        name = dtype_name(dtype)
    except Exception:
        name = repr(dtype)
    if name not in allowed:
        raise TypeError(f"{method}: dtype must be one of {', '.join(allowed)}; got {dtype!r}")
    return name


def to_dtype(x64: np.ndarray, name: str) -> np.ndarray:
    """``static_cast<scalar_t>(double)`` for float dtypes: Half and BFloat16 through float."""
    if name == "float64":
        return x64
    with np.errstate(over="ignore"):  # out of range becomes inf, as the C++ conversion
        x32 = x64.astype(np.float32)
        return x32 if name == "float32" else x32.astype(np_dtype(name))


def int64_to_dtype(v: np.ndarray, name: str) -> np.ndarray:
    """``static_cast<scalar_t>(int64_t)``: wraps for narrower ints, rounds for floats (Half and
    BFloat16 through float, as their constructors take a float), ``!= 0`` for bool."""
    if name == "bool":
        return v != 0
    if name in ("float16", "bfloat16"):
        with np.errstate(over="ignore"):
            return v.astype(np.float32).astype(np_dtype(name))
    return v.astype(np_dtype(name))


def float64_to_dtype(x: np.ndarray, name: str) -> np.ndarray:
    """``static_cast<scalar_t>(double)`` on x86-64, for any dtype.

    Floats round (through float for Half and BFloat16).  Integers truncate toward zero with
    ``cvttsd2si``: 64-bit for int64, 32-bit (then the low bits kept) for narrower ints; a value
    outside that instruction's range, infinite or NaN gives its "integer indefinite", the most
    negative value (measured on torch's int8 ... int64 outputs of ``geometric_``).
    """
    if name in FLOATS:
        return to_dtype(x, name)
    width = 64 if name == "int64" else 32
    lo, hi = -(2.0 ** (width - 1)), 2.0 ** (width - 1)
    ok = (x >= lo) & (x < hi)  # False for NaN
    wide = np.where(ok, x, 0.0).astype(np.int64 if width == 64 else np.int32)
    wide[~ok] = -(2 ** (width - 1))  # the integer indefinite
    return wide.astype(np_dtype(name))
