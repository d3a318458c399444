"""Bridges from any unirand key to the other libraries' generators, derived from its bits.

One definition for every key kind, portable keys included (docs/adapters.md):

* ``numpy_generator()``: ``Generator(PCG64(SeedSequence([w0, w1, w2, w3])))`` with
  ``w = key.bits((4,), "uint32")``;
* ``torch_generator(device)``: ``torch.Generator(device).manual_seed((w0 << 32) | w1)`` with
  ``w = key.bits((2,), "uint32")``;
* ``jax_key()``: ``jax.random.wrap_key_data(key.bits((2,), "uint32"), impl="threefry2x32")``.

A bridge to a native key's own library gives the key's own stream instead (see each kind).
torch and JAX are imported only when their bridge is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["derived_jax_key", "derived_numpy_generator", "derived_torch_generator"]


def derived_numpy_generator(words: np.ndarray) -> Any:
    """``Generator(PCG64(SeedSequence(4 uint32 words)))``: NumPy's recommended seeding."""
    entropy = [int(w) for w in np.asarray(words, np.uint32).ravel()]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def derived_torch_generator(words: np.ndarray, device: Any) -> Any:
    """``torch.Generator(device).manual_seed((w0 << 32) | w1)``."""
    import torch

    w0, w1 = (int(w) for w in np.asarray(words, np.uint32).ravel())
    gen = torch.Generator(device=device if device is not None else "cpu")
    return gen.manual_seed((w0 << 32) | w1)


def derived_jax_key(words: Any) -> Any:
    """The JAX threefry2x32 typed key with data ``words`` (uint32[2], or a JAX array)."""
    import jax
    import jax.numpy as jnp

    return jax.random.wrap_key_data(jnp.asarray(words, jnp.uint32), impl="threefry2x32")
