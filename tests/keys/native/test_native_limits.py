"""Native keys refuse what they cannot draw, at the call, naming the argument: unusable torch
devices (``meta``, a missing CUDA) and integer populations beyond the index dtype."""

from __future__ import annotations

import numpy as np
import pytest

import unirand
from unirand.backends import to_numpy


def _native_keys() -> list:
    params = [pytest.param(lambda: unirand.as_key(np.random.SeedSequence(1)), id="numpy")]
    params.append(pytest.param(_torch_key, id="torch"))
    params.append(pytest.param(_jax_key, id="jax-rbg"))
    return params


def _torch_key():
    torch = pytest.importorskip("torch")
    return unirand.as_key(torch.Generator().manual_seed(1))


def _jax_key():
    jax = pytest.importorskip("jax")
    return unirand.as_key(jax.random.key(1, impl="rbg"))


# -- torch devices ------------------------------------------------------------------------------
def _bad_devices() -> list:
    torch = pytest.importorskip("torch")
    bad = ["meta", "nope", "cuda:x"]
    if not torch.cuda.is_available():
        bad += ["cuda", "cuda:0"]
    return bad


@pytest.mark.parametrize("as_object", [False, True], ids=["name", "torch.device"])
def test_torch_key_from_seed_refuses_unusable_devices(as_object):
    torch = pytest.importorskip("torch")
    from unirand.keys.native.torch import TorchKey

    for device in _bad_devices():
        try:
            arg = torch.device(device) if as_object else device
        except RuntimeError:
            continue  # not even a torch.device
        with pytest.raises(ValueError, match=r"^device must be a torch device"):
            TorchKey.from_seed(1, arg)


def test_torch_key_from_seed_device_of_wrong_type():
    pytest.importorskip("torch")
    from unirand.keys.native.torch import TorchKey

    for device in (3, None, 1.5, object()):
        with pytest.raises(TypeError, match=r"^device must be a torch device"):
            TorchKey.from_seed(1, device)


def test_torch_key_from_seed_checks_the_seed():
    pytest.importorskip("torch")
    from unirand.keys.native.torch import TorchKey

    for seed in ("1", 1.0, None, True):
        with pytest.raises(TypeError, match=r"^seed must be an integer"):
            TorchKey.from_seed(seed)
    for seed in (-1, 2**64):
        with pytest.raises(ValueError, match=r"^seed must be in"):
            TorchKey.from_seed(seed)


def test_torch_key_from_seed_keeps_good_devices():
    torch = pytest.importorskip("torch")
    from unirand.keys.native.torch import TorchKey

    key = TorchKey.from_seed(7, torch.device("cpu"))
    assert key.device == torch.device("cpu")
    want = torch.randn(4, generator=torch.Generator().manual_seed(7))
    assert torch.equal(unirand.normal(key, (4,)), want)


def test_torch_generator_bridge_refuses_unusable_devices():
    pytest.importorskip("torch")
    key = _torch_key()
    for device in _bad_devices():
        with pytest.raises(ValueError, match=r"^device must be a torch device"):
            key.torch_generator(device)


# -- integer populations beyond int64 -----------------------------------------------------------
CALLS = [
    pytest.param(lambda k, n: unirand.permutation(k, n), "x", id="permutation"),
    pytest.param(lambda k, n: unirand.choice(k, n, (3,)), "a", id="choice"),
    pytest.param(lambda k, n: unirand.choice(k, n, (3,), replace=False), "a", id="no_replace"),
]


@pytest.mark.parametrize("make", _native_keys())
@pytest.mark.parametrize(("call", "argument"), CALLS)
@pytest.mark.parametrize("n", [2**63, 2**64 + 5, 2**70])
def test_native_populations_beyond_int64_are_refused(make, call, argument, n):
    """NumPy returned ``[]`` for ``permutation(k, 2**63)`` and drew below 2**63 for
    ``choice(k, 2**70, (3,))``; torch raised its own errors.  Portable keys' wording."""
    with pytest.raises(ValueError, match=rf"^{argument} must be at most \d+ \(the int\d+ index"):
        call(make(), n)


@pytest.mark.parametrize("make", _native_keys()[:2])
def test_native_largest_int64_population_is_sampled(make):
    out = to_numpy(unirand.choice(make(), 2**63 - 1, (3,)))
    assert out.shape == (3,) and int(out.min()) >= 0
