"""``cauchy``, ``pareto``, ``lognormal``, ``weibull_min`` for native keys: the library's own
sampler where it has one, else one derivation from its own draws.

=============  ==========================================  =====================================
sampler        NumPy Generator                             torch.Generator
=============  ==========================================  =====================================
cauchy         ``standard_cauchy()``                       ``Tensor.cauchy_(0, 1)``
pareto(b)      ``pareto(b) + 1`` (NumPy's is Lomax)        derived: ``exp(exponential_() / b)``
lognormal(s)   ``lognormal(0, |s|)``                       ``log_normal_(0, 1) ** s``
weibull_min    ``scale * weibull(concentration)``          derived: ``scale * exponential_() **
                                                           (1 / concentration)``
=============  ==========================================  =====================================

JAX keys (any impl) call ``jax.random``'s own sampler.  ``jax.random.pareto`` is Pareto type I
(support ``[1, inf)``), NumPy's ``pareto`` type II, hence the ``+ 1``; ``exp(sigma * z)`` with
``z`` symmetric is ``lognormal(0, |sigma|)`` (NumPy refuses ``sigma < 0``), and torch's
``log_normal_(0, 1) ** sigma`` is ``exp(sigma * z)`` for any ``sigma`` (``log_normal_`` takes
a positive scalar only).  NumPy's draws are float64, torch's in float64 for float64 and float32
otherwise; the result is rounded once to the dtype.  Where a parameter is outside NumPy's
domain (``b <= 0``, ``concentration <= 0``, NaN) the value is NaN: NumPy raises its own
unnamed error there.  A native stream has no counters, so no ``index``/``offset``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape
from .arguments import float_name
from .convert import (
    compute_dtype,
    fitted_shape,
    give,
    host_param,
    jax_own,
    masked,
    no_block,
    to_host,
)

__all__ = ["XlaTransformMethods"]


class XlaTransformMethods:
    """The four samplers over a native key's own draws (mixed into ``NativeKey``)."""

    __slots__ = ()

    def _xla_begin(self, what: str, index: Any, offset: Any) -> Any:
        no_block(index, offset)
        self._single(what)  # type: ignore[attr-defined]
        return self._source()  # type: ignore[attr-defined]

    def _torch_draw(
        self, src: Any, shape: tuple[int, ...], name: str, method: str, *args: float
    ) -> np.ndarray:
        """``torch.empty(shape, dtype).<method>(*args, generator=src)`` on the key's device,
        as a float64 host array (``dtype``: float64 for float64, else float32)."""
        out = self._empty(shape, compute_dtype(name))  # type: ignore[attr-defined]
        return to_host(self, getattr(out, method)(*args, generator=src)).astype(np.float64)

    def _exponentials(self, src: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
        e = self._exponential(src, shape, compute_dtype(name))  # type: ignore[attr-defined]
        return to_host(self, e).astype(np.float64)

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
        """Standard Cauchy values: the library's own Cauchy sampler."""
        src = self._xla_begin("cauchy", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        if self.library == "jax":  # type: ignore[attr-defined]
            return jax_own(self, src, "cauchy", xp, device, shape, _jax_dtype(name))
        if self.library == "numpy":  # type: ignore[attr-defined]
            return give(self, src.standard_cauchy(shape), name, xp, device)
        return give(self, self._torch_draw(src, shape, name, "cauchy_", 0.0, 1.0), name, xp, device)

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
        """Pareto (type I) values of shape ``b``: NumPy's ``pareto(b) + 1``; torch derived."""
        src = self._xla_begin("pareto", index, offset)
        name = float_name(dtype)
        hb = host_param(b, "b")
        shape = fitted_shape("pareto", shape, b=hb)
        if self.library == "jax":  # type: ignore[attr-defined]
            return jax_own(self, src, "pareto", xp, device, b, shape, _jax_dtype(name))
        if self.library == "numpy":  # type: ignore[attr-defined]
            ok = ~(hb <= 0) & ~np.isnan(hb)
            out = masked(src.pareto, shape, (hb,), ok, (1.0,)) + 1.0
            return give(self, out, name, xp, device)
        e = self._exponentials(src, shape, name)
        with np.errstate(all="ignore"):
            return give(self, np.exp(e / hb), name, xp, device)

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
        """Log-normal values ``exp(sigma * z)``: the library's own log-normal sampler."""
        src = self._xla_begin("lognormal", index, offset)
        name = float_name(dtype)
        hs = host_param(sigma, "sigma")
        shape = fitted_shape("lognormal", shape, sigma=hs)
        if self.library == "jax":  # type: ignore[attr-defined]
            return jax_own(self, src, "lognormal", xp, device, sigma, shape, _jax_dtype(name))
        if self.library == "numpy":  # type: ignore[attr-defined]
            out = masked(src.lognormal, shape, (np.zeros(()), np.abs(hs)), ~np.isnan(hs), (0, 1))
            return give(self, out, name, xp, device)
        y = self._torch_draw(src, shape, name, "log_normal_", 0.0, 1.0)
        with np.errstate(all="ignore"):
            return give(self, np.power(y, hs), name, xp, device)

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
        """Weibull values: NumPy's ``scale * weibull(concentration)``; torch derived."""
        src = self._xla_begin("weibull_min", index, offset)
        shape, name = as_shape(shape), float_name(dtype)
        hs, hc = host_param(scale, "scale"), host_param(concentration, "concentration")
        if self.library == "jax":  # type: ignore[attr-defined]
            dt = _jax_dtype(name)
            return jax_own(self, src, "weibull_min", xp, device, scale, concentration, shape, dt)
        with np.errstate(all="ignore"):
            if self.library == "numpy":  # type: ignore[attr-defined]
                ok = ~(hc <= 0) & ~np.isnan(hc)
                out = masked(src.weibull, shape, (hc,), ok, (1.0,)) * hs
            else:
                out = np.power(self._exponentials(src, shape, name), 1.0 / hc) * hs
        return give(self, out, name, xp, device)


def _jax_dtype(name: str) -> Any:
    return backends.by_name("jax").dtype(name)
