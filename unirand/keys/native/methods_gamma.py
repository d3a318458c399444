"""``gamma`` and ``loggamma`` for native keys, derived once here from the kind's own draws.

Marsaglia-Tsang (the method ``jax.random.gamma`` uses) over the hooks of
:class:`.methods.NativeMethods`: batches of the library's float64 standard normals
(``_normal``) and uniforms (``_uniform``) feed the rejection loop on the host in float64 until
every element is accepted; ``a < 1`` is boosted to ``a + 1`` with a uniform power.  The numbers
are the library's stream transformed, rounded once to the dtype, not ``jax.random``'s bytes.
A native stream has no counters, so no ``index``/``offset`` (as every native method).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape
from .arguments import float_bounds, float_name

__all__ = ["GammaMethods"]


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


class GammaMethods:
    """``gamma`` and ``loggamma`` over a native key's hooks (mixed into ``NativeKey``)."""

    __slots__ = ()

    def _host_draw(self, src: Any, kind: str, n: int) -> np.ndarray:
        own = backends.by_name(self.library)  # type: ignore[attr-defined]
        if kind == "normal":
            draw = self._normal(src, (n,), "float64")  # type: ignore[attr-defined]
        else:
            draw = self._uniform(src, (n,), "float64", 0.0, 1.0)  # type: ignore[attr-defined]
        return np.asarray(own.to_numpy(draw), np.float64).reshape(-1)

    def _log_gamma_host(self, alpha: np.ndarray) -> np.ndarray:
        """log Gamma(alpha) variates (float64, flat), by Marsaglia-Tsang on the key's draws."""
        src = self._source()  # type: ignore[attr-defined]
        n = alpha.shape[0]
        boost = alpha >= 1.0
        a = np.where(boost, alpha, alpha + 1.0)
        with np.errstate(all="ignore"):
            d = a - 1.0 / 3.0
            c = 1.0 / np.sqrt(9.0 * d)
            log_v = np.full(n, np.nan)
            todo = np.nonzero(np.isfinite(d) & (d > 0))[0]
            while todo.size:
                x = self._host_draw(src, "normal", todo.size)
                u = self._host_draw(src, "uniform", todo.size)
                v = (1.0 + c[todo] * x) ** 3
                ok = (v > 0) & (np.log(u) < 0.5 * x * x + d[todo] * (1.0 - v + np.log(v)))
                log_v[todo[ok]] = np.log(v[ok])
                todo = todo[~ok]
            out = np.log(d) + log_v
            out = np.where(np.isinf(d) & (d > 0), np.inf, out)
            if not boost.all():
                u = self._host_draw(src, "uniform", n)
                out = np.where(boost, out, out + np.log1p(-u) / alpha)
        return out

    def _gamma_common(
        self, fn: str, a: Any, shape: Any, dtype: Any, xp: Any, device: Any, index: Any, offset: Any
    ) -> Any:
        from .methods import _no_block

        _no_block(index, offset)
        self._single(fn)  # type: ignore[attr-defined]
        name = float_name(dtype)
        if isinstance(a, (bool, np.bool_)):
            raise TypeError(f"a must be a number or an array of numbers; got {a!r}")
        ha = float_bounds(a, "a").astype(np.float64)
        shape = ha.shape if shape is None else as_shape(shape)
        if tuple(np.broadcast_shapes(tuple(shape), ha.shape)) != tuple(shape):
            raise ValueError(f"{fn}: a of shape {ha.shape} does not broadcast to shape {shape}")
        flat = np.ascontiguousarray(np.broadcast_to(ha, shape)).reshape(-1)
        logs = self._log_gamma_host(flat)
        with np.errstate(all="ignore"):
            out = logs if fn == "loggamma" else np.exp(logs)
        out = out.astype(np.float32) if name in ("float16", "bfloat16") else out
        host = np.ascontiguousarray(out.astype(_np_dtype(name)).reshape(shape))
        own = backends.by_name(self.library)  # type: ignore[attr-defined]
        arr = own.from_numpy(host)
        arr = own.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr
        return self._deliver(arr, xp, device)  # type: ignore[attr-defined]

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
        """Standard gamma values of shape ``a``, derived from the library's own draws."""
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
        """Logarithms of standard gamma values, derived from the library's own draws."""
        return self._gamma_common("loggamma", a, shape, dtype, xp, device, index, offset)
