"""torch keys against torch's own samplers, bit for bit; the documented child-seed hash."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from _key_kinds import same_bits

import unirand

torch = pytest.importorskip("torch")
from unirand.keys.native.torch import TorchKey, derive_seed  # noqa: E402

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


# -- randint, permutation, shuffle, choice, truncated_normal ------------------------------------
@pytest.mark.filterwarnings("ignore:mean is more than 2 std")  # the reference trunc_normal_
@pytest.mark.parametrize("device", DEVICES)
def test_new_samplers_are_torchs_own(device):
    key = TorchKey.from_seed(9, device)

    def g():
        return gen(9, device)

    want = torch.randint(-3, 7, (5,), generator=g(), dtype=torch.int64, device=device)
    assert same_bits(key.randint((5,), -3, 7, "int64"), want)
    want = torch.randint(0, 256, (2, 3), generator=g(), dtype=torch.uint8, device=device)
    assert same_bits(unirand.randint(key, (2, 3), 0, 256, "uint8"), want)
    lo, hi = torch.tensor([0, 10, -100], device=device), torch.tensor([5, 11, 1000], device=device)
    r = torch.empty((2, 3), dtype=torch.int64, device=device).random_(generator=g())
    assert same_bits(key.randint((2, 3), lo, hi), (lo + r % (hi - lo)).to(torch.int32))
    x = torch.arange(12, device=device).reshape(3, 4)
    assert same_bits(key.permutation(10), torch.randperm(10, generator=g(), device=device))
    perm = torch.randperm(4, generator=g(), device=device)
    assert same_bits(unirand.permutation(key, x, 1), x.index_select(1, perm))
    noise = torch.rand((3, 4), generator=g(), dtype=torch.float64, device=device)
    want = torch.take_along_dim(x, torch.argsort(noise, dim=1, stable=True), dim=1)
    assert same_bits(key.permutation(x, 1, True), want)
    assert same_bits(unirand.shuffle(key, x, 1), want)
    assert same_bits(key.shuffle(x[0]), x[0][torch.randperm(4, generator=g(), device=device)])
    want = torch.randint(0, 7, (4,), generator=g(), device=device).reshape(2, 2)
    assert same_bits(key.choice(7, (2, 2)), want)
    idx = torch.randperm(4, generator=g(), device=device)[:3]
    assert same_bits(unirand.choice(key, x, (3,), False, axis=1), x.index_select(1, idx))
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], device=device)
    for replace in (True, False):
        idx = torch.multinomial(p, 3, replacement=replace, generator=g())
        assert same_bits(key.choice(x, (3,), replace, p, axis=1), x.index_select(1, idx))
    for dt, (a, b) in [("float32", (-1.0, 2.0)), ("float16", (3.0, 4.0)), ("float64", (-5.0, 0.0))]:
        t = torch.empty(6, dtype=getattr(torch, dt), device=device)
        torch.nn.init.trunc_normal_(t, 0.0, 1.0, a, b, generator=g())
        assert same_bits(unirand.truncated_normal(key, a, b, (6,), dt), t)


def test_truncated_normal_with_array_or_infinite_bounds_is_the_documented_derivation():
    key = TorchKey.from_seed(9)
    lo = torch.tensor([-1.0, 0.5, -math.inf], dtype=torch.float64)
    up = torch.tensor([2.0, math.inf, -2.0], dtype=torch.float64)
    u = torch.empty((4, 3), dtype=torch.float64).uniform_(0, 1, generator=gen(9))
    a, b = torch.erf(lo / math.sqrt(2)), torch.erf(up / math.sqrt(2))
    want = torch.clamp(math.sqrt(2) * torch.erfinv(a + (b - a) * u), lo, up)
    assert same_bits(key.truncated_normal(lo, up, (4, 3), "float64"), want)
    # a statistical check of the derivation: KS against the truncated normal CDF, alpha 1e-3
    n = 20_000
    z = np.sort(key.truncated_normal(0.5, math.inf, (n,), "float64").numpy())
    assert (z >= 0.5).all() and np.isfinite(z).all()
    phi = np.frompyfunc(lambda v: 0.5 * math.erfc(-v / math.sqrt(2)), 1, 1)
    cdf = (phi(z).astype(np.float64) - phi(0.5)) / (1 - phi(0.5))
    i = np.arange(1, n + 1)
    assert max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)) < 1.95 / math.sqrt(n)
    z16 = key.truncated_normal(np.array([0.0, 1.0]), 1.5, (100, 2), "bfloat16")
    assert z16.dtype == torch.bfloat16 and (z16 >= torch.tensor([0.0, 1.0])).all()


def test_new_sampler_errors():
    key = unirand.as_key(gen(1))
    with pytest.raises(TypeError, match="dtype"):
        key.randint((2,), 0, 5, "float32")
    with pytest.raises(TypeError, match="minval"):
        key.randint((2,), torch.tensor([0.5]), 5)
    with pytest.raises(ValueError, match="maxval"):
        key.randint((2,), 0, 257, "uint8")
    with pytest.raises(ValueError, match="2\\*\\*63"):
        key.randint((2,), 0, 2**63, "uint64")
    with pytest.raises(ValueError, match="minval must be < maxval"):
        key.randint((2,), 3, 3)
    with pytest.raises(ValueError, match="larger sample"):
        key.choice(torch.arange(3), (4,), replace=False)
    with pytest.raises(ValueError, match="sum to 1"):
        key.choice(3, (2,), p=torch.tensor([0.3, 0.3, 0.3]))
    with pytest.raises(ValueError, match="non-negative"):
        key.choice(3, (2,), p=[-0.5, 1.0, 0.5])
    with pytest.raises(TypeError, match="float"):
        key.choice(3, (2,), p=[0, 0, 1])
    with pytest.raises(ValueError, match="lower must be < upper"):
        key.truncated_normal(1.0, 1.0)
    with pytest.raises(TypeError, match="upper"):
        key.truncated_normal(0.0, True)
    with pytest.raises(TypeError, match="shuffle takes an array"):
        key.shuffle(4)
    assert isinstance(key.permutation(5, xp="numpy"), np.ndarray)
