"""What every benchmark script shares: optional imports, waiting for and reading results, the
peak memory of a call, and the lines that say where and under what load it ran.

The scripts run as ``python benchmarks/<script>.py``, so this module is imported as a sibling
(the script's folder is on ``sys.path``).
"""

from __future__ import annotations

import gc
import importlib
import os
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import unirand

__all__ = ["optional", "wait", "host", "peak_extra", "commit", "load"]


def optional(name: str) -> ModuleType | None:
    """The module, or None when it is not installed (its rows are then skipped)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def wait(x: Any) -> Any:
    """Wait for an asynchronous (JAX) result, a key's data included; NumPy and PyTorch CPU
    results are already done."""
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    elif isinstance(x, unirand.ThreefryKey):
        wait(unirand.key_data(x))
    return x


def host(x: Any) -> np.ndarray:
    """The output as a NumPy array (a key as its data), for the bit comparison."""
    if isinstance(x, unirand.ThreefryKey):
        x = unirand.key_data(x)
    elif "key<" in str(getattr(x, "dtype", "")):
        x = importlib.import_module("jax").random.key_data(x)
    if type(x).__module__.startswith("torch"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def peak_extra(fn: Callable[[], Any]) -> float:
    """Peak bytes traced during ``fn()`` beyond its output, as a multiple of the output size."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base - out.nbytes) / out.nbytes


def commit() -> str:
    """`` at commit <sha>`` of the checkout (read-only ``git rev-parse``), or ``""``."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return f" at commit {done.stdout.strip()}"


def load(when: str) -> str:
    """Other processes on a small machine skew timings; say how busy it was."""
    if not hasattr(os, "getloadavg"):
        return f"{when}: unknown"
    one, five, _ = os.getloadavg()
    return f"{when}: {one:.2f} (1 min), {five:.2f} (5 min)"
