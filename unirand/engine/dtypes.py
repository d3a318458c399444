"""Output dtypes by canonical name.

Samplers take dtypes as names (``"float32"``) or as any supported library's dtype object
(``np.float32``, ``torch.bfloat16``, ``jnp.uint8``, ``ml_dtypes.bfloat16``).  Everything inside
unirand works with the canonical name; each backend maps the name to its own dtype object.
"""

from __future__ import annotations

from typing import Any

import numpy as np

UINT_DTYPES = ("uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")

#: bits of each dtype
WIDTH = {
    "uint8": 8,
    "uint16": 16,
    "uint32": 32,
    "uint64": 64,
    "float16": 16,
    "bfloat16": 16,
    "float32": 32,
    "float64": 64,
}

#: explicitly stored mantissa bits of each float dtype
MANTISSA = {"float16": 10, "bfloat16": 7, "float32": 23, "float64": 52}


def dtype_name(dtype: Any) -> str:
    """Canonical name of ``dtype`` (a name or any library's dtype object), without importing one."""
    if isinstance(dtype, str):
        name = dtype
    else:
        # numpy: np.float32 (a type) or np.dtype; torch: torch.float32 (str "torch.float32");
        # jax.numpy: jnp.float32 (a scalar type with .dtype); ml_dtypes.bfloat16 (a type).
        name = getattr(dtype, "__name__", None) or str(dtype)
        if not isinstance(name, str) or name.startswith("<"):
            name = str(getattr(dtype, "dtype", dtype))
        name = name.rsplit(".", 1)[-1]
    return name.strip().lower()


def canonical(dtype: Any, allowed: tuple[str, ...], *, argument: str = "dtype") -> str:
    """Validate ``dtype`` against ``allowed`` names and return its canonical name."""
    try:
        name = dtype_name(dtype)
    except Exception:
        name = repr(dtype)
    if name not in allowed:
        raise TypeError(f"{argument} must be one of {', '.join(allowed)}; got {dtype!r}")
    return name


def numpy_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)
