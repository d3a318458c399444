"""The state of a CPU ``torch.Generator`` as one immutable value, its bytes, and the CPU choice.

``TorchCPUGenerator`` keeps everything that ``torch.Generator.get_state()`` holds in one
:class:`CPUState`.  A call computes on a copy of the engine and publishes the new state with a
single attribute assignment, so another thread (or a child process forked at any moment) only
ever sees a complete state, never half of one.  ``pack``/``unpack`` are the 5056 bytes of
ATen's ``CPUGeneratorImplState``; ``detect_capability`` is PyTorch's choice of CPU kernels.
"""

from __future__ import annotations

import os
import platform
import struct
from dataclasses import dataclass

import numpy as np

from ._mt19937 import MT19937

#: ``c10::detail::default_rng_seed_val``: a fresh ``torch.Generator()``'s seed
DEFAULT_SEED = 67280421310721
#: ``len(torch.Generator().get_state())``: ``CPUGeneratorImplState`` in bytes
STATE_SIZE = 5056
CAPABILITIES = ("default", "avx2", "avx512")

_HEAD = struct.Struct("<QiiQ")  # the_initial_seed, left, seeded, next
_TAIL = struct.Struct("<dddi4xf?3x")  # normal_x/y/rho, normal_is_valid, float sample


@dataclass(frozen=True)
class CPUState:
    """``seed`` (unsigned 64-bit), the mt19937 ``engine`` (never mutated once published: draws
    go to a copy), the cached double normal (``next_double_normal_sample_``) and the cached
    float normal (``(valid, value)``; no CPU kernel uses it, but it is part of the bytes)."""

    seed: int
    engine: MT19937
    normal: float | None = None
    float_normal: tuple[bool, float] = (False, 0.0)

    @classmethod
    def seeded(cls, seed: int) -> CPUState:
        return cls(seed, MT19937.seeded(seed))


def pack(state: CPUState) -> bytes:
    """``CPUGeneratorImplState``: head, the 624 words as u64, the normal caches, padding 0."""
    eng = state.engine
    head = _HEAD.pack(state.seed, eng.left, 1, eng.next)
    words = eng.state.astype("<u8").tobytes()
    valid, value = state.float_normal
    cached = state.normal
    tail = _TAIL.pack(
        0.0, cached if cached is not None else 0.0, 0.0, int(cached is not None), value, valid
    )
    return head + words + tail


def unpack(raw: bytes) -> CPUState:
    """The inverse of :func:`pack`, with ``at::mt19937::is_valid``'s checks and one more."""
    if len(raw) != STATE_SIZE:
        raise ValueError(f"state must be {STATE_SIZE} bytes long; got {len(raw)}")
    seed, left, seeded, next_ = _HEAD.unpack_from(raw, 0)
    words = np.frombuffer(raw, "<u8", 624, _HEAD.size).astype(np.uint32)
    _, normal_y, _, normal_valid, fvalue, fvalid = _TAIL.unpack_from(raw, _HEAD.size + 624 * 8)
    # at::mt19937::is_valid, plus: the draws before the next twist must stay in the array
    if not (seeded and 0 < left <= 624 and next_ <= 624 and next_ + left - 1 <= 624):
        raise ValueError(
            f"state: invalid mt19937 position (seeded={seeded}, left={left}, next={next_})"
        )
    return CPUState(
        seed,
        MT19937(words, left, next_),
        normal_y if normal_valid else None,
        (bool(fvalid), fvalue),
    )


def detect_capability() -> str:
    """PyTorch's choice (``ATen/native/DispatchStub.cpp``): ``ATEN_CPU_CAPABILITY`` or CPU flags."""
    env = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if env in CAPABILITIES:
        return env
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "default"
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return "avx2"  # not Linux: an x86-64 CPU that runs PyTorch 2.x almost surely has AVX2
    if not flags:
        return "avx2"
    if {"avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"} <= set(flags):
        return "avx512"
    return "avx2" if {"avx2", "fma"} <= set(flags) else "default"
