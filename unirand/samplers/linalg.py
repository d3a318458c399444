"""``multivariate_normal`` and ``orthogonal``: ``jax.random``'s algorithms, with bitwise normals
and each library's own linear algebra.

Both are ``jax.random.normal`` draws (the same key, shape and dtype give the same bytes as
:func:`unirand.normal`) fed through a factorization: ``mean + A @ z`` with ``A`` the Cholesky
factor of ``cov`` (or ``u * sqrt(s)`` of its SVD, ``v * sqrt(w)`` of its eigendecomposition),
and the QR of a normal matrix with the signs of ``diag(r)`` moved into ``q``.  LAPACK is not
reproduced: the factorization and the product are the target library's own
(:mod:`.linalg_factor`), so results match ``jax.random`` within measured ulps (docs/samplers.md),
and bit for bit where the linear algebra is exact (an identity covariance).  On JAX where
``jax.random.normal`` is proven the specification (:mod:`.jax_native`) the whole call is
``jax.random``'s own.

Dtypes follow ``jax.random.multivariate_normal``: the factor is computed in the promoted float
dtype of ``mean`` and ``cov`` (``promote_dtypes_inexact``; arrays keep their dtype, Python
floats and lists are float32 as in unirand's other samplers), the normals in ``dtype``
(default: that promoted dtype), and the result has the promotion of both.  16-bit linear
algebra is refused, as JAX refuses it (LAPACK has no 16-bit types).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, float_array
from .jax_native import jax_call, native_jax
from .linalg_factor import METHODS, factor, mix, signed_q, swap_last
from .sampler import sampler

__all__ = ["multivariate_normal", "orthogonal", "promote"]

_SIXTEEN = ("float16", "bfloat16")


def promote(a: str, b: str) -> str:
    """JAX's promotion of two float dtypes: the wider; float16 with bfloat16 is float32."""
    if a == b:
        return a
    if "float64" in (a, b):
        return "float64"
    return "float32"


def _refuse_16bit(fn: str, name: str, what: str) -> None:
    if name in _SIXTEEN:
        raise TypeError(
            f"{fn}: {what} has dtype {name}; jax.random refuses 16-bit linear algebra "
            "(LAPACK has no 16-bit types): use float32 or float64"
        )


def _normals(target: Any, data: Any, dev: Any, shape: tuple[int, ...], name: str) -> Any:
    """:func:`unirand.normal`'s values for ``(key, shape, name)``, on the target."""
    return target.normal(data, shape, name, dev)


@sampler
def multivariate_normal(
    key: PortableKey,
    mean: Any,
    cov: Any,
    shape: Any = None,
    dtype: Any = None,
    method: str = "cholesky",
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Normal vectors of mean ``mean`` (``(..., n)``) and covariance ``cov`` (``(..., n, n)``):
    ``jax.random.multivariate_normal``'s ``mean + einsum('...ij,...j->...i', A, z)`` with
    ``z = normal(key, shape + (n,), dtype)`` bit for bit and ``A`` factored by the target
    library (``method``: 'cholesky', 'svd' or 'eigh').

    ``shape``: the batch shape (default: the broadcast of ``mean.shape[:-1]`` and
    ``cov.shape[:-2]``; given, both must broadcast to it).  A covariance Cholesky cannot factor
    gives NaNs, as in JAX.  See the module docstring for dtypes.
    """
    single(key, "multivariate_normal")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    target, dev, data = destination(key, xp, device)
    m, mean_name = float_array(mean, target, dev, "mean")
    c, cov_name = float_array(cov, target, dev, "cov")
    mshape, cshape = tuple(m.shape), tuple(c.shape)
    if len(mshape) < 1:
        raise ValueError("multivariate_normal requires mean.ndim >= 1, got mean.ndim == 0")
    if len(cshape) < 2:
        raise ValueError(
            f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {len(cshape)}"
        )
    n = mshape[-1]
    if cshape[-2:] != (n, n):
        raise ValueError(
            f"multivariate_normal requires cov.shape == (..., n, n) for n={n} (mean's last "
            f"axis), but got cov.shape == {cshape}"
        )
    lin = promote(mean_name, cov_name)
    _refuse_16bit("multivariate_normal", lin, "the promoted dtype of mean and cov")
    name = lin if dtype is None else canonical(dtype, FLOAT_DTYPES)
    target.dtype(name)
    out = promote(lin, name)
    if shape is None:
        try:
            batch = tuple(np.broadcast_shapes(mshape[:-1], cshape[:-2]))
        except ValueError:
            raise ValueError(
                f"multivariate_normal: the batch shapes of mean {mshape[:-1]} and cov "
                f"{cshape[:-2]} do not broadcast together"
            ) from None
    else:
        batch = as_shape(shape)
        broadcast_to_shape("multivariate_normal mean", batch, mshape[:-1])
        broadcast_to_shape("multivariate_normal cov", batch, cshape[:-2])
    jb = native_jax(target, dev, "normal", name)
    if jb is not None:
        jb.BACKEND.check_native_call("normal", ((*batch, n),))
        args = (m, c, batch, target.dtype(name), method)
        return jax_call(jb, target, data, dev, "multivariate_normal", *args)
    z = _normals(target, data, dev, (*batch, n), name)
    xpl = target.xp
    a = factor(target, xpl.astype(c, target.dtype(lin)), method)
    wide = target.dtype(out)
    prod = mix(target, xpl.astype(a, wide), xpl.astype(z, wide))
    return xpl.astype(m, wide) + prod


def _dimension(value: Any, argument: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"orthogonal {argument} must be a non-negative integer; got {value!r}")
    try:
        dim = operator.index(value)
    except TypeError:
        raise TypeError(
            f"orthogonal {argument} must be a non-negative integer; got {value!r}"
        ) from None
    if dim < 0:
        raise ValueError(f"orthogonal {argument} must be a non-negative integer; got {dim}")
    return dim


@sampler
def orthogonal(
    key: PortableKey,
    n: Any,
    shape: Any = (),
    dtype: Any = "float32",
    m: Any = None,
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Haar-distributed orthogonal ``(n, m)`` matrices (semi-orthogonal where ``n != m``), with
    batch ``shape``: ``jax.random.orthogonal``'s ``q * sign(diag(r))`` of the QR of
    ``normal(key, (*shape, max(n, m), min(n, m)), dtype)`` (bit for bit), transposed when
    ``n < m``; the QR is the target library's.  float32 and float64 only (as JAX)."""
    single(key, "orthogonal")
    rows = _dimension(n, "n")
    cols = rows if m is None else _dimension(m, "m")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    _refuse_16bit("orthogonal", name, "dtype")
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    zshape = (*shape, max(rows, cols), min(rows, cols))
    jb = native_jax(target, dev, "normal", name)
    if jb is not None:
        jb.BACKEND.check_native_call("normal", (zshape,))
        args = (rows, shape, target.dtype(name), cols)
        return jax_call(jb, target, data, dev, "orthogonal", *args)
    z = _normals(target, data, dev, zshape, name)
    if 0 in zshape:  # no QR of empty matrices in every library; the result is empty too
        return target.xp.reshape(z, (*shape, rows, cols))
    x = signed_q(target, z)
    return swap_last(target, x) if rows < cols else x
