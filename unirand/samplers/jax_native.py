"""Where ``jax.random`` itself is the specification, the samplers call it.

On JAX on the reference platform (XLA:CPU on x86-64 with FMA, see
:func:`unirand.backends.jax.native_is_reference`) a sampler's numbers *are* ``jax.random``'s: it
runs as one compiled kernel and traces under ``jax.jit``.  Elsewhere (other devices, the
``jax:portable`` backend) the portable engine computes the same bytes.
"""

from __future__ import annotations

from typing import Any

from ..engine.backend import Backend

__all__ = ["jax_call", "native_jax"]


def native_jax(backend: Backend, device: Any) -> Any:
    """``unirand.backends.jax`` when ``jax.random`` itself is the specification here."""
    if backend.name != "jax":
        return None
    from ..backends import jax as jax_backend

    if backend is jax_backend.BACKEND and jax_backend.native_is_reference(device):
        return jax_backend
    return None


def jax_call(jb: Any, backend: Backend, data: Any, device: Any, fn: str, *args: Any) -> Any:
    import jax

    key = jb.BACKEND._key(backend.to_device(data, device))
    with jax.threefry_partitionable(True):
        return getattr(jax.random, fn)(key, *args)
