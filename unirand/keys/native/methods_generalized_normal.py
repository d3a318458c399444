"""``generalized_normal`` and ``ball`` for native keys.

NumPy and torch have no generalized normal sampler, so it is derived once, for every native
kind, from the library's own draws: ``|x| = Gamma(1/p) ** (1/p)`` (Nardon and Pianca), taken
in log space from :meth:`GammaMethods._log_gamma_from` (``exp(log Gamma(1/p) / p)``, exact
for small ``1/p`` where the gamma value itself underflows), and the sign from the library's
float64 uniforms (``u < 1/2``).  ``ball`` is Barthe et al.'s construction that
``jax.random.ball`` uses: ``g / (sum(|g| ** p) + e) ** (1/p)`` with ``g`` those generalized
normals and ``e`` a standard exponential ``-log1p(-u)`` of the library's uniforms.  Values are
computed in float64 from one source and rounded once to the dtype.

JAX keys (any impl) call ``jax.random.generalized_normal`` / ``jax.random.ball``.  A native
stream has no counters, so no ``index``/``offset``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backends
from ..validation import as_shape, is_integer
from .arguments import float_name
from .convert import give, jax_own, no_block

__all__ = ["GeneralizedNormalMethods", "check_d", "check_p"]


def check_p(p: Any, fn: str) -> float | int:
    """``p`` as JAX takes it: a Python int or float (weakly typed; ``np.float64`` is a float),
    not a bool.  A NumPy scalar of another dtype or an array is refused: JAX would not trace
    it weakly typed, and its dtype would promote the result's."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float)):
        raise TypeError(f"{fn}: p must be a Python int or float; got {p!r}")
    if isinstance(p, int):
        if abs(p) > 2**53:
            raise ValueError(f"{fn}: an integer p must be within 2**53 in magnitude; got {p!r}")
        return int(p)
    return float(p)


def check_d(d: Any) -> int:
    """``ball``'s ``d``: a nonnegative int (JAX's ``core.concrete_or_error(index, d)``)."""
    if isinstance(d, (bool, np.bool_)) or not is_integer(d):
        raise TypeError(f"ball: d must be a nonnegative int; got {d!r}")
    if int(d) < 0:
        raise ValueError(f"ball: d must be a nonnegative int; got {d!r}")
    return int(d)


class GeneralizedNormalMethods:
    """``generalized_normal`` and ``ball`` over a native key's own draws (mixed into
    ``NativeKey``; uses :class:`~.methods_gamma.GammaMethods`' hooks)."""

    __slots__ = ()

    def _generalized_normal_from(self, src: Any, p: float, n: int) -> np.ndarray:
        """``n`` generalized normal values (float64, flat) from the source ``src``."""
        alpha = np.full(n, np.float64(1.0) / np.float64(p) if p != 0 else np.inf)
        lg = self._log_gamma_from(src, alpha)  # type: ignore[attr-defined]
        u = self._own_uniform(src, n)  # type: ignore[attr-defined]
        with np.errstate(all="ignore"):
            mag = np.exp(lg / np.float64(p))
        return np.where(u < 0.5, -mag, mag)

    def _gn_args(
        self, what: str, p: Any, shape: Any, dtype: Any
    ) -> tuple[Any, tuple[int, ...], str]:
        self._single(what)  # type: ignore[attr-defined]
        return check_p(p, what), as_shape(shape), float_name(dtype)

    def generalized_normal(
        self,
        p: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Generalized normal values (density ``exp(-|x|**p)``): the library's gamma and
        uniforms (see the module docstring); JAX keys: ``jax.random.generalized_normal``."""
        no_block(index, offset)
        pv, shp, name = self._gn_args("generalized_normal", p, shape, dtype)
        src = self._source()  # type: ignore[attr-defined]
        if self.library == "jax":  # type: ignore[attr-defined]
            dt = backends.by_name("jax").dtype(name)
            return jax_own(self, src, "generalized_normal", xp, device, pv, shp, dt)
        n = int(np.prod(shp))
        out = self._generalized_normal_from(src, float(pv), n) if n else np.zeros(0)
        return give(self, out.reshape(shp), name, xp, device)

    def ball(
        self,
        d: Any,
        p: Any = 2,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Points uniform in the unit Lp ball, shape ``(*shape, d)``: Barthe et al.'s
        construction over the library's own draws; JAX keys: ``jax.random.ball``."""
        dv = check_d(d)
        pv, shp, name = self._gn_args("ball", p, shape, dtype)
        src = self._source()  # type: ignore[attr-defined]
        if self.library == "jax":  # type: ignore[attr-defined]
            dt = backends.by_name("jax").dtype(name)
            return jax_own(self, src, "ball", xp, device, dv, pv, shp, dt)
        n = int(np.prod(shp))
        full = (*shp, dv)
        if n * dv == 0:
            return give(self, np.zeros(full), name, xp, device)
        g = self._generalized_normal_from(src, float(pv), n * dv).reshape(n, dv)
        e = -np.log1p(-self._own_uniform(src, n))  # type: ignore[attr-defined]
        pf = np.float64(pv)
        with np.errstate(all="ignore"):
            norm = (np.sum(np.abs(g) ** pf, axis=-1) + e) ** (np.float64(1.0) / pf)
        return give(self, (g / norm[:, None]).reshape(full), name, xp, device)
