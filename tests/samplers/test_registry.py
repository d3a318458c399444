"""Every sampler is one definition: registered once, exported, bound on keys, in the protocol.

``unirand/samplers/sampler.py`` says how a sampler is added; these tests fail until every place
it names has the new sampler, with the same parameters everywhere.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import unirand
from unirand.keys.native.base import NativeKey
from unirand.keys.protocol import Key
from unirand.samplers.sampler import REGISTRY, sampler

SAMPLERS = sorted(REGISTRY)


def _params(fn, drop_first: bool = True) -> list[tuple[str, object, object]]:
    params = list(inspect.signature(fn).parameters.values())
    if drop_first:
        params = params[1:]
    return [(p.name, p.kind, p.default) for p in params]


def test_the_registry_holds_every_sampler():
    assert SAMPLERS == sorted(
        [
            "bernoulli",
            "bits",
            "categorical",
            "choice",
            "exponential",
            "gumbel",
            "normal",
            "permutation",
            "randint",
            "shuffle",
            "truncated_normal",
            "poisson",
            "binomial",
            "multinomial",
            "uniform",
            "cauchy",
            "pareto",
            "lognormal",
            "weibull_min",
            "rademacher",
            "laplace",
            "logistic",
            "rayleigh",
            "geometric",
            "triangular",
            "wald",
            "maxwell",
            "double_sided_maxwell",
            "gamma",
            "loggamma",
            "beta",
            "dirichlet",
            "chisquare",
            "f",
            "t",
            "generalized_normal",
            "ball",
            "multivariate_normal",
            "orthogonal",
        ]
    )


@pytest.mark.parametrize("name", SAMPLERS)
def test_unirand_exports_the_registered_function(name):
    assert getattr(unirand, name) is REGISTRY[name]
    assert name in unirand.__all__


@pytest.mark.parametrize("name", SAMPLERS)
def test_threefry_key_binds_the_same_function(name):
    assert getattr(unirand.ThreefryKey, name) is REGISTRY[name]
    bound = getattr(unirand.key(0), name)
    assert bound.__func__ is REGISTRY[name]
    assert _params(bound, drop_first=False) == _params(REGISTRY[name])


@pytest.mark.parametrize("name", SAMPLERS)
def test_the_key_protocol_and_native_keys_have_it(name):
    assert callable(getattr(Key, name, None))
    native = getattr(NativeKey, name)  # NativeMethods and the family mixins
    assert _params(native) == _params(REGISTRY[name])


def test_a_method_call_is_the_function_call():
    k = unirand.key(7)
    a = k.normal((5,), "float32", xp="numpy")
    b = unirand.normal(k, (5,), "float32", xp="numpy")
    assert a.tobytes() == b.tobytes()


def test_other_keys_get_the_call_as_their_method_with_every_argument():
    calls = []

    class Recorder:
        def __getattr__(self, name):
            return lambda *args, **kwargs: calls.append((name, args, kwargs)) or "ok"

    class ThirdPartyKey(Recorder):
        shape, impl = (), "mine"

    for name in (n for n in dir(Key) if not n.startswith("_") and n not in ("shape", "impl")):
        setattr(ThirdPartyKey, name, lambda self, *a, _n=name, **k: calls.append((_n, a, k)))
    key = ThirdPartyKey()
    assert isinstance(key, Key)
    unirand.uniform(key, (2,), maxval=3.0)
    unirand.choice(key, 5, (2,), mode="high")
    assert calls == [
        ("uniform", ((2,), "float32", 0.0, 3.0), {"xp": None, "device": None}),
        ("choice", (5, (2,), True, None, 0), {"mode": "high", "xp": None, "device": None}),
    ]


def test_a_key_passed_by_keyword_works_on_every_kind():
    k = unirand.key(3)
    assert unirand.normal(key=k, shape=(2,)).tobytes() == unirand.normal(k, (2,)).tobytes()
    n = unirand.as_key(np.random.SeedSequence(3))
    assert unirand.normal(key=n, shape=(2,)).tobytes() == n.normal((2,)).tobytes()


def test_bad_calls_raise_as_the_plain_function_would():
    with pytest.raises(TypeError):
        unirand.normal(unirand.key(0), (2,), bogus=1)
    with pytest.raises(TypeError):
        unirand.normal(unirand.as_key(np.random.SeedSequence(0)), (2,), bogus=1)
    with pytest.raises(TypeError, match="key must be a unirand key"):
        unirand.normal(3, (2,))


def test_a_name_is_registered_once():
    with pytest.raises(ValueError, match="registered already"):

        @sampler
        def normal(key):  # pragma: no cover - refused before it could run
            return key
