"""Any other array-API library (array-api-strict, CuPy, ...): the reference engine as it is.

Words are uint32 with wrap-around.  Bit reinterpretation, which the standard lacks, goes
through ``.view`` where the array has it (CuPy) and through a host NumPy copy otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.backend import Backend


class ArrayAPIBackend(Backend):
    def __init__(self, xp: Any, name: str) -> None:
        super().__init__(xp)
        self.name = name

    def resolve_device(self, device: Any) -> Any:
        if device is None:
            return None
        info = getattr(self.xp, "__array_namespace_info__", None)
        if info is not None:
            devices = info().devices()
            for d in devices:
                if d == device or str(d) == str(device):
                    return d
            raise ValueError(f"device for {self.name} must be one of {devices}; got {device!r}")
        return device

    def to_numpy(self, x: Any) -> np.ndarray:
        try:
            return np.from_dlpack(x)
        except Exception:
            return np.asarray(x)

    def log_f64(self, x: Any) -> Any:
        # glibc's log (the specification's), through the host: library logs differ in the
        # last bit
        from ...engine.host_log import host_log_f64

        host = np.asarray(self.to_numpy(x), np.float64)
        return self.from_numpy(host_log_f64(host), self.device_of(x))

    def bitcast(self, x: Any, name: str) -> Any:
        if hasattr(x, "view") and not self.name == "array_api_strict":
            return x.view(np.dtype(name))
        return super().bitcast(x, name)
