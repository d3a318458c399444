"""``rademacher``, ``laplace``, ``logistic``, ``rayleigh``, ``geometric``, ``triangular``,
``wald``, ``maxwell``, ``double_sided_maxwell`` for native keys, derived once here.

Each is the transform ``jax.random`` applies (``unirand/samplers/uniform_transforms.py`` and
``normal_transforms.py``) to draws of the key's own library, through its hooks (``_uniform``,
``_normal`` of :class:`.methods.NativeMethods`), computed on the host with NumPy in float64 and
rounded to the dtype: the library's stream, not ``jax.random``'s bytes.  A JAX key (any impl)
uses ``jax.random``'s own sampler.  A native stream has no counters, so no ``index``/``offset``
(as every native method).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape
from .arguments import float_name, int_name
from .methods_xla_transforms import _host_param, _no_block, _np_dtype

__all__ = ["TransformMethods"]

_TINY = {"float16": 2.0**-14, "bfloat16": 2.0**-126, "float32": 2.0**-126, "float64": 2.0**-1022}


class TransformMethods:
    """The nine samplers over a native key's hooks (mixed into ``NativeKey``)."""

    __slots__ = ()

    # -- shared steps -----------------------------------------------------------------------
    def _begin(self, what: str, index: Any, offset: Any) -> Any:
        _no_block(index, offset)
        self._single(what)  # type: ignore[attr-defined]
        return self._source()  # type: ignore[attr-defined]

    def _jax(self, src: Any, what: str, xp: Any, device: Any, *args: Any, **kw: Any) -> Any:
        """A JAX key's draw: ``jax.random``'s own sampler (its numbers are JAX's)."""
        import jax

        return self._deliver(getattr(jax.random, what)(src, *args, **kw), xp, device)  # type: ignore[attr-defined]

    def _host(self, draw: Any) -> np.ndarray:
        own = backends.by_name(self.library)  # type: ignore[attr-defined]
        return np.asarray(own.to_numpy(draw), np.float64)

    def _give(self, out: np.ndarray, name: str, xp: Any, device: Any) -> Any:
        """``out`` (float64 host values) as ``name`` in the key's library, delivered."""
        if name in ("float16", "bfloat16"):
            out = out.astype(np.float32)
        host = np.ascontiguousarray(out.astype(_np_dtype(name)))
        own = backends.by_name(self.library)  # type: ignore[attr-defined]
        arr = own.from_numpy(host)
        arr = own.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr
        return self._deliver(arr, xp, device)  # type: ignore[attr-defined]

    def _uniforms(self, src: Any, shape: tuple[int, ...], name: str, lo: float) -> np.ndarray:
        return self._host(self._uniform(src, shape, name, lo, 1.0))  # type: ignore[attr-defined]

    def _normals(self, src: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
        return self._host(self._normal(src, shape, name))  # type: ignore[attr-defined]

    def _shaped(self, shape: Any, *params: np.ndarray) -> tuple[int, ...]:
        full = np.broadcast_shapes(*(p.shape for p in params))
        if shape is None:
            return tuple(full)
        out = as_shape(shape)
        if np.broadcast_shapes(out, full) != out:
            raise ValueError(f"shape {out} does not broadcast the parameters' shape {full}")
        return out

    def _computed(self, fn: Callable[[], np.ndarray], name: str, xp: Any, device: Any) -> Any:
        with np.errstate(all="ignore"):
            return self._give(np.asarray(fn(), np.float64), name, xp, device)

    # -- the samplers ------------------------------------------------------------------------
    def rademacher(
        self,
        shape: Any = (),
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """-1 or +1 with equal probability, from the library's uniforms."""
        src = self._begin("rademacher", index, offset)
        shape, name = as_shape(shape), int_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "rademacher", xp, device, shape, name)
        u = self._uniforms(src, shape, "float64", 0.0)
        return self._give(np.where(u < 0.5, -1.0, 1.0), name, xp, device)

    def laplace(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """``sign(u) * log1p(-|u|)`` of the library's uniforms in ``(-1, 1)``."""
        src = self._begin("laplace", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "laplace", xp, device, shape, name)
        u = self._host(self._uniform(src, shape, name, -1.0, 1.0))  # type: ignore[attr-defined]
        return self._computed(lambda: np.sign(u) * np.log1p(-np.abs(u)), name, xp, device)

    def logistic(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """``log(u) - log1p(-u)`` of the library's uniforms in ``[tiny, 1)``."""
        src = self._begin("logistic", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "logistic", xp, device, shape, name)
        u = self._uniforms(src, shape, name, _TINY[name])
        return self._computed(lambda: np.log(u) - np.log1p(-u), name, xp, device)

    def rayleigh(
        self,
        scale: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """``sqrt(-2 log u) * scale`` of the library's uniforms."""
        src = self._begin("rayleigh", index, offset)
        name = float_name(dtype)
        hs = _host_param(scale, "scale")
        shape = self._shaped(shape, hs)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "rayleigh", xp, device, scale, shape, name)
        u = self._uniforms(src, shape, name, _TINY[name])
        return self._computed(lambda: np.sqrt(-2.0 * np.log(u)) * hs, name, xp, device)

    def geometric(
        self,
        p: Any,
        shape: Any = None,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """``floor(log u / log1p(-p)) + 1`` of the library's float64 uniforms."""
        src = self._begin("geometric", index, offset)
        name = int_name(dtype)
        hp = _host_param(p, "p")
        shape = self._shaped(shape, hp)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "geometric", xp, device, p, shape, name)
        u = self._uniforms(src, shape, "float64", _TINY["float64"])
        with np.errstate(all="ignore"):
            g = np.floor(np.log(u) / np.log1p(-hp)) + 1.0
        info = np.iinfo(_np_dtype(name))
        g = np.where(np.isnan(g), 0.0, np.clip(g, info.min, info.max))
        return self._give(g, name, xp, device)

    def triangular(
        self,
        left: Any,
        mode: Any,
        right: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """The inverse CDF of the triangular distribution at the library's uniforms."""
        src = self._begin("triangular", index, offset)
        name = float_name(dtype)
        lo, mo, hi = (
            _host_param(v, n) for v, n in ((left, "left"), (mode, "mode"), (right, "right"))
        )
        shape = self._shaped(shape, lo, mo, hi)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "triangular", xp, device, left, mode, right, shape, name)
        u = self._uniforms(src, shape, name, 0.0)

        def inverse() -> np.ndarray:
            fc = (mo - lo) / (hi - lo)
            below = lo + np.sqrt(u * (hi - lo) * (mo - lo))
            above = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mo))
            return np.where(u < fc, below, above)

        return self._computed(inverse, name, xp, device)

    def wald(
        self,
        mean: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Michael-Schucany-Haas from the library's normals, then its uniforms."""
        src = self._begin("wald", index, offset)
        name = float_name(dtype)
        hm = _host_param(mean, "mean")
        shape = self._shaped(shape, hm)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "wald", xp, device, mean, shape, name)
        v = self._normals(src, shape, name)
        z = self._uniforms(src, shape, name, 0.0)

        def transform() -> np.ndarray:
            y = v * v
            x = hm + hm * hm * y / 2.0 - hm / 2.0 * np.sqrt(4.0 * hm * y + (hm * y) ** 2)
            return np.where(z <= hm / (hm + x), x, hm * hm / x)

        return self._computed(transform, name, xp, device)

    def maxwell(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """The norm of three of the library's normals per value."""
        src = self._begin("maxwell", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "maxwell", xp, device, shape, name)
        x = self._normals(src, (*shape, 3), name)
        return self._computed(lambda: np.sqrt((x * x).sum(axis=-1)), name, xp, device)

    def double_sided_maxwell(
        self,
        loc: Any,
        scale: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """A Maxwell value with a random sign, times ``scale``, plus ``loc``."""
        src = self._begin("double_sided_maxwell", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        hl, hs = _host_param(loc, "loc"), _host_param(scale, "scale")
        np.broadcast_shapes(shape, hl.shape, hs.shape)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "double_sided_maxwell", xp, device, loc, scale, shape, name)
        x = self._normals(src, (*shape, 3), name)
        u = self._uniforms(src, shape, "float64", 0.0)

        def transform() -> np.ndarray:
            sign = np.where(u < 0.5, -1.0, 1.0)
            return sign * np.sqrt((x * x).sum(axis=-1)) * hs + hl

        return self._computed(transform, name, xp, device)
