"""NumPy keys against numpy.random itself, bit for bit."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from _key_kinds import same_bits

import unirand
from unirand.keys.native.numpy import FOLD_TAG, NumpyKey

BITGENS = ["PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937"]


def test_seed_sequence_case_from_the_issue():
    got = unirand.normal(unirand.as_key(np.random.SeedSequence(5)), (6,), "float64")
    want = np.random.default_rng(np.random.SeedSequence(5)).standard_normal(6)
    assert same_bits(got, want)


def test_as_key_does_not_mutate_a_seed_sequence():
    seq = np.random.SeedSequence(5)
    key = unirand.as_key(seq)
    key.split(4)
    key.fold_in(3).normal((2,))
    assert seq.n_children_spawned == 0
    assert key.impl == "numpy:PCG64"


@pytest.mark.parametrize(
    "seq",
    [
        lambda: np.random.SeedSequence(5),
        lambda: np.random.SeedSequence([1, 2, 2**40], spawn_key=(7, 2**33), pool_size=8),
        lambda: np.random.SeedSequence(np.array([3, 4], np.uint64)),
    ],
)
def test_split_child_i_is_spawn_child_i(seq):
    s = seq()
    s.spawn(2)  # children already handed out: split continues after them, as spawn does
    key = unirand.as_key(s)
    keys = key.split((2, 3))
    reference = copy.deepcopy(s).spawn(6)
    for i in range(6):
        child = keys[i // 3, i % 3]
        assert child.seed_sequence().spawn_key == reference[i].spawn_key
        pool = s.pool_size
        assert np.array_equal(
            child.seed_sequence().generate_state(pool), reference[i].generate_state(pool)
        )
        want = np.random.default_rng(reference[i]).standard_normal(3)
        assert same_bits(child.normal((3,), "float64"), want)
    assert s.n_children_spawned == 2  # never mutated


def test_fold_in_spawn_key_and_no_collision_with_split():
    key = unirand.as_key(np.random.SeedSequence(11, spawn_key=(4,)))
    assert key.fold_in(9).seed_sequence().spawn_key == (4, FOLD_TAG, 9)
    # every path of up to two operations gives a distinct entropy pool
    ops = [("split", i) for i in range(6)] + [("fold", d) for d in range(6)]

    def apply(k, op):
        return k.split(6)[op[1]] if op[0] == "split" else k.fold_in(op[1])

    states = {}
    for a in ops:
        ka = apply(key, a)
        states[(a,)] = ka.seed_sequence().generate_state(4).tobytes()
        for b in ops:
            states[(a, b)] = apply(ka, b).seed_sequence().generate_state(4).tobytes()
    assert len(set(states.values())) == len(states)
    assert key.fold_in(2**32 - 1) != key.split(3)[0]


@pytest.mark.parametrize("name", BITGENS)
def test_generator_is_spawned_from_and_keeps_its_bit_generator(name):
    cls = getattr(np.random, name)
    gen = np.random.Generator(cls(np.random.SeedSequence(7)))
    key = unirand.as_key(gen)
    assert key.impl == f"numpy:{name}" and key.bit_generator == name
    child = np.random.SeedSequence(7).spawn(1)[0]
    assert same_bits(
        key.normal((5,), "float64"), np.random.Generator(cls(child)).standard_normal(5)
    )
    # the generator's own numbers are untouched ...
    fresh = np.random.Generator(cls(np.random.SeedSequence(7)))
    assert same_bits(gen.random(4), fresh.random(4))
    # ... and a second as_key (or a later spawn) never repeats the key
    again = unirand.as_key(gen.bit_generator)
    assert again != key and again.impl == key.impl
    assert gen.bit_generator.seed_seq.n_children_spawned == 2
    assert not same_bits(again.normal((5,), "float64"), key.normal((5,), "float64"))


def test_samplers_are_the_generators_own():
    key = unirand.as_key(np.random.SeedSequence(3))

    def gen():
        return np.random.default_rng(np.random.SeedSequence(3))

    assert same_bits(key.normal((4,)), gen().standard_normal(4, dtype=np.float32))
    assert same_bits(key.uniform((4,)), gen().random(4, dtype=np.float32))
    assert same_bits(key.uniform((4,), "float64", -2.0, 3.0), gen().uniform(-2.0, 3.0, 4))
    for w in (8, 16, 32, 64):
        dt = f"uint{w}"
        assert same_bits(key.bits((5,), dt), gen().integers(0, 2**w, size=5, dtype=dt))
    assert same_bits(key.exponential((4,), "float64"), gen().standard_exponential(4))
    assert same_bits(key.gumbel((4,), "float64"), gen().gumbel(size=4))
    p = np.array([0.1, 0.5, 0.9])
    assert same_bits(key.bernoulli(p, (2, 3)), gen().random((2, 3)) < p)
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]))
    want = np.argmax(gen().gumbel(size=(4, 2, 3)) + logits, axis=-1)
    assert same_bits(key.categorical(logits, shape=(4, 2)), want.astype(np.int64))
    top = key.categorical(np.zeros(5), shape=(5,), replace=False)
    assert sorted(top.tolist()) == [0, 1, 2, 3, 4]


def test_derived_16_bit_floats_and_bounds():
    key = unirand.as_key(np.random.SeedSequence(3))
    for dt in ("float16", "bfloat16"):
        u = key.uniform((1000,), dt)
        assert str(u.dtype) == dt and 0 <= float(u.min()) and float(u.max()) < 1
        assert str(key.normal((3,), dt).dtype) == dt
    u = key.uniform((2, 3), minval=np.array([0.0, 10.0, 20.0]), maxval=np.array([1.0, 11, 21]))
    assert u.dtype == np.float32 and (u >= [0, 10, 20]).all() and (u < [1, 11, 21]).all()
    with pytest.raises(ValueError, match="broadcast"):
        key.uniform((3,), minval=np.zeros((2, 3)))


def test_key_is_immutable_and_bridges():
    key = unirand.as_key(np.random.SeedSequence(21))
    assert same_bits(key.normal((3,)), key.normal((3,)))
    assert same_bits(key.numpy_generator().standard_normal(3), key.normal((3,), "float64"))
    assert isinstance(key.seed_sequence(), np.random.SeedSequence)
    g1, g2 = key.torch_generator(), key.torch_generator()
    assert g1.initial_seed() == g2.initial_seed()
    assert key.jax_key().dtype == key.jax_key().dtype


def test_results_move_to_other_libraries():
    torch = pytest.importorskip("torch")
    key = unirand.as_key(np.random.SeedSequence(2))
    t = unirand.normal(key, (3,), xp="torch")
    assert isinstance(t, torch.Tensor) and same_bits(t, key.normal((3,)))


def test_errors():
    with pytest.raises(TypeError, match="RandomState"):
        unirand.as_key(np.random.RandomState(1))
    legacy = np.random.MT19937()
    legacy._legacy_seeding(5)
    with pytest.raises(ValueError, match="SeedSequence"):
        unirand.as_key(legacy)
    key = unirand.as_key(np.random.SeedSequence(1))
    with pytest.raises(ValueError, match="single key"):
        key.split(2).normal((2,))
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        key.fold_in(2**32)
    with pytest.raises(TypeError, match="dtype"):
        key.bits((2,), "float32")
    with pytest.raises(TypeError, match="cannot be indexed"):
        key[0]
    with pytest.raises(IndexError):
        key.split(2)[2]
    with pytest.raises(ValueError, match="bit generator"):
        NumpyKey.from_seed_sequence(np.random.SeedSequence(1), "Nope")


# -- randint, permutation, shuffle, choice, truncated_normal ------------------------------------
def _gen3():
    return np.random.default_rng(np.random.SeedSequence(3))


def test_randint_permutation_choice_are_the_generators_own():
    key = unirand.as_key(np.random.SeedSequence(3))
    assert same_bits(key.randint((4,), 0, 10), _gen3().integers(0, 10, size=(4,), dtype="int32"))
    lo = np.array([0, -5, 100])
    assert same_bits(
        unirand.randint(key, (2, 3), lo, 200, "int16"),
        _gen3().integers(lo, 200, size=(2, 3), dtype="int16"),
    )
    assert same_bits(
        key.randint((5,), 0, 256, "uint8"), _gen3().integers(0, 256, size=5, dtype="uint8")
    )
    full = _gen3().integers(-(2**63), 2**63, size=3, dtype="int64")
    assert same_bits(key.randint((3,), -(2**63), 2**63, "int64"), full)
    x = np.arange(12).reshape(3, 4)
    assert same_bits(key.permutation(10), _gen3().permutation(10))
    assert same_bits(unirand.permutation(key, x, 1), _gen3().permutation(x, axis=1))
    assert same_bits(key.permutation(x, 1, True), _gen3().permuted(x, axis=1))
    assert same_bits(unirand.shuffle(key, x, 1), _gen3().permuted(x, axis=1))
    p = np.array([0.1, 0.2, 0.3, 0.4])
    for replace in (True, False):
        want = _gen3().choice(x, size=(2,), replace=replace, axis=1)
        assert same_bits(key.choice(x, (2,), replace, axis=1), want)
        want = _gen3().choice(4, size=(3,), replace=replace, p=p)
        assert same_bits(unirand.choice(key, 4, (3,), replace, p), want)
    assert same_bits(key.choice(7, (2, 2)), _gen3().choice(7, size=(2, 2)))
    p32 = np.array([0.25, 0.25, 0.5 + 1e-5], np.float32)  # within float32's tolerance
    assert same_bits(key.choice(3, (4,), p=p32), _gen3().choice(3, size=(4,), p=p32))
    assert key.choice(np.arange(5.0), (0,)).shape == (0,)


def test_truncated_normal_follows_its_documented_construction():
    key = unirand.as_key(np.random.SeedSequence(3))
    lo, up = np.array([-1.0, 0.5, -np.inf]), np.array([2.0, np.inf, -2.0])
    erf = np.frompyfunc(math.erf, 1, 1)
    a, b = (erf(v / math.sqrt(2)).astype(np.float64) for v in (lo, up))
    u = _gen3().uniform(a, b, size=(4, 3))
    z = key.truncated_normal(lo, up, (4, 3), "float64")
    assert z.dtype == np.float64 and z.shape == (4, 3)
    assert np.allclose(erf(z / math.sqrt(2)).astype(np.float64), u, rtol=0, atol=4e-16)
    assert same_bits(unirand.truncated_normal(key, -1.0, 2.0, None, "float64"), z[0, 0])


def _truncnorm_cdf(x, lo, up):
    phi = np.frompyfunc(lambda v: 0.5 * math.erfc(-v / math.sqrt(2)), 1, 1)
    pl, pu = float(phi(lo)), float(phi(up))
    return (phi(x).astype(np.float64) - pl) / (pu - pl)


@pytest.mark.parametrize(
    "lo,up", [(-1.0, 2.0), (0.5, np.inf), (-np.inf, -2.0), (-0.1, 0.1), (2.5, 6.0)]
)
def test_truncated_normal_is_a_truncated_normal(lo, up):
    """KS test against the truncated normal CDF (``math.erfc``), alpha = 1e-3, and bounds."""
    key = unirand.as_key(np.random.SeedSequence(17))
    n = 20_000
    for dtype in ("float64", "float32"):
        z = np.sort(key.truncated_normal(lo, up, (n,), dtype).astype(np.float64))
        assert (z > lo).all() and (z < up).all()
        cdf = _truncnorm_cdf(z, lo, up)
        i = np.arange(1, n + 1)
        d = max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n))
        assert d < 1.95 / math.sqrt(n), (dtype, d)


def test_truncated_normal_16_bit_and_narrow_bounds_stay_inside():
    key = unirand.as_key(np.random.SeedSequence(5))
    for dt in ("float16", "bfloat16", "float32", "float64"):
        z = key.truncated_normal(0.0, 0.01, (2000,), dt)
        assert str(z.dtype) == dt
        z = z.astype(np.float64)
        assert (z > 0).all() and (z < 0.01).all()
    z = key.truncated_normal(9.0, 10.0, (5,), "float64")  # erf rounds to 1: as in JAX
    assert ((z > 9) & (z < 10)).all()


def test_new_sampler_errors_and_consumption():
    key = unirand.as_key(np.random.SeedSequence(1))
    with pytest.raises(TypeError, match="dtype"):
        key.randint((2,), 0, 5, "float32")
    with pytest.raises(TypeError, match="minval"):
        key.randint((2,), 0.5, 5)
    with pytest.raises(TypeError, match="maxval"):
        key.randint((2,), 0, True)
    with pytest.raises(ValueError, match="maxval"):
        key.randint((2,), 0, 257, "uint8")
    with pytest.raises(ValueError, match="minval"):
        key.randint((2,), -1, 5, "uint8")
    with pytest.raises(ValueError, match="minval must be < maxval"):
        key.randint((2,), np.array([0, 5]), 5)
    with pytest.raises(ValueError, match="broadcast"):
        key.randint((2,), np.zeros(3, int), 5)
    with pytest.raises(ValueError, match="larger sample"):
        key.choice(3, (4,), replace=False)
    with pytest.raises(ValueError, match="non-negative"):
        key.choice(3, (2,), p=np.array([-0.5, 1.0, 0.5]))
    with pytest.raises(ValueError, match="sum to 1"):
        key.choice(3, (2,), p=np.array([0.3, 0.3, 0.3]))
    with pytest.raises(ValueError, match="non-zero"):
        key.choice(3, (2,), replace=False, p=np.array([0.0, 0.0, 1.0]))
    with pytest.raises(TypeError, match="sequence"):
        key.choice(3, 2)
    with pytest.raises(ValueError, match="mode"):
        key.choice(3, (2,), mode="highest")
    with pytest.raises(TypeError, match="independent"):
        key.permutation(np.arange(3), independent=1)
    with pytest.raises(TypeError, match="shuffle takes an array"):
        key.shuffle(5)
    with pytest.raises(ValueError, match="axis"):
        key.permutation(np.arange(3), axis=1)
    with pytest.raises(ValueError, match="lower must be < upper"):
        key.truncated_normal(1.0, np.array([2.0, 1.0]))
    with pytest.raises(ValueError, match="NaN"):
        key.truncated_normal(np.nan, 1.0)
    with pytest.raises(TypeError, match="lower"):
        key.truncated_normal(True, 1.0)
    with pytest.raises(ValueError, match="single key"):
        key.split(2).choice(3)
    with unirand.debug_key_reuse():
        k = unirand.as_key(np.random.SeedSequence(1))
        k.randint((2,), 0, 3)
        with pytest.raises(unirand.KeyReuseError, match="randint"):
            k.truncated_normal(-1.0, 1.0)
    pytest.importorskip("torch")
    t = key.randint((3,), 0, 9, "int64", xp="torch")
    assert type(t).__module__.startswith("torch") and same_bits(t, key.randint((3,), 0, 9, "int64"))
