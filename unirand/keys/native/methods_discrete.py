"""``poisson``, ``binomial``, ``multinomial`` of the native keys: each library's own sampler.

NumPy keys call ``Generator.poisson``/``binomial``/``multinomial``; JAX keys call
``jax.random``; torch keys call ``torch.poisson`` and ``torch.binomial`` with the key's
generator, and derive ``multinomial`` from ``torch.binomial`` (the conditional binomials of
what remains, as JAX does; torch has no counts sampler that takes a generator).  The numbers
are the library's (its own argument rules and errors); the result dtype is the one asked for.
The library is imported by the key's own module; this mixin reaches it through ``self``.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..validation import as_shape
from .arguments import float_name, int_name

__all__ = ["DiscreteMethods"]


def _host(value: Any) -> np.ndarray:
    if hasattr(value, "__dlpack__") and not isinstance(value, np.ndarray):
        try:
            return np.from_dlpack(value)
        except Exception:
            return np.asarray(value)
    return np.asarray(value)


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


class DiscreteMethods:
    """The discrete samplers of a native key (mixed into ``NativeKey``)."""

    __slots__ = ()

    def poisson(
        self,
        lam: Any,
        shape: Any = None,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Poisson counts with rate ``lam`` from the library's Poisson sampler."""
        self._single("poisson")  # type: ignore[attr-defined]
        name = int_name(dtype)
        size = None if shape is None else as_shape(shape)
        src = self._source()  # type: ignore[attr-defined]
        lib = self.library  # type: ignore[attr-defined]
        if lib == "jax":
            jax = importlib.import_module("jax")
            out = jax.random.poisson(src, lam, size, name)
        else:
            rate = _host(lam).astype(np.float64)
            size = tuple(rate.shape) if size is None else size
            if lib == "numpy":
                out = src.poisson(np.broadcast_to(rate, size), size=size).astype(name)
            else:
                torch = importlib.import_module("torch")
                rates = torch.from_numpy(np.ascontiguousarray(np.broadcast_to(rate, size)))
                out = torch.poisson(rates, generator=src).to(getattr(torch, name))
        return self._deliver(out, xp, device)  # type: ignore[attr-defined]

    def binomial(
        self,
        n: Any,
        p: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Binomial counts (as floats of ``dtype``) from the library's binomial sampler."""
        self._single("binomial")  # type: ignore[attr-defined]
        name = float_name(dtype)
        size = None if shape is None else as_shape(shape)
        out = self._binomial_draw(self._source(), n, p, size, name)  # type: ignore[attr-defined]
        return self._deliver(out, xp, device)  # type: ignore[attr-defined]

    def _binomial_draw(self, src: Any, n: Any, p: Any, size: Any, name: str) -> Any:
        lib = self.library  # type: ignore[attr-defined]
        if lib == "jax":
            jax = importlib.import_module("jax")
            return jax.random.binomial(src, n, p, size, name)
        nh, ph = _host(n).astype(np.float64), _host(p).astype(np.float64)
        if size is None:
            size = tuple(np.broadcast_shapes(nh.shape, ph.shape))
        nb, pb = (np.ascontiguousarray(np.broadcast_to(v, size)) for v in (nh, ph))
        if lib == "numpy":
            if np.any(nb != np.floor(nb)):
                raise ValueError("n must be whole numbers for NumPy keys' binomial")
            return src.binomial(nb.astype(np.int64), pb, size=size).astype(_np_dtype(name))
        torch = importlib.import_module("torch")
        out = torch.binomial(torch.from_numpy(nb), torch.from_numpy(pb), generator=src)
        return out.to(getattr(torch, name))

    def multinomial(
        self,
        n: Any,
        p: Any,
        *,
        shape: Any = None,
        dtype: Any = "float32",
        unroll: Any = 1,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Counts over ``p``'s last axis (``shape``: the whole result shape, as JAX's code):
        NumPy's ``Generator.multinomial``, ``jax.random.multinomial``, or for torch the
        conditional ``torch.binomial`` draws of what remains."""
        self._single("multinomial")  # type: ignore[attr-defined]
        name = float_name(dtype)
        size = None if shape is None else as_shape(shape)
        src = self._source()  # type: ignore[attr-defined]
        lib = self.library  # type: ignore[attr-defined]
        if lib == "jax":
            jax = importlib.import_module("jax")
            out = jax.random.multinomial(src, n, p, shape=size, dtype=name, unroll=unroll)
            return self._deliver(out, xp, device)  # type: ignore[attr-defined]
        ph = _host(p).astype(np.float64)
        size = tuple(ph.shape) if size is None else size
        if not size:
            raise ValueError("multinomial p must have at least one dimension (the categories)")
        pb = np.broadcast_to(ph, size)
        nb = np.broadcast_to(_host(n).astype(np.float64), size[:-1])
        if lib == "numpy":
            counts = src.multinomial(nb.astype(np.int64), pb, size=size[:-1])
            return self._deliver(counts.astype(_np_dtype(name)), xp, device)  # type: ignore[attr-defined]
        torch = importlib.import_module("torch")
        remaining = np.cumsum(pb[..., ::-1], axis=-1)[..., ::-1]
        ratio = np.clip(pb / np.where(remaining == 0, 1, remaining), 0, 1)
        rem = torch.from_numpy(np.array(nb))
        cols = []
        for j in range(size[-1]):
            prob = torch.from_numpy(np.ascontiguousarray(ratio[..., j]))
            c = torch.binomial(rem, prob, generator=src)
            rem = rem - c
            cols.append(c)
        out = torch.stack(cols, dim=-1).to(getattr(torch, name))
        return self._deliver(out, xp, device)  # type: ignore[attr-defined]
