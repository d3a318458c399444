"""``multivariate_normal`` and ``orthogonal`` for native keys: each library's own.

JAX keys call ``jax.random.multivariate_normal`` / ``orthogonal``.  NumPy keys call
``Generator.multivariate_normal`` (its methods are JAX's three names) for one mean vector and
one covariance matrix; batched parameters, which NumPy's sampler does not take, are derived
from the generator's standard normals with ``numpy.linalg``, as torch keys always are (torch
has no sampler taking a generator) with ``torch.linalg``.  ``orthogonal`` is derived the same
way on both (``scipy.stats.ortho_group`` is another algorithm): JAX's QR of a normal matrix,
the signs of ``diag(r)`` moved into ``q``.  Arguments and dtypes follow the portable sampler
(:mod:`unirand.samplers.linalg`): Python floats and lists are float32, 16-bit linear algebra
is refused; the numbers are the library's stream, not ``jax.random``'s bytes.
"""

from __future__ import annotations

import importlib
import operator
from typing import Any

import numpy as np

from ..validation import as_shape
from .arguments import float_name

__all__ = ["LinalgMethods"]

_METHODS = ("cholesky", "svd", "eigh")


def _host_float(value: Any, argument: str) -> np.ndarray:
    """A float parameter on the host (Python floats and lists float32, arrays keep their dtype)."""
    if isinstance(value, (bool, int, complex)):
        raise TypeError(f"{argument} must have a floating dtype; got {type(value).__name__}")
    python = type(value) is float or isinstance(value, (list, tuple))
    if hasattr(value, "__dlpack__") and not isinstance(value, np.ndarray):
        if type(value).__module__.startswith("torch"):
            value = value.detach().cpu().numpy()
        else:
            value = np.asarray(value)
    host = np.asarray(value)
    if python and host.dtype.kind == "f":
        host = host.astype(np.float32)
    float_name(host.dtype)  # a TypeError for other dtypes
    return host


def _promote(a: str, b: str) -> str:
    return a if a == b else ("float64" if "float64" in (a, b) else "float32")


def _refuse_16bit(fn: str, name: str) -> None:
    if name in ("float16", "bfloat16"):
        raise TypeError(
            f"{fn}: linear algebra in {name}; jax.random refuses 16-bit linear algebra "
            "(LAPACK has no 16-bit types): use float32 or float64"
        )


def _dimension(value: Any, argument: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"orthogonal {argument} must be a non-negative integer; got {value!r}")
    dim = operator.index(value)
    if dim < 0:
        raise ValueError(f"orthogonal {argument} must be a non-negative integer; got {dim}")
    return dim


class LinalgMethods:
    """``multivariate_normal`` and ``orthogonal`` of a native key (mixed into ``NativeKey``)."""

    __slots__ = ()

    def _mvn_plan(
        self, mean: Any, cov: Any, shape: Any, dtype: Any
    ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], str, str, str]:
        """Checked host parameters, batch shape, and the factor / normal / result dtypes."""
        m, c = _host_float(mean, "mean"), _host_float(cov, "cov")
        if m.ndim < 1:
            raise ValueError("multivariate_normal requires mean.ndim >= 1, got mean.ndim == 0")
        if c.ndim < 2:
            raise ValueError(
                f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {c.ndim}"
            )
        n = m.shape[-1]
        if c.shape[-2:] != (n, n):
            raise ValueError(
                f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, but got "
                f"cov.shape == {c.shape}"
            )
        lin = _promote(float_name(m.dtype), float_name(c.dtype))
        _refuse_16bit("multivariate_normal", lin)
        name = lin if dtype is None else float_name(dtype)
        params = tuple(np.broadcast_shapes(m.shape[:-1], c.shape[:-2]))
        batch = params if shape is None else as_shape(shape)
        if tuple(np.broadcast_shapes(batch, params)) != batch:
            raise ValueError(
                f"multivariate_normal: mean and cov batch shape {params} must broadcast to "
                f"shape {batch}"
            )
        return m, c, batch, lin, name, _promote(lin, name)

    def multivariate_normal(
        self,
        mean: Any,
        cov: Any,
        shape: Any = None,
        dtype: Any = None,
        method: str = "cholesky",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Normal vectors of mean ``mean`` and covariance ``cov`` from the library's own
        sampler (NumPy, JAX) or its normals times its own factor of ``cov`` (torch)."""
        self._single("multivariate_normal")  # type: ignore[attr-defined]
        if method not in _METHODS:
            raise ValueError(f"method must be one of 'cholesky', 'svd', 'eigh'; got {method!r}")
        m, c, batch, lin, name, out = self._mvn_plan(mean, cov, shape, dtype)
        src = self._source()  # type: ignore[attr-defined]
        lib = self.library  # type: ignore[attr-defined]
        n = m.shape[-1]
        if lib == "jax":
            jax = importlib.import_module("jax")
            res = jax.random.multivariate_normal(src, m, c, batch, name, method)
        elif lib == "numpy":
            if m.ndim == 1 and c.ndim == 2:
                draw = src.multivariate_normal(m, c, size=batch, method=method)
                res = np.asarray(draw).astype(out)
            else:
                z = np.asarray(self._normal(src, (*batch, n), name)).astype(out)  # type: ignore[attr-defined]
                a = _numpy_factor(c.astype(lin), method).astype(out)
                res = m.astype(out) + np.einsum("...ij,...j->...i", a, z)
        else:
            torch = importlib.import_module("torch")
            z = self._normal(src, (*batch, n), name)  # type: ignore[attr-defined]
            wide = getattr(torch, out)
            tc = torch.from_numpy(np.ascontiguousarray(c.astype(lin))).to(z.device)
            a = _torch_factor(torch, tc, method).to(wide)
            tm = torch.from_numpy(np.ascontiguousarray(m)).to(device=z.device, dtype=wide)
            res = tm + torch.einsum("...ij,...j->...i", a, z.to(wide))
        return self._deliver(res, xp, device)  # type: ignore[attr-defined]

    def orthogonal(
        self,
        n: Any,
        shape: Any = (),
        dtype: Any = "float32",
        m: Any = None,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Haar orthogonal ``(n, m)`` matrices: ``jax.random.orthogonal`` for JAX keys, else
        JAX's algorithm over the library's normals and its own QR."""
        self._single("orthogonal")  # type: ignore[attr-defined]
        rows = _dimension(n, "n")
        cols = rows if m is None else _dimension(m, "m")
        batch = as_shape(shape)
        name = float_name(dtype)
        _refuse_16bit("orthogonal", name)
        src = self._source()  # type: ignore[attr-defined]
        lib = self.library  # type: ignore[attr-defined]
        if lib == "jax":
            jax = importlib.import_module("jax")
            return self._deliver(jax.random.orthogonal(src, rows, batch, name, cols), xp, device)  # type: ignore[attr-defined]
        zshape = (*batch, max(rows, cols), min(rows, cols))
        z = self._normal(src, zshape, name)  # type: ignore[attr-defined]
        if 0 in zshape:
            res = z.reshape((*batch, rows, cols))
        elif lib == "numpy":
            q, r = np.linalg.qr(z)
            res = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
            res = np.swapaxes(res, -1, -2) if rows < cols else res
        else:
            torch = importlib.import_module("torch")
            q, r = torch.linalg.qr(z)
            res = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))[..., None, :]
            res = res.mT if rows < cols else res
        return self._deliver(res, xp, device)  # type: ignore[attr-defined]


def _numpy_factor(cov: np.ndarray, method: str) -> np.ndarray:
    """JAX's factor of ``cov`` with ``numpy.linalg`` (NumPy's errors for a failed Cholesky)."""
    if method == "cholesky":
        return np.linalg.cholesky(cov)
    if method == "svd":
        u, s, _ = np.linalg.svd(cov)
        return u * np.sqrt(s)[..., None, :]
    w, v = np.linalg.eigh(cov)
    return v * np.sqrt(w)[..., None, :]


def _torch_factor(torch: Any, cov: Any, method: str) -> Any:
    """JAX's factor of ``cov`` with ``torch.linalg`` (torch's errors for a failed Cholesky)."""
    if method == "cholesky":
        return torch.linalg.cholesky(cov)
    if method == "svd":
        u, s, _ = torch.linalg.svd(cov)
        return u * torch.sqrt(s)[..., None, :]
    w, v = torch.linalg.eigh(cov)
    return v * torch.sqrt(w)[..., None, :]
