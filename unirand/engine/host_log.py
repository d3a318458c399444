"""float64 ``log`` of host (NumPy) arrays: the specification's, fast where the C library is proven.

The specification's float64 ``log`` is glibc's (:mod:`unirand.math.glibc_log`, what XLA:CPU
calls on the reference platform).  Emulating it with exactly rounded operations costs about
0.8 us per element on NumPy, which has no fused multiply-add; calling the C library through
``math.log`` costs about 0.08 us.  So the C library is used only where a probe shows that it
*is* that function: once per process, 6,000 fixed inputs (special values, every power of two,
log-uniform over the whole range, dense near 1, subnormals) computed both ways must agree bit
for bit.  On glibc 2.28 and later on x86-64 (the same algorithm, FMA variant) it does; on
macOS, Windows or musl it does not, and the emulation runs.  Either way the bytes are glibc's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..math.glibc_log import log_f64_glibc
from ..math.xla_log import c_log_f64
from .float_ops import ArrayFloatOps

__all__ = ["c_library_log_is_spec", "host_log_f64", "log_f64_spec"]


class _HostNumpy:
    """The little of a backend that :class:`ArrayFloatOps` needs, for plain NumPy arrays (the
    engine may not import :mod:`unirand.backends`)."""

    name = "numpy"

    def __init__(self) -> None:
        import array_api_compat.numpy as compat_np

        self.xp = compat_np

    def device_of(self, x: Any) -> Any:
        return "cpu"

    def bitcast(self, x: Any, name: str) -> Any:
        return np.asarray(x).view(np.dtype(name))

    def barrier(self, x: Any) -> Any:
        return x

    def log_f64(self, x: Any) -> Any:
        return log_f64_spec(x)


@cache
def _ops() -> ArrayFloatOps:
    return ArrayFloatOps(_HostNumpy(), "float64")  # type: ignore[arg-type]


def log_f64_spec(x: np.ndarray) -> np.ndarray:
    """glibc's float64 ``log`` of ``x``, emulated (any host)."""
    x = np.asarray(x, np.float64)
    if x.size == 0:
        return x.copy()
    return np.asarray(log_f64_glibc(_ops(), x), dtype=np.float64).reshape(x.shape)


def _probe_inputs() -> np.ndarray:
    rng = np.random.default_rng(0x10C)
    special = np.array([1.0, np.nextafter(1.0, 0), np.nextafter(1.0, 2), 0.5, 2.0, 1e-300, 1e300])
    powers = np.ldexp(1.0, np.arange(-1074, 1024))
    wide = np.exp(rng.uniform(-744.0, 709.0, 2000))
    near1 = 1.0 + rng.uniform(-(2.0**-4), float.fromhex("0x1.09p-4"), 1500)
    unit = rng.uniform(0.5, 2.0, 1000)
    sub = rng.integers(1, 1 << 52, 200, dtype=np.int64).view(np.float64)
    return np.concatenate([special, powers, wide, near1, unit, sub])


@cache
def c_library_log_is_spec() -> bool:
    """Whether this host's C library ``log`` (``math.log``) equals the specification's on the
    probe inputs: computed once per process (80 ms measured on the 2-core CI host), then
    cached."""
    x = _probe_inputs()
    with np.errstate(all="ignore"):
        return c_log_f64(x).tobytes() == log_f64_spec(x).tobytes()


def host_log_f64(x: Any) -> np.ndarray:
    """The specification's float64 ``log`` of a host array: the C library where proven equal,
    else the emulation."""
    x = np.asarray(x, np.float64)
    if c_library_log_is_spec():
        return c_log_f64(x)
    return log_f64_spec(x)
