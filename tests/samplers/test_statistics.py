"""Statistical checks of the samplers (fixed keys, so the outcomes are deterministic).

Bitwise tests prove unirand equals jax.random; these check that what both produce is what it
claims to be: Kolmogorov-Smirnov distances, moments and tail frequencies against exact values.
Thresholds are the 0.1% critical values (or 5 standard errors) for n = 10**6.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import unirand

N = 10**6
KS_CRIT = 1.95 / math.sqrt(N)  # Kolmogorov distribution, p = 0.001


def _phi(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * (1.0 + erf(np.asarray(x, np.float64) / math.sqrt(2.0)))


def _ks_discrete(values: np.ndarray, cdf) -> float:
    """KS distance for samples on a grid of representable values: at each distinct value v the
    empirical CDF is compared with the model's mass below the midpoint to the next value."""
    v, counts = np.unique(values.astype(np.float64), return_counts=True)
    emp_hi = np.cumsum(counts) / values.size
    emp_lo = emp_hi - counts / values.size
    upper = np.append((v[1:] + v[:-1]) / 2, np.inf)
    lower = np.append(-np.inf, upper[:-1])
    return float(max(np.abs(emp_hi - cdf(upper)).max(), np.abs(emp_lo - cdf(lower)).max()))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_normal_kolmogorov_smirnov(dtype):
    z = unirand.normal(unirand.key(20261122), (N,), dtype)
    assert _ks_discrete(z, _phi) < KS_CRIT


def test_normal_bfloat16_is_erf_inv_of_128_equally_likely_uniforms():
    """As in jax.random: bfloat16 draws 8 random bits, so u (and the normal) takes 128 values.

    Each is equally likely; chi-square with 127 degrees of freedom, p = 0.001 critical value.
    """
    z = unirand.normal(unirand.key(20261122), (N,), "bfloat16")
    _, counts = np.unique(z.astype(np.float64), return_counts=True)
    assert counts.size == 128
    expected = N / 128
    assert (((counts - expected) ** 2) / expected).sum() < 181.99


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_moments(dtype):
    z = unirand.normal(unirand.key(7), (N,), dtype).astype(np.float64)
    se = 1 / math.sqrt(N)
    assert abs(z.mean()) < 5 * se
    assert abs(z.var() - 1) < 5 * math.sqrt(2) * se
    assert abs(((z - z.mean()) ** 3).mean()) < 5 * math.sqrt(6) * se
    assert abs(((z - z.mean()) ** 4).mean() - 3) < 5 * math.sqrt(96) * se


@pytest.mark.parametrize("t", [2.0, 3.0, 4.0])
def test_normal_tails(t):
    z = unirand.normal(unirand.key(11), (N,), "float32")
    p = math.erfc(t / math.sqrt(2))  # P(|Z| > t), exact
    count = int((np.abs(z) > t).sum())
    assert abs(count - N * p) < 5 * math.sqrt(N * p * (1 - p))


def test_normal_tails_reach_the_float32_extremes():
    """The extreme uniforms map to the largest finite normals (no infinities from u = -1)."""
    z = unirand.normal(unirand.key(3), (4 * N,), "float32")
    assert np.isfinite(z).all()
    assert np.abs(z).max() > 4.5


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_kolmogorov_smirnov(dtype):
    u = unirand.uniform(unirand.key(5), (N,), dtype, -2.0, 3.0)
    assert u.min() >= -2.0 and u.max() < 3.0
    assert _ks_discrete(u, lambda x: np.clip((x + 2.0) / 5.0, 0.0, 1.0)) < KS_CRIT


def test_bits_are_balanced():
    b = unirand.bits(unirand.key(9), (N,), "uint32")
    ones = np.unpackbits(b.view(np.uint8)).reshape(N, 32).mean(axis=0)
    assert np.abs(ones - 0.5).max() < 5 * 0.5 / math.sqrt(N)


def test_exponential_and_gumbel_kolmogorov_smirnov():
    e = unirand.exponential(unirand.key(13), (N,), "float64")
    assert e.min() >= 0
    assert _ks_discrete(e, lambda x: np.where(x > 0, -np.expm1(-np.maximum(x, 0)), 0.0)) < KS_CRIT
    g = unirand.gumbel(unirand.key(14), (N,), "float64")
    assert _ks_discrete(g, lambda x: np.exp(-np.exp(-x))) < KS_CRIT


@pytest.mark.parametrize(("lower", "upper"), [(-1.0, 2.0), (0.3, 3.0), (1.5, np.inf)])
def test_truncated_normal_kolmogorov_smirnov(lower, upper):
    z = unirand.truncated_normal(unirand.key(15), lower, upper, (N,), "float64")
    assert lower < z.min() and z.max() < upper
    lo, hi = _phi(np.float64(lower)), _phi(np.float64(upper))
    assert _ks_discrete(z, lambda x: np.clip((_phi(x) - lo) / (hi - lo), 0, 1)) < KS_CRIT


def _chi_square_ok(counts: np.ndarray, expected: np.ndarray) -> bool:
    """Pearson's statistic below mean + 5 standard deviations of chi-square(k - 1)."""
    k = counts.size - 1
    stat = float((((counts - expected) ** 2) / expected).sum())
    return stat < k + 5 * math.sqrt(2 * k)


@pytest.mark.parametrize(("lo", "hi", "dtype"), [(-3, 7, "int32"), (0, 256, "uint8")])
def test_randint_is_uniform(lo, hi, dtype):
    r = unirand.randint(unirand.key(16), (N,), lo, hi, dtype).astype(np.int64)
    assert r.min() >= lo and r.max() < hi
    counts = np.bincount(r - lo, minlength=hi - lo)
    assert _chi_square_ok(counts, np.full(hi - lo, N / (hi - lo)))


def test_permutation_positions_are_uniform():
    n, trials = 8, 20000
    keys = unirand.split(unirand.key(17), trials)
    first = np.array([int(unirand.permutation(k, n)[0]) for k in keys[:trials]])
    assert _chi_square_ok(np.bincount(first, minlength=n), np.full(n, trials / n))
    assert sorted(unirand.permutation(keys[0], np.arange(100)).tolist()) == list(range(100))


def test_choice_with_p_matches_p():
    p = np.array([0.1, 0.2, 0.3, 0.4], np.float64)
    c = unirand.choice(unirand.key(18), 4, (N,), p=p)
    assert _chi_square_ok(np.bincount(c, minlength=4), N * p)


def test_bernoulli_and_categorical_frequencies():
    b = unirand.bernoulli(unirand.key(19), 0.3, (N,))
    assert abs(b.mean() - 0.3) < 5 * math.sqrt(0.3 * 0.7 / N)
    logits = np.log(np.array([0.5, 0.25, 0.125, 0.125], np.float32))
    c = unirand.categorical(unirand.key(20), logits, shape=(N,))
    assert _chi_square_ok(np.bincount(c, minlength=4), N * np.exp(logits.astype(np.float64)))
