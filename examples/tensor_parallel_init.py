"""Tensor-parallel layers initialised shard by shard, equal to the unsharded layers bit for bit.

What it shows: a Megatron-style MLP block on 2 gloo ranks (CPU, localhost): a column-parallel
``nn.Linear`` (its weight cut along the output features) and a row-parallel one (cut along the
input features), each rank initialising only its own shard of the weights with
``unirand.distributed.local_shard`` (uniform in +-1/sqrt(fan_in), nn.Linear's default range)
and a dropout mask with ``unirand.bernoulli`` cut the same way; one weight is also built as a
``DTensor`` with ``unirand.distributed.dtensor``.  Every rank checks that the gathered shards
are byte for byte the unsharded layer's weights and mask, and that the tensor-parallel forward
pass equals the unsharded one within float32 rounding (the matmul sums in another order).

Why: torch's own sharded init changes with the world size and placement
(pytorch/pytorch#168058), and Megatron's ``_initialize_affine_weight_cpu`` gets the
single-device values only by building the full master weight on every rank and scattering it.
Here no rank ever holds a full weight and nothing is communicated to initialise.

Run: ``python examples/tensor_parallel_init.py`` (needs torch; about 10 s on 2 cores).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import Shard

import unirand
from unirand.distributed import dtensor, local_shard

WORLD = 2
BATCH, D_MODEL, D_HIDDEN = 4, 8, 6
KEEP = 0.9


def init_linear(layer: nn.Linear, key: unirand.ThreefryKey, dim: int | None) -> None:
    """``layer``'s weight and bias in +-1/sqrt(fan_in) (nn.Linear's default range): the shard
    of this rank along ``dim`` of the global (out, in) weight, or the whole layer for None."""
    w_key, b_key = unirand.split(key)
    out_f, in_f = layer.out_features, layer.in_features
    if dim is not None:  # a shard: the global fan_in is the unsharded layer's
        in_f = in_f * WORLD if dim == 1 else in_f
        out_f = out_f * WORLD if dim == 0 else out_f
    bound = 1.0 / math.sqrt(in_f)
    draw = dict(minval=-bound, maxval=bound, xp=torch)
    with torch.no_grad():
        if dim is None:
            layer.weight.copy_(unirand.uniform(w_key, (out_f, in_f), **draw))
            layer.bias.copy_(unirand.uniform(b_key, (out_f,), **draw))
            return
        layer.weight.copy_(local_shard(unirand.uniform, w_key, (out_f, in_f), dim=dim, **draw))
        if dim == 0:  # column-parallel: the bias is cut as the output features are
            bias = local_shard(unirand.uniform, b_key, (out_f,), **draw)
        else:  # row-parallel: the bias is added after the sum over ranks, replicated
            bias = unirand.uniform(b_key, (out_f,), **draw)
        layer.bias.copy_(bias)


def gather(t: torch.Tensor, dim: int) -> torch.Tensor:
    parts = [torch.empty_like(t) for _ in range(WORLD)]
    dist.all_gather(parts, t.contiguous())
    return torch.cat(parts, dim=dim)


def rank_main(rank: int, port: int, out: multiprocessing.Queue) -> None:
    store = dist.TCPStore("127.0.0.1", port, is_master=False, timeout=timedelta(seconds=60))
    dist.init_process_group(
        "gloo", store=store, rank=rank, world_size=WORLD, timeout=timedelta(seconds=60)
    )
    try:
        key = unirand.key(2024)
        k_col, k_row, k_drop, k_x = unirand.split(key, 4)
        x = unirand.normal(k_x, (BATCH, D_MODEL), xp=torch)  # the same input on every rank

        # the tensor-parallel block: each rank holds 1/WORLD of the hidden features
        col = nn.Linear(D_MODEL, D_HIDDEN // WORLD)  # weight (D_HIDDEN/W, D_MODEL): Shard(0)
        row = nn.Linear(D_HIDDEN // WORLD, D_MODEL)  # weight (D_MODEL, D_HIDDEN/W): Shard(1)
        init_linear(col, k_col, dim=0)
        init_linear(row, k_row, dim=1)
        mask = local_shard(unirand.bernoulli, k_drop, (BATCH, D_HIDDEN), dim=1, p=KEEP, xp=torch)
        with torch.no_grad():
            h = torch.relu(col(x)) * mask / KEEP
            y = torch.nn.functional.linear(h, row.weight)
            dist.all_reduce(y)  # the row-parallel sum over the hidden shards
            y = y + row.bias

        # the unsharded block, initialised with the same keys
        full_col, full_row = nn.Linear(D_MODEL, D_HIDDEN), nn.Linear(D_HIDDEN, D_MODEL)
        init_linear(full_col, k_col, dim=None)
        init_linear(full_row, k_row, dim=None)
        full_mask = unirand.bernoulli(k_drop, KEEP, (BATCH, D_HIDDEN), xp=torch)
        with torch.no_grad():
            want = full_row(torch.relu(full_col(x)) * full_mask / KEEP)

        assert torch.equal(gather(col.weight.detach(), 0), full_col.weight.detach())
        assert torch.equal(gather(col.bias.detach(), 0), full_col.bias.detach())
        assert torch.equal(gather(row.weight.detach(), 1), full_row.weight.detach())
        assert torch.equal(row.bias.detach(), full_row.bias.detach())
        assert torch.equal(gather(mask, 1), full_mask)
        err = float(((y - want).abs() / want.abs().clamp_min(1e-6)).max())
        assert torch.allclose(y, want, rtol=1e-5, atol=1e-6), err

        # the same column-parallel weight as a DTensor: its full tensor is the unsharded one
        mesh = init_device_mesh("cpu", (WORLD,))
        bound = 1.0 / math.sqrt(D_MODEL)
        w = dtensor(
            unirand.uniform, unirand.split(k_col)[0], (D_HIDDEN, D_MODEL), mesh, [Shard(0)],
            minval=-bound, maxval=bound,
        )  # fmt: skip
        assert torch.equal(w.to_local(), col.weight.detach())
        assert torch.equal(w.full_tensor(), full_col.weight.detach())
        out.put((rank, err))
    finally:
        dist.destroy_process_group()


def main() -> None:
    start = time.perf_counter()
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"  # gloo on the loopback interface only
    master = dist.TCPStore(
        "127.0.0.1", 0, is_master=True, wait_for_workers=False, timeout=timedelta(seconds=60)
    )
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue = ctx.Queue()
    ranks = [ctx.Process(target=rank_main, args=(r, master.port, results)) for r in range(WORLD)]
    for p in ranks:
        p.start()
    try:
        for p in ranks:
            p.join(120)
    finally:
        for p in ranks:
            if p.is_alive():
                p.kill()
                p.join()
    if any(p.exitcode != 0 for p in ranks):
        sys.exit(f"a rank failed: exit codes {[p.exitcode for p in ranks]}")
    errs = dict(results.get(timeout=5) for _ in ranks)
    print(f"column- and row-parallel nn.Linear ({D_MODEL} -> {D_HIDDEN} -> {D_MODEL}) on {WORLD}")
    print("gloo ranks: every weight, bias and dropout-mask shard equals the unsharded one")
    print(f"largest relative output difference: {max(errs.values()):.1e}")
    print(
        f"OK: tensor_parallel_init: {WORLD} ranks, sharded init and dropout mask bitwise, "
        f"output within rtol 1e-05 ({time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
