"""Loop samplers on the host: where a library's own arrays only slow the specification down.

The loop samplers (``gamma``, ``loggamma``, ``poisson``, ``binomial``, ``multinomial`` and
the samplers built on them) stop when a host mask says every element is done, so on every
library their loops are driven from Python, one library call per operation and iteration.
Where the key and the result live in host memory, the same specification runs on the NumPy
backend (the compiled engine where present) and the result is handed to the library:

- **JAX** with a concrete (not traced) key, on any device: thousands of eager ``jax.numpy``
  dispatches, each a compilation per new shape, are avoided (a gamma case went from seconds
  to 0.01 CPU-s).  Traced keys keep their own path.
- **torch on the CPU**: besides the speed, torch's float kernels give other NaN bit patterns
  than XLA where a parameter is NaN or negative (``log``, ``pow``, the 16-bit conversions);
  NumPy's are the specification's.  CUDA tensors keep the torch path, which is exact except
  for those NaN bits.

The bytes are the specification's either way: the golden-vector tests replay both paths
(:func:`library_loops` turns hosting off for a block, to test the library's own path).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import numpy as np

from ..engine.backend import Backend

__all__ = ["host_loops", "library_loops", "on_device"]

_HOSTED: ContextVar[bool] = ContextVar("unirand_hosted_loops", default=True)


def host_loops(backend: Backend, data: Any, device: Any = None) -> tuple[Backend, Any] | None:
    """``(numpy backend, host key data)`` where a loop sampler drawing on ``device`` (default:
    where the key is) should run on the host: JAX with a concrete key, or torch with the key
    and the result in CPU memory.  None otherwise (other libraries, a traced JAX key, a CUDA
    tensor, or inside :func:`library_loops`)."""
    if not _HOSTED.get() or backend.name not in ("jax", "torch"):
        return None
    if backend.is_traced(data):
        return None
    if backend.name == "torch" and not _torch_cpu(data, device):
        return None
    from .. import backends

    return backends.by_name("numpy"), np.asarray(backend.to_numpy(data))


def _torch_cpu(data: Any, device: Any) -> bool:
    import torch

    if data.device.type != "cpu":
        return False
    return device is None or torch.device(device).type == "cpu"


def on_device(backend: Backend, host: Any, device: Any) -> Any:
    """A host result of :func:`host_loops` on ``backend``'s ``device`` (bytes unchanged)."""
    return backend.from_numpy(np.asarray(host), device)


@contextlib.contextmanager
def library_loops() -> Iterator[None]:
    """Within the block (this thread or task only), loop samplers run on the key's own
    library even where :func:`host_loops` would host them: for tests of that path."""
    token = _HOSTED.set(False)
    try:
        yield
    finally:
        _HOSTED.reset(token)
