"""generalized_normal and ball: every golden case from JAX, bytes compared, on every library.

The vectors (``conformance/vectors/jax_generalized_normal.v1.json``) were generated from
jax.random by conformance/generate_jax_generalized_normal.py (jax 0.10.2, x64 on,
partitionable threefry, XLA:CPU on the reference host); nothing here was produced by unirand.
Also: the argument errors, blocks against slices, KS tests against scipy.stats.gennorm, the
ball's radius law and support, native keys.
"""

from __future__ import annotations

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.report.golden import call_params

CASES = load_vectors("jax_generalized_normal.v1.json")["cases"]
IDS = [c["name"] for c in CASES]
SMALL = [c for c in CASES if int(np.prod(c["expected"]["shape"])) <= 120]
SPREAD = SMALL[::6]


def _run(case, key):
    key = apply_ops(key, case["ops"])
    return call_params(key, case["fn"], case["shape"], case["dtype"], case["params"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy(case):
    assert_matches(case, np.asarray(_run(case, unirand.key(case["seed"]))))


@pytest.mark.parametrize("case", SPREAD, ids=[c["name"] for c in SPREAD])
@pytest.mark.parametrize("backend", ["torch", "array_api_strict"])
def test_other_libraries(case, backend):
    xp = load(backend)
    key = unirand.key(case["seed"]).to(xp)
    if backend == "array_api_strict" and case["dtype"] in ("float16", "bfloat16"):
        with pytest.raises(TypeError, match=f"no dtype {case['dtype']}"):
            _run(case, key)
        return
    assert_matches(case, to_numpy(_run(case, key)))


JAX_CASES = [c for c in SMALL if c["dtype"] == "float32"][:3]


@pytest.mark.parametrize("case", JAX_CASES, ids=[c["name"] for c in JAX_CASES])
def test_jax_backend(case):
    with jax_x64(True) as jax:
        assert_matches(case, to_numpy(_run(case, unirand.key(case["seed"]).to(jax))))


@pytest.mark.parametrize("fn", ["generalized_normal", "ball"])
def test_jax_keys(fn):
    """A native JAX key calls jax.random itself."""
    with jax_x64(True) as jax:
        jkey = jax.random.key(3)
        key = unirand.as_key(jkey)
        if fn == "ball":
            got, want = key.ball(3, 1.5, (4,)), jax.random.ball(jkey, 3, 1.5, (4,), "float32")
        else:
            got = key.generalized_normal(1.5, (5,))
            want = jax.random.generalized_normal(jkey, 1.5, (5,), "float32")
        np.testing.assert_array_equal(to_numpy(got), np.asarray(want))


def test_p_int_and_float_agree():
    key = unirand.key(9)
    a = np.asarray(unirand.ball(key, 3, 2, (6,)))
    np.testing.assert_array_equal(a, np.asarray(unirand.ball(key, 3, 2.0, (6,))))


def test_blocks_are_slices():
    key = unirand.key(11)
    whole = np.asarray(unirand.generalized_normal(key, 1.5, (3, 40)))
    np.testing.assert_array_equal(
        np.asarray(unirand.generalized_normal(key, 1.5, (3, 40), index=(slice(1, 3), 5))),
        whole[1:3, 5],
    )
    np.testing.assert_array_equal(
        np.asarray(unirand.generalized_normal(key, 1.5, (3, 40), offset=(37, 90))),
        whole.reshape(-1)[37:90],
    )


def test_argument_errors():
    key = unirand.key(0)
    for bad in (True, "2", [2.0], np.float32(2.0), np.ones(2)):
        with pytest.raises(TypeError, match="p must be a Python int or float"):
            unirand.generalized_normal(key, bad, (2,))
    with pytest.raises(TypeError, match="ball: p must be"):
        unirand.ball(key, 2, None)
    with pytest.raises(TypeError, match="d must be a nonnegative int"):
        unirand.ball(key, 2.5)
    with pytest.raises(ValueError, match="d must be a nonnegative int"):
        unirand.ball(key, -1)
    with pytest.raises(TypeError):
        unirand.generalized_normal(key, 2.0, (2,), "int32")
    with pytest.raises(ValueError):
        unirand.generalized_normal(key, 2.0, (-1,))
    with pytest.raises(TypeError):
        unirand.ball(key, 2, 2, (2,), index=0)  # ball has no blocks


def test_empty_and_zero_dimension():
    key = unirand.key(1)
    assert np.asarray(unirand.generalized_normal(key, 2.0, (0, 3))).shape == (0, 3)
    assert np.asarray(unirand.ball(key, 0, 2, (4,))).shape == (4, 0)
    assert np.asarray(unirand.ball(key, 3, 2, (0,))).shape == (0, 3)


@pytest.mark.parametrize("p", [0.7, 1.0, 2.0, 4.0])
def test_ks_against_scipy(p):
    stats = pytest.importorskip("scipy.stats")
    x = np.asarray(unirand.generalized_normal(unirand.key(2024), p, (50_000,)), np.float64)
    assert stats.kstest(x, stats.gennorm(p).cdf).pvalue > 1e-4


@pytest.mark.parametrize(("d", "p"), [(2, 2), (3, 1.0), (5, 0.8)])
def test_ball_radius_law(d, p):
    """Uniform in the unit Lp ball: the Lp radius r has r**d uniform on [0, 1]."""
    stats = pytest.importorskip("scipy.stats")
    x = np.asarray(unirand.ball(unirand.key(77), d, p, (20_000,), "float64"))
    assert x.shape == (20_000, d)
    r = np.sum(np.abs(x) ** p, axis=-1) ** (1.0 / p)
    assert (r < 1.0).all()
    assert stats.kstest(r**d, stats.uniform().cdf).pvalue > 1e-4
    # symmetric: each coordinate's sign is a fair coin
    assert abs(np.mean(x[:, 0] > 0) - 0.5) < 0.02


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_native_keys(kind):
    stats = pytest.importorskip("scipy.stats")
    if kind == "numpy":
        make = lambda: unirand.as_key(np.random.default_rng(5))  # noqa: E731
    else:
        torch = pytest.importorskip("torch")
        make = lambda: unirand.as_key(torch.Generator().manual_seed(5))  # noqa: E731
    key = make()
    x = np.asarray(to_numpy(unirand.generalized_normal(key, 1.5, (20_000,), "float64")))
    assert x.shape == (20_000,) and x.dtype == np.float64
    assert stats.kstest(x, stats.gennorm(1.5).cdf).pvalue > 1e-4
    np.testing.assert_array_equal(x, to_numpy(make().generalized_normal(1.5, (20_000,), "float64")))
    b = np.asarray(to_numpy(make().ball(4, 3, (5_000,), "float64")))
    assert b.shape == (5_000, 4)
    r = np.sum(np.abs(b) ** 3, axis=-1) ** (1 / 3)
    assert (r < 1).all() and stats.kstest(r**4, stats.uniform().cdf).pvalue > 1e-4
    assert to_numpy(key.ball(2, shape=(3,), dtype="float16")).dtype == np.float16
    with pytest.raises(ValueError):
        key.generalized_normal(1.0, (2,), index=0)
    with pytest.raises(TypeError, match="p must be"):
        key.generalized_normal(True)
