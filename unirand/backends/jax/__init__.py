"""JAX: native ``jax.random`` for threefry2x32 where it is the specification, else the engine."""

from .backend import (
    BACKEND as BACKEND,
    REFERENCE as REFERENCE,
    JaxBackend as JaxBackend,
    JaxReferenceBackend as JaxReferenceBackend,
    native_platform as native_platform,
)
