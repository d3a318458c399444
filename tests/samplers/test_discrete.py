"""poisson, binomial, multinomial: jax.random's bytes (vectors from conformance/
generate_jax_discrete.py, generated from jax 0.10.2 itself), the whole-array dependence JAX has,
argument errors, distributions, native keys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _backends import jax_x64
from golden import assert_matches

import unirand
from unirand.report import golden as _golden
from unirand.samplers.hosted import library_loops

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors" / "jax_discrete.v1.json"
CASES = json.loads(VECTORS.read_text())["cases"]
IDS = [c["name"] for c in CASES]
SHORT = ("float16", "bfloat16")


def _short(case) -> bool:
    p = case["params"]
    return case["dtype"] in SHORT or p.get("p_dtype") in SHORT or p.get("n_dtype") in SHORT


def _host(x) -> np.ndarray:
    return np.asarray(unirand.backends.to_numpy(x))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy_replays_jax(case):
    got = _golden.run_case(case, unirand.key(case["seed"]))
    assert_matches(case, np.asarray(got))


_SAMPLE = [c for i, c in enumerate(CASES) if i % 9 == 0]


@pytest.mark.parametrize("case", _SAMPLE, ids=[c["name"] for c in _SAMPLE])
@pytest.mark.parametrize("backend", ["torch", "array_api_strict"])
def test_other_backends_replay_jax(case, backend):
    xp = pytest.importorskip(backend)
    key = unirand.key(case["seed"]).to(xp)
    if backend == "array_api_strict" and _short(case):
        with pytest.raises(TypeError):
            _golden.run_case(case, key)
        return
    # torch CPU: the loops run on the host (samplers/hosted.py), NaN bits included
    assert_matches(case, _host(_golden.run_case(case, key)))


@pytest.mark.parametrize("case", _SAMPLE, ids=[c["name"] for c in _SAMPLE])
def test_torch_own_loops(case):
    """torch's own path (CUDA tensors take it): exact but for bfloat16 NaN bit patterns."""
    torch = pytest.importorskip("torch")
    if "bfloat16" in (case["dtype"], case["params"].get("p_dtype")):
        if "bad-p" in case["name"] or "special" in case["name"]:
            pytest.xfail("torch's bfloat16 conversion makes every NaN 0xFFFF (JAX: 0x7FC0)")
    with library_loops():
        assert_matches(case, _host(_golden.run_case(case, unirand.key(case["seed"]).to(torch))))


@pytest.mark.parametrize("case", _SAMPLE[::4], ids=[c["name"] for c in _SAMPLE[::4]])
def test_jax_backend_replays_jax(case):
    with jax_x64(True) as jax:
        got = _golden.run_case(case, unirand.key(case["seed"]).to(jax))
        assert_matches(case, np.asarray(got))


def test_jax_jit_calls_jax_random():
    jax = pytest.importorskip("jax")
    key = unirand.key(3).to(jax)
    lam = np.asarray([1.0, 30.0], np.float32)
    out = jax.jit(lambda k: unirand.poisson(k, lam))(key)
    assert np.array_equal(np.asarray(out), np.asarray(unirand.poisson(unirand.key(3), lam)))


def test_rejection_values_depend_on_the_whole_array():
    """As in jax.random: a later acceptance overwrites an earlier one, and the loop runs until
    every element was accepted once, so element 0 changes when other elements are added."""
    key = unirand.key(5)
    for draw in (
        lambda n: unirand.poisson(key, np.float32(50.0), (n,)),
        lambda n: unirand.binomial(key, 1000.0, np.float32(0.3), (n,)),
    ):
        assert draw(1)[0] == draw(5)[0]  # the loop stopped at the same iteration
        assert draw(1)[0] != draw(11)[0]  # a longer loop overwrote element 0
    # Knuth (lam < 10) is monotone: an element's value is its own
    small = unirand.poisson(key, np.float32(3.0), (1,))
    assert all(unirand.poisson(key, np.float32(3.0), (n,))[0] == small[0] for n in (2, 9, 33))


def test_errors_name_the_argument():
    key = unirand.key(0)
    with pytest.raises(TypeError, match="dtype"):
        unirand.poisson(key, 3.0, dtype="float32")
    with pytest.raises(TypeError, match="lam"):
        unirand.poisson(key, "3")
    with pytest.raises(ValueError, match="poisson lam"):
        unirand.poisson(key, np.ones(3, np.float32), (2,))
    with pytest.raises(TypeError, match="p must have a floating dtype"):
        unirand.binomial(key, 10, 1)
    with pytest.raises(TypeError, match="dtype"):
        unirand.binomial(key, 10, 0.5, dtype="int32")
    with pytest.raises(ValueError, match="binomial p"):
        unirand.binomial(key, 10, np.full(3, 0.5, np.float32), (2,))
    with pytest.raises(ValueError, match="never finishes"):
        unirand.binomial(key, np.inf, 0.0)
    with pytest.raises(ValueError, match="unroll"):
        unirand.multinomial(key, 5.0, [0.5, 0.5], unroll=0)
    with pytest.raises(ValueError, match="at least one dimension"):
        unirand.multinomial(key, 5.0, 0.5)
    with pytest.raises(ValueError, match="single key"):
        unirand.poisson(unirand.split(key, 2), 1.0)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_multinomial_cumsum_is_xlas_tree(monkeypatch, dtype):
    """Past 16 categories XLA:CPU sums the reverse cumsum as a tree of 16-wide scans
    (``discrete.reverse_cumsum``); summed in order, the K=300 golden case is not JAX's."""
    from unirand.samplers import discrete

    case = next(c for c in CASES if c["name"] == f"multinomial/{dtype}/K=300/batch=4/seed=6")
    assert_matches(case, np.asarray(_golden.run_case(case, unirand.key(case["seed"]))))
    monkeypatch.setattr(discrete, "SCAN_BASE", 10**6)
    got = np.asarray(_golden.run_case(case, unirand.key(case["seed"])))
    assert got.tobytes() != bytes.fromhex(case["expected"]["hex"])


@pytest.mark.parametrize("k", [3, 16, 17, 40, 300, 1000])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_reverse_cumsum_is_lax_cumsum(k, dtype):
    """The tree scan against XLA's own reverse cumsum (additions only: the same on every x86
    host), position by position."""
    jax = pytest.importorskip("jax")
    from unirand.samplers.discrete import reverse_cumsum
    from unirand.samplers.discrete_loops import Arith

    x = np.random.default_rng(k).random((k, 3)).astype(dtype)
    want = np.asarray(jax.jit(lambda v: jax.lax.cumsum(v, axis=0, reverse=True))(x))
    f = Arith(unirand.backends.by_name("numpy"), dtype)
    got = np.stack(reverse_cumsum(f, list(x.astype(np.float32)))).astype(dtype)
    assert got.tobytes() == want.tobytes()


def test_distributions_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    n = 20_000
    for lam in (4.0, 30.0):
        x = np.asarray(unirand.poisson(unirand.key(11), np.float32(lam), (n,)))
        k = np.arange(int(lam * 3))
        obs = np.array([(x == v).sum() for v in k] + [(x >= k[-1] + 1).sum()])
        pmf = stats.poisson.pmf(k, lam)
        exp = np.append(pmf, 1 - pmf.sum()) * n
        keep = exp > 5
        assert (
            stats.chisquare(obs[keep], exp[keep] * obs[keep].sum() / exp[keep].sum()).pvalue > 1e-4
        )
    for trials, p in ((8, 0.3), (400, 0.6)):
        x = np.asarray(unirand.binomial(unirand.key(12), float(trials), np.float32(p), (n,)))
        k = np.arange(trials + 1)
        obs = np.array([(x == v).sum() for v in k])
        exp = stats.binom.pmf(k, trials, p) * n
        keep = exp > 5
        assert (
            stats.chisquare(obs[keep], exp[keep] * obs[keep].sum() / exp[keep].sum()).pvalue > 1e-4
        )
    counts = np.asarray(unirand.multinomial(unirand.key(13), 30.0, [0.2, 0.3, 0.5], shape=(n, 3)))
    assert (counts.sum(-1) == 30).all()
    assert np.allclose(counts.mean(0), [6, 9, 15], rtol=0.03)


@pytest.mark.parametrize("kind", ["numpy", "torch"])  # a JAX threefry key is portable
def test_native_keys(kind):
    lib = pytest.importorskip(kind)
    seeds = {
        "numpy": lambda: lib.random.default_rng(0),
        "torch": lambda: lib.Generator().manual_seed(0),
    }
    key = unirand.as_key(seeds[kind]() if kind in seeds else lib.random.key(0))
    x = _host(key.poisson(np.asarray([1.0, 20.0]), (4, 2), "int32"))
    assert x.shape == (4, 2) and x.dtype == np.int32 and (x >= 0).all()
    assert np.array_equal(x, _host(key.poisson(np.asarray([1.0, 20.0]), (4, 2), "int32")))
    b = _host(key.binomial(10.0, 0.3, (5,), "float32"))
    assert b.shape == (5,) and ((b >= 0) & (b <= 10)).all()
    p = np.asarray([0.2, 0.8], np.float32)
    m = _host(key.multinomial(np.asarray([5.0, 7.0], np.float32), p, shape=(2, 2)))
    assert m.shape == (2, 2) and np.array_equal(m.sum(-1), [5.0, 7.0])
