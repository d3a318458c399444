"""When torch on CUDA draws with the fused Triton kernels (:mod:`.triton_kernels`), and how.

A kernel is used for a draw on a CUDA device only when all of these hold: Triton imports,
``UNIRAND_TRITON`` is not ``0``, and a probe has shown that the kernel gives the same bytes as
the vectorized engine on that device (which uses only integer operations and correctly rounded
``+ - * /``).  The probe draws 4,096 values of a fixed key per (device, stream) once per
process.  The GPU's compiler is not trusted by construction: a device where a rounding differs
keeps the vectorized engine, and :func:`decisions` says so.  Without Triton nothing here is
imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

import numpy as np
import torch

__all__ = ["STREAMS", "launch", "usable", "decisions", "bypass", "bypassed"]

#: the streams with a kernel: (sampler, dtype)
STREAMS = (("bits", "uint32"), ("uniform", "float32"), ("normal", "float32"))

_PROBE_N = 4096
_PROBE_KEY = (0x243F6A88, 0x85A308D3)
_BYPASS: ContextVar[bool] = ContextVar("unirand_triton_bypass", default=False)
_DECISIONS: dict[tuple[str, str, str], bool] = {}


@cache
def _kernels() -> Any:
    if os.environ.get("UNIRAND_TRITON", "1").strip() == "0":
        return None
    try:
        from . import triton_kernels
    except ImportError:
        return None
    return triton_kernels


def launch(
    stream: str, k0: int, k1: int, out: Any, bounds: tuple[float, float] | None = None
) -> None:
    """Fill the flat tensor ``out`` (int32 for bits, float32 otherwise) with the stream.  On a
    CPU tensor this runs under Triton's interpreter only (``TRITON_INTERPRET=1``, tests)."""
    t = _kernels()
    if t is None:
        raise RuntimeError("the Triton kernels need Triton (and UNIRAND_TRITON not 0)")
    n = out.numel()
    grid = (max(1, -(-n // t.BLOCK)),)
    opts = {"BLOCK_C": t.BLOCK, "enable_fp_fusion": False}
    if stream == "bits":
        t.bits32_kernel[grid](out, k0, k1, n, **opts)
    elif stream == "uniform":
        assert bounds is not None
        b = torch.tensor(np.asarray(bounds, np.float32), device=out.device)
        t.uniform_f32_kernel[grid](out, b, k0, k1, n, **opts)
    elif stream == "normal":
        t.normal_f32_kernel[grid](out, k0, k1, n, **opts)
    else:
        raise ValueError(f"no Triton kernel for {stream!r}")


@contextmanager
def bypass() -> Iterator[None]:
    """The vectorized engine for the block, on every device (the probe's reference draw, and
    benchmarks)."""
    token = _BYPASS.set(True)
    try:
        yield
    finally:
        _BYPASS.reset(token)


def bypassed() -> bool:
    """Whether the current block is the probe's reference draw (the vectorized engine)."""
    return _BYPASS.get()


def usable(stream: str, dtype: str, device: Any, reference: Callable[[], Any]) -> bool:
    """Whether ``stream``/``dtype`` may use its kernel on the CUDA ``device``; ``reference``
    draws the probe's values with the vectorized engine (called with the probe bypassed)."""
    if (stream, dtype) not in STREAMS or _BYPASS.get() or torch.device(device).type != "cuda":
        return False
    if _kernels() is None:
        return False
    key = (str(torch.device(device)), stream, dtype)
    if key not in _DECISIONS:
        _DECISIONS[key] = _probe(stream, device, reference)
    return _DECISIONS[key]


def _probe(stream: str, device: Any, reference: Callable[[], Any]) -> bool:
    with bypass():
        want = reference()
    out = torch.empty(
        _PROBE_N, dtype=torch.int32 if stream == "bits" else torch.float32, device=device
    )
    try:
        launch(stream, *_PROBE_KEY, out, (0.25, 0.5) if stream == "uniform" else None)
    except Exception:  # a compiler or driver failure: the vectorized engine stays
        return False
    got = out.view(torch.int32).cpu().numpy().tobytes()
    return got == want.reshape(-1).view(torch.int32).cpu().numpy().tobytes()


def probe_key() -> tuple[int, int]:
    """The probe's key words (the reference draw uses them too)."""
    return _PROBE_KEY


def probe_size() -> int:
    return _PROBE_N


def decisions() -> dict[tuple[str, str, str], bool]:
    """The verdicts so far: (device, stream, dtype) -> kernel used."""
    return dict(_DECISIONS)
