"""The uniform/normal transforms: every golden case from JAX, bytes compared, on every backend.

rademacher, laplace, logistic, rayleigh, geometric, triangular, wald, maxwell and
double_sided_maxwell.  The vectors (``conformance/vectors/jax_transforms.v1.json``) were
generated from jax.random by conformance/generate_jax_transforms.py (jax 0.10.2, x64 on,
partitionable threefry, XLA:CPU with FMA); nothing here was produced by unirand.  Also: blocks
against slices of the whole draw, the argument errors, and a statistical check per sampler.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.samplers import jax_native, normal_transforms, uniform_transforms

VECTORS = "jax_transforms.v1.json"
CASES = load_vectors(VECTORS)["cases"]
IDS = [c["name"] for c in CASES]
FLOAT_ARGS = {
    "rayleigh": ("scale",),
    "wald": ("mean",),
    "triangular": ("left", "mode", "right"),
    "double_sided_maxwell": ("loc", "scale"),
}
SHORT = ("float16", "bfloat16")
WIDE = ("float64", "int64", "uint64")


def _fn(name: str):
    mod = uniform_transforms if hasattr(uniform_transforms, name) else normal_transforms
    return getattr(mod, name)


def _np_dtype(name: str):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return float(value) if isinstance(value, str) else value


def run(case, key, xp=None):
    """The case's call; parameters as host arrays of the case's dtype (p: of ``p_dtype``)."""
    fn, params = case["fn"], case["params"]
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = case["dtype"]
    if fn == "geometric":
        p = np.asarray(_decode(params["p"]), _np_dtype(params["p_dtype"]))
        return _fn(fn)(key, p, shape, dtype, xp=xp)
    args = [np.asarray(_decode(params[a]), _np_dtype(dtype)) for a in FLOAT_ARGS.get(fn, ())]
    return _fn(fn)(key, *args, shape=shape, dtype=dtype, xp=xp)


def _wide(case) -> bool:
    return case["dtype"] in WIDE or case["params"].get("p_dtype") in WIDE


def _short(case) -> bool:
    return case["dtype"] in SHORT or case["params"].get("p_dtype") in SHORT


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy(case):
    key = apply_ops(unirand.key(case["seed"]), case["ops"])
    assert_matches(case, to_numpy(run(case, key)))


def _sample(step: int, offset: int = 0):
    return [c for i, c in enumerate(CASES) if i % step == offset]


@pytest.mark.parametrize("case", _sample(6), ids=[c["name"] for c in _sample(6)])
def test_torch(case):
    torch = load("torch")
    key = apply_ops(unirand.key(case["seed"]).to(torch), case["ops"])
    assert_matches(case, to_numpy(run(case, key)))


@pytest.mark.parametrize("case", _sample(10, 1), ids=[c["name"] for c in _sample(10, 1)])
def test_array_api_strict(case):
    xp = load("array_api_strict")
    key = apply_ops(unirand.key(case["seed"]).to(xp), case["ops"])
    if _short(case):
        with pytest.raises(TypeError):
            run(case, key)
        return
    assert_matches(case, to_numpy(run(case, key)))


#: JAX keys take jax.random itself where the probe proved it (samplers/jax_native.py): a spread
JAX_CASES = CASES[::4]
#: the portable engine on jax.numpy dispatches op by op (seconds per case): a few cases only
PORTABLE_CASES = [
    c for c in CASES if c["name"] in ("rademacher/int32/seed=0/7", "laplace/float32/seed=0/7")
]


@pytest.mark.parametrize("case", JAX_CASES, ids=[c["name"] for c in JAX_CASES])
@pytest.mark.parametrize("x64", [False, True], ids=["x64-off", "x64-on"])
def test_jax_keys(case, x64):
    with jax_x64(x64) as jax:
        key = apply_ops(unirand.key(case["seed"]).to(jax), case["ops"])
        if _wide(case) and not x64:
            with pytest.raises(TypeError):
                run(case, key)
            return
        assert_matches(case, to_numpy(run(case, key)))


@pytest.mark.parametrize("case", PORTABLE_CASES, ids=[c["name"] for c in PORTABLE_CASES])
@pytest.mark.parametrize("x64", [False, True], ids=["x64-off", "x64-on"])
def test_jax_keys_portable_engine(case, x64):
    with jax_x64(x64) as jax, jax_native.forced(False):
        key = apply_ops(unirand.key(case["seed"]).to(jax), case["ops"])
        assert_matches(case, to_numpy(run(case, key)))


@pytest.mark.parametrize("name", ["rademacher", "maxwell", "double_sided_maxwell"])
def test_native_path_needs_x64_or_the_size_regime_probed(name):
    """rademacher's p=0.5 is float32 in jax.random without x64 (not the specification's
    float64): the probe says so and the portable engine draws; maxwell's code depends on the
    size, so each regime is probed on its own."""
    with jax_x64(False) as jax:
        key = unirand.key(4).to(jax)
        fn = getattr(unirand, name)
        args = (0.5, 1.5) if name == "double_sided_maxwell" else ()
        for n in (5, 3000, 5000):
            got = to_numpy(fn(key, *args, (n,), "float32"))
            want = np.asarray(fn(unirand.key(4), *args, (n,), "float32"))
            assert got.tobytes() == want.tobytes(), n
    verdicts = {k: v for k, v in jax_native.decisions().items() if k[1] == name}
    if name == "rademacher":
        assert verdicts[("cpu", name, "float32", "/x32")] is False
    else:
        assert {k[3] for k in verdicts} >= {"fused/x32", "materialized/x32", "large/x32"}


def test_numpy_key_computed_on_torch():
    torch = load("torch")
    for case in _sample(40, 3):
        key = apply_ops(unirand.key(case["seed"]), case["ops"])
        assert_matches(case, to_numpy(run(case, key, xp=torch)))


# -- blocks: slices of the whole draw ------------------------------------------------------------
BLOCK_CALLS = {
    "rademacher": ((), {"dtype": "int32"}),
    "laplace": ((), {}),
    "logistic": ((), {"dtype": "float16"}),
    "rayleigh": ((np.asarray([[1.0], [2.0], [0.5]], np.float32),), {}),
    "geometric": ((np.asarray([0.1, 0.5, 0.9, 0.3, 0.01], np.float32),), {}),
    "triangular": ((-1.0, np.asarray([0.0, 0.5, 1.0, 1.5, 1.9], np.float32), 2.0), {}),
    "wald": ((np.asarray([0.5, 1.0, 2.0, 3.0, 4.0], np.float32),), {"dtype": "float64"}),
    "maxwell": ((), {"dtype": "bfloat16"}),
    "double_sided_maxwell": ((0.5, 2.0), {}),
}


@pytest.mark.parametrize("name", sorted(BLOCK_CALLS))
@pytest.mark.parametrize("shape", [(3, 5), (600, 5), (1, 1)], ids=["3x5", "600x5", "1x1"])
def test_blocks_are_slices_of_the_whole_draw(name, shape):
    args, kwargs = BLOCK_CALLS[name]
    fn, key = _fn(name), unirand.key(11)
    if name == "rayleigh" and shape != (3, 5):
        args = (1.5,)
    if name in ("geometric", "triangular", "wald") and shape == (1, 1):
        args = tuple(a if np.ndim(a) == 0 else np.asarray(a).reshape(-1)[:1] for a in args)
    whole = np.asarray(fn(key, *args, shape, **kwargs))
    full = whole.shape
    for index in ((slice(None), slice(1, 3)), (0,), (Ellipsis, -1)):
        got = np.asarray(fn(key, *args, shape, index=index, **kwargs))
        assert got.tobytes() == whole[index].tobytes(), index
    n = whole.size
    got = np.asarray(fn(key, *args, shape, offset=(n // 3, n), **kwargs))
    assert got.tobytes() == whole.reshape(-1)[n // 3 :].tobytes()
    assert full == whole.shape


# -- arguments ----------------------------------------------------------------------------------
def test_float_samplers_refuse_integer_dtypes():
    for name in ("laplace", "logistic", "maxwell"):
        with pytest.raises(TypeError, match="dtype"):
            _fn(name)(unirand.key(0), (3,), "int32")
    with pytest.raises(TypeError, match="dtype"):
        unirand_geometric(0.5, (3,), "float32")
    with pytest.raises(TypeError, match="dtype"):
        uniform_transforms.rademacher(unirand.key(0), (3,), "bool")


def unirand_geometric(*args, **kwargs):
    return uniform_transforms.geometric(unirand.key(0), *args, **kwargs)


def test_parameters_must_cast_safely_to_the_dtype():
    wide = np.asarray([1.0, 2.0])
    with pytest.raises(TypeError, match=r"scale has dtype float64.*float32"):
        uniform_transforms.rayleigh(unirand.key(0), wide, dtype="float32")
    with pytest.raises(TypeError, match=r"mean has dtype float32.*bfloat16"):
        normal_transforms.wald(unirand.key(0), np.float32(1.0), dtype="bfloat16")
    # Python numbers and narrower arrays are fine
    out = uniform_transforms.rayleigh(unirand.key(0), np.asarray([1.0], np.float16), (4, 1))
    assert np.asarray(out).dtype == np.float32


def test_parameter_shapes_must_broadcast_to_shape():
    with pytest.raises(ValueError, match="rayleigh scale"):
        uniform_transforms.rayleigh(unirand.key(0), np.ones(3, np.float32), (2,))
    with pytest.raises(ValueError, match="do not broadcast"):
        uniform_transforms.triangular(
            unirand.key(0), np.zeros(2, np.float32), 0.5, np.ones(3, np.float32)
        )
    with pytest.raises(ValueError, match="geometric p"):
        unirand_geometric(np.ones(3, np.float32) * 0.5, (4,))


def test_double_sided_maxwell_shape_is_jax_s():
    k = unirand.key(0)
    loc = np.zeros(3, np.float32)
    assert normal_transforms.double_sided_maxwell(k, loc, 1.0).shape == (3, 3)
    assert normal_transforms.double_sided_maxwell(k, loc, 1.0, (2,)).shape == (2, 3)
    assert normal_transforms.double_sided_maxwell(k, 0.0, 1.0).shape == ()


def test_traced_parameters_are_refused_with_a_clear_error():
    with jax_x64(False) as jax:
        k = unirand.key(0).to(jax)

        def f(scale):
            return uniform_transforms.rayleigh(k, scale, (2,))

        with pytest.raises(TypeError, match="non-traced"):
            jax.jit(f)(jax.numpy.float32(1.0))


# -- statistics (float32, 10**5 draws, fixed key) ------------------------------------------------
N = 100_000


def _ks(name, cdf, *args, **kwargs):
    stats = pytest.importorskip("scipy.stats")
    x = np.asarray(_fn(name)(unirand.key(2024), *args, **kwargs), np.float64).reshape(-1)
    assert np.isfinite(x).all()
    assert stats.kstest(x, cdf).pvalue > 1e-4


def test_laplace_ks():
    _ks("laplace", pytest.importorskip("scipy.stats").laplace.cdf, (N,))


def test_logistic_ks():
    _ks("logistic", pytest.importorskip("scipy.stats").logistic.cdf, (N,))


def test_rayleigh_ks():
    stats = pytest.importorskip("scipy.stats")
    _ks("rayleigh", stats.rayleigh(scale=2.0).cdf, 2.0, (N,))


def test_triangular_ks():
    stats = pytest.importorskip("scipy.stats")
    _ks("triangular", stats.triang(c=0.5, loc=-1.0, scale=3.0).cdf, -1.0, 0.5, 2.0, (N,))


def test_wald_ks():
    stats = pytest.importorskip("scipy.stats")
    _ks("wald", stats.invgauss(mu=1.5).cdf, 1.5, (N,))


def test_maxwell_ks():
    _ks("maxwell", pytest.importorskip("scipy.stats").maxwell.cdf, (N,))


def test_double_sided_maxwell_ks():
    stats = pytest.importorskip("scipy.stats")
    x = np.asarray(normal_transforms.double_sided_maxwell(unirand.key(7), 1.0, 2.0, (N,)))
    assert stats.kstest(np.abs(x - 1.0) / 2.0, stats.maxwell.cdf).pvalue > 1e-4
    assert abs(np.mean(x > 1.0) - 0.5) < 0.01  # the sign is fair


def test_geometric_chi_square():
    stats = pytest.importorskip("scipy.stats")
    p = 0.3
    g = np.asarray(unirand_geometric(np.float32(p), (N,)))
    assert g.min() >= 1
    k = np.arange(1, 16)
    observed = np.array([np.sum(g == v) for v in k] + [np.sum(g >= 16)])
    probs = np.append(stats.geom.pmf(k, p), stats.geom.sf(15, p))
    assert stats.chisquare(observed, probs * N).pvalue > 1e-4


def test_rademacher_is_fair():
    stats = pytest.importorskip("scipy.stats")
    r = np.asarray(uniform_transforms.rademacher(unirand.key(3), (N,)))
    assert set(np.unique(r)) == {-1, 1}
    assert stats.binomtest(int(np.sum(r == 1)), N).pvalue > 1e-4


# -- native keys -----------------------------------------------------------------------------


def _native(kind: str, seed: int):
    """A native key of ``kind`` and a factory of the library generator it samples as."""
    if kind == "numpy":
        return unirand.as_key(np.random.SeedSequence(seed)), lambda: np.random.default_rng(
            np.random.SeedSequence(seed)
        )
    torch = load("torch")
    key = unirand.as_key(torch.Generator().manual_seed(seed))
    return key, lambda: torch.Generator().manual_seed(seed)


def test_native_numpy_keys_use_numpys_own_samplers():
    """NumPy's own laplace, logistic, rayleigh, geometric, triangular and wald (equal values,
    jax.random's parametrization), scipy's distributions, NaN outside NumPy's domain."""
    stats = pytest.importorskip("scipy.stats")
    key, gen = _native("numpy", 8)
    n = 20_000
    cases = {
        "laplace": (key.laplace((n,), "float64"), gen().laplace(0.0, 1.0, n), stats.laplace.cdf),
        "logistic": (
            key.logistic((n,), "float64"),
            gen().logistic(0.0, 1.0, n),
            stats.logistic.cdf,
        ),
        "rayleigh": (
            key.rayleigh(2.0, (n,), "float64"),
            gen().rayleigh(2.0, n),
            stats.rayleigh(scale=2.0).cdf,
        ),
        "triangular": (
            key.triangular(0.0, 0.3, 2.0, (n,), "float64"),
            gen().triangular(0.0, 0.3, 2.0, n),
            stats.triang(0.15, scale=2.0).cdf,
        ),
        "wald": (key.wald(1.5, (n,), "float64"), gen().wald(1.5, 1.0, n), stats.invgauss(1.5).cdf),
    }
    for name, (got, want, cdf) in cases.items():
        np.testing.assert_array_equal(got, want, err_msg=name)
        assert stats.kstest(got, cdf).pvalue > 1e-4, name
    g = key.geometric(0.3, (n,), "int32")
    assert g.dtype == np.int32
    np.testing.assert_array_equal(g, gen().geometric(0.3, n))
    _geometric_fits(g, 0.3)
    # float32: NumPy's float64 values rounded once
    want32 = gen().laplace(0.0, 1.0, 50).astype(np.float32)
    np.testing.assert_array_equal(key.laplace((50,)), want32)
    # outside NumPy's domain (it raises an unnamed error): NaN; geometric p = 0: the dtype's max
    w = key.wald(np.array([0.0, -1.0, np.nan, 1.0]), None, "float64")
    assert np.isnan(w[:3]).all() and w[3] > 0
    left, mode, right = np.array([0.0, 1.0, 0.0]), np.array([0.5, 0.5, 0.0]), np.array([1.0, 0, 0])
    t = key.triangular(left, mode, right)
    assert 0 <= t[0] <= 1 and np.isnan(t[1:]).all()
    geo = key.geometric(np.array([0.0, -1.0, 1.0]), None, "int64")
    np.testing.assert_array_equal(geo, [np.iinfo(np.int64).max, 0, 1])
    r = key.rayleigh(np.array([-2.0, 0.0]), None, "float64")
    assert r[0] < 0 and r[1] == 0  # jax.random's rayleigh takes any scale: scale * rayleigh(1)
    with pytest.raises(ValueError, match="index"):
        key.laplace((3,), index=0)
    with pytest.raises(ValueError, match="mode of shape"):
        key.triangular(0.0, np.full(3, 0.5), 1.0, (2,))
    with pytest.raises(TypeError, match="mean must be"):
        key.wald("x", (2,))


def _geometric_fits(g, p) -> None:
    stats = pytest.importorskip("scipy.stats")
    g = np.asarray(g)
    assert g.min() >= 1
    k = np.arange(1, 16)
    observed = np.array([np.sum(g == v) for v in k] + [np.sum(g >= 16)])
    probs = np.append(stats.geom.pmf(k, p), stats.geom.sf(15, p))
    assert stats.chisquare(observed, probs * g.size).pvalue > 1e-4


def test_native_torch_keys_use_geometric_and_derive_the_rest():
    """torch's own ``geometric_`` for a scalar ``p``; an array ``p`` and the samplers torch
    lacks derive from its uniforms and normals (scipy's distributions either way)."""
    stats = pytest.importorskip("scipy.stats")
    torch = load("torch")
    key, gen = _native("torch", 8)
    n = 20_000
    g = key.geometric(0.3, (n,), "int32")
    assert g.dtype == torch.int32
    want = torch.empty(n, dtype=torch.float64).geometric_(0.3, generator=gen())
    np.testing.assert_array_equal(to_numpy(g), want.numpy().astype(np.int32))
    _geometric_fits(to_numpy(g), 0.3)
    _geometric_fits(to_numpy(key.geometric(np.full(4, 0.3), (n // 4, 4), "int32")).ravel(), 0.3)
    lap = to_numpy(key.laplace((n,), "float64"))
    assert stats.kstest(lap, stats.laplace.cdf).pvalue > 1e-4
    wald = to_numpy(key.wald(1.5, (n,), "float64"))
    assert stats.kstest(wald, stats.invgauss(1.5).cdf).pvalue > 1e-4
    h = to_numpy(key.logistic((64,), "float16"))
    assert h.dtype == np.float16 and np.isfinite(h).all()
    with pytest.raises(ValueError, match="p of shape"):
        key.geometric(np.full(3, 0.5), (2,))


@pytest.mark.parametrize("name", ["laplace", "rayleigh", "geometric", "wald", "maxwell"])
def test_native_jax_keys_use_jax_random(name):
    jax = pytest.importorskip("jax")
    k = jax.random.key(6, impl="rbg")
    key = unirand.as_key(k)
    args = {"rayleigh": (2.0,), "geometric": (0.3,), "wald": (1.5,)}.get(name, ())
    got = getattr(unirand, name)(key, *args, (100,))
    want = getattr(jax.random, name)(k, *args, (100,))
    np.testing.assert_array_equal(to_numpy(got), np.asarray(want))
