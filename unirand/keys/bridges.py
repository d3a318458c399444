"""Bridges from any unirand key to the other libraries' generators, derived from its bits.

One definition for every key kind, portable keys included (docs/adapters.md):

* ``numpy_generator()``: ``Generator(PCG64(SeedSequence([w0, w1, w2, w3])))`` with
  ``w = key.bits((4,), "uint32")``;
* ``torch_generator(device)``: ``torch.Generator(device).manual_seed((w0 << 32) | w1)`` with
  ``w = key.bits((2,), "uint32")``;
* ``jax_key()``: ``jax.random.wrap_key_data(key.bits((2,), "uint32"), impl="threefry2x32")``.

A bridge to a native key's own library gives the key's own stream instead (see each kind).
torch and JAX are imported only when their bridge is called.  ``device`` is checked here, for
every kind, by :func:`generator_device` (a ``ValueError``/``TypeError`` naming it, never
torch's ``RuntimeError`` or ``AssertionError``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "GENERATOR_DEVICES",
    "derived_jax_key",
    "derived_numpy_generator",
    "derived_torch_generator",
    "generator_device",
]

#: torch device types whose generators draw numbers (``meta`` and the like have none)
GENERATOR_DEVICES = ("cpu", "cuda", "mps", "xpu")


def derived_numpy_generator(words: np.ndarray) -> Any:
    """``Generator(PCG64(SeedSequence(4 uint32 words)))``: NumPy's recommended seeding."""
    entropy = [int(w) for w in np.asarray(words, np.uint32).ravel()]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def generator_device(device: Any, argument: str = "device") -> str:
    """``device`` (a ``torch.device`` or its name) as the canonical name of a device that
    draws numbers here.

    Shared by every torch generator unirand builds (``torch_generator`` of each key kind,
    ``TorchKey``): a key or generator on ``meta`` (no generator) or on a missing CUDA device
    would otherwise fail with torch's ``RuntimeError``/``AssertionError``, or, for a key, be
    accepted and fail at its first draw, far from the cause.
    """
    import torch

    expected = f"a torch device of type {', '.join(GENERATOR_DEVICES)} available here"
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"{argument} must be {expected}; got {type(device).__name__} {device!r}")
    try:
        name = str(torch.device(device))
    except (RuntimeError, ValueError):
        raise ValueError(f"{argument} must be {expected}; got {device!r}") from None
    if torch.device(name).type not in GENERATOR_DEVICES:
        raise ValueError(f"{argument} must be {expected}; got {device!r} (no generator there)")
    try:
        torch.Generator(device=name)
    except (RuntimeError, AssertionError) as e:  # AssertionError: torch without CUDA
        reason = str(e).split(". ")[0]
        raise ValueError(f"{argument} must be {expected}; got {device!r} ({reason})") from None
    return name


def derived_torch_generator(words: np.ndarray, device: Any) -> Any:
    """``torch.Generator(device).manual_seed((w0 << 32) | w1)`` (``device`` None: the CPU)."""
    import torch

    name = "cpu" if device is None else generator_device(device)
    w0, w1 = (int(w) for w in np.asarray(words, np.uint32).ravel())
    return torch.Generator(device=name).manual_seed((w0 << 32) | w1)


def derived_jax_key(words: Any) -> Any:
    """The JAX threefry2x32 typed key with data ``words`` (uint32[2], or a JAX array)."""
    import jax
    import jax.numpy as jnp

    return jax.random.wrap_key_data(jnp.asarray(words, jnp.uint32), impl="threefry2x32")
