"""``unirand.distributed.dtensor`` and ``local_shard`` on real gloo process groups.

The claim: on every rank, ``dtensor(sampler, key, shape, mesh, placements).full_tensor()`` is
the single-process ``sampler(key, shape, xp=torch)`` byte for byte, for world sizes 1, 2 and 4,
1-d meshes (``Shard(0)``, ``Shard(1)``, ``Shard(-1)``, ``Replicate()``) and a (2, 2) mesh (both
dimensions sharded, the same dimension sharded twice, sharded and replicated), uneven and empty
shards included; ``local_shard`` gathered over the group (and a sub-group) is the single draw;
and the draw itself is ``jax.random.normal``'s bytes (computed here, in the test process).

Cost: this file is also the launcher.  One fresh interpreter (``python <this file> OUT
WORLDS``) imports torch once and forks every rank of every world size, so the suite pays one
torch import, not seven.  The ranks rendezvous through a ``TCPStore`` the launcher hosts on
127.0.0.1 (port 0: the OS picks a free one, no race with other tests) and gloo binds the
loopback interface only.  Every wait has a timeout: the process groups 60 s, the launcher
stops all ranks when one fails or 120 s pass, and the test kills the launcher's whole process
group if it overruns; ``destroy_process_group`` runs in a ``finally`` on every rank.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import unirand

ROOT = Path(__file__).resolve().parents[2]
WORLDS = (1, 2, 4)
RANK_DEADLINE_S = 120
#: (sampler, shape, kwargs) drawn on every 1-d mesh placement
CALLS: list[tuple[str, tuple[int, ...], dict[str, Any]]] = [
    ("normal", (7, 5), {"dtype": "float32"}),
    ("normal", (3, 2, 9), {"dtype": "bfloat16"}),
    ("uniform", (5, 3), {"dtype": "float64", "minval": -2.0, "maxval": 3.0}),
    ("bits", (9, 2), {"dtype": "uint8"}),  # gloo cannot gather uint16/32/64: see below
    ("bernoulli", (6, 4), {"p": 0.3}),
    ("randint", (5, 6), {"minval": -5, "maxval": 1000, "dtype": "int64"}),
    ("exponential", (4, 3), {"dtype": "float16"}),
    ("truncated_normal", (3, 7), {"lower": -1.0, "upper": 2.0}),
]
#: the draw also compared with jax.random in the test process
JAX_CASE = ("normal", (7, 5), {"dtype": "float32"})
JAX_SEED = 7


def _key() -> Any:
    return unirand.fold_in(unirand.key(JAX_SEED), 1)


def _bytes(x: Any) -> bytes:
    return np.ascontiguousarray(unirand.backends.to_numpy(x)).tobytes()


# -- the ranks (run in the launcher's forked children) -----------------------------------------
def _check(d: Any, name: str, shape: tuple[int, ...], kwargs: dict[str, Any], what: str) -> Any:
    """``d`` (a DTensor) against the single-process draw, computed here in the rank."""
    import torch

    want = getattr(unirand, name)(_key(), shape=shape, xp=torch, **kwargs)
    full = d.full_tensor()
    assert tuple(d.shape) == shape and d.dtype == want.dtype, (what, d.shape, d.dtype)
    assert _bytes(full) == _bytes(want), what
    return full


def _rank_cases(rank: int, world: int, out: Path) -> int:
    """Every case of one rank; returns how many were checked."""
    import torch
    import torch.distributed as dist
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

    from unirand.distributed import dtensor, local_shard, shard_index

    checked = 0
    mesh = init_device_mesh("cpu", (world,))
    for name, shape, kwargs in CALLS:
        for placement in (Shard(0), Shard(1), Shard(-1), Replicate()):
            d = dtensor(getattr(unirand, name), _key(), shape, mesh, [placement], **kwargs)
            assert isinstance(d, DTensor) and d.device_mesh is mesh
            full = _check(d, name, shape, kwargs, f"{name} {shape} [{placement}] world {world}")
            checked += 1
            if (name, shape, kwargs) == JAX_CASE and placement == Shard(1) and rank == 0:
                np.save(out / f"jax_case_w{world}_1d.npy", full.numpy())
    # uint32 (gloo has no all_gather for it): the local shard is the torch.chunk block
    want32 = unirand.bits(_key(), shape=(5, 9), dtype="uint32", xp=torch)
    for dim in (0, 1):
        d = dtensor(unirand.bits, _key(), (5, 9), mesh, [Shard(dim)], dtype="uint32")
        block = want32[shard_index((5, 9), rank, world, dim)]
        assert _bytes(d.to_local()) == _bytes(block) and d.dtype == torch.uint32, dim
    checked += 1
    if world == 4:
        mesh2 = init_device_mesh("cpu", (2, 2))
        layouts = [
            [Shard(0), Shard(1)],
            [Replicate(), Shard(0)],
            [Shard(1), Shard(1)],
            [Shard(0), Shard(0)],
            [Shard(2), Replicate()],
        ]
        for name, shape, kwargs in [
            ("normal", (5, 7, 3), {"dtype": "float32"}),
            ("randint", (3, 5, 2), {"minval": 0, "maxval": 7}),
        ]:
            for placements in layouts:
                d = dtensor(name, _key(), shape, mesh2, placements, **kwargs)
                what = f"{name} {shape} {placements} on (2, 2)"
                _check(d, name, shape, kwargs, what)
                checked += 1
        d = dtensor(unirand.normal, _key(), JAX_CASE[1], mesh2, [Shard(0), Shard(1)])
        full = _check(d, *JAX_CASE, "the jax case on (2, 2)")
        checked += 1
        if rank == 0:
            np.save(out / "jax_case_w4_2d.npy", full.numpy())
    # the plain form: each rank's torch.chunk cut, gathered over the world and a sub-group
    groups = [(None, world)] + ([(dist.new_group([1, 3]), 2)] if world == 4 else [])
    for group, size in groups:
        members = list(range(world)) if group is None else [1, 3]
        if rank not in members:
            with _raises(ValueError, "not a member"):
                local_shard(unirand.normal, _key(), (9, 4), dim=1, group=group)
            continue
        part = local_shard(unirand.normal, _key(), (9, 4), dim=1, group=group)
        assert isinstance(part, torch.Tensor)
        parts: list[Any] = [None] * size
        dist.all_gather_object(parts, part, group=group)
        want = unirand.normal(_key(), shape=(9, 4), xp=torch)
        assert _bytes(torch.cat(parts, dim=1)) == _bytes(want), ("local_shard", group)
        checked += 1
    if world == 1:  # the errors need a mesh, not several ranks
        bad: list[tuple[Any, type[Exception], str]] = [
            ([Partial()], ValueError, "no pending reduction"),
            ([Shard(0), Shard(1)], ValueError, "one entry per mesh dimension"),
            ([Shard(2)], ValueError, "out of range"),
            (Shard(0), TypeError, "sequence of placements"),
        ]
        for placements, error, words in bad:
            with _raises(error, words):
                dtensor(unirand.normal, _key(), (4, 4), mesh, placements)
        for extra in ({"xp": torch}, {"device": "cpu"}, {"index": np.s_[:2]}):
            with _raises(TypeError, "is not accepted"):
                dtensor(unirand.normal, _key(), (4, 4), mesh, [Shard(0)], **extra)
        with _raises(ValueError, "not elementwise"):
            dtensor(unirand.permutation, _key(), (4,), mesh, [Shard(0)])
        with _raises(TypeError, "portable key"):
            dtensor(unirand.normal, 3, (4,), mesh, [Shard(0)])
        with _raises(TypeError, "DeviceMesh"):
            dtensor(unirand.normal, _key(), (4,), "cpu", [Shard(0)])
        checked += 1
    return checked


class _raises:
    """``pytest.raises`` for the ranks (which run outside pytest): the error and its words."""

    def __init__(self, error: type[Exception], words: str) -> None:
        self.error, self.words = error, words

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, tb: Any) -> bool:
        assert kind is not None, f"no {self.error.__name__} ({self.words!r})"
        assert issubclass(kind, self.error) and self.words in str(value), (kind, value)
        return True


def _rank_main(rank: int, world: int, port: int, out: Path) -> None:
    import torch.distributed as dist

    store = dist.TCPStore("127.0.0.1", port, is_master=False, timeout=timedelta(seconds=60))
    dist.init_process_group(
        "gloo",
        store=dist.PrefixStore(f"world{world}", store),
        rank=rank,
        world_size=world,
        timeout=timedelta(seconds=60),
    )
    try:
        checked = _rank_cases(rank, world, out)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    (out / f"w{world}r{rank}.json").write_text(json.dumps({"checked": checked}))


def _launch(out: Path, worlds: list[int]) -> int:
    """Fork every rank of each world size in turn; stop them all on the first failure."""
    import multiprocessing

    import torch
    import torch.distributed as dist
    import torch.distributed.tensor  # imported once here, shared by the forks

    unirand.normal(unirand.key(0), shape=(2,), xp=torch)  # loads the torch backend once
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"  # gloo listens on the loopback interface only
    master = dist.TCPStore(
        "127.0.0.1", 0, is_master=True, wait_for_workers=False, timeout=timedelta(seconds=60)
    )
    fork = multiprocessing.get_context("fork")
    for world in worlds:
        start = time.monotonic()
        ranks = [
            fork.Process(target=_rank_main, args=(r, world, master.port, out), daemon=True)
            for r in range(world)
        ]
        for p in ranks:
            p.start()
        deadline = time.monotonic() + RANK_DEADLINE_S
        try:
            while any(p.exitcode is None for p in ranks):
                failed = [p.exitcode for p in ranks if p.exitcode not in (None, 0)]
                if failed or time.monotonic() > deadline:
                    print(f"world {world}: exit codes {[p.exitcode for p in ranks]}")
                    return 1
                time.sleep(0.05)
            if any(p.exitcode != 0 for p in ranks):
                print(f"world {world}: exit codes {[p.exitcode for p in ranks]}")
                return 1
        finally:
            for p in ranks:
                if p.exitcode is None:
                    p.kill()
                p.join(5)
        print(f"world {world}: every rank passed in {time.monotonic() - start:.1f} s")
    return 0


# -- the test (in pytest's process) ----------------------------------------------------------
@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs every world size once, for all the tests below."""
    pytest.importorskip("torch")
    out = tmp_path_factory.mktemp("dtensor")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "UNIRAND_NUMBA": "0", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, __file__, str(out), ",".join(map(str, WORLDS))]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=RANK_DEADLINE_S * len(WORLDS) + 60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, output[-6000:]
    return out


@pytest.mark.parametrize("world", WORLDS)
def test_every_rank_checked_every_case(launched: Path, world: int) -> None:
    counts = [json.loads((launched / f"w{world}r{r}.json").read_text()) for r in range(world)]
    expected = 4 * len(CALLS) + 2 + {1: 1, 2: 0, 4: 11}[world]
    for rank, count in enumerate(counts):
        member_of_subgroup = world == 4 and rank in (1, 3)
        assert count["checked"] == expected + member_of_subgroup, (world, rank, count)


def test_the_gathered_dtensor_is_jax_random(launched: Path) -> None:
    jax = pytest.importorskip("jax")
    from _backends import jax_x64

    _, shape, kwargs = JAX_CASE
    with jax_x64(True):
        jkey = jax.random.wrap_key_data(np.asarray(unirand.key_data(_key())))
        want = np.asarray(jax.random.normal(jkey, shape, **kwargs)).tobytes()
    files = sorted(launched.glob("jax_case_*.npy"))
    assert [f.name for f in files] == [
        "jax_case_w1_1d.npy",
        "jax_case_w2_1d.npy",
        "jax_case_w4_1d.npy",
        "jax_case_w4_2d.npy",
    ]
    for f in files:
        assert np.load(f).tobytes() == want, f.name


def test_local_shard_needs_an_initialized_process_group() -> None:
    pytest.importorskip("torch")
    import torch.distributed as dist

    from unirand.distributed import local_shard

    if dist.is_available() and dist.is_initialized():
        pytest.skip("a process group is initialized in this process")
    with pytest.raises(RuntimeError, match="init_process_group"):
        local_shard(unirand.normal, _key(), (4,))
    with pytest.raises(ValueError, match="not elementwise"):
        local_shard(unirand.permutation, _key(), (4,))


if __name__ == "__main__":  # the launcher: python test_torch_dtensor.py OUT WORLDS
    sys.exit(_launch(Path(sys.argv[1]), [int(w) for w in sys.argv[2].split(",")]))
