"""The linear algebra of ``multivariate_normal`` and ``orthogonal``: each library's own.

The normals of both samplers are ``jax.random.normal``'s bytes on every library; the
factorizations (Cholesky, SVD, symmetric eigendecomposition, QR) and the product with the
normals are not reproduced: each library computes them with its own LAPACK/BLAS
(``numpy.linalg``, ``torch.linalg``, ``jax.numpy.linalg``, an array API namespace's ``linalg``
extension), so a result is within a few ulps of ``jax.random``'s, not equal to it (measured
tolerances: docs/samplers.md).  The exception is what no rounding touches: an identity
covariance factors to the identity under all three methods, and ``I @ z`` sums ``1 * z_i`` with
exact zeros, so ``mean + z`` comes out bit for bit.

Failed factorizations follow JAX: a covariance Cholesky cannot factor gives NaNs for that
matrix (NumPy raises ``LinAlgError`` for the whole stack, torch reports it in ``info``; both
are turned into NaN matrices here), not an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.backend import Backend

__all__ = ["METHODS", "factor", "linalg_namespace", "mix", "signed_q", "swap_last"]

#: the methods computing a factor ``A`` with ``A @ A.T == cov`` (JAX's names)
METHODS = ("cholesky", "svd", "eigh")


def _library(target: Backend) -> str:
    if target.name in ("numpy", "torch", "jax"):
        return target.name
    return "array_api"


def linalg_namespace(target: Backend, sampler: str) -> Any:
    """The array API ``linalg`` extension of ``target`` (a ``TypeError`` naming the library
    where it has none: the factorizations are the library's own, never emulated)."""
    lib = _library(target)
    if lib == "numpy":
        return np.linalg
    if lib == "torch":
        import torch

        return torch.linalg
    if lib == "jax":
        import jax.numpy as jnp

        return jnp.linalg
    linalg = getattr(target.xp, "linalg", None)
    if linalg is None:
        raise TypeError(
            f"{sampler}: the array namespace {target.name} has no linalg extension (the "
            "factorization is each library's own); use xp='numpy', 'torch' or 'jax'"
        )
    return linalg


def _cholesky(target: Backend, cov: Any) -> Any:
    lib = _library(target)
    if lib == "numpy":
        try:
            return np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            # one matrix at a time: the ones that factor keep their factor (JAX's NaNs for the rest)
            flat = cov.reshape(-1, *cov.shape[-2:])
            out = np.empty_like(flat)
            for i, c in enumerate(flat):
                try:
                    out[i] = np.linalg.cholesky(c)
                except np.linalg.LinAlgError:
                    out[i] = np.nan
            return out.reshape(cov.shape)
    if lib == "torch":
        import torch

        low, info = torch.linalg.cholesky_ex(cov)
        bad = (info != 0)[..., None, None]
        return torch.where(bad, torch.full_like(low, float("nan")), low)
    return linalg_namespace(target, "multivariate_normal").cholesky(cov)


def factor(target: Backend, cov: Any, method: str) -> Any:
    """JAX's factor of ``cov`` (batched over the leading axes): ``cholesky(cov)``,
    ``u * sqrt(s)`` of ``svd(cov)``, or ``v * sqrt(w)`` of ``eigh(cov)``."""
    xp = target.xp
    if method == "cholesky":
        return _cholesky(target, cov)
    linalg = linalg_namespace(target, "multivariate_normal")
    if method == "svd":
        u, s, _ = linalg.svd(cov)
        return u * xp.sqrt(s)[..., None, :]
    w, v = linalg.eigh(cov)
    return v * xp.sqrt(w)[..., None, :]


def mix(target: Backend, a: Any, z: Any) -> Any:
    """``einsum('...ij,...j->...i', a, z)`` with broadcasting batch axes (``matmul`` where the
    namespace has no ``einsum``, as the array API)."""
    lib = _library(target)
    if lib == "numpy":
        return np.einsum("...ij,...j->...i", a, z)
    if lib == "torch":
        import torch

        return torch.einsum("...ij,...j->...i", a, z)
    if lib == "jax":
        import jax.numpy as jnp

        return jnp.einsum("...ij,...j->...i", a, z)
    xp = target.xp
    return xp.matmul(a, z[..., None])[..., 0]


def signed_q(target: Backend, z: Any) -> Any:
    """JAX's ``orthogonal`` core: ``q * sign(diag(r))`` of the reduced QR of ``z`` (batched),
    which makes the distribution Haar (Mezzadri 2007)."""
    xp = target.xp
    lib = _library(target)
    if lib == "torch":
        import torch

        tq, tr = torch.linalg.qr(z)
        return tq * torch.sign(torch.diagonal(tr, dim1=-2, dim2=-1))[..., None, :]
    linalg = linalg_namespace(target, "orthogonal")
    q, r = linalg.qr(z)
    if lib == "numpy":
        d = np.diagonal(r, axis1=-2, axis2=-1)
    else:
        d = linalg.diagonal(r)
    return q * xp.sign(d)[..., None, :]


def swap_last(target: Backend, x: Any) -> Any:
    """``x.mT``: the last two axes transposed (``matrix_transpose`` of the array API)."""
    if _library(target) == "numpy":
        return np.swapaxes(x, -1, -2)
    if _library(target) == "torch":
        return x.mT
    return target.xp.matrix_transpose(x) if hasattr(target.xp, "matrix_transpose") else x.mT
