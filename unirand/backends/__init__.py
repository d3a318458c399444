"""Array libraries behind unirand, loaded only when used.

The contract of a backend is :class:`unirand.engine.backend.Backend`.  Which backend an array
belongs to is decided from its type's module as found in ``sys.modules``: asking never imports
a library (array-api-compat's rule).  ``import unirand`` imports neither torch nor jax.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import Any

from ..engine.backend import Backend

__all__ = ["Backend", "KNOWN", "resolve", "backend_of", "by_name", "to_numpy"]

#: accepted names (and module names) -> canonical backend name
_ALIASES = {
    "numpy": "numpy",
    "np": "numpy",
    "array_api_compat.numpy": "numpy",
    "torch": "torch",
    "pytorch": "torch",
    "array_api_compat.torch": "torch",
    "jax": "jax",
    "jax.numpy": "jax",
    "jnp": "jax",
    "jax:portable": "jax:portable",
    "array_api_strict": "array_api_strict",
    "cupy": "cupy",
    "array_api_compat.cupy": "cupy",
}
KNOWN = ("numpy", "torch", "jax", "array_api_strict", "cupy")


@cache
def by_name(name: str) -> Backend:
    """The backend called ``name`` (canonical), importing its library now."""
    BACKEND: Backend  # each branch binds its library's backend
    if name == "numpy":
        from .numpy import BACKEND
    elif name == "torch":
        from .torch import BACKEND
    elif name == "jax":
        from .jax import BACKEND
    elif name == "jax:portable":  # the array-API engine on jax.numpy, never jax.random
        from .jax import REFERENCE as BACKEND
    elif name == "array_api_strict":
        from .array_api import ArrayAPIBackend

        BACKEND = ArrayAPIBackend(importlib.import_module("array_api_strict"), name)
    elif name == "cupy":
        import array_api_compat.cupy as compat_cupy

        from .array_api import ArrayAPIBackend

        BACKEND = ArrayAPIBackend(compat_cupy, name)
    else:
        raise ValueError(f"unknown backend {name!r}; known: {', '.join(KNOWN)}")
    return BACKEND


def resolve(xp: Any) -> Backend:
    """The backend for an ``xp`` argument: a namespace module or its name."""
    if isinstance(xp, Backend):
        return xp
    if isinstance(xp, str):
        name = _ALIASES.get(xp.strip().lower())
    else:
        name = _ALIASES.get(getattr(xp, "__name__", ""))
    if name is None:
        raise ValueError(
            "xp must be an array library or its name: numpy, torch, jax (or jax.numpy), "
            f"jax:portable, array_api_strict or cupy; got {xp!r}"
        )
    try:
        return by_name(name)
    except ImportError as e:
        raise ValueError(f"xp={xp!r}: {name} is not installed ({e})") from e


def backend_of(x: Any) -> Backend | None:
    """The backend of array ``x``, or None if it is no array of a supported library."""
    module = type(x).__module__.split(".", 1)[0]
    if module == "numpy":
        return by_name("numpy")
    if module == "torch" and "torch" in sys.modules and isinstance(x, sys.modules["torch"].Tensor):
        return by_name("torch")
    if module in ("jax", "jaxlib") and "jax" in sys.modules:
        if isinstance(x, sys.modules["jax"].Array):
            return by_name("jax")
    if module == "array_api_strict":
        return by_name("array_api_strict")
    if module == "cupy":
        return by_name("cupy")
    return None


def to_numpy(x: Any) -> Any:
    """A host NumPy copy of an array of any supported library (bfloat16 via ml_dtypes)."""
    backend = backend_of(x)
    return backend.to_numpy(x) if backend is not None else __import__("numpy").asarray(x)
