"""JAX: native ``jax.random`` for threefry2x32 where it is the specification, else the engine.

``jax.random`` *is* the specification, so on JAX the key operations and samplers call it
directly (one compiled kernel, fastest, traceable) on the key data, always in partitionable
mode whatever the process-wide flag says.  The golden-vector tests check this path and the
reference engine (``unirand.engine.threefry``) on ``jax.numpy`` against the same bytes.

Without ``jax_enable_x64`` JAX has no 64-bit types: uint64 bits and float64 uniforms raise.
Keys become JAX pytrees in :mod:`unirand.keys.pytree` (this module knows nothing of keys).
"""

from __future__ import annotations

import os
import platform
from functools import cache
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...engine.backend import Backend

_DTYPES = {
    "uint8": jnp.uint8,
    "uint16": jnp.uint16,
    "uint32": jnp.uint32,
    "uint64": jnp.uint64,
    "float16": jnp.float16,
    "bfloat16": jnp.bfloat16,
    "float32": jnp.float32,
    "float64": jnp.float64,
    "int64": jnp.int64,
    "int32": jnp.int32,
}


class JaxBackend(Backend):
    name = "jax"

    def __init__(self) -> None:
        super().__init__(jnp)

    def dtype(self, name: str) -> Any:
        if name in ("uint64", "float64", "int64") and not jax.config.jax_enable_x64:
            raise TypeError(
                f"dtype {name} on JAX needs 64-bit types: enable them with "
                "jax.config.update('jax_enable_x64', True)"
            )
        return _DTYPES[name]

    def device_of(self, x: Any) -> Any:
        if isinstance(x, jax.core.Tracer):
            return None
        devices = x.devices()
        return next(iter(devices)) if len(devices) == 1 else None

    def resolve_device(self, device: Any) -> Any:
        if device is None or isinstance(device, jax.Device):
            return device
        if isinstance(device, str):
            platform, _, index = device.partition(":")
            try:
                return jax.devices(platform)[int(index or 0)]
            except (RuntimeError, IndexError, ValueError) as e:
                raise ValueError(f"no JAX device {device!r}") from e
        raise ValueError(f"device must be a jax.Device or a name like 'cpu:0'; got {device!r}")

    def from_numpy(self, a: np.ndarray, device: Any = None) -> Any:
        return jax.device_put(a, device)

    def to_numpy(self, x: Any) -> np.ndarray:
        if self.is_traced(x):
            raise TypeError(
                "a key traced by jax.jit/vmap cannot leave JAX; move it with key.to(...) "
                "outside the traced function"
            )
        return np.asarray(x)

    def to_device(self, x: Any, device: Any) -> Any:
        return x if device is None or self.is_traced(x) else jax.device_put(x, device)

    def own(self, data: Any) -> Any:
        return data  # JAX arrays are immutable

    def expose(self, data: Any) -> Any:
        return data

    def bitcast(self, x: Any, name: str) -> Any:
        return jax.lax.bitcast_convert_type(x, _DTYPES[name])

    def is_traced(self, x: Any) -> bool:
        return isinstance(x, jax.core.Tracer)

    def barrier(self, x: Any) -> Any:
        return jax.lax.optimization_barrier(x)

    # -- native jax.random ---------------------------------------------------------------------
    def _key(self, data: Any) -> Any:
        return jax.random.wrap_key_data(data, impl="threefry2x32")

    def split(self, data: Any, shape: tuple[int, ...]) -> Any:
        with jax.threefry_partitionable(True):
            return jax.random.key_data(jax.random.split(self._key(data), shape))

    def fold_in(self, data: Any, value: Any) -> Any:
        value = jnp.asarray(value, dtype=jnp.uint32)
        return jax.random.key_data(jax.random.fold_in(self._key(data), value))

    def bits(self, data: Any, shape: tuple[int, ...], dtype: str, device: Any) -> Any:
        target = self.dtype(dtype)
        with jax.threefry_partitionable(True):
            return jax.random.bits(self._key(self.to_device(data, device)), shape, target)

    def uniform(
        self, data: Any, shape: tuple[int, ...], dtype: str, minval: Any, maxval: Any, device: Any
    ) -> Any:
        if not native_is_reference(device):
            return Backend.uniform(self, data, shape, dtype, minval, maxval, device)
        target = self.dtype(dtype)
        key = self._key(self.to_device(data, device))
        with jax.threefry_partitionable(True):
            return jax.random.uniform(key, shape, target, minval, maxval)

    def normal(self, data: Any, shape: tuple[int, ...], dtype: str, device: Any) -> Any:
        if not native_is_reference(device):
            return Backend.normal(self, data, shape, dtype, device)
        target = self.dtype(dtype)
        key = self._key(self.to_device(data, device))
        with jax.threefry_partitionable(True):
            return jax.random.normal(key, shape, target)


def native_is_reference(device: Any = None) -> bool:
    """Whether XLA computes the float samplers exactly as the specification: XLA:CPU on an
    x86-64 host with FMA (the reference platform).  Elsewhere (GPU, TPU, hosts without FMA,
    other CPUs, ``--xla_cpu_max_isa`` below AVX2) the portable engine is used instead of
    ``jax.random``'s float math."""
    platform_name = device.platform if device is not None else jax.default_backend()
    return platform_name == "cpu" and _x86_64_with_fma() and _isa_not_capped()


def _isa_not_capped() -> bool:
    flags = os.environ.get("XLA_FLAGS", "")
    for word in flags.split():
        if word.startswith("--xla_cpu_max_isa="):
            return word.split("=", 1)[1].upper() not in ("SSE4_2", "AVX")
    return True


@cache
def _x86_64_with_fma() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " fma" in line for line in f)
    except OSError:
        return False


class JaxReferenceBackend(JaxBackend):
    """The reference engine on ``jax.numpy`` (no native ``jax.random``): tests use it to show
    that the array-API engine runs, and traces, on JAX with the same bytes."""

    name = "jax"

    split = Backend.split
    fold_in = Backend.fold_in
    bits = Backend.bits
    uniform = Backend.uniform
    normal = Backend.normal


BACKEND = JaxBackend()
REFERENCE = JaxReferenceBackend()
