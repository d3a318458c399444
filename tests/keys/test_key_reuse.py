"""debug_key_reuse: consuming a key object twice raises, on every kind; fold_in does not."""

from __future__ import annotations

import numpy as np
import pytest
from _key_kinds import KINDS

import unirand
from unirand.keys import reuse as _reuse


@pytest.fixture(autouse=True)
def _off_afterwards():
    yield
    unirand.debug_key_reuse(False)


CONSUMERS = {
    "normal": lambda k: unirand.normal(k, (2,)),
    "uniform": lambda k: k.uniform((2,)),
    "bits": lambda k: unirand.bits(k, (2,)),
    "split": lambda k: unirand.split(k),
    "exponential": lambda k: k.exponential((2,)),
    "bernoulli": lambda k: k.bernoulli(0.5, (2,)),
    "numpy_generator": lambda k: k.numpy_generator(),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("first", list(CONSUMERS))
def test_second_consumption_raises_on_every_kind(kind, first):
    key = KINDS[kind](1)
    with unirand.debug_key_reuse():
        CONSUMERS[first](key)
        for second in ("normal", "split"):
            with pytest.raises(unirand.KeyReuseError, match=f"already consumed by {first}"):
                CONSUMERS[second](key)


@pytest.mark.parametrize("kind", list(KINDS))
def test_what_does_not_consume(kind):
    key = KINDS[kind](2)
    with unirand.debug_key_reuse():
        key.fold_in(1)
        unirand.fold_in(key, 2)
        key.to_json()
        hash(key)
        a, b = unirand.split(key)  # consumes key once; the children are fresh
        a.normal((2,))
        b.normal((2,))
        KINDS[kind](2).normal((2,))  # an equal key made again is another object (JAX rule)
        unirand.normal(key.fold_in(3), (2,))
        unirand.normal(key.fold_in(3), (2,))  # two fold_in results: two objects


def test_off_by_default_and_when_switched_off():
    assert _reuse.ENABLED is False
    key = unirand.key(3)
    unirand.normal(key, (2,))
    unirand.normal(key, (2,))
    unirand.debug_key_reuse(True)
    assert _reuse.ENABLED is True
    unirand.debug_key_reuse(False)
    unirand.normal(key, (2,))  # a key used while off is not marked


def test_plain_call_and_nested_context_restore():
    unirand.debug_key_reuse(True)
    with unirand.debug_key_reuse(False):
        assert _reuse.ENABLED is False
        with unirand.debug_key_reuse():
            assert _reuse.ENABLED is True
        assert _reuse.ENABLED is False
    assert _reuse.ENABLED is True
    key = unirand.key(0)
    key.normal(())
    with pytest.raises(unirand.KeyReuseError):
        key.normal(())
    with pytest.raises(TypeError, match="bool"):
        unirand.debug_key_reuse(1)


def test_portable_samplers_of_the_distributions_module_consume():
    key = unirand.key(5)
    with unirand.debug_key_reuse():
        unirand.bernoulli(key, 0.5, (2,))
        with pytest.raises(unirand.KeyReuseError):
            unirand.gumbel(key, (2,))


def test_key_data_and_jax_key_of_portable_keys_do_not_consume():
    pytest.importorskip("jax")
    key = unirand.key(6)
    with unirand.debug_key_reuse():
        unirand.key_data(key)
        key.jax_key()
        unirand.normal(key, ())
        with pytest.raises(unirand.KeyReuseError, match="numpy_generator"):
            key.numpy_generator()


def test_reuse_inside_one_jit_trace_is_seen():
    jax = pytest.importorskip("jax")

    def twice(k):
        key = unirand.as_key(k)
        return unirand.normal(key, (2,)) + unirand.normal(key, (2,))

    with unirand.debug_key_reuse():
        with pytest.raises(unirand.KeyReuseError):
            jax.jit(twice)(jax.random.key(0))
        ok = jax.jit(lambda k: unirand.normal(unirand.as_key(k), (2,)))
        ok(jax.random.key(0))
        ok(jax.random.key(0))  # across calls: JAX's own checker's job


def test_generator_as_key_state_is_not_shared():
    gen = np.random.default_rng(0)
    with unirand.debug_key_reuse():
        a = unirand.as_key(gen)
        b = unirand.as_key(gen)  # spawned twice: two independent keys, no reuse
        a.normal((2,))
        b.normal((2,))
    assert a != b


def _bad_calls():
    """(name, call with a bad argument, the corrected call) for every kind of consuming op."""
    return [
        ("uniform", lambda k: unirand.uniform(k, (3,), "int8"), lambda k: unirand.uniform(k)),
        ("normal", lambda k: unirand.normal(k, (-1,)), lambda k: unirand.normal(k, (2,))),
        ("bits", lambda k: unirand.bits(k, (2,), "float32"), lambda k: unirand.bits(k, (2,))),
        ("split", lambda k: unirand.split(k, -2), lambda k: unirand.split(k, 2)),
        ("method", lambda k: k.exponential((2,), "int32"), lambda k: k.exponential((2,))),
    ]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("case", _bad_calls(), ids=lambda c: c[0])
def test_a_rejected_call_does_not_consume(kind, case):
    """Issue 11, item 9: validate first, consume after; the corrected retry works."""
    _, bad, good = case
    key = KINDS[kind](3)
    with unirand.debug_key_reuse():
        with pytest.raises((TypeError, ValueError)):
            bad(key)
        good(key)
        with pytest.raises(unirand.KeyReuseError):
            good(key)
