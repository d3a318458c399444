"""``beta``, ``dirichlet``, ``chisquare``, ``f``, ``t`` of the native keys: the library's own
samplers where it has them.

NumPy keys call ``Generator.beta``/``dirichlet``/``chisquare``/``f``/``standard_t`` (a batch of
``alpha`` rows: one ``dirichlet`` call per row); JAX keys call ``jax.random``; torch keys use
``torch._standard_gamma`` and ``torch._sample_dirichlet`` with the key's generator (float64)
and derive the rest as JAX does: ``chisquare = 2 gamma(df / 2)``, ``f`` the ratio of two
chi-squares over their ``df``, ``beta = ga / (ga + gb)``, ``t = normal * sqrt(half / gamma(half))``
(``torch.randn`` with the generator).  The numbers are the library's (its own argument rules
and errors), rounded once to the dtype asked for.  A native stream has no counters, so no
``index``/``offset``.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape
from .arguments import float_bounds, float_name

__all__ = ["GammaFamilyMethods"]


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _size(fn: str, shape: Any, hosts: list[np.ndarray]) -> tuple[int, ...]:
    """``shape``, or the parameters' broadcast shape; every parameter must broadcast to it."""
    params = [h.shape for h in hosts]
    size = tuple(np.broadcast_shapes(*params)) if shape is None else as_shape(shape)
    for p in params:
        if tuple(np.broadcast_shapes(size, p)) != size:
            raise ValueError(f"{fn}: a parameter of shape {p} does not broadcast to shape {size}")
    return size


class GammaFamilyMethods:
    """The gamma-family samplers of a native key (mixed into ``NativeKey``)."""

    __slots__ = ()

    def _family(
        self, fn: str, params: dict[str, Any], shape: Any, dtype: Any, xp: Any, device: Any
    ) -> Any:
        self._single(fn)  # type: ignore[attr-defined]
        name = float_name(dtype)
        src = self._source()  # type: ignore[attr-defined]
        lib = self.library  # type: ignore[attr-defined]
        if lib == "jax":
            jax = importlib.import_module("jax")
            size = None if shape is None else as_shape(shape)
            out = getattr(jax.random, fn)(src, *params.values(), size, name)
            return self._deliver(out, xp, device)  # type: ignore[attr-defined]
        hosts = [float_bounds(v, k).astype(np.float64) for k, v in params.items()]
        if fn == "dirichlet":
            values = self._dirichlet_host(src, lib, hosts[0], shape)
        else:
            size = _size(fn, shape, hosts)
            full = [np.ascontiguousarray(np.broadcast_to(h, size)) for h in hosts]
            values = (
                self._numpy(src, fn, full, size)
                if lib == "numpy"
                else self._torch(src, fn, full, size)
            )
        host = np.asarray(values, np.float64)
        host = host.astype(np.float32) if name in ("float16", "bfloat16") else host
        host = np.ascontiguousarray(host.astype(_np_dtype(name)))
        own = backends.by_name(lib)
        arr = own.from_numpy(host)
        arr = own.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr
        return self._deliver(arr, xp, device)  # type: ignore[attr-defined]

    @staticmethod
    def _numpy(src: Any, fn: str, p: list[np.ndarray], size: tuple[int, ...]) -> np.ndarray:
        if fn == "beta":
            return src.beta(p[0], p[1], size=size)
        if fn == "chisquare":
            return src.chisquare(p[0], size=size)
        if fn == "f":
            return src.f(p[0], p[1], size=size)
        return src.standard_t(p[0], size=size)

    @staticmethod
    def _torch(src: Any, fn: str, p: list[np.ndarray], size: tuple[int, ...]) -> np.ndarray:
        torch = importlib.import_module("torch")

        def gamma(a: Any) -> Any:
            return torch._standard_gamma(a, generator=src)

        tp = [torch.from_numpy(v) for v in p]
        if fn == "beta":
            ga, gb = gamma(tp[0]), gamma(tp[1])
            out = ga / (ga + gb)
        elif fn == "chisquare":
            out = 2.0 * gamma(tp[0] / 2.0)
        elif fn == "f":
            num = 2.0 * gamma(tp[0] / 2.0) / tp[0]
            out = num / (2.0 * gamma(tp[1] / 2.0) / tp[1])
        else:
            n = torch.randn(size, generator=src, dtype=torch.float64)
            half = tp[0] / 2.0
            out = n * torch.sqrt(half / gamma(half))
        return out.numpy()

    def _dirichlet_host(self, src: Any, lib: str, alpha: np.ndarray, shape: Any) -> np.ndarray:
        if alpha.ndim < 1:
            raise ValueError("dirichlet: alpha must have at least one dimension (the categories)")
        batch = tuple(alpha.shape[:-1]) if shape is None else as_shape(shape)
        if tuple(np.broadcast_shapes(batch, alpha.shape[:-1])) != batch:
            raise ValueError(
                f"dirichlet: alpha of shape {alpha.shape} does not broadcast to shape {batch}"
            )
        full = np.ascontiguousarray(np.broadcast_to(alpha, (*batch, alpha.shape[-1])))
        if lib == "numpy":
            rows = full.reshape(-1, full.shape[-1])
            out = np.stack([src.dirichlet(r) for r in rows]) if rows.shape[0] else rows
            return out.reshape(full.shape)
        torch = importlib.import_module("torch")
        return torch._sample_dirichlet(torch.from_numpy(full), generator=src).numpy()

    def beta(
        self,
        a: Any,
        b: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Beta values from the library (NumPy: ``Generator.beta``; torch: two gammas)."""
        from .methods import _no_block

        _no_block(index, offset)
        return self._family("beta", {"a": a, "b": b}, shape, dtype, xp, device)

    def dirichlet(
        self,
        alpha: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Dirichlet values from the library (``Generator.dirichlet``,
        ``torch._sample_dirichlet``); ``shape``: the batch shape, as JAX's."""
        return self._family("dirichlet", {"alpha": alpha}, shape, dtype, xp, device)

    def chisquare(
        self,
        df: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Chi-square values from the library (``Generator.chisquare``; torch: a gamma)."""
        from .methods import _no_block

        _no_block(index, offset)
        return self._family("chisquare", {"df": df}, shape, dtype, xp, device)

    def f(
        self,
        dfnum: Any,
        dfden: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """F values from the library (``Generator.f``; torch: two chi-squares)."""
        from .methods import _no_block

        _no_block(index, offset)
        return self._family("f", {"dfnum": dfnum, "dfden": dfden}, shape, dtype, xp, device)

    def t(
        self,
        df: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Student's t values from the library (``Generator.standard_t``; torch: a normal
        over a gamma)."""
        from .methods import _no_block

        _no_block(index, offset)
        return self._family("t", {"df": df}, shape, dtype, xp, device)
