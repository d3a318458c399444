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

Sizes: XLA (jaxlib 0.10.2) aborts the whole process (``SIGABRT``, "overflow in static extent
product") when an array of a computation has ``elements * itemsize >= 2**63`` bytes; the
counters of ``jax.random``'s partitionable Threefry are 8-byte words, so any draw of ``2**60``
values or more aborts, whatever its dtype (and a clean ``MemoryError`` stops smaller ones).
:func:`check_elements` refuses such sizes with a ``ValueError`` before JAX sees them.
"""

from __future__ import annotations

import math
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np

from ...engine.backend import Backend
from ...math.round16 import round_to_16

#: the largest number of values one JAX draw may have: 8-byte words of 2**60 values reach
#: 2**63 bytes, where XLA's byte counts overflow and it aborts the process
MAX_ELEMENTS = 2**60 - 1

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
    "int16": jnp.int16,
    "int8": jnp.int8,
}


def check_elements(shape: tuple[int, ...] | int, argument: str = "shape") -> None:
    """Refuse a draw of ``2**60`` values or more (``shape`` a shape or a count) with a
    ``ValueError`` naming ``argument``: XLA would abort the interpreter (module docstring)."""
    n = shape if isinstance(shape, int) else math.prod(shape)
    if n > MAX_ELEMENTS:
        what = f"{shape!r} has" if not isinstance(shape, int) else "needs"
        raise ValueError(
            f"{argument} {what} {n} elements; JAX draws must have fewer than 2**60 (XLA aborts the "
            "process when an array of 8-byte words reaches 2**63 bytes)"
        )


def check_native_call(fn: str, args: tuple[Any, ...]) -> None:
    """:func:`check_elements` for ``jax.random.<fn>(key, *args)``, as the samplers call it
    (``samplers/jax_native.py`` ``jax_call``): the largest array that call builds, which for
    ``gumbel``/``bernoulli`` mode "high" (two uniforms per value) and ``categorical`` (noise
    for every category) exceeds the result."""
    if fn in ("bits", "uniform", "normal", "exponential", "randint"):
        check_elements(tuple(args[0]))
    elif fn == "gumbel":
        shape, mode = tuple(args[0]), args[2] if len(args) > 2 else "low"
        check_elements((2, *shape) if mode == "high" else shape)
    elif fn == "bernoulli":
        p, shape, mode = args[0], args[1], args[2] if len(args) > 2 else "low"
        shape = tuple(np.shape(p)) if shape is None else tuple(shape)
        check_elements((2, *shape) if mode == "high" else shape)
    elif fn == "categorical":
        logits, axis, shape, _, mode = args
        if shape is not None:
            n = math.prod(shape) * np.shape(logits)[axis] * (2 if mode == "high" else 1)
            check_elements(n)
    elif fn == "truncated_normal" and args[2] is not None:
        check_elements(tuple(args[2]))
    elif fn == "choice":
        check_elements(tuple(args[1]))
        if isinstance(args[0], int) and not args[2] and args[3] is None:
            check_elements((args[0],), "a")  # a permutation of arange(a)
    elif fn == "permutation" and isinstance(args[0], int):
        check_elements((args[0],), "x")


class JaxBackend(Backend):
    name = "jax"
    #: the size limit of a draw (see :func:`check_elements`), for the samplers' own checks
    max_elements = MAX_ELEMENTS
    check_elements = staticmethod(check_elements)
    check_native_call = staticmethod(check_native_call)

    def __init__(self) -> None:
        super().__init__(jnp)

    def dtype(self, name: str) -> Any:
        if name in ("uint64", "float64", "int64") and not cast(Any, jax.config).jax_enable_x64:
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
        check_elements(shape, "num")
        with jax.threefry_partitionable(True):
            return jax.random.key_data(jax.random.split(self._key(data), shape))

    def fold_in(self, data: Any, value: Any) -> Any:
        value = jnp.asarray(value, dtype=jnp.uint32)
        return jax.random.key_data(jax.random.fold_in(self._key(data), value))

    def bits(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        check_elements(shape)
        if counters is not None:  # a block: jax.random.bits draws whole arrays only
            return Backend.bits(self, data, shape, dtype, device, counters)
        target = self.dtype(dtype)
        with jax.threefry_partitionable(True):
            return jax.random.bits(self._key(self.to_device(data, device)), shape, target)

    # -- the engine's entry points: every portable-engine draw on JAX passes one -------------
    def raw_words(self, data: Any, n: int, device: Any, counters: Any = None) -> Any:
        check_elements(n)
        return super().raw_words(data, n, device, counters)

    def uniform(
        self,
        data: Any,
        shape: tuple[int, ...],
        dtype: str,
        minval: Any,
        maxval: Any,
        device: Any,
        counters: Any = None,
    ) -> Any:
        check_elements(shape)
        return super().uniform(data, shape, dtype, minval, maxval, device, counters)

    def normal(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        check_elements(shape)
        return super().normal(data, shape, dtype, device, counters)

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

    def split(self, data: Any, shape: tuple[int, ...]) -> Any:
        check_elements(shape, "num")
        return Backend.split(self, data, shape)

    fold_in = Backend.fold_in

    def bits(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        check_elements(shape)
        return Backend.bits(self, data, shape, dtype, device, counters)


BACKEND = JaxBackend()
REFERENCE = JaxReferenceBackend()
