"""beta, dirichlet, chisquare, f, t: every golden case from JAX, bytes compared, on every library.

The vectors (``conformance/vectors/jax_gamma_family.v1.json``) were generated from jax.random by
conformance/generate_jax_gamma_family.py (jax 0.10.2, x64 on, partitionable threefry, XLA:CPU
on the reference host); nothing here was produced by unirand.  Also: blocks against slices,
the argument errors, KS tests against scipy.stats, native keys.

Known gap: where a parameter is NaN, negative or infinite, some NaN results carry other bits
than XLA's (the fused loggamma's NaN choice); those cases compare NaN positions and every
other byte.
"""

from __future__ import annotations

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.engine.dtypes import numpy_dtype

CASES = load_vectors("jax_gamma_family.v1.json")["cases"]
IDS = [c["name"] for c in CASES]
SMALL = [c for c in CASES if int(np.prod(c["expected"]["shape"])) <= 300]
#: the other libraries replay a spread of the small cases (the engine is the same code)
SPREAD = SMALL[::6]
FLOATS = {"inf": np.inf, "-inf": -np.inf, "nan": np.nan}


def _decode(v):
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return FLOATS.get(v, v) if isinstance(v, str) else v


#: the parameters of each sampler in call order (the JSON's keys are sorted)
ORDER = {"beta": ("a", "b"), "chisquare": ("df",), "f": ("dfnum", "dfden"), "t": ("df",)}
ORDER["dirichlet"] = ("alpha",)


def _params(case):
    out = []
    for v in (case["params"][name] for name in ORDER[case["fn"]]):
        v = _decode(v)
        out.append(np.asarray(v, numpy_dtype(case["dtype"])) if isinstance(v, list) else float(v))
    return out


def _invalid(case) -> bool:
    """A parameter that is NaN, infinite or not positive (NaN results)."""
    vals = np.concatenate(
        [np.ravel(np.asarray(_decode(v), np.float64)) for v in case["params"].values()]
    )
    return bool(np.any(~np.isfinite(vals) | (vals <= 0)))


def _run(case, key):
    key = apply_ops(key, case["ops"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    return getattr(unirand, case["fn"])(key, *_params(case), shape, case["dtype"])


def _check(case, got):
    if not _invalid(case):
        assert_matches(case, got)
        return
    exp = case["expected"]
    want = np.frombuffer(bytes.fromhex(exp["hex"]), numpy_dtype(exp["dtype"])).reshape(exp["shape"])
    assert got.dtype == want.dtype and got.shape == want.shape
    nan = np.isnan(want.astype(np.float32))
    np.testing.assert_array_equal(np.isnan(got.astype(np.float32)), nan)
    width = f"u{want.dtype.itemsize}"
    np.testing.assert_array_equal(got.view(width)[~nan], want.view(width)[~nan])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy(case):
    _check(case, np.asarray(_run(case, unirand.key(case["seed"]))))


@pytest.mark.parametrize("case", SPREAD, ids=[c["name"] for c in SPREAD])
@pytest.mark.parametrize("backend", ["torch", "array_api_strict"])
def test_other_libraries(case, backend):
    xp = load(backend)
    key = unirand.key(case["seed"]).to(xp)
    if backend == "array_api_strict" and case["dtype"] in ("float16", "bfloat16"):
        with pytest.raises(TypeError, match=f"no dtype {case['dtype']}"):
            _run(case, key)
        return
    _check(case, to_numpy(_run(case, key)))


JAX_CASES = [c for c in SMALL if c["dtype"] in ("float32", "float64") and not _invalid(c)][::9][:3]


@pytest.mark.parametrize("case", JAX_CASES, ids=[c["name"] for c in JAX_CASES])
def test_jax_backend(case):
    with jax_x64(True) as jax:
        key = unirand.key(case["seed"]).to(jax)
        _check(case, to_numpy(_run(case, key)))


@pytest.mark.parametrize("fn", ["beta", "chisquare", "f", "t", "dirichlet"])
@pytest.mark.parametrize("x64", [False, True], ids=["x64-off", "x64-on"])
def test_jax_keys(fn, x64):
    """A native JAX key: jax.random's own sampler (its numbers, unirand's call)."""
    with jax_x64(x64) as jax:
        raw = jax.random.key(3)
        key = unirand.as_key(raw)
        params = {"beta": (0.5, 2.0), "chisquare": (3.0,), "f": (3.0, 5.0), "t": (4.0,)}
        if fn == "dirichlet":
            alpha = jax.numpy.asarray([0.5, 1.0, 2.0])
            got = unirand.dirichlet(key, alpha, (4,))
            want = jax.random.dirichlet(raw, alpha, (4,), "float32")
        else:
            got = getattr(unirand, fn)(key, *params[fn], (5,))
            want = getattr(jax.random, fn)(raw, *params[fn], (5,), "float32")
        np.testing.assert_array_equal(to_numpy(got), np.asarray(want))


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        ("beta", (np.array([[0.3], [2.0], [5.0]], np.float32), 1.5)),
        ("chisquare", (np.array([0.4, 3.0, 9.0, 1.0], np.float32),)),
        ("f", (2.0, 6.0)),
        ("t", (np.array([[0.7], [3.0], [12.0]], np.float32),)),
    ],
)
def test_blocks_are_slices(fn, params):
    key = unirand.key(11)
    sampler = getattr(unirand, fn)
    shape = (3, 4) if fn != "f" else (3, 40)
    whole = np.asarray(sampler(key, *params, shape))
    np.testing.assert_array_equal(
        np.asarray(sampler(key, *params, shape, index=(slice(1, 3), 2))), whole[1:3, 2]
    )
    np.testing.assert_array_equal(
        np.asarray(sampler(key, *params, shape, offset=(5, 11))), whole.reshape(-1)[5:11]
    )


def test_argument_errors():
    key = unirand.key(0)
    with pytest.raises(ValueError, match="chisquare df"):
        unirand.chisquare(key, np.ones(3, np.float32), (4,))
    with pytest.raises(ValueError, match="beta b"):
        unirand.beta(key, 1.0, np.ones(3, np.float32), (2, 4))
    with pytest.raises(TypeError, match="dfnum has dtype float64"):
        unirand.f(key, np.ones(3), 2.0, (3,), "float32")
    with pytest.raises(ValueError, match="f: dfden of shape"):
        unirand.f(key, 2.0, np.ones(3, np.float32), (2, 3))
    with pytest.raises(ValueError, match="at least one dimension"):
        unirand.dirichlet(key, 1.0)
    with pytest.raises(ValueError, match="dirichlet alpha"):
        unirand.dirichlet(key, np.ones((3, 2), np.float32), (4,))
    with pytest.raises(TypeError):
        unirand.t(key, 1.0, (2,), "int32")
    with pytest.raises(TypeError):
        unirand.dirichlet(key, [1.0, 2.0], index=0)  # no blocks


def _ks(x, cdf):
    stats = pytest.importorskip("scipy.stats")
    return stats.kstest(np.asarray(x, np.float64).reshape(-1), cdf).pvalue


def test_ks_against_scipy():
    stats = pytest.importorskip("scipy.stats")
    n = 50_000
    assert _ks(unirand.beta(unirand.key(1), 0.4, 2.5, (n,)), stats.beta(0.4, 2.5).cdf) > 1e-4
    assert _ks(unirand.chisquare(unirand.key(2), 3.0, (n,)), stats.chi2(3.0).cdf) > 1e-4
    assert _ks(unirand.f(unirand.key(3), 5.0, 7.0, (n,)), stats.f(5.0, 7.0).cdf) > 1e-4
    assert _ks(unirand.t(unirand.key(4), 2.5, (n,)), stats.t(2.5).cdf) > 1e-4
    d = np.asarray(unirand.dirichlet(unirand.key(5), [0.5, 1.5, 3.0], (20_000,)), np.float64)
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-5)
    assert _ks(d[:, 1], stats.beta(1.5, 3.5).cdf) > 1e-4  # a marginal is Beta(a_i, sum - a_i)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_native_keys(kind):
    stats = pytest.importorskip("scipy.stats")
    if kind == "numpy":
        key = unirand.as_key(np.random.default_rng(5))
    else:
        torch = pytest.importorskip("torch")
        key = unirand.as_key(torch.Generator().manual_seed(5))
    n = 20_000
    x = to_numpy(unirand.beta(key, 0.6, 1.7, (n,), "float64"))
    assert x.shape == (n,) and x.dtype == np.float64
    assert _ks(x, stats.beta(0.6, 1.7).cdf) > 1e-4
    assert _ks(to_numpy(key.chisquare(4.0, (n,), "float64")), stats.chi2(4.0).cdf) > 1e-4
    assert _ks(to_numpy(key.f(3.0, 9.0, (n,), "float64")), stats.f(3.0, 9.0).cdf) > 1e-4
    assert _ks(to_numpy(key.t(3.0, (n,), "float64")), stats.t(3.0).cdf) > 1e-4
    d = to_numpy(key.dirichlet(np.array([[0.5, 2.0, 1.0]] * 2), (3, 2)))
    assert d.shape == (3, 2, 3) and d.dtype == np.float32
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError):
        key.t(1.0, (2,), index=0)
