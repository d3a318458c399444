"""``PRNGKey``, ``key_impl`` and ``clone``: jax.random's key functions, checked against JAX itself.

Every expected value comes from the installed ``jax.random`` in the test (key bytes, impl names,
which key-reuse sequences its checker accepts), never from unirand.
"""

from __future__ import annotations

import contextlib
import functools
import json
import pickle

import numpy as np
import pytest
from _backends import jax_x64
from _key_kinds import KINDS, same_bits

import unirand
from unirand.keys.protocol import Key

jax = pytest.importorskip("jax")
jnp = jax.numpy

#: the seeds at the edges of JAX's int64 rules, and around the 32-bit word boundary
EDGE_SEEDS = [
    0,
    1,
    42,
    -1,
    -2,
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    2**32 - 1,
    2**32,
    2**32 + 1,
    -(2**32),
    2**62,
    2**63 - 1,
    -(2**63),
    -(2**63) + 1,
]
RANDOM_SEEDS = [
    int(s) for s in np.random.default_rng(20261203).integers(-(2**63), 2**63, 200, np.int64)
]


@pytest.fixture(autouse=True)
def _checking_off_afterwards():
    yield
    unirand.debug_key_reuse(False)


@contextlib.contextmanager
def jax_reuse_checking(on: bool = True):
    """JAX's own key-reuse checker (``jax_debug_key_reuse``) for the block, restored after."""
    old = jax.config.jax_debug_key_reuse
    jax.config.update("jax_debug_key_reuse", on)
    try:
        yield
    finally:
        jax.config.update("jax_debug_key_reuse", old)


def data_of(k) -> list[int]:
    return np.asarray(unirand.key_data(k)).tolist()


# -- PRNGKey: the bytes of jax.random.PRNGKey ---------------------------------------------------
def test_prngkey_has_the_bytes_of_jax_prngkey_for_int64_seeds():
    with jax_x64() as jx:
        for seed in EDGE_SEEDS + RANDOM_SEEDS:
            want = np.asarray(jx.random.PRNGKey(seed))
            assert want.dtype == np.uint32 and want.shape == (2,)
            for s in (seed, np.int64(seed), np.array(seed, np.int64)):
                got = np.asarray(unirand.key_data(unirand.PRNGKey(s)))
                assert got.tobytes() == want.tobytes(), (seed, type(s))


def test_prngkey_of_uint64_and_narrow_unsigned_seeds_has_jax_bytes():
    rng = np.random.default_rng(5)
    u64 = [0, 2**32, 2**63 - 1, 2**63, 2**63 + 7, 2**64 - 1, *rng.integers(0, 2**64, 50, np.uint64)]
    with jax_x64() as jx:
        for seed in u64:
            want = np.asarray(jx.random.PRNGKey(np.uint64(seed)))
            assert data_of(unirand.PRNGKey(np.uint64(seed))) == want.tolist()
            # a Python int at or above 2**63 is JAX's OverflowError; unirand reads it by value
            assert data_of(unirand.PRNGKey(int(seed))) == want.tolist()
        for dtype in (np.uint8, np.uint16, np.uint32):
            for seed in (0, 1, np.iinfo(dtype).max):
                want = np.asarray(jx.random.PRNGKey(dtype(seed)))
                assert data_of(unirand.PRNGKey(dtype(seed))) == want.tolist()


def test_jax_overflows_on_python_ints_from_2_to_the_63():
    """The one documented widening: JAX refuses what unirand takes as a uint64 value."""
    with jax_x64() as jx, pytest.raises(OverflowError):
        jx.random.PRNGKey(2**63)


def test_narrow_signed_numpy_seeds_are_taken_by_value():
    """JAX gives a NumPy int8/int16/int32 seed no high word; unirand takes every seed by value
    (docs/keys.md): ``jax.random.PRNGKey(s) == unirand.PRNGKey(int(s) % 2**32)``."""
    with jax_x64() as jx:
        for dtype in (np.int8, np.int16, np.int32):
            info = np.iinfo(dtype)
            for seed in (info.min, -1, 0, 5, info.max):
                s = dtype(seed)
                assert unirand.PRNGKey(s) == unirand.PRNGKey(int(seed))
                want = np.asarray(jx.random.PRNGKey(s)).tolist()
                assert data_of(unirand.PRNGKey(int(seed) % 2**32)) == want


def test_with_x64_off_jax_keeps_the_low_word():
    with jax_x64(False) as jx:
        for seed in EDGE_SEEDS + RANDOM_SEEDS[:50]:
            want = np.asarray(jx.random.PRNGKey(seed)).tolist()
            assert data_of(unirand.PRNGKey(seed % 2**32)) == want, seed


@pytest.mark.parametrize("seed", [0, -1, 2**32 + 5, -(2**63), 2**63 - 1])
def test_prngkey_samples_jax_randoms_numbers(seed):
    with jax_x64() as jx:
        raw = jx.random.PRNGKey(seed)
        k = unirand.PRNGKey(seed)
        assert same_bits(unirand.normal(k, (6,)), jx.random.normal(raw, (6,), "float32"))
        assert same_bits(unirand.uniform(k, (6,), "float64"), jx.random.uniform(raw, (6,), "f8"))
        assert same_bits(unirand.key_data(unirand.split(k, 3)), jx.random.split(raw, 3))
        assert same_bits(unirand.key_data(unirand.fold_in(k, 9)), jx.random.fold_in(raw, 9))


def test_prngkey_is_key():
    for seed in (0, -1, 2**40 + 3):
        k = unirand.PRNGKey(seed)
        assert type(k) is unirand.ThreefryKey and k.shape == () and k.xp == "numpy"
        assert k == unirand.key(seed) and hash(k) == hash(unirand.key(seed))
        assert np.asarray(unirand.key_data(k)).shape == (2,)
    assert unirand.PRNGKey(3, impl=None) == unirand.PRNGKey(3, impl="threefry2x32")


def test_prngkey_pickles_and_serializes():
    k = unirand.PRNGKey(-12345)
    back = pickle.loads(pickle.dumps(k))
    assert back == k and hash(back) == hash(k) and type(back) is unirand.ThreefryKey
    assert unirand.key_from_json(k.to_json()) == k
    assert json.loads(k.to_json()) == json.loads(unirand.key(-12345).to_json())


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (2**64, ValueError, r"seed must be in \[-2\*\*63, 2\*\*64\); got 18446744073709551616"),
        (-(2**63) - 1, ValueError, r"seed must be in \[-2\*\*63, 2\*\*64\)"),
        (1.0, TypeError, "seed must be a Python or NumPy integer"),
        (np.float32(1), TypeError, "seed must be a Python or NumPy integer"),
        ("1", TypeError, "seed must be a Python or NumPy integer"),
        (None, TypeError, "seed must be a Python or NumPy integer"),
        (True, TypeError, r"seed must be a Python or NumPy integer .*; got bool True"),
        (np.array([1, 2]), TypeError, "seed must be a Python or NumPy integer"),
    ],
)
def test_prngkey_seed_errors_name_the_seed(seed, error, match):
    with pytest.raises(error, match=match):
        unirand.PRNGKey(seed)
    with pytest.raises(error, match=match):  # the same rules as unirand.key
        unirand.key(seed)


def test_prngkey_of_a_traced_seed_is_a_type_error():
    with pytest.raises(TypeError, match="seed must be a Python or NumPy integer"):
        jax.jit(lambda s: unirand.PRNGKey(s).jax_key())(3)


def test_prngkey_is_not_a_jax_key_the_error_names_jax_key():
    k = unirand.PRNGKey(0)
    with pytest.raises(TypeError, match=r"key\.jax_key\(\)"):
        jax.random.normal(k, (2,))
    assert same_bits(jax.random.key_data(k.jax_key()), jax.random.PRNGKey(0))


def test_prngkey_impl_errors():
    for impl in ("rbg", "threefry4x32", 3):
        with pytest.raises(ValueError, match=r"impl must be one of 'threefry2x32'.*got"):
            unirand.PRNGKey(0, impl=impl)
    with pytest.raises(TypeError):
        unirand.PRNGKey(0, "threefry2x32")  # impl is keyword-only, as in JAX


# -- key_impl ---------------------------------------------------------------------------------
def _jax_impl_name(kind: str, k) -> str:
    """What JAX (or the native library) calls the key's impl, from the library itself."""
    if kind.startswith("portable"):
        return str(jax.random.key_impl(jax.random.key(0)))
    if kind.startswith("jax"):
        return "jax:" + str(jax.random.key_impl(k.jax_key()))
    if kind.startswith("numpy"):
        return "numpy:" + type(k.numpy_generator().bit_generator).__name__
    return "torch"


@pytest.mark.parametrize("kind", list(KINDS))
def test_key_impl_of_every_kind(kind):
    k = KINDS[kind](4)
    assert unirand.key_impl(k) == k.impl == _jax_impl_name(kind, k)
    assert isinstance(unirand.key_impl(k), str)
    assert unirand.key_impl(k.split(3)) == k.impl  # batches too


def test_key_impl_of_portable_keys_is_what_jax_answers():
    assert unirand.key_impl(unirand.PRNGKey(0)) == str(jax.random.key_impl(jax.random.PRNGKey(0)))
    assert unirand.key_impl(unirand.key(0)) == str(jax.random.key_impl(jax.random.key(0)))
    assert unirand.key_impl(unirand.key(0).to("torch")) == "threefry2x32"


def test_key_impl_under_jit():
    seen = []

    @jax.jit
    def f(portable, native):
        seen.append((unirand.key_impl(portable), unirand.key_impl(native)))
        return unirand.uniform(portable, ())

    native = unirand.as_key(jax.random.key(1, impl="rbg"))
    f(unirand.key(1), native)
    assert seen == [("threefry2x32", "jax:" + str(jax.random.key_impl(native.jax_key())))]


def test_key_impl_of_a_third_party_key_is_its_impl():
    assert unirand.key_impl(_third_party_key()) == "mine"


@pytest.mark.parametrize(
    "obj",
    [3, None, "threefry2x32", np.zeros(2, np.uint32), unirand.ThreefryKey],
    ids=["int", "None", "str", "raw-data", "the-class"],
)
@pytest.mark.parametrize("function", ["key_impl", "clone"])
def test_non_keys_raise_type_error(function, obj):
    with pytest.raises(TypeError, match=r"key must be a unirand key .*PRNGKey"):
        getattr(unirand, function)(obj)


@pytest.mark.parametrize("function", ["key_impl", "clone"])
def test_jax_keys_raise_type_error_naming_the_jax_function(function):
    for jk in (jax.random.key(0), jax.random.PRNGKey(0)):
        with pytest.raises(TypeError, match=rf"jax\.random\.{function}.*as_key"):
            getattr(unirand, function)(jk)


# -- clone: an equal key ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
def test_clone_is_an_equal_key(kind):
    k = KINDS[kind](6)
    c = unirand.clone(k)
    assert c is not k and type(c) is type(k)
    assert c == k and hash(c) == hash(k) and c.shape == k.shape
    assert unirand.key_impl(c) == unirand.key_impl(k)
    assert same_bits(unirand.uniform(c, (5,)), unirand.uniform(k, (5,)))
    assert same_bits(unirand.bits(c.split(2)[1], (3,)), unirand.bits(k.split(2)[1], (3,)))
    back = pickle.loads(pickle.dumps(c))
    assert back == k and hash(back) == hash(k)
    assert c.to_json() == k.to_json()


@pytest.mark.parametrize("kind", list(KINDS))
def test_clone_of_a_batch(kind):
    keys = KINDS[kind](7).split((2, 3))
    c = unirand.clone(keys)
    assert c is not keys and c.shape == (2, 3) and c == keys and hash(c) == hash(keys)
    assert c[1, 2] == keys[1, 2]
    assert same_bits(unirand.normal(c[1, 2], (3,)), unirand.normal(keys[1, 2], (3,)))


def test_clone_keeps_the_library_and_device():
    torch = pytest.importorskip("torch")
    k = unirand.key(8).to("torch")
    c = unirand.clone(k)
    assert c.xp == "torch" and c.device == k.device and c == k
    assert isinstance(unirand.key_data(c), torch.Tensor)
    n = unirand.clone(unirand.key(8))
    assert not np.asarray(unirand.key_data(n)).flags.writeable  # still immutable


def test_clone_of_a_torch_key_with_a_state_snapshot():
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(11)
    torch.rand(3, generator=gen)  # moved on: the key holds a state snapshot
    k = unirand.as_key(gen)
    c = unirand.clone(k)
    assert c == k and same_bits(c.normal((4,)), k.normal((4,)))


# -- clone and key-reuse checking: what JAX's checker allows, exactly --------------------------
#: each scenario is a sequence of operations on named keys, starting from one key "k":
#: ("clone", src, dst), ("fold", src, dst), ("use", name) samples, ("split", name) splits
SCENARIOS = {
    "clone-then-use-both": [("clone", "k", "c"), ("use", "k"), ("use", "c")],
    "use-then-clone-the-consumed-key": [("use", "k"), ("clone", "k", "c"), ("use", "c")],
    "a-clone-used-twice": [("clone", "k", "c"), ("use", "c"), ("use", "c")],
    "the-original-used-twice-after-cloning": [("clone", "k", "c"), ("use", "k"), ("use", "k")],
    "two-clones-and-the-original": [
        ("clone", "k", "a"),
        ("clone", "k", "b"),
        ("use", "a"),
        ("use", "b"),
        ("use", "k"),
    ],
    "clone-of-a-consumed-clone": [
        ("clone", "k", "c"),
        ("use", "c"),
        ("clone", "c", "d"),
        ("use", "d"),
        ("use", "c"),
    ],
    "split-then-clone-and-split": [("split", "k"), ("clone", "k", "c"), ("split", "c")],
    "clone-split-then-use": [("clone", "k", "c"), ("split", "c"), ("use", "c")],
    "fold-clone-use-both": [("fold", "k", "f"), ("clone", "f", "c"), ("use", "f"), ("use", "c")],
    "no-clone": [("use", "k"), ("use", "k")],
}


def _run(ops, start, clone, use, split, fold, errors) -> int | None:
    """Index of the operation that raised a key-reuse error, None when all ran."""
    keys = {"k": start}
    for i, op in enumerate(ops):
        try:
            if op[0] == "clone":
                keys[op[2]] = clone(keys[op[1]])
            elif op[0] == "fold":
                keys[op[2]] = fold(keys[op[1]], 3)
            elif op[0] == "use":
                use(keys[op[1]])
            else:
                split(keys[op[1]])
        except errors:
            return i
    return None


@functools.cache
def _jax_outcome(scenario: str) -> int | None:
    r = jax.random
    with jax_reuse_checking():
        return _run(
            SCENARIOS[scenario],
            r.key(0),
            r.clone,
            lambda k: r.uniform(k, (2,)),
            r.split,
            r.fold_in,
            jax.errors.KeyReuseError,
        )


def _unirand_outcome(ops, start) -> int | None:
    return _run(
        ops,
        start,
        unirand.clone,
        lambda k: unirand.uniform(k, (2,)),
        unirand.split,
        unirand.fold_in,
        (unirand.KeyReuseError, jax.errors.KeyReuseError),
    )


def test_the_scenarios_tell_allowed_from_refused():
    outcomes = [_jax_outcome(name) for name in SCENARIOS]
    assert None in outcomes and any(o is not None for o in outcomes)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_clone_under_reuse_checking_allows_what_jax_allows(kind, scenario):
    ops = SCENARIOS[scenario]
    with unirand.debug_key_reuse():
        got = _unirand_outcome(ops, KINDS[kind](9))
    assert got == _jax_outcome(scenario)


@pytest.mark.parametrize("kind", [k for k in KINDS if k.startswith("jax")])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_native_jax_clones_are_fresh_for_jaxs_own_checker_too(kind, scenario):
    """With ``jax_debug_key_reuse`` on, a native JAX key's array is consumed in JAX too; the
    clone's array comes from ``jax.random.clone``, so JAX sees it fresh."""
    ops = SCENARIOS[scenario]
    want = _jax_outcome(scenario)
    with jax_reuse_checking():
        assert _unirand_outcome(ops, KINDS[kind](9)) == want  # JAX's checker alone
        with unirand.debug_key_reuse():
            assert _unirand_outcome(ops, KINDS[kind](9)) == want  # both checkers


@pytest.mark.parametrize("kind", list(KINDS))
def test_without_checking_nothing_is_refused(kind):
    for ops in SCENARIOS.values():
        assert _unirand_outcome(ops, KINDS[kind](10)) is None


def test_cloning_does_not_consume():
    k = unirand.key(12)
    with unirand.debug_key_reuse():
        unirand.clone(k)
        unirand.clone(k)
        unirand.normal(k, (2,))  # still fresh after two clones
        with pytest.raises(unirand.KeyReuseError, match="already consumed by normal"):
            unirand.normal(k, (2,))


def test_a_pickled_clone_is_fresh():
    k = unirand.key(13)
    with unirand.debug_key_reuse():
        c = unirand.clone(k)
        unirand.normal(c, (2,))
        again = pickle.loads(pickle.dumps(c))
        unirand.normal(again, (2,))  # a copy is a fresh object, as for any key


# -- clone under jax.jit and jax.vmap (portable keys are pytrees) -------------------------------
def test_clone_under_jit():
    k = unirand.key(14)
    out = jax.jit(unirand.clone)(k)
    assert type(out) is unirand.ThreefryKey and out == k and out.xp == "jax"

    def twice(key):
        return unirand.uniform(key, (3,)), unirand.uniform(unirand.clone(key), (3,))

    with unirand.debug_key_reuse():
        a, b = jax.jit(twice)(k)
    want = jax.random.uniform(jax.random.key(14), (3,))
    assert same_bits(a, want) and same_bits(b, want)

    def reused(key):
        return unirand.uniform(key, (3,)), unirand.uniform(key, (3,))

    with unirand.debug_key_reuse(), pytest.raises(unirand.KeyReuseError):
        jax.jit(reused)(k)  # reuse within one trace is seen; the clone above was allowed


def test_clone_under_vmap():
    keys = unirand.split(unirand.key(15), 4)
    with unirand.debug_key_reuse():
        got = jax.vmap(lambda k: unirand.normal(unirand.clone(k), (2,)))(keys)
    want = jax.vmap(lambda k: jax.random.normal(k, (2,)))(keys.jax_key())
    assert same_bits(got, want)


def test_clone_of_a_native_jax_key_under_jit():
    k = unirand.as_key(jax.random.key(16, impl="philox4x32"))
    out = jax.jit(lambda key: unirand.clone(key).normal((3,)))(k)
    assert same_bits(out, jax.random.normal(k.jax_key(), (3,)))


# -- a third-party Key ------------------------------------------------------------------------
def _third_party_key():
    class ThirdPartyKey:
        shape, impl = (), "mine"

    for name in (n for n in dir(Key) if not n.startswith("_") and n not in ("shape", "impl")):
        setattr(ThirdPartyKey, name, lambda self, *a, **k: None)
    key = ThirdPartyKey()
    assert isinstance(key, Key)
    return key


def test_clone_refuses_a_third_party_key():
    with pytest.raises(TypeError, match="ThirdPartyKey is a third-party Key"):
        unirand.clone(_third_party_key())
