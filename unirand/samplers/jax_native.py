"""Where ``jax.random`` itself computes the specification, the samplers call it: proven per host.

``jax.random`` is the specification only as XLA:CPU computes it on the reference platform
(x86-64 with FMA, no native float16 arithmetic, glibc).  Elsewhere its float bytes differ: a
CPU with AVX512-FP16 fuses float16 multiply-adds into one rounding, a CPU without FMA (or
``--xla_cpu_max_isa`` below AVX2) rounds twice where the specification fuses, another C library
gives another float64 ``log``, and GPU/TPU kernels have other elementary functions.  So unirand
never trusts a guess about the CPU: before a float sampler uses ``jax.random`` for a dtype, a
*probe* computes a fixed draw of that sampler (1,024 values, 4,096 for float64) natively and
with the portable engine on NumPy (the specification, checked against the golden vectors) and
compares the bytes.  The verdict is cached per process, device platform, sampler, dtype,
mode and ``jax_enable_x64`` (which changes ``jax.random``'s own dtypes); where it fails, the
sampler runs the portable engine on ``jax.numpy`` instead, which is exact under ``jax.jit`` on
any host (16-bit roundings by integer operations, products behind optimization barriers).  GPU
and TPU devices always use the portable engine.

Integer-only streams (``randint``, ``permutation``, ``choice`` without ``p``) are integer
arithmetic, identical on every XLA:CPU, and are not probed.  :func:`decisions` lists the
verdicts so far (the conformance report prints them).

Loop samplers (``gamma``, ``poisson``, ...) run on the host where they can: :mod:`.hosted`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import numpy_dtype

__all__ = [
    "MAXWELL_PROBE",
    "decisions",
    "forced",
    "jax_call",
    "maxwell_regime",
    "native_for",
    "native_jax",
    "probe",
]

#: set while a probe (or a test) runs the native path unconditionally
_FORCE: ContextVar[bool | None] = ContextVar("unirand_force_native", default=None)
_LOCK = threading.RLock()
#: (platform, family, dtype, variant) -> whether native equals the specification here
_VERDICTS: dict[tuple[str, str, str, str], bool] = {}

_N = 1024
_N64 = 4096


def _probe_call(family: str, dtype: str, variant: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments (after the key) of the fixed draw that probes ``family`` in ``dtype``."""
    n = _N64 if dtype == "float64" else _N
    npd = numpy_dtype(dtype)
    if family == "uniform":  # a range that is not a power of two: the product is rounded
        return ((n,), dtype, -3.3, 5.1), {}
    if family in ("normal", "exponential"):
        return ((n,), dtype), {}
    if family == "truncated_normal":
        return (-1.7, 2.3, (n,), dtype), {}
    if family == "gumbel":
        return ((n,), dtype), {"mode": variant}
    if family == "bernoulli":
        return (np.linspace(0.0, 1.0, n).astype(npd), (n,)), {"mode": variant}
    if family == "categorical":
        logits = np.linspace(-3.0, 2.0, 8 * 64).reshape(8, 64).astype(npd)
        replace, mode = variant.split(":")
        return (logits, -1, None), {"replace": replace == "True", "mode": mode}
    if family == "choice":
        replace, mode = variant.split(":")
        p = np.linspace(1.0, 2.0, 64).astype(npd)
        p = p / p.sum(dtype=npd)
        return (64, (32 if replace == "False" else n,), replace == "True", p), {"mode": mode}
    if family == "cauchy":  # XLA's inlined exp and the C library's tan/pow (xla_transforms)
        return ((n,), dtype), {}
    if family in ("pareto", "lognormal"):
        return (np.linspace(0.25, 3.0, n).astype(npd), (n,), dtype), {}
    if family == "weibull_min":
        return (np.linspace(0.5, 2.0, n).astype(npd), np.linspace(0.3, 4.0, n).astype(npd)), {
            "shape": (n,),
            "dtype": dtype,
        }
    if family in ("laplace", "logistic", "rademacher"):
        return ((n,), dtype), {}
    if family == "rayleigh":
        return (1.7, (n,), dtype), {}
    if family == "geometric":  # dtype: p's (the computation's); a broadcast p (XLA's rewrite)
        return (np.asarray(0.3, npd), (n,), "int32"), {}
    if family == "triangular":
        return (-1.0, 0.5, 2.0, (n,), dtype), {}
    if family == "wald":
        return (np.linspace(0.2, 3.0, n).astype(npd), (n,), dtype), {}
    if family in ("maxwell", "double_sided_maxwell"):  # XLA's code depends on the size
        size = (MAXWELL_PROBE[variant],)
        return ((size, dtype) if family == "maxwell" else (0.5, 1.5, size, dtype)), {}
    raise ValueError(f"no probe for the sampler {family!r}")


#: a probe size in each of the regimes where XLA:CPU compiles ``maxwell`` differently (fused
#: into the reduction up to 4,096 normals; bfloat16 and ``double_sided_maxwell`` change again
#: from 4,096 values: :mod:`.normal_transforms`)
MAXWELL_PROBE = {"fused": 1024, "materialized": 2048, "large": 8192}


def maxwell_regime(total: int) -> str:
    """The :data:`MAXWELL_PROBE` regime of a ``maxwell`` draw of ``total`` values."""
    return "fused" if 3 * total <= 4096 else "materialized" if total < 4096 else "large"


def probe(family: str, dtype: str, variant: str = "", device: Any = None) -> bool:
    """Whether native ``jax.random.<family>`` gives the specification's bytes for ``dtype`` on
    ``device`` (default: JAX's default device).  Computed once per process and cached."""
    import jax

    from ..backends import jax as jax_backend

    if not jax_backend.native_platform(device):
        return False
    platform = device.platform if device is not None else jax.default_backend()
    # jax.random's own dtypes change with x64 (rademacher's p=0.5 is float32 without it)
    x64 = bool(getattr(jax.config, "jax_enable_x64", False))
    key = (platform, family, dtype, variant if x64 else f"{variant}/x32")
    verdict = _VERDICTS.get(key)
    if verdict is not None:
        return verdict
    with _LOCK:
        verdict = _VERDICTS.get(key)
        if verdict is None:
            verdict = _run_probe(family, dtype, variant, device)
            _VERDICTS[key] = verdict
    return verdict


def _run_probe(family: str, dtype: str, variant: str, device: Any) -> bool:
    import jax

    from .. import backends
    from ..keys.portable import new_key
    from .sampler import REGISTRY

    fn = REGISTRY[family]
    args, kwargs = _probe_call(family, dtype, variant)
    data = np.array([0x2545F491, 0x9E3779B9], dtype=np.uint32)
    numpy = backends.by_name("numpy")
    want = np.asarray(fn(new_key(data.copy(), numpy), *args, xp="numpy", **kwargs))
    token = _FORCE.set(True)
    try:
        # concrete values even when the first call comes from inside a jax.jit trace
        with jax.ensure_compile_time_eval():
            got = fn(new_key(data.copy(), numpy), *args, xp="jax", device=device, **kwargs)
            got = np.asarray(got)
    except Exception:  # a native failure is a failed proof, never an error for the user
        return False
    finally:
        _FORCE.reset(token)
    if got.shape != want.shape:
        return False
    if got.dtype.kind in "biu" and want.dtype.kind in "biu":  # indices: int32 without x64
        return bool(np.array_equal(got, want))
    return got.dtype == want.dtype and got.tobytes() == want.tobytes()


def native_jax(
    backend: Backend, device: Any, family: str, dtype: str | None = None, variant: str = ""
) -> Any:
    """``unirand.backends.jax`` when native ``jax.random.<family>`` is proven to compute the
    specification here for ``dtype`` (None: an integer-only stream), else None."""
    if backend.name != "jax":
        return None
    from ..backends import jax as jax_backend

    if backend is not jax_backend.BACKEND:
        return None
    force = _FORCE.get()
    if force is not None:
        return jax_backend if force else None
    if dtype is None:
        return jax_backend if jax_backend.native_platform(device) else None
    proven = all(probe(f, dtype, v, device) for f, v in _needs(family, variant))
    return jax_backend if proven else None


def native_for(
    backend: Backend,
    device: Any,
    family: str,
    dtype: str,
    shape: tuple[int, ...] | None,
    counters: Any,
    variant: str = "",
) -> Any:
    """:func:`native_jax` for a whole draw of ``shape`` (checked against XLA's size limit),
    None for a block (``counters``): ``jax.random`` draws whole arrays only."""
    if counters is not None:
        return None
    jb = native_jax(backend, device, family, dtype, variant)
    if jb is not None and shape is not None:
        jb.BACKEND.check_elements(tuple(shape))
    return jb


def _needs(family: str, variant: str) -> list[tuple[str, str]]:
    """The probes a sampler's native path needs.  Samplers that return indices also need the
    float stream they compare (a few rounding differences rarely change an index, so the
    index probe alone could pass on a host whose floats differ)."""
    needs = [(family, variant)]
    if family in ("categorical", "choice"):
        replace, mode = variant.split(":")
        if family == "choice" and replace == "True":
            needs.append(("uniform", ""))
        else:
            needs.append(("gumbel", mode))
    return needs


@contextlib.contextmanager
def forced(native: bool) -> Iterator[None]:
    """Within the block, JAX samplers take the native path (True) or the portable engine
    (False) without probing: for tests that exercise both sides of the decision."""
    token = _FORCE.set(native)
    try:
        yield
    finally:
        _FORCE.reset(token)


def decisions() -> dict[tuple[str, str, str, str], bool]:
    """The probe verdicts of this process: ``(platform, sampler, dtype, mode) -> native``."""
    with _LOCK:
        return dict(_VERDICTS)


def jax_call(jb: Any, backend: Backend, data: Any, device: Any, fn: str, *args: Any) -> Any:
    import jax

    jb.BACKEND.check_native_call(fn, args)  # XLA aborts the process on 2**63-byte arrays
    key = jb.BACKEND._key(backend.to_device(data, device))
    with jax.threefry_partitionable(True):
        return getattr(jax.random, fn)(key, *args)
