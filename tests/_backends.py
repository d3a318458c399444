"""Which array libraries the tests can run on, and how to read their arrays back as bytes.

Missing libraries are skipped, never failed: each entry is a pytest param whose import is
attempted lazily.
"""

from __future__ import annotations

import contextlib
import importlib

import numpy as np
import pytest

#: name -> module path of the namespace passed as ``xp``.
BACKENDS = {
    "numpy": "numpy",
    "torch": "torch",
    "jax": "jax.numpy",
    "array_api_strict": "array_api_strict",
}


def load(name: str):
    """Import a backend namespace or skip the test."""
    try:
        return importlib.import_module(BACKENDS[name])
    except ImportError:
        pytest.skip(f"{name} is not installed")


def backend_params():
    return [pytest.param(name, id=name) for name in BACKENDS]


def to_numpy(x) -> np.ndarray:
    """Host copy of an array from any backend, with its dtype kept (bfloat16 via ml_dtypes)."""
    mod = type(x).__module__
    if mod.startswith("torch"):
        import torch

        x = x.detach().cpu()
        if x.dtype == torch.bfloat16:
            import ml_dtypes

            return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
        if x.dtype == torch.uint32:
            return x.to(torch.int64).numpy().astype(np.uint32)
        if x.dtype == torch.uint64:
            return x.view(torch.int64).numpy().view(np.uint64)
        if x.dtype == torch.uint16:
            return x.to(torch.int32).numpy().astype(np.uint16)
        return x.numpy()
    if mod.startswith("array_api_strict"):
        return np.asarray(x._array)
    return np.asarray(x)


@contextlib.contextmanager
def jax_x64(on: bool = True):
    """JAX with ``jax_enable_x64`` set to ``on`` for the block, restored after (skips the test
    when JAX is not installed); yields the ``jax`` module."""
    jax = pytest.importorskip("jax")
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", on)
    try:
        yield jax
    finally:
        jax.config.update("jax_enable_x64", old)
