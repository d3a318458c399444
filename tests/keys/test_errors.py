"""Bad arguments to keys get a ``TypeError``/``ValueError`` naming the argument (``IndexError``
for bad indexing), on every key kind, never the libraries' own errors (issue 11, item 13).

Each test here failed before its fix: torch's ``RuntimeError`` for ``torch_generator("meta")``
on portable, NumPy and JAX keys; Python's digit-limit ``ValueError`` from ``key_from_json``;
JAX's ``TypeError``/``IndexError`` for float, string and tuple indices of native JAX keys;
``jax.random``'s and NumPy's errors (or silent conversions: NumPy keys took ``minval="0"``)
for bad parameters of native keys.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from _key_kinds import KINDS, same_bits

import unirand

NATIVE = [k for k in KINDS if not k.startswith("portable")]


def _key(kind: str, seed: int = 1):
    return KINDS[kind](seed)


# -- torch_generator(device) ----------------------------------------------------------------
def _bad_devices() -> list:
    torch = pytest.importorskip("torch")
    bad: list = ["meta", "nope", "cuda:x", torch.device("meta")]
    if torch.cuda.device_count() < 8:
        bad.append("cuda:7")
    if not torch.cuda.is_available():
        bad += ["cuda", "cuda:0"]
    return bad


@pytest.mark.parametrize("kind", list(KINDS))
def test_torch_generator_refuses_unusable_devices(kind):
    for device in _bad_devices():
        with pytest.raises(ValueError, match=r"^device must be a torch device"):
            _key(kind).torch_generator(device)
    for device in (3, 1.5, object()):
        with pytest.raises(TypeError, match=r"^device must be a torch device"):
            _key(kind).torch_generator(device)


@pytest.mark.parametrize("kind", list(KINDS))
def test_refused_bridge_device_does_not_consume_the_key(kind):
    """NumPy and JAX keys' bridges (``NativeKey``'s own methods) were not reuse
    transactions: the corrected retry raised ``KeyReuseError``."""
    pytest.importorskip("torch")
    key = _key(kind)
    with unirand.debug_key_reuse():
        with pytest.raises(ValueError, match="device"):
            key.torch_generator("meta")
        gen = key.torch_generator("cpu")
        with pytest.raises(unirand.KeyReuseError):
            key.torch_generator("cpu")
    assert gen.initial_seed() == _key(kind).torch_generator().initial_seed()


# -- key_from_json: integers longer than Python converts ------------------------------------
def test_key_from_json_long_integer_names_the_field():
    pytest.importorskip("torch")
    huge = "9" * 5000
    with pytest.raises(ValueError, match=r"^text is not a unirand key"):
        unirand.key_from_json("1" * 5000)
    torch_payload = (
        '{"format": "unirand.key", "version": 1, "impl": "torch", "device": "cpu", '
        f'"seed": {huge}, "state": null, "batch": null}}'
    )
    with pytest.raises(ValueError, match=r"field 'seed' .*an integer of 5000 digits"):
        unirand.key_from_json(torch_payload)
    doc = json.loads(unirand.key(0).to_json())
    text = json.dumps(doc).replace('"data": [0, 0]', f'"data": [0, -{huge}]')
    assert huge in text
    with pytest.raises(ValueError, match=r"field 'data'"):
        unirand.key_from_json(text)
    version = json.dumps(doc).replace('"version": 1', f'"version": {huge}')
    with pytest.raises(ValueError, match=r"'version'"):
        unirand.key_from_json(version)


def test_key_from_json_still_reads_big_entropy():
    key = unirand.as_key(np.random.SeedSequence(2**300 + 5))
    assert unirand.key_from_json(key.to_json()) == key


# -- indexing --------------------------------------------------------------------------------
_BAD_INDICES = [1.5, "0", b"0", 1j, object(), [0.5], np.array([1.0]), (0, 0), (..., ...)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_index_is_an_index_error(kind):
    keys = unirand.split(_key(kind), 3)
    for index in _BAD_INDICES:
        with pytest.raises(IndexError, match=r"index|indices|keys are indexed"):
            keys[index]


@pytest.mark.parametrize("kind", ["jax-rbg", "jax-philox4x32", "jax-threefry4x32"])
def test_native_jax_keys_take_list_indices(kind):
    keys = unirand.split(_key(kind), 3)
    assert keys[[0, 2]] == keys[np.array([0, 2])]
    assert keys[[True, False, True]] == keys[np.array([True, False, True])]
    assert keys[[]].shape == (0,)


# -- parameters of the native samplers ------------------------------------------------------
_NOT_REAL = [None, "0", "a", [1, "a"], object(), 1j, {}, [[1.0, 2.0], [3.0]], True]


@pytest.mark.parametrize("kind", NATIVE)
def test_native_uniform_bounds_refused(kind):
    for bad in _NOT_REAL:
        with pytest.raises(TypeError, match=r"^minval must be"):
            _key(kind).uniform((2,), minval=bad)
        with pytest.raises(TypeError, match=r"^maxval must be"):
            _key(kind).uniform((2,), maxval=bad)
    with pytest.raises(ValueError, match=r"^minval: parameter shape \(3, 3\)"):
        _key(kind).uniform((2,), minval=np.zeros((3, 3), np.float32))


@pytest.mark.parametrize("kind", NATIVE)
def test_native_bernoulli_categorical_parameters_refused(kind):
    for bad in _NOT_REAL:
        with pytest.raises(TypeError, match=r"^p must be"):
            _key(kind).bernoulli(bad, (2,))
        with pytest.raises(TypeError, match=r"^logits must be"):
            _key(kind).categorical(bad)
    with pytest.raises(ValueError, match=r"^logits must have at least one dimension"):
        _key(kind).categorical(np.float32(1.0))
    for axis in (1.5, "0", None):
        with pytest.raises(TypeError, match=r"^axis must be an integer"):
            _key(kind).categorical(np.zeros((2, 3), np.float32), axis)


@pytest.mark.parametrize("kind", ["torch", "jax-rbg"])
def test_native_bernoulli_p_broadcast_names_p(kind):
    with pytest.raises(ValueError, match=r"^p: parameter shape \(3, 3\)"):
        _key(kind).bernoulli(np.zeros((3, 3)), (2,))


@pytest.mark.parametrize("kind", NATIVE)
def test_native_ragged_and_misshapen_parameters_named(kind):
    ragged = [[1.0, 2.0], [3.0]]
    with pytest.raises(TypeError, match=r"^lower must be"):
        _key(kind).truncated_normal(ragged, 1.0, (2,))
    with pytest.raises(TypeError, match=r"^upper must be"):
        _key(kind).truncated_normal(-1.0, ragged, (2,))
    with pytest.raises(ValueError, match=r"^lower: parameter shape \(3, 3\)"):
        _key(kind).truncated_normal(np.full((3, 3), -1.0), 1.0, (2,))
    with pytest.raises(TypeError, match=r"^p must be"):
        _key(kind).choice(3, (2,), p=ragged)
    with pytest.raises(ValueError, match=r"^minval: parameter shape \(3, 3\)"):
        _key(kind).randint((2,), np.zeros((3, 3), np.int32), 5)
    with pytest.raises(ValueError, match=r"^maxval: parameter shape \(3, 3\)"):
        _key(kind).randint((2,), 0, np.full((3, 3), 5, np.int32))


@pytest.mark.parametrize("kind", ["jax-rbg", "jax-philox4x32"])
def test_native_jax_parameters_still_jax_random(kind):
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    key = _key(kind)
    k = key.jax_key()
    lo = [0.0, 1.0]
    assert same_bits(
        key.uniform((2,), minval=lo, maxval=2.0),
        jax.random.uniform(k, (2,), minval=jnp.asarray(lo), maxval=2.0),
    )
    assert same_bits(key.bernoulli([0.2, 0.9]), jax.random.bernoulli(k, jnp.asarray([0.2, 0.9])))
    logits = np.log(np.array([[0.2, 0.8], [0.5, 0.5]], np.float32))
    assert same_bits(key.categorical(logits, 0), jax.random.categorical(k, logits, 0))

    @jax.jit
    def traced(lo):
        return key.uniform((2,), minval=lo)

    assert same_bits(traced(jnp.zeros(2)), jax.random.uniform(k, (2,), minval=jnp.zeros(2)))


# -- native JAX keys: values JAX would narrow or refuse -------------------------------------
_JAX = ["jax-rbg", "jax-threefry4x32"]


def _no_x64():
    jax = pytest.importorskip("jax")
    if jax.config.jax_enable_x64:
        pytest.skip("JAX narrows 64-bit values only without jax_enable_x64")
    return jax


@pytest.mark.parametrize("kind", _JAX)
def test_native_jax_randint_bounds_jax_would_narrow(kind):
    """``np.int64(2**33 + 5)`` became 5 (silently), ``2**31`` raised ``OverflowError``."""
    _no_x64()
    for lo, hi, bad in [
        (np.int64(2**33 + 1), np.int64(2**33 + 5), "minval"),
        (0, 2**31, "maxval"),
        (0, 2**70, "maxval"),
        (np.array([0, -(2**40)]), 5, "minval"),
    ]:
        with pytest.raises(ValueError, match=rf"^{bad} must be in \[.*JAX reads it as u?int32"):
            _key(kind).randint((2,), lo, hi)


@pytest.mark.parametrize("kind", _JAX)
def test_native_jax_randint_takes_lists_and_other_arrays(kind):
    jax = pytest.importorskip("jax")
    torch = pytest.importorskip("torch")
    key = _key(kind)
    want = jax.random.randint(key.jax_key(), (2,), jax.numpy.asarray([0, 1]), 5)
    for lo in ([0, 1], np.array([0, 1]), torch.tensor([0, 1])):
        assert same_bits(key.randint((2,), lo, 5), want)


@pytest.mark.parametrize("kind", _JAX)
def test_native_jax_permutation_choice_arrays(kind):
    """64-bit values JAX would wrap are refused (``[2**40, 1]`` gave ``[1, 0]``); lists and
    torch tensors are taken (JAX refused them), strings and ragged lists named."""
    jax = _no_x64()
    torch = pytest.importorskip("torch")
    key = _key(kind)
    with pytest.raises(ValueError, match=r"^x has int64 values outside int32"):
        key.permutation(np.array([2**40, 1]))
    with pytest.raises(ValueError, match=r"^a has int64 values outside int32"):
        key.choice(np.array([2**40, 1]), (2,))
    for bad in (np.array(["a", "b"]), [[1, 2], [3]]):
        with pytest.raises(TypeError, match=r"^x must be"):
            key.permutation(bad)
        with pytest.raises(TypeError, match=r"^a must be"):
            key.choice(bad, (1,))
    want = jax.random.permutation(key.jax_key(), np.array([3, 4, 5]))
    for x in ([3, 4, 5], torch.tensor([3, 4, 5])):
        assert (np.asarray(key.permutation(x)) == np.asarray(want)).all()
    p = [0.2, 0.3, 0.5]
    want = jax.random.choice(key.jax_key(), 3, (2,), p=jax.numpy.asarray(p))
    assert same_bits(key.choice(3, (2,), p=torch.tensor(p)), want)


@pytest.mark.parametrize("kind", _JAX)
def test_native_jax_integer_logits_refused(kind):
    """JAX's own ``ValueError`` named its internal ``gumbel`` call."""
    for logits in (np.array([1, 2, 3]), [1, 2, 3]):
        with pytest.raises(TypeError, match=r"^logits must have a floating dtype"):
            _key(kind).categorical(logits)


def test_numpy_key_bernoulli_p_shape_names_p() -> None:
    """The derived bernoulli of NumPy keys named no argument for a misshapen ``p``."""
    key = unirand.as_key(np.random.SeedSequence(1))
    with pytest.raises(ValueError, match=r"^p: parameter shape \(3, 3\)"):
        unirand.bernoulli(key, np.zeros((3, 3)), (2,))
