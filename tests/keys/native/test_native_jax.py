"""JAX keys: threefry2x32 becomes a portable key on JAX; the other impls are jax.random's own."""

from __future__ import annotations

import numpy as np
import pytest
from _key_kinds import same_bits

import unirand

jax = pytest.importorskip("jax")
jnp = jax.numpy
from jax._src.random.prng import prngs  # noqa: E402

from unirand.keys.native.jax import JaxKey  # noqa: E402

OTHER_IMPLS = ["rbg", "unsafe_rbg", "threefry4x32", "philox2x32", "philox4x32"]


def test_jax_has_the_impls_we_test():
    assert set(prngs) == {"threefry2x32", *OTHER_IMPLS}


@pytest.mark.parametrize("make", [jax.random.key, jax.random.PRNGKey], ids=["typed", "raw"])
def test_threefry_keys_become_portable_keys_on_jax(make):
    key = unirand.as_key(make(7))
    assert isinstance(key, unirand.ThreefryKey) and key.xp == "jax"
    got = unirand.normal(key, (5,), xp=np)
    assert same_bits(got, jax.random.normal(jax.random.key(7), (5,)))
    assert key == unirand.key(7)


def test_batched_and_traced_threefry_keys():
    keys = unirand.as_key(jax.random.split(jax.random.key(1), 3))
    assert keys.shape == (3,) and keys[2] == unirand.split(unirand.key(1), 3)[2]
    f = jax.jit(lambda k: unirand.uniform(unirand.as_key(k), (3,)))
    assert same_bits(f(jax.random.key(4)), jax.random.uniform(jax.random.key(4), (3,)))


@pytest.mark.parametrize("impl", OTHER_IMPLS)
def test_other_impls_are_jax_randoms_own(impl):
    jk = jax.random.key(5, impl=impl)
    key = unirand.as_key(jk)
    assert isinstance(key, JaxKey) and key.impl == f"jax:{impl}" and key.shape == ()
    r = jax.random
    assert same_bits(key.normal((4,)), r.normal(jk, (4,)))
    assert same_bits(unirand.normal(key, (4,)), r.normal(jk, (4,)))
    assert same_bits(
        key.uniform((4,), "float32", -1.0, 3.0), r.uniform(jk, (4,), jnp.float32, -1.0, 3.0)
    )
    assert same_bits(key.bits((4,), "uint8"), r.bits(jk, (4,), jnp.uint8))
    assert same_bits(key.exponential((4,)), r.exponential(jk, (4,)))
    assert same_bits(key.gumbel((4,), mode="high"), r.gumbel(jk, (4,), mode="high"))
    assert same_bits(key.bernoulli(0.3, (6,)), r.bernoulli(jk, 0.3, (6,)))
    logits = jnp.log(jnp.array([0.1, 0.2, 0.7]))
    assert same_bits(key.categorical(logits, shape=(5,)), r.categorical(jk, logits, shape=(5,)))
    assert same_bits(key.key_data(), r.key_data(jk))
    assert same_bits(unirand.key_data(key), r.key_data(jk))
    assert key.jax_key() is jk
    kids = key.split(3)
    assert kids.shape == (3,) and same_bits(kids.key_data(), r.key_data(r.split(jk, 3)))
    assert same_bits(kids[1].normal((2,)), r.normal(r.split(jk, 3)[1], (2,)))
    assert same_bits(unirand.fold_in(key, 9).key_data(), r.key_data(r.fold_in(jk, 9)))
    assert same_bits(key.normal((3,), xp="numpy"), np.asarray(r.normal(jk, (3,))))


def test_jax_keys_are_pytrees():
    key = unirand.as_key(jax.random.key(2, impl="philox4x32"))
    out = jax.jit(lambda k: k.normal((3,)))(key)
    assert same_bits(out, key.normal((3,)))
    back = jax.jit(lambda k: k.fold_in(3))(key)
    assert isinstance(back, JaxKey) and back == key.fold_in(3)
    rows = jax.vmap(lambda k: k.uniform((2,)))(key.split(4))
    assert rows.shape == (4, 2)


def test_raw_keys_follow_the_default_impl():
    with pytest.raises(ValueError, match="default impl"):
        unirand.as_key(jnp.zeros(4, jnp.uint32))
    old = jax.config.jax_default_prng_impl
    jax.config.update("jax_default_prng_impl", "rbg")
    try:
        raw = jax.random.PRNGKey(3)
        key = unirand.as_key(raw)
        assert key.impl == "jax:rbg"
        assert same_bits(key.normal((3,)), jax.random.normal(raw, (3,)))
    finally:
        jax.config.update("jax_default_prng_impl", old)
    with pytest.raises(TypeError, match="not a key"):
        unirand.as_key(jnp.zeros(2, jnp.float32))


def test_portable_bridge_to_jax_is_the_same_stream():
    key = unirand.key(123)
    jk = key.jax_key()
    assert str(jax.random.key_impl(jk)) == "threefry2x32"
    assert same_bits(jax.random.bits(jk, (8,)), unirand.bits(key, (8,)))
    assert same_bits(jax.random.key_data(jk), unirand.key_data(key))
    assert unirand.as_key(jk) == key


@pytest.mark.parametrize("impl", OTHER_IMPLS)
def test_new_samplers_are_jax_randoms_own(impl):
    jk = jax.random.key(5, impl=impl)
    key = unirand.as_key(jk)
    r = jax.random
    assert same_bits(key.randint((6,), -3, 9), r.randint(jk, (6,), -3, 9, jnp.int32))
    lo = jnp.array([0, 1, 2])
    want = r.randint(jk, (2, 3), lo, 300, jnp.uint8)  # JAX's clipping: 300 -> 255 included
    assert same_bits(unirand.randint(key, (2, 3), lo, 300, "uint8"), want)
    x = jnp.arange(12).reshape(3, 4)
    assert same_bits(key.permutation(10), r.permutation(jk, 10))
    assert same_bits(unirand.permutation(key, x, 1), r.permutation(jk, x, 1))
    assert same_bits(key.permutation(x, 1, True), r.permutation(jk, x, 1, True))
    assert same_bits(unirand.shuffle(key, x, 1), r.permutation(jk, x, 1, independent=True))
    p = jnp.array([0.1, 0.2, 0.3, 0.4])
    for replace in (True, False):
        want = r.choice(jk, x, (2,), replace, axis=1)
        assert same_bits(key.choice(x, (2,), replace, axis=1), want)
        assert same_bits(
            unirand.choice(key, 4, (3,), replace, p), r.choice(jk, 4, (3,), replace, p)
        )
    want = r.choice(jk, 4, (3,), False, p, mode="high")
    assert same_bits(key.choice(4, (3,), False, p, mode="high"), want)
    want = r.truncated_normal(jk, -1.0, 2.0, (5,), jnp.float32)
    assert same_bits(unirand.truncated_normal(key, -1.0, 2.0, (5,)), want)
    lo = jnp.array([-jnp.inf, 0.5])
    want = r.truncated_normal(jk, lo, 3.0, (3, 2), jnp.bfloat16)
    assert same_bits(key.truncated_normal(lo, 3.0, (3, 2), "bfloat16"), want)


def test_new_samplers_trace_and_check_concrete_arguments():
    jk = jax.random.key(1, impl="philox4x32")
    key = unirand.as_key(jk)
    r = jax.random
    f = jax.jit(lambda k, lo: (k.randint((3,), lo, 9), k.truncated_normal(-lo * 1.0, 2.0)))
    a, b = f(key, jnp.int32(2))
    assert same_bits(a, r.randint(jk, (3,), 2, 9, jnp.int32))
    assert same_bits(b, r.truncated_normal(jk, -2.0, 2.0))
    p = jnp.array([0.5, 0.5])
    got = jax.jit(lambda k, p: k.choice(2, (3,), p=p))(key, p)  # traced p: not checked
    assert same_bits(got, r.choice(jk, 2, (3,), p=p))
    with pytest.raises(TypeError, match="minval"):
        key.randint((2,), 0.5, 3)
    with pytest.raises(ValueError, match="sum to 1"):
        key.choice(2, (3,), p=jnp.array([0.2, 0.2]))
    with pytest.raises(ValueError, match="larger sample"):
        key.choice(2, (3,), replace=False)
    with pytest.raises(ValueError, match="lower must be < upper"):
        key.truncated_normal(2.0, 1.0)
    with pytest.raises(TypeError, match="lower"):
        key.truncated_normal(True, 1.0)
    with pytest.raises(TypeError, match="dtype"):
        key.randint((2,), 0, 3, "float32")
    with pytest.raises(ValueError, match="single key"):
        key.split(2).permutation(3)


@pytest.mark.parametrize("index", [2, -3, (0, 3), [0, 2]], ids=repr)
def test_out_of_range_index_raises_not_clamps(index):
    keys = unirand.as_key(jax.random.key(1, impl="rbg")).split((2, 3))
    assert isinstance(keys, JaxKey)
    with pytest.raises(IndexError, match="out of range"):
        keys[index]
    assert keys[-1].jax_key() is not None and keys[1:5].shape == (1, 3)
