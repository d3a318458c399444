"""JAX: native ``jax.random`` for threefry2x32 where it is the specification, else the engine."""

from .backend import (
    BACKEND as BACKEND,
    MAX_ELEMENTS as MAX_ELEMENTS,
    REFERENCE as REFERENCE,
    JaxBackend as JaxBackend,
    JaxReferenceBackend as JaxReferenceBackend,
    check_elements as check_elements,
    check_native_call as check_native_call,
    native_platform as native_platform,
)
