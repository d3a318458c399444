"""Samplers a library lacks, derived once from its own draws, for every native kind.

Each function is a default hook of :class:`~unirand.keys.native.methods.NativeMethods` (so it
takes the key first) and uses only the kind's other hooks and its library's array namespace
(``unirand.backends.by_name(key.library).xp``): a kind gets the derivation by not overriding
the hook.  The numbers are the library's draws transformed exactly as written here:

* ``gumbel``: ``-log(exponential)`` (torch);
* ``bernoulli``: ``uniform(shape, float64) < p`` (NumPy);
* ``categorical``: JAX's Gumbel-max, ``argmax(gumbel + logits)``, or without replacement the
  top ``k`` of ``gumbel + logits`` (the kind's ``_top_k``); Gumbel noise in the dtype of the
  kind's ``_logits`` (NumPy and torch);
* ``truncated_normal``: ``sqrt(2) * erf_inv(u)`` for a float64 ``u`` uniform in
  ``[erf(lower / sqrt(2)), erf(upper / sqrt(2)))``, rounded to the dtype and clipped into the
  open interval ``(lower, upper)`` of the dtype: one uniform per value, no rejection loop;
  ``erf`` is ``math.erf`` on the bounds (host), ``erf_inv`` XLA's float64 polynomial
  (:func:`unirand.math.xla_erf_inv.erf_inv_f64`) (NumPy).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...backends import by_name
from ...engine.dtypes import dtype_name, numpy_dtype
from ...math.xla_erf_inv import erf_inv_f64
from ..validation import as_shape
from .arguments import categorical_plan, check_bounds, float_bounds, trunc_plan

__all__ = [
    "bernoulli_from_uniform",
    "categorical_by_gumbel_max",
    "gumbel_from_exponential",
    "truncated_normal_by_inversion",
]

_SQRT2 = math.sqrt(2.0)
_erf = np.frompyfunc(math.erf, 1, 1)


def gumbel_from_exponential(
    key: Any, src: Any, shape: tuple[int, ...], name: str, mode: str
) -> Any:
    """``-log(exponential(shape, dtype))``; ``mode`` (JAX's) is not used."""
    xp = by_name(key.library).xp
    return -xp.log(key._exponential(src, shape, name))


def bernoulli_from_uniform(key: Any, src: Any, p: Any, shape: Any, mode: str) -> Any:
    """``uniform(shape, float64) < p``; ``shape`` defaults to ``p``'s; ``mode`` is not used."""
    parr = key._param(p, "p")
    shape = tuple(parr.shape) if shape is None else as_shape(shape)
    check_bounds(shape, parr, names=("p",))
    xp = by_name(key.library).xp
    return xp.asarray(key._uniform(src, shape, "float64", 0.0, 1.0) < parr)


def categorical_by_gumbel_max(
    key: Any, src: Any, logits: Any, axis: Any, shape: Any, replace: Any, mode: str
) -> Any:
    """Gumbel-max (``replace``) or Gumbel top-k with JAX's shape rules; int64 indices."""
    arr = key._logits(logits)
    axis, prefix, noise_shape, k = categorical_plan(tuple(arr.shape), axis, shape, replace)
    xp = by_name(key.library).xp
    noise = key._gumbel(src, noise_shape, dtype_name(arr.dtype), mode)
    if replace:
        out = xp.argmax(noise + arr[(None,) * len(prefix)], axis=len(prefix) + axis)
    else:
        noisy = xp.moveaxis(arr + noise, axis, -1)
        top = key._top_k(noisy, k)
        out = xp.reshape(xp.moveaxis(top, -1, 0), (*prefix, *top.shape[:-1]))
    return xp.astype(out, xp.int64)


def truncated_normal_by_inversion(
    key: Any, src: Any, lower: Any, upper: Any, shape: Any, name: str
) -> Any:
    """Truncated normals by inverting one float64 uniform each (see the module docstring)."""
    lo, up = float_bounds(lower, "lower"), float_bounds(upper, "upper")
    shape = trunc_plan(lo, up, shape, name)
    backend = by_name(key.library)
    xp = backend.xp
    dt = numpy_dtype(name)
    lo_d, up_d = lo.astype(dt), up.astype(dt)
    a, b = (np.asarray(_erf(v.astype(np.float64) / _SQRT2), np.float64) for v in (lo_d, up_d))
    u = key._uniform(src, shape, "float64", a, b)
    z = xp.where(u > 0, np.inf, -np.inf)  # erf_inv(+-1); the polynomial needs |u| < 1
    inner = xp.abs(u) < 1
    z[inner] = erf_inv_f64(backend.float64_ops(), u[inner])
    target = backend.dtype(name)
    out = xp.astype(_SQRT2 * z, target)
    low = backend.from_numpy(np.nextafter(lo_d, np.asarray(np.inf, dt)))
    high = backend.from_numpy(np.nextafter(up_d, np.asarray(-np.inf, dt)))
    return xp.astype(xp.minimum(xp.maximum(out, low), high), target)
