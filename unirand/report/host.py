"""What the host is, as far as the streams care: the CPU features and C library that change what
native code computes, and the probable cause of a cell that fails on such a host.

unirand's specification is host-independent; native paths (``jax.random``, the C library's
``log``) are not.  The report names the features that matter so that a reader of a failing
report sees at once whether the host is the reference platform (x86-64 with FMA, no native
float16 arithmetic, glibc) or not.
"""

from __future__ import annotations

import os
import platform
from typing import Any

__all__ = ["cpu_flags", "host_info", "probable_cause"]


def cpu_flags() -> set[str] | None:
    """The CPU's feature flags from ``/proc/cpuinfo`` (None where there is no such file)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[-1].split())
    except OSError:
        return None
    return None


def _libc() -> str | None:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"
    except (AttributeError, ValueError, OSError):
        name, version = platform.libc_ver()
        return f"{name} {version}".strip() or None


def host_info() -> dict[str, Any]:
    """The host's facts for the report header (``report["host"]``)."""
    flags = cpu_flags()
    return {
        "system": platform.system(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpu_has_fma": None if flags is None else "fma" in flags,
        "cpu_has_avx512_fp16": None if flags is None else "avx512_fp16" in flags,
        "libc": _libc(),
        "xla_flags": os.environ.get("XLA_FLAGS") or None,
    }


def probable_cause(backend: str, column: str, host: dict[str, Any]) -> str | None:
    """A hint for a failing cell when a known host feature explains it, else None."""
    dtype = column.rpartition("/")[2]
    libc = host.get("libc") or ""
    if backend == "jax" and dtype in ("float16", "bfloat16") and host.get("cpu_has_avx512_fp16"):
        return (
            "this CPU has AVX512-FP16: XLA:CPU computes 16-bit floats natively and fuses their "
            "multiply-adds (docs/streams.md, 'Hosts')"
        )
    if backend == "jax" and host.get("cpu_has_fma") is False:
        return "this CPU has no FMA: XLA:CPU rounds twice where the specification fuses"
    if dtype == "float64" and not libc.startswith("glibc"):
        return f"the C library is {libc or 'unknown'}, not glibc: its float64 log differs"
    return None
