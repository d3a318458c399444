"""``cauchy``, ``pareto``, ``lognormal``, ``weibull_min``: ``jax.random``'s bytes on every backend.

The oracle is ``conformance/vectors/jax_xla_transforms.v1.json``, generated from jax.random by
``conformance/generate_jax_xla_transforms.py``; nothing here was produced by unirand.  Each case
is replayed generically (``unirand.report.golden``) on NumPy, torch, array-api-strict (no
16-bit dtypes) and JAX keys, then argument errors, distributions (scipy) and native keys.
"""

from __future__ import annotations

from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy

import unirand
from unirand.report import golden

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors"
FILE = golden.load(str(VECTORS / "jax_xla_transforms.v1.json"))
CASES = FILE["cases"]
IDS = [c["name"] for c in CASES]


def _check(case, got) -> None:
    got = to_numpy(got)
    if not golden.matches(case, got):
        want = golden.expected_array(case)
        detail = ""
        if want is not None and want.shape == got.shape and want.dtype == got.dtype:
            bad = np.flatnonzero(want.reshape(-1).view(np.uint8) != got.reshape(-1).view(np.uint8))
            i = bad[0] // got.itemsize
            first = f"got {got.reshape(-1)[i]!r} want {want.reshape(-1)[i]!r}"
            detail = f": {bad.size} bytes differ, first {first}"
        pytest.fail(f"{case['name']} {got.dtype}{got.shape}{detail}")


def _run(case, key):
    return golden.run_case(case, key)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("backend", ["numpy", "torch", "array_api_strict"])
def test_array_backends(case, backend):
    xp = load(backend)
    key = unirand.key(case["seed"]).to(xp)
    short = case["dtype"] in ("float16", "bfloat16")
    if backend == "array_api_strict" and short:
        with pytest.raises(TypeError):
            _run(case, key)
        return
    # torch too, NaN parameters included: the 16-bit roundings keep XLA's NaN bits
    # (DtypeArith.round_nan/out_nan), which torch's own casts do not
    _check(case, _run(case, key))


@pytest.mark.parametrize("case", CASES[::3], ids=IDS[::3])
@pytest.mark.parametrize("x64", [False, True], ids=["x64-off", "x64-on"])
def test_jax_native(case, x64):
    with jax_x64(x64) as jax:
        key = unirand.key(case["seed"]).to(jax)
        if not x64 and case["dtype"] == "float64":
            with pytest.raises(TypeError, match="jax_enable_x64"):
                _run(case, key)
            return
        _check(case, _run(case, key))


_REFERENCE = [c for c in CASES if c["dtype"] in ("float32", "float64")][1::10]


@pytest.mark.parametrize("case", _REFERENCE, ids=[c["name"] for c in _REFERENCE])
def test_jax_reference_engine(case):
    """The portable engine itself on jax.numpy (not jax.random); 16-bit dtypes there cost
    seconds each (the integer roundings of every operation), so a float32/float64 sample."""
    with jax_x64(True):
        from unirand.backends.jax import REFERENCE

        _check(case, _run(case, unirand.key(case["seed"]).to(REFERENCE)))


def test_vectors_cover_every_sampler_and_dtype():
    covered = {(c["fn"], c["dtype"]) for c in CASES}
    fns = ("cauchy", "pareto", "lognormal", "weibull_min")
    assert covered == {(f, d) for f in fns for d in ("float16", "bfloat16", "float32", "float64")}
    assert any(c["params"].get("weak_params") for c in CASES)


# -- arguments ------------------------------------------------------------------------------


def test_parameter_dtype_must_cast_safely():
    k = unirand.key(0)
    with pytest.raises(TypeError, match="cannot safely cast b of dtype float64 to float32"):
        unirand.pareto(k, np.array([2.0]), None, "float32")
    with pytest.raises(TypeError, match="sigma of dtype float32 to float16"):
        unirand.lognormal(k, np.float32(1.0), (3,), "float16")


def test_parameter_errors_name_the_argument():
    k = unirand.key(0)
    with pytest.raises(TypeError, match="b must have a floating dtype"):
        unirand.pareto(k, np.array([1, 2]), None)
    with pytest.raises(ValueError, match="pareto b"):
        unirand.pareto(k, np.ones(3, np.float32), (2,))
    with pytest.raises(TypeError, match="scale"):
        unirand.weibull_min(k, "x", 1.0, (2,))
    with pytest.raises(TypeError, match="dtype must be one of float16"):
        unirand.cauchy(k, (2,), "int32")
    with pytest.raises(ValueError, match="weibull_min scale"):
        unirand.weibull_min(k, np.ones(3, np.float32), 1.0, (2,), index=0)


def test_shapes_and_dtypes():
    k = unirand.key(1)
    assert unirand.pareto(k, np.ones((2, 1), np.float32), (3, 2, 4)).shape == (3, 2, 4)
    assert unirand.lognormal(k).shape == ()
    # weibull_min broadcasts shape with its parameters, and promotes with their dtypes (JAX)
    out = unirand.weibull_min(k, np.ones(3, np.float32), 2.0, ())
    assert out.shape == (3,) and out.dtype == np.float32
    assert unirand.weibull_min(k, 1.0, np.ones(2), (2,), "float32").dtype == np.float64


def test_blocks_are_slices_of_the_draw():
    k = unirand.key(5)
    b = np.linspace(0.5, 3.0, 8).astype(np.float32)
    full = unirand.pareto(k, b, (6, 8))
    assert unirand.pareto(k, b, (6, 8), index=(slice(2, 4),)).tobytes() == full[2:4].tobytes()
    full = unirand.cauchy(k, (50,), "float64")
    assert unirand.cauchy(k, (50,), "float64", offset=(10, 20)).tobytes() == full[10:20].tobytes()


# -- distributions (float32, 10**5 draws, a fixed key, loose thresholds) ----------------------


def test_kolmogorov_smirnov():
    stats = pytest.importorskip("scipy.stats")
    k = unirand.key(20261203)
    n = 100_000
    draws = {
        "cauchy": (unirand.cauchy(k, (n,)), stats.cauchy()),
        "pareto": (unirand.pareto(k, 2.5, (n,)), stats.pareto(2.5)),
        "lognormal": (unirand.lognormal(k, 0.7, (n,)), stats.lognorm(0.7)),
        "weibull_min": (unirand.weibull_min(k, 1.5, 2.0, (n,)), stats.weibull_min(2.0, scale=1.5)),
    }
    for name, (x, dist) in draws.items():
        assert x.dtype == np.float32
        p = stats.kstest(x.astype(np.float64), dist.cdf).pvalue
        assert p > 1e-4, (name, p)


# -- native keys -----------------------------------------------------------------------------


def _own_draws(source: str, seed: int, n: int) -> dict[str, np.ndarray]:
    """What each sampler of a native key must equal: its library called directly (NumPy's
    own methods; torch's own ``cauchy_``/``log_normal_``, ``exponential_`` for the derived
    pareto/weibull_min; ``jax.random`` in float32 for a JAX key), one fresh generator each."""
    if source == "numpy":

        def gen():
            return np.random.default_rng(np.random.SeedSequence(seed))

        return {
            "cauchy": gen().standard_cauchy(n),
            "pareto": gen().pareto(3.0, n) + 1.0,
            "lognormal": gen().lognormal(0.0, 0.5, n),
            "weibull_min": 1.5 * gen().weibull(2.0, n),
        }
    if source == "torch":
        torch = load("torch")

        def empty():
            return torch.empty(n, dtype=torch.float64)

        def gen():
            return torch.Generator().manual_seed(seed)

        e = empty().exponential_(generator=gen()).numpy()
        return {
            "cauchy": empty().cauchy_(0.0, 1.0, generator=gen()).numpy(),
            "pareto": np.exp(e / 3.0),
            "lognormal": np.power(empty().log_normal_(0.0, 1.0, generator=gen()).numpy(), -0.5),
            "weibull_min": np.power(e, 1.0 / 2.0) * 1.5,
        }
    jax = pytest.importorskip("jax")
    k = jax.random.key(seed, impl="rbg")
    return {
        "cauchy": np.asarray(jax.random.cauchy(k, (n,))),
        "pareto": np.asarray(jax.random.pareto(k, 3.0, (n,))),
        "lognormal": np.asarray(jax.random.lognormal(k, -0.5, (n,))),
        "weibull_min": np.asarray(jax.random.weibull_min(k, 1.5, 2.0, (n,))),
    }


@pytest.mark.parametrize("source", ["numpy", "torch", "jax-rbg"])
def test_native_keys_derive_from_their_library(source):
    """Each native kind samples with its library's own sampler where it has one (NumPy all
    four, torch cauchy and lognormal, JAX keys all four), else derives from its own
    exponentials (torch pareto, weibull_min): equal values, scipy's distributions, one
    rounding to 16-bit dtypes, unirand's errors."""
    stats = pytest.importorskip("scipy.stats")
    if source == "numpy":
        key = unirand.as_key(np.random.SeedSequence(4))
    elif source == "torch":
        torch = load("torch")
        key = unirand.as_key(torch.Generator().manual_seed(4))
    else:
        jax = pytest.importorskip("jax")
        key = unirand.as_key(jax.random.key(4, impl="rbg"))
    dtype = "float32" if source == "jax-rbg" else "float64"
    n = 20_000
    got = {
        "cauchy": key.cauchy((n,), dtype),
        "pareto": unirand.pareto(key, 3.0, (n,), dtype),
        "lognormal": unirand.lognormal(key, -0.5, (n,), dtype),
        "weibull_min": unirand.weibull_min(key, 1.5, 2.0, (n,), dtype),
    }
    cdfs = {
        "cauchy": stats.cauchy().cdf,
        "pareto": stats.pareto(3.0).cdf,
        "lognormal": stats.lognorm(0.5).cdf,
        "weibull_min": stats.weibull_min(2.0, scale=1.5).cdf,
    }
    for name, want in _own_draws(source, 4, n).items():
        x = to_numpy(got[name])
        assert x.dtype == np.dtype(dtype), name
        np.testing.assert_array_equal(x, want.astype(dtype), err_msg=name)
        p = stats.kstest(x.astype(np.float64), cdfs[name]).pvalue
        assert p > 1e-4, (name, p)
    z = to_numpy(unirand.lognormal(key, np.float32(0.5), (4, 5)))
    assert z.shape == (4, 5) and (z > 0).all()
    w = to_numpy(unirand.weibull_min(key, 2.0, 1.5, (7,), "float16"))
    assert w.dtype == np.float16 and (w >= 0).all()
    if source != "jax-rbg":  # 16-bit: the float64 (NumPy) or float32 (torch) value rounded once
        wide = "float64" if source == "numpy" else "float32"
        c16 = to_numpy(key.cauchy((50,), "bfloat16")).astype(np.float32)
        c = to_numpy(key.cauchy((50,), wide))
        np.testing.assert_array_equal(c16, c.astype(ml_dtypes.bfloat16).astype(np.float32))
    if source == "numpy":  # outside NumPy's domain: NaN (NumPy raises an unnamed error)
        edge = to_numpy(unirand.pareto(key, np.array([0.0, -1.0, np.nan, 2.0]), None, dtype))
        assert np.isnan(edge[:3]).all() and edge[3] >= 1
        edge = to_numpy(unirand.weibull_min(key, 1.0, np.array([0.0, -1.0, 2.0]), (3,), dtype))
        assert np.isnan(edge[:2]).all() and edge[2] >= 0
    with pytest.raises(ValueError, match="index"):
        key.cauchy((3,), index=0)
    with pytest.raises(ValueError, match="b of shape"):
        unirand.pareto(key, np.ones(3), (2,))
    with pytest.raises(TypeError, match="sigma must be"):
        unirand.lognormal(key, "x", (2,))
