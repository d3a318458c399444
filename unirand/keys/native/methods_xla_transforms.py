"""``cauchy``, ``pareto``, ``lognormal``, ``weibull_min`` for native keys, derived once here.

Each is the transform ``jax.random`` applies (``unirand/samplers/xla_transforms.py``) to a
draw of the key's own library, through its hooks (``_uniform``, ``_exponential``, ``_normal``
of :class:`.methods.NativeMethods`): the numbers are the library's stream, transformed on the
host with NumPy in the dtype (16-bit types in float32, then rounded), not ``jax.random``'s
bytes.  A native stream has no counters, so no ``index``/``offset`` (as every native method).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape
from .arguments import float_name

__all__ = ["XlaTransformMethods"]

_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _host_param(value: Any, argument: str) -> np.ndarray:
    """A float parameter as a float64 host array (a TypeError names a non-float one)."""
    source = backends.backend_of(value)
    host = source.to_numpy(value) if source is not None else np.asarray(value)
    if isinstance(value, bool) or host.dtype.kind not in "iuf":
        raise TypeError(f"{argument} must be a number or an array of floats; got {value!r}")
    return host.astype(np.float64)


class XlaTransformMethods:
    """The four samplers over a native key's hooks (mixed into ``NativeKey``)."""

    __slots__ = ()

    def _transformed(self, draw: Any, fn: Any, shape: Any, name: str, xp: Any, device: Any) -> Any:
        """``fn`` (float64 NumPy) of the library's ``draw``, rounded to ``name``, delivered."""
        own = backends.by_name(self.library)  # type: ignore[attr-defined]
        host = own.to_numpy(draw).astype(np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(fn(host), np.float64)
        out = out.astype(np.float32) if name in ("float16", "bfloat16") else out
        out = np.ascontiguousarray(out.astype(_np_dtype(name)))
        arr = own.from_numpy(out)
        arr = own.xp.reshape(arr, out.shape) if tuple(arr.shape) != out.shape else arr
        return self._deliver(arr, xp, device)  # type: ignore[attr-defined]

    def cauchy(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Cauchy values ``tan(pi * (u - 0.5))`` from the library's uniforms in ``[eps, 1)``."""
        _no_block(index, offset)
        self._single("cauchy")  # type: ignore[attr-defined]
        shape, name = as_shape(shape), float_name(dtype)
        u = self._uniform(self._source(), shape, name, _EPS[name], 1.0)  # type: ignore[attr-defined]
        return self._transformed(u, lambda v: np.tan(np.pi * (v - 0.5)), shape, name, xp, device)

    def pareto(
        self,
        b: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Pareto values ``exp(e / b)`` from the library's standard exponentials."""
        _no_block(index, offset)
        self._single("pareto")  # type: ignore[attr-defined]
        name = float_name(dtype)
        hb = _host_param(b, "b")
        shape = hb.shape if shape is None else as_shape(shape)
        np.broadcast_shapes(shape, hb.shape)
        e = self._exponential(self._source(), tuple(shape), name)  # type: ignore[attr-defined]
        return self._transformed(e, lambda v: np.exp(v / hb), shape, name, xp, device)

    def lognormal(
        self,
        sigma: Any = 1.0,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Log-normal values ``exp(sigma * z)`` from the library's standard normals."""
        _no_block(index, offset)
        self._single("lognormal")  # type: ignore[attr-defined]
        name = float_name(dtype)
        hs = _host_param(sigma, "sigma")
        shape = hs.shape if shape is None else as_shape(shape)
        np.broadcast_shapes(shape, hs.shape)
        z = self._normal(self._source(), tuple(shape), name)  # type: ignore[attr-defined]
        return self._transformed(z, lambda v: np.exp(v * hs), shape, name, xp, device)

    def weibull_min(
        self,
        scale: Any,
        concentration: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Weibull values ``(-log1p(-u)) ** (1 / c) * scale`` from the library's uniforms."""
        _no_block(index, offset)
        self._single("weibull_min")  # type: ignore[attr-defined]
        shape, name = as_shape(shape), float_name(dtype)
        hs, hc = _host_param(scale, "scale"), _host_param(concentration, "concentration")
        u = self._uniform(self._source(), shape, name, 0.0, 1.0)  # type: ignore[attr-defined]

        def weibull(v: np.ndarray) -> np.ndarray:
            return np.power(-np.log1p(-v), 1.0 / hc) * hs

        return self._transformed(u, weibull, shape, name, xp, device)


def _no_block(index: Any, offset: Any) -> None:
    from .methods import _no_block as refuse

    refuse(index, offset)
