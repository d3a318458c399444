"""PyTorch: the reference engine with 32-bit words carried in int64.

torch has no add or shift kernels for ``torch.uint32`` (2.13), so each word lives in an int64
tensor in [0, 2**32) and is masked after every add and left shift.  Nothing here assumes the
CPU: the same operations run on CUDA or any other device.
"""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as compat_torch
import numpy as np
import torch

from ._base import Backend

_DTYPES = {
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
}


class TorchBackend(Backend):
    name = "torch"
    masked_words = True

    def __init__(self) -> None:
        super().__init__(compat_torch)

    def dtype(self, name: str) -> Any:
        return _DTYPES[name]

    def device_of(self, x: Any) -> Any:
        return x.device

    def resolve_device(self, device: Any) -> Any:
        if device is None:
            return torch.get_default_device()
        try:
            return torch.device(device)
        except (RuntimeError, TypeError) as e:
            raise ValueError(
                f"device must be a torch device (e.g. 'cpu', 'cuda:0'); got {device!r}"
            ) from e

    def from_numpy(self, a: np.ndarray, device: Any = None) -> Any:
        if a.dtype == np.uint32:  # torch.from_numpy has no uint32 before 2.3
            return torch.from_numpy(a.astype(np.int64)).to(device=device, dtype=torch.uint32)
        if a.dtype.name == "bfloat16":  # ml_dtypes' bfloat16 is unknown to torch.from_numpy
            return (
                torch.from_numpy(np.ascontiguousarray(a).view(np.int16))
                .view(torch.bfloat16)
                .to(device)
            )
        return torch.from_numpy(np.ascontiguousarray(a)).to(device)

    def to_numpy(self, x: Any) -> np.ndarray:
        x = x.detach().cpu()
        if x.dtype == torch.bfloat16:
            import ml_dtypes

            return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
        return x.numpy()

    def to_device(self, x: Any, device: Any) -> Any:
        return x if device is None else x.to(device)

    def bitcast(self, x: Any, name: str) -> Any:
        return x.view(_DTYPES[name])

    def words_to_u32(self, x: Any) -> Any:
        return x.to(torch.uint32)


BACKEND = TorchBackend()
