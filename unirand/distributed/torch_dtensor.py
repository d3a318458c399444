"""PyTorch distributed: a ``DTensor`` drawn shard by shard, and a plain rank's shard.

DTensor's own random ops (``torch.distributed.tensor.rand``, ``nn.init`` on a DTensor) follow
SPMD semantics: their values change with the world size and the placements
(pytorch/pytorch#168058), and the single-device values are reachable only by building the full
tensor on every rank and scattering it, as Megatron's ``_initialize_affine_weight_cpu`` does.
A portable key's draw is partitionable (element ``i`` is the hash of counter ``i``), so each
rank can compute exactly the block DTensor assigns to it and nothing else:

* :func:`dtensor` asks torch where this rank's block lies
  (``compute_local_shape_and_global_offset``, the function DTensor and distributed
  checkpointing use themselves, so uneven shards and nested ``Shard`` placements are cut as
  DTensor cuts them), draws that block with ``index=`` on the mesh's device, and wraps it with
  ``DTensor.from_local`` (no communication).  ``full_tensor()`` is the single-process draw
  byte for byte, for any mesh and placements.
* :func:`local_shard` is the form without DTensor: rank and world size from a
  ``torch.distributed`` process group, the ``torch.chunk`` cut of
  :func:`unirand.distributed.shard`.

This module imports torch; ``unirand.distributed`` loads it on first use of either name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import DeviceMesh
from torch.distributed.tensor import DTensor, Placement, Replicate, Shard
from torch.distributed.tensor._utils import compute_local_shape_and_global_offset

from ..keys.validation import as_shape
from .shards import elementwise, portable_key, shard

__all__ = ["dtensor", "local_shard"]

#: keyword arguments the layout decides, not the caller
_DECIDED = {
    "xp": "the local shard is a torch tensor",
    "device": "the mesh's device type decides",
    "index": "the placements decide the block",
    "offset": "the placements decide the block",
}


def dtensor(
    sampler: Any,
    key: Any,
    shape: Any,
    device_mesh: DeviceMesh,
    placements: Sequence[Placement],
    **kwargs: Any,
) -> DTensor:
    """``sampler(key, shape, **kwargs)`` as a ``DTensor`` on ``device_mesh`` with
    ``placements``, each rank computing only its own local shard.

    ``placements`` has one entry per mesh dimension, each ``Shard(d)`` or ``Replicate()``
    (``Shard`` on several mesh dimensions, the same tensor dimension included, and uneven sizes
    are cut as DTensor cuts them).  Every rank of the mesh calls this with the same arguments;
    nothing is communicated, and ``result.full_tensor()`` equals
    ``sampler(key, shape, xp=torch, **kwargs)`` byte for byte whatever the mesh and placements.
    The local shard is computed with torch on the mesh's device type (the current device of
    that type).  ``Partial`` placements are refused: a random draw has no pending reduction.
    """
    fn = elementwise(sampler)
    key = portable_key(key, "dtensor")
    gshape = as_shape(shape)
    _refuse_decided(kwargs, "dtensor")
    if not isinstance(device_mesh, DeviceMesh):
        raise TypeError(
            f"dtensor: device_mesh must be a torch.distributed DeviceMesh "
            f"(init_device_mesh(...)); got {type(device_mesh).__name__}"
        )
    placed = _placements(placements, device_mesh.ndim, len(gshape))
    device = _mesh_device(device_mesh.device_type)
    if device_mesh.get_coordinate() is None:
        # not a member of the mesh: DTensor keeps an empty local tensor there
        local = _empty(fn, key, gshape, device, kwargs)
    else:
        local_shape, global_offset = compute_local_shape_and_global_offset(
            gshape, device_mesh, placed
        )
        index = tuple(
            slice(start, start + size)
            for start, size in zip(global_offset, local_shape, strict=True)
        )
        local = fn(key, shape=gshape, index=index, xp=torch, device=device, **kwargs)
    return DTensor.from_local(
        local,
        device_mesh,
        placed,
        run_check=False,
        shape=torch.Size(gshape),
        stride=_contiguous_strides(gshape),
    )


def local_shard(
    sampler: Any,
    key: Any,
    shape: Any,
    dim: int = 0,
    group: Any = None,
    **kwargs: Any,
) -> Any:
    """This process's shard of ``sampler(key, shape, **kwargs)`` along ``dim`` in the
    ``torch.distributed`` process group ``group`` (default: the world): rank
    ``get_rank(group)`` of ``get_world_size(group)``, cut as ``torch.chunk`` (and DTensor's
    ``Shard(dim)``) cut it, computed alone with ``xp=torch`` (pass ``device=`` for a GPU).
    Concatenating every rank's shard along ``dim`` gives the single-process draw byte for
    byte.  The process group is only asked for the rank and size: nothing is communicated."""
    fn = elementwise(sampler)
    if not dist.is_available() or not dist.is_initialized():
        raise RuntimeError(
            "local_shard: torch.distributed is not initialized: call "
            "torch.distributed.init_process_group(...) first, or give the rank and world size "
            "to unirand.distributed.shard"
        )
    for name in ("index", "offset"):
        if name in kwargs:
            raise TypeError(f"local_shard: {name}= is not accepted: the rank decides the block")
    rank = dist.get_rank(group)
    if rank < 0:
        raise ValueError(f"local_shard: this process is not a member of group {group!r}")
    world_size = dist.get_world_size(group)
    kwargs.setdefault("xp", torch)
    return shard(fn, key, shape, rank, world_size, dim, **kwargs)


def _refuse_decided(kwargs: dict[str, Any], name: str) -> None:
    for arg, why in _DECIDED.items():
        if arg in kwargs:
            raise TypeError(f"{name}: {arg}= is not accepted: {why}")


def _placements(placements: Any, mesh_ndim: int, ndim: int) -> list[Placement]:
    """``placements`` checked (one per mesh dimension, ``Shard``/``Replicate`` only) with
    negative ``Shard`` dimensions made positive, as ``DTensor.from_local`` expects them."""
    if isinstance(placements, Placement) or not isinstance(placements, Sequence):
        raise TypeError(
            "dtensor: placements must be a sequence of placements, one per mesh dimension "
            f"(e.g. [Shard(0)]); got {placements!r}"
        )
    if len(placements) != mesh_ndim:
        raise ValueError(
            f"dtensor: placements must have one entry per mesh dimension ({mesh_ndim}); "
            f"got {len(placements)}: {list(placements)!r}"
        )
    out: list[Placement] = []
    for p in placements:
        if type(p) is Shard:  # exactly Shard: _StridedShard is a subclass with another cut
            if not -ndim <= p.dim < ndim:
                raise ValueError(
                    f"dtensor: {p!r} is out of range for a tensor of {ndim} dimensions"
                )
            out.append(Shard(p.dim % ndim))
        elif isinstance(p, Replicate):
            out.append(p)
        else:
            raise ValueError(
                "dtensor: each placement must be Shard(dim) or Replicate() (a random draw has "
                f"no pending reduction, and strided shards are not supported); got {p!r}"
            )
    return out


def _mesh_device(device_type: str) -> torch.device:
    """The device a rank's local shard lives on: the current device of the mesh's type (what
    DTensor's own factories use)."""
    if device_type == "cpu":
        return torch.device("cpu")
    module = torch.get_device_module(device_type)
    return torch.device(device_type, module.current_device())


def _empty(
    fn: Any, key: Any, gshape: tuple[int, ...], device: torch.device, kwargs: dict[str, Any]
) -> torch.Tensor:
    """An empty 1-d tensor of the draw's dtype: the local tensor of a rank outside the mesh."""
    index = tuple(slice(0, 0) for _ in gshape) if gshape else None
    none = fn(key, shape=gshape, index=index, xp=torch, device=device, **kwargs)
    return none.reshape(-1)[:0]


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))
