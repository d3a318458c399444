"""JAX: native ``jax.random`` for threefry2x32's integer streams, the engine for the rest.

``split``, ``fold_in`` and ``bits`` are integer computations, the same on every XLA device, so
they call ``jax.random`` directly (one compiled kernel, traceable), always in partitionable mode
whatever the process-wide flag says.  Float samplers use ``jax.random`` only where a probe has
shown that XLA computes them as the specification on this host (:mod:`unirand.samplers.
jax_native`); otherwise they run the portable engine on ``jax.numpy``, which rounds 16-bit
values by integer operations (:meth:`JaxBackend.round16`) so that XLA cannot fuse them.  The
golden-vector tests check every path against the same bytes.

Without ``jax_enable_x64`` JAX has no 64-bit types: uint64 bits and float64 uniforms raise.
Keys become JAX pytrees in :mod:`unirand.keys.pytree` (this module knows nothing of keys).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...engine.backend import Backend
from ...math.round16 import round_to_16

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

    def round16(self, x: Any, dtype: str) -> Any:
        # by integer operations: XLA may fuse or drop float16 roundings (AVX512-FP16 hosts)
        return round_to_16(jnp, x, dtype, self.bitcast)


def native_platform(device: Any = None) -> bool:
    """Whether ``jax.random``'s float samplers may be the specification on ``device`` at all:
    XLA:CPU only.  GPU and TPU kernels use other elementary functions and are never trusted;
    on the CPU the probe (:mod:`unirand.samplers.jax_native`) decides, per sampler and dtype,
    from what XLA really computes on this host."""
    platform_name = device.platform if device is not None else jax.default_backend()
    return platform_name == "cpu"


class JaxReferenceBackend(JaxBackend):
    """The reference engine on ``jax.numpy`` (no native ``jax.random``): tests use it to show
    that the array-API engine runs, and traces, on JAX with the same bytes."""

    name = "jax"

    split = Backend.split
    fold_in = Backend.fold_in
    bits = Backend.bits


BACKEND = JaxBackend()
REFERENCE = JaxReferenceBackend()
