"""``rademacher``, ``laplace``, ``logistic``, ``rayleigh``, ``geometric``, ``triangular``,
``wald``, ``maxwell``, ``double_sided_maxwell`` for native keys: the library's own sampler
where it has one, else the transform ``jax.random`` applies (``unirand/samplers/
uniform_transforms.py`` and ``normal_transforms.py``), written once here over the kind's hooks
(``_uniform``, ``_normal`` of :class:`.methods.NativeMethods`).

================  ==============================================  ==============================
sampler           NumPy Generator                                 torch.Generator
================  ==============================================  ==============================
laplace           ``laplace(0, 1)``                               derived
logistic          ``logistic(0, 1)``                              derived
rayleigh(scale)   ``rayleigh(1) * scale``                         derived
geometric(p)      ``geometric(p)`` (from 1)                       ``geometric_(p)`` for a scalar
                                                                  ``p``; an array: derived
triangular        ``triangular(left, mode, right)``               derived
wald(mean)        ``wald(mean, 1)`` (JAX's scale is 1)            derived
rademacher,       derived (neither library has one)               derived
maxwell,
double_sided_...
================  ==============================================  ==============================

JAX keys (any impl) call ``jax.random``'s own sampler.  NumPy's methods draw float64; torch's
``geometric_`` draws in float64; derivations compute on the host in float64; the result is
rounded once to the dtype.  Where a parameter is outside NumPy's domain (``p`` not in ``(0,
1]``, ``left <= mode <= right`` with ``left < right`` broken, ``mean <= 0``, NaN), where NumPy
raises its own unnamed error and ``jax.random`` computes a value anyway, the value is NaN
(``geometric``: the dtype's largest value for ``p = 0``, else 0).  ``rayleigh(1) * scale`` is
NumPy's ``rayleigh(scale)`` bit for bit and takes any ``scale``, as JAX's.  A native stream has
no counters, so no ``index``/``offset`` (as every native method).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..validation import as_shape
from .arguments import float_name, int_name
from .convert import (
    compute_dtype,
    fitted_shape,
    give,
    host_param,
    jax_own,
    masked,
    no_block,
    np_dtype,
    to_host,
)

__all__ = ["TransformMethods"]

#: the smallest normal of the dtypes uniforms are drawn in (``logistic``, ``rayleigh``)
_TINY = {"float32": 2.0**-126, "float64": 2.0**-1022}


class TransformMethods:
    """The nine samplers over a native key's hooks (mixed into ``NativeKey``)."""

    __slots__ = ()

    # -- shared steps -----------------------------------------------------------------------
    def _begin(self, what: str, index: Any, offset: Any) -> Any:
        no_block(index, offset)
        self._single(what)  # type: ignore[attr-defined]
        return self._source()  # type: ignore[attr-defined]

    def _jax(self, src: Any, what: str, xp: Any, device: Any, *args: Any) -> Any:
        return jax_own(self, src, what, xp, device, *args)

    def _host(self, draw: Any) -> np.ndarray:
        return to_host(self, draw).astype(np.float64)

    def _give(self, out: np.ndarray, name: str, xp: Any, device: Any) -> Any:
        return give(self, out, name, xp, device)

    def _uniforms(self, src: Any, shape: tuple[int, ...], name: str, tiny: bool) -> np.ndarray:
        """Uniforms in ``[0, 1)`` (``tiny``: ``[smallest normal, 1)``), drawn in float64 for
        float64 and in float32 for the other dtypes."""
        wide = compute_dtype(name)
        lo = _TINY[wide] if tiny else 0.0
        return self._host(self._uniform(src, shape, wide, lo, 1.0))  # type: ignore[attr-defined]

    def _normals(self, src: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
        wide = compute_dtype(name)
        return self._host(self._normal(src, shape, wide))  # type: ignore[attr-defined]

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
        u = self._uniforms(src, shape, "float64", False)
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
        """Standard Laplace values: NumPy's ``laplace(0, 1)``; torch: ``sign(u) *
        log1p(-|u|)`` of its uniforms in ``(-1, 1)``."""
        src = self._begin("laplace", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "laplace", xp, device, shape, name)
        if self.library == "numpy":  # type: ignore[attr-defined]
            return self._give(src.laplace(0.0, 1.0, shape), name, xp, device)
        wide = compute_dtype(name)
        u = self._host(self._uniform(src, shape, wide, -1.0, 1.0))  # type: ignore[attr-defined]
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
        """Standard logistic values: NumPy's ``logistic(0, 1)``; torch: ``log(u) - log1p(-u)``
        of its uniforms in ``[tiny, 1)``."""
        src = self._begin("logistic", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "logistic", xp, device, shape, name)
        if self.library == "numpy":  # type: ignore[attr-defined]
            return self._give(src.logistic(0.0, 1.0, shape), name, xp, device)
        u = self._uniforms(src, shape, name, True)
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
        """Rayleigh values: NumPy's ``rayleigh(1) * scale``; torch: ``sqrt(-2 log u) * scale``
        of its uniforms."""
        src = self._begin("rayleigh", index, offset)
        name = float_name(dtype)
        hs = host_param(scale, "scale")
        shape = fitted_shape("rayleigh", shape, scale=hs)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "rayleigh", xp, device, scale, shape, name)
        if self.library == "numpy":  # type: ignore[attr-defined]
            r = src.rayleigh(1.0, shape)
            return self._computed(lambda: r * hs, name, xp, device)
        u = self._uniforms(src, shape, name, True)
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
        """Trials to the first success, from 1: NumPy's ``geometric(p)``; torch's
        ``geometric_(p)`` for a scalar ``p`` in ``(0, 1)``, else ``floor(log u / log1p(-p)) +
        1`` of its float64 uniforms."""
        src = self._begin("geometric", index, offset)
        name = int_name(dtype)
        hp = host_param(p, "p")
        shape = fitted_shape("geometric", shape, p=hp)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "geometric", xp, device, p, shape, name)
        info = np.iinfo(np_dtype(name))
        ok = (hp > 0) & (hp <= 1)
        if self.library == "numpy":  # type: ignore[attr-defined]
            g = masked(src.geometric, shape, (hp,), ok, (0.5,), 0.0)
            g = np.where(np.broadcast_to(hp == 0, shape), np.inf, g)
        elif hp.ndim == 0 and 0 < hp < 1:
            draw = self._empty(shape, "float64").geometric_(float(hp), generator=src)  # type: ignore[attr-defined]
            g = self._host(draw)
        else:
            u = self._uniforms(src, shape, "float64", True)
            with np.errstate(all="ignore"):
                g = np.floor(np.log(u) / np.log1p(-hp)) + 1.0
        return self._give(_clipped(g, info), name, xp, device)

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
        """Triangular values: NumPy's ``triangular(left, mode, right)``; torch: the inverse CDF
        at its uniforms."""
        src = self._begin("triangular", index, offset)
        name = float_name(dtype)
        lo, mo, hi = (
            host_param(v, n) for v, n in ((left, "left"), (mode, "mode"), (right, "right"))
        )
        shape = fitted_shape("triangular", shape, left=lo, mode=mo, right=hi)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "triangular", xp, device, left, mode, right, shape, name)
        if self.library == "numpy":  # type: ignore[attr-defined]
            ok = (lo <= mo) & (mo <= hi) & (lo < hi)
            out = masked(src.triangular, shape, (lo, mo, hi), ok, (0.0, 0.5, 1.0))
            return self._give(out, name, xp, device)
        u = self._uniforms(src, shape, name, False)

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
        """Wald (inverse Gaussian, scale 1) values: NumPy's ``wald(mean, 1)``; torch:
        Michael-Schucany-Haas from its normals, then its uniforms."""
        src = self._begin("wald", index, offset)
        name = float_name(dtype)
        hm = host_param(mean, "mean")
        shape = fitted_shape("wald", shape, mean=hm)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "wald", xp, device, mean, shape, name)
        if self.library == "numpy":  # type: ignore[attr-defined]
            ok = hm > 0
            out = masked(src.wald, shape, (hm, np.ones(())), ok, (1.0, 1.0))
            return self._give(out, name, xp, device)
        v = self._normals(src, shape, name)
        z = self._uniforms(src, shape, name, False)

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
        hl, hs = host_param(loc, "loc"), host_param(scale, "scale")
        np.broadcast_shapes(shape, hl.shape, hs.shape)
        if self.library == "jax":  # type: ignore[attr-defined]
            return self._jax(src, "double_sided_maxwell", xp, device, loc, scale, shape, name)
        x = self._normals(src, (*shape, 3), name)
        u = self._uniforms(src, shape, "float64", False)

        def transform() -> np.ndarray:
            sign = np.where(u < 0.5, -1.0, 1.0)
            return sign * np.sqrt((x * x).sum(axis=-1)) * hs + hl

        return self._computed(transform, name, xp, device)


def _clipped(g: np.ndarray, info: Any) -> np.ndarray:
    """Float counts as int64 clipped to the dtype's range (``info``), NaN as 0: exact even
    where the float64 of the bound rounds beyond it (``2**63 - 1`` reads as ``2**63``)."""
    out = np.zeros(g.shape, np.int64)
    with np.errstate(invalid="ignore"):
        inside = (g > info.min) & (g < info.max)
        out[inside] = g[inside].astype(np.int64)
        out[g >= info.max] = info.max
        out[g <= info.min] = info.min
    return out
