"""torch keys against torch's own samplers, bit for bit; the documented child-seed hash."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from _key_kinds import same_bits

import unirand

torch = pytest.importorskip("torch")
from unirand.backends.native_torch import TorchKey, derive_seed  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def gen(seed: int, device: str = "cpu"):
    return torch.Generator(device=device).manual_seed(seed)


def documented_seed(parent_seed: int, op: bytes, n: int) -> int:
    """The hash as docs/adapter_torch.md states it (for a key without a state snapshot)."""
    msg = op + b"\0" + parent_seed.to_bytes(8, "little") + n.to_bytes(8, "little")
    digest = hashlib.blake2b(msg, digest_size=8, person=b"unirand.torch").digest()
    return int.from_bytes(digest, "little")


def test_generator_case_from_the_issue():
    got = unirand.normal(unirand.as_key(torch.Generator().manual_seed(11)), (7,), "float32")
    want = torch.randn(7, generator=torch.Generator().manual_seed(11))
    assert same_bits(got, want)


@pytest.mark.parametrize("device", DEVICES)
def test_used_generator_is_snapshotted_then_reseeded(device):
    g, ref = gen(3, device), gen(3, device)
    torch.rand(5, generator=g, device=device)
    torch.rand(5, generator=ref, device=device)
    key = unirand.as_key(g)
    assert key.device == torch.device(device) or str(key.device).startswith(device)
    assert same_bits(key.normal((4,)), torch.randn(4, generator=ref, device=device))
    # g moved on to a derived seed: its numbers are not the key's
    assert g.initial_seed() == derive_seed(key._m, b"as_key", 0)
    assert not same_bits(torch.randn(4, generator=g, device=device), key.normal((4,)))
    assert unirand.as_key(g) != key


def test_split_and_fold_in_follow_the_documented_hash():
    key = unirand.as_key(gen(11))
    assert key.seed == 11
    children = key.split((2, 2))
    for i in range(4):
        s = documented_seed(11, b"split", i)
        assert children[i // 2, i % 2].seed == s
        assert same_bits(children[i // 2, i % 2].normal((3,)), torch.randn(3, generator=gen(s)))
    folded = key.fold_in(5)
    assert folded.seed == documented_seed(11, b"fold_in", 5)
    splits = {key.split(16)[i].seed for i in range(16)}
    folds = {key.fold_in(d).seed for d in range(16)}
    assert not splits & folds and len(splits) == len(folds) == 16
    # a snapshot key derives its children from the snapshot, not from the seed alone
    g = gen(11)
    torch.rand(1, generator=g)
    assert unirand.as_key(g).split(2)[0] != children[0, 0]


@pytest.mark.parametrize("device", DEVICES)
def test_samplers_are_torchs_own(device):
    key = TorchKey.from_seed(9, device)
    assert key.split(2)[1].device == key.fold_in(1).device == torch.device(device)

    def empty(dtype=torch.float32, shape=(5,)):
        return torch.empty(shape, dtype=dtype, device=device)

    assert same_bits(
        key.normal((5,), "float64"),
        torch.randn(5, generator=gen(9, device), dtype=torch.float64, device=device),
    )
    assert same_bits(
        key.uniform((5,), "float32", -1, 2), empty().uniform_(-1, 2, generator=gen(9, device))
    )
    assert same_bits(key.exponential((5,)), empty().exponential_(1.0, generator=gen(9, device)))
    assert same_bits(key.gumbel((5,)), -torch.log(empty().exponential_(generator=gen(9, device))))
    words = empty(torch.int64).random_(0, 2**32, generator=gen(9, device)).to(torch.uint32)
    assert same_bits(key.bits((5,), "uint32"), words)
    p = torch.tensor([0.2, 0.5, 0.8, 0.1, 0.9], device=device)
    assert same_bits(key.bernoulli(p), torch.bernoulli(p, generator=gen(9, device)).bool())
    cats = key.categorical(torch.zeros(3, 4, device=device), shape=(2, 3))
    assert cats.shape == (2, 3) and cats.dtype == torch.int64 and int(cats.max()) < 4
    top = key.categorical(np.zeros(6), shape=(6,), replace=False)
    assert sorted(top.tolist()) == list(range(6))
    for dt in ("float16", "bfloat16", "float64"):
        assert str(key.uniform((3,), dt).dtype) == f"torch.{dt}"
    b = key.bits((4,), "uint64")
    assert b.dtype == torch.uint64


def test_bridges_and_immutability():
    key = unirand.as_key(gen(4))
    assert same_bits(key.normal((3,)), key.normal((3,)))
    assert same_bits(torch.randn(3, generator=key.torch_generator()), key.normal((3,)))
    w = torch.empty(8)
    torch.nn.init.normal_(w, generator=key.torch_generator())
    assert same_bits(w, key.normal((8,)))
    perm = torch.randperm(10, generator=key.torch_generator())
    assert same_bits(perm, torch.randperm(10, generator=gen(4)))
    assert isinstance(key.numpy_generator(), np.random.Generator)
    assert key.torch_generator("cpu").initial_seed() == 4


def test_results_move_and_errors():
    key = unirand.as_key(gen(1))
    a = unirand.uniform(key, (3,), xp="numpy")
    assert isinstance(a, np.ndarray) and same_bits(a, key.uniform((3,)))
    with pytest.raises(ValueError, match="single key"):
        key.split(3).uniform(())
    with pytest.raises(ValueError, match="seed"):
        TorchKey.from_seed(2**64)
    with pytest.raises(TypeError, match="dtype"):
        key.normal((2,), "uint8")
