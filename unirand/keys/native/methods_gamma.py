"""``gamma`` and ``loggamma`` for native keys: each library's own gamma sampler.

* NumPy: ``Generator.standard_gamma(a)`` (float64);
* torch: ``torch._standard_gamma(a, generator=g)`` (float64; torch has no public
  ``Tensor.gamma_``, and ``torch.distributions.Gamma`` calls this one without a generator);
* JAX keys (any impl): ``jax.random.gamma`` / ``jax.random.loggamma``.

``loggamma`` on NumPy and torch is ``log`` of the library's gamma only for ``a >= 1``: below,
``log(standard_gamma(a))`` loses every digit once the gamma value underflows (``a = 1e-3``:
half the float64 values are below ``1e-300``; ``a = 1e-5``: 0), so there it uses the boost
``jax.random.loggamma`` uses, ``log(standard_gamma(a + 1)) + log1p(-u) / a`` with ``u`` the
library's float64 uniform, which keeps the logarithm exact for any ``a > 0``.

Values are computed in float64 and rounded once to the dtype.  ``a = 0`` gives 0 (``-inf``
for ``loggamma``) and ``a = inf`` gives ``inf``, as in ``jax.random``; ``a < 0`` or NaN gives
NaN (NumPy raises its own error there, torch returns its smallest normal).  A native stream
has no counters, so no ``index``/``offset`` (as every native method).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backends
from .arguments import float_bounds, float_name
from .convert import fitted_shape, give, jax_own, no_block, to_host

__all__ = ["GammaMethods"]


class GammaMethods:
    """``gamma`` and ``loggamma`` over a native key's own gamma sampler (mixed into
    ``NativeKey``)."""

    __slots__ = ()

    def _own_gamma(self, src: Any, a: np.ndarray) -> np.ndarray:
        """Standard gamma values (float64, flat) of the flat float64 ``a``, all ``a > 0``
        finite: the library's own sampler."""
        if self.library == "numpy":  # type: ignore[attr-defined]
            return np.asarray(src.standard_gamma(a), np.float64)
        import torch

        alpha = torch.as_tensor(a, dtype=torch.float64, device=self._m[0])  # type: ignore[attr-defined]
        return to_host(self, torch._standard_gamma(alpha, generator=src)).astype(np.float64)

    def _own_uniform(self, src: Any, n: int) -> np.ndarray:
        """``n`` float64 uniforms in ``[0, 1)`` of the library (the kind's ``_uniform``)."""
        u = self._uniform(src, (n,), "float64", 0.0, 1.0)  # type: ignore[attr-defined]
        return to_host(self, u).astype(np.float64).reshape(-1)

    def _log_gamma_host(self, alpha: np.ndarray) -> np.ndarray:
        """log Gamma(alpha) variates (float64, flat) of the flat float64 ``alpha``, from the
        library's own gamma sampler (see the module docstring), with a fresh source."""
        return self._log_gamma_from(self._source(), alpha)  # type: ignore[attr-defined]

    def _log_gamma_from(self, src: Any, alpha: np.ndarray) -> np.ndarray:
        if self.library == "jax":  # type: ignore[attr-defined]
            import jax

            wide = bool(jax.config.read("jax_enable_x64"))
            draw = jax.random.loggamma(src, alpha.astype(np.float64 if wide else np.float32))
            return np.asarray(draw, np.float64)
        ok = np.isfinite(alpha) & (alpha > 0)
        boost = ok & (alpha < 1)
        a = np.where(ok, np.where(boost, alpha + 1.0, alpha), 1.0)
        with np.errstate(all="ignore"):
            out = np.log(self._own_gamma(src, a))
            if boost.any():
                out = np.where(boost, out + np.log1p(-self._own_uniform(src, a.size)) / alpha, out)
            out = np.where(ok, out, np.nan)
        out = np.where(alpha == 0, -np.inf, out)
        return np.where(alpha == np.inf, np.inf, out)

    def _gamma_common(
        self, fn: str, a: Any, shape: Any, dtype: Any, xp: Any, device: Any, index: Any, offset: Any
    ) -> Any:
        no_block(index, offset)
        self._single(fn)  # type: ignore[attr-defined]
        name = float_name(dtype)
        if isinstance(a, (bool, np.bool_)):
            raise TypeError(f"a must be a number or an array of numbers; got {a!r}")
        ha = float_bounds(a, "a").astype(np.float64)
        shape = fitted_shape(fn, shape, a=ha)
        src = self._source()  # type: ignore[attr-defined]
        if self.library == "jax":  # type: ignore[attr-defined]
            dt = backends.by_name("jax").dtype(name)
            return jax_own(self, src, fn, xp, device, a, tuple(shape), dt)
        flat = np.ascontiguousarray(np.broadcast_to(ha, shape)).reshape(-1)
        if fn == "loggamma":
            out = self._log_gamma_from(src, flat)
        else:
            ok = np.isfinite(flat) & (flat > 0)
            out = np.where(ok, 0.0, np.where(flat >= 0, flat, np.nan))  # 0, inf, NaN
            if ok.any():
                out[ok] = self._own_gamma(src, flat[ok])
        return give(self, out.reshape(shape), name, xp, device)

    def gamma(
        self,
        a: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Standard gamma values of shape ``a``: the library's own gamma sampler."""
        return self._gamma_common("gamma", a, shape, dtype, xp, device, index, offset)

    def loggamma(
        self,
        a: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Logarithms of standard gamma values, exact in log space for small ``a``."""
        return self._gamma_common("loggamma", a, shape, dtype, xp, device, index, offset)
