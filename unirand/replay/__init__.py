"""Replay PyTorch's own random streams (``torch.manual_seed``) in NumPy and JAX.

``TorchCPUGenerator`` replicates a CPU ``torch.Generator`` (mt19937) bit for bit;
``TorchCUDAGenerator`` models PyTorch's CUDA Philox4x32-10 streams.  Neither imports torch:
porting code can be checked against the replay on a machine that has only NumPy or JAX.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TorchCPUGenerator", "TorchCUDAGenerator"]


def __getattr__(name: str) -> Any:
    # Each replica loads on first use, so `import unirand.replay` stays cheap.
    if name == "TorchCPUGenerator":
        from .torch_cpu import TorchCPUGenerator

        return TorchCPUGenerator
    if name == "TorchCUDAGenerator":
        from .torch_cuda import TorchCUDAGenerator

        return TorchCUDAGenerator
    raise AttributeError(f"module 'unirand.replay' has no attribute {name!r}")
