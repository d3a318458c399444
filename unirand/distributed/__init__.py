"""Sharded draws: any block of a global random array, on any rank, bitwise the single-device draw.

``shard``/``shard_index`` need no framework.  The framework helpers live in their own modules and
are loaded on first use (``unirand.distributed.dask_array`` imports dask, ``dtensor`` torch,
``jax_array`` jax), so ``import unirand`` still imports none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

from .shards import shard, shard_index

__all__ = ["dask_array", "dtensor", "jax_array", "local_shard", "shard", "shard_index"]

#: public name -> the submodule that defines it (imported on first access)
_LAZY = {
    "dask_array": "dask_arrays",
    "dtensor": "torch_dtensor",
    "local_shard": "torch_dtensor",
    "jax_array": "jax_sharding",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unirand.distributed' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
