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


# -- every sampler against scipy.stats ----------------------------------------------------------
# Each case draws 10**4-10**5 values with jax.random's parametrization and tests them against the
# scipy.stats distribution: Kolmogorov-Smirnov for continuous samplers, Pearson's chi-square over
# the support (tails pooled so every expected count is at least 5) for discrete ones.  Fixed keys
# make every outcome deterministic; p > 1e-6 is a threshold a correct sampler never misses by
# chance and a wrong parametrization (a scale, a shifted support) misses by far.  Every case runs
# on a portable key (NumPy engine, jax.random's stream) and on a NumPy-native key (NumPy's
# stream through the same transforms), so both are checked to sample the distribution.
# The nine samplers of the gamma family, generalized_normal and linalg have theirs in their own
# files.

P_MIN = 1e-6
#: samplers whose statistical tests live in their own test files
ELSEWHERE = {
    "beta",
    "dirichlet",
    "chisquare",
    "f",
    "t",
    "generalized_normal",
    "ball",
    "multivariate_normal",
    "orthogonal",
}


def _stats():
    return pytest.importorskip("scipy.stats")


def _flat(x) -> np.ndarray:
    return np.asarray(unirand.backends.to_numpy(x)).astype(np.float64).reshape(-1)


def _ks(x, cdf) -> float:
    x = _flat(x)
    assert np.isfinite(x).all()
    return float(_stats().kstest(x, cdf).pvalue)


def _chi2(x, dist, lo: int, hi: int) -> float:
    """Chi-square of integer draws against ``dist`` (pmf/cdf/sf) on ``lo..hi``, with the mass
    below ``lo`` and above ``hi`` as two more bins, then bins merged until each expects >= 5."""
    x = _flat(x)
    assert (x == np.round(x)).all()
    k = np.arange(lo, hi + 1)
    observed = np.concatenate([[np.sum(x < lo)], [np.sum(x == v) for v in k], [np.sum(x > hi)]])
    probs = np.concatenate([[dist.cdf(lo - 1)], dist.pmf(k), [dist.sf(hi)]])
    return _pooled(observed, probs)


def _pooled(observed: np.ndarray, probs: np.ndarray) -> float:
    expected = probs / probs.sum() * observed.sum()
    obs, exp, o, e = [], [], 0.0, 0.0
    for oi, ei in zip(observed, expected, strict=True):
        o, e = o + oi, e + ei
        if e >= 5:
            obs.append(o)
            exp.append(e)
            o = e = 0.0
    if e > 0 or o > 0:  # the remainder joins the last bin
        obs[-1] += o
        exp[-1] += e
    assert len(obs) >= 2, "too few bins for a chi-square test"
    return float(_stats().chisquare(np.array(obs), np.array(exp)).pvalue)


def _double_sided_maxwell_cdf(loc: float, scale: float):
    def cdf(x):
        z = (np.asarray(x) - loc) / scale
        return 0.5 + 0.5 * np.sign(z) * _stats().maxwell.cdf(np.abs(z))

    return cdf


def _multinomial_p(k, n: int, p: list[float]) -> float:
    """p-value of multinomial draws ``k`` (rows) against the exact joint pmf of every outcome."""
    outcomes = [
        (a, b, n - a - b) for a in range(n + 1) for b in range(n + 1 - a)
    ]  # three categories
    index = {o: i for i, o in enumerate(outcomes)}
    rows = np.asarray(unirand.backends.to_numpy(k)).astype(np.int64)
    assert (rows >= 0).all() and (rows.sum(-1) == n).all()
    observed = np.bincount([index[tuple(r)] for r in rows.tolist()], minlength=len(outcomes))
    probs = _stats().multinomial(n, p).pmf(np.array(outcomes))
    return _pooled(observed, probs)


def _perm_p(rows) -> float:
    """p-value of permutations of 0..3 (rows) against the uniform law on the 24 orderings."""
    rows = np.asarray(unirand.backends.to_numpy(rows)).astype(np.int64)
    assert (np.sort(rows, axis=-1) == np.arange(4)).all()
    code = rows @ np.array([64, 16, 4, 1])
    _, counts = np.unique(code, return_counts=True)
    assert counts.size == 24
    return float(_stats().chisquare(counts).pvalue)


def _scipy_cases():
    """name -> (draw(key), p_value(draws)); scipy.stats is imported lazily (skip without it)."""
    s = _stats()
    n4, n5 = 10**4, 10**5
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    return {
        "bits": (
            lambda k: unirand.bits(k, (n5,), "uint32"),
            lambda x: _ks(_flat(x) / 2.0**32, s.uniform.cdf),
        ),
        "uniform": (
            lambda k: unirand.uniform(k, (n5,), "float64", -2.0, 3.0),
            lambda x: _ks(x, s.uniform(-2.0, 5.0).cdf),
        ),
        "normal": (lambda k: unirand.normal(k, (n5,), "float32"), lambda x: _ks(x, s.norm.cdf)),
        "exponential": (
            lambda k: unirand.exponential(k, (n5,), "float64"),
            lambda x: _ks(x, s.expon.cdf),
        ),
        "gumbel": (lambda k: unirand.gumbel(k, (n5,), "float32"), lambda x: _ks(x, s.gumbel_r.cdf)),
        "truncated_normal": (
            lambda k: unirand.truncated_normal(k, -1.0, 2.0, (n5,), "float64"),
            lambda x: _ks(x, s.truncnorm(-1.0, 2.0).cdf),
        ),
        "bernoulli": (
            lambda k: unirand.bernoulli(k, np.float32(0.3), (n5,)),
            lambda x: _chi2(x, s.bernoulli(0.3), 0, 1),
        ),
        "categorical": (
            lambda k: unirand.categorical(k, logits, shape=(n5,)),
            lambda x: _chi2(x, s.rv_discrete(values=(range(4), np.exp(logits))), 0, 3),
        ),
        "randint": (
            lambda k: unirand.randint(k, (n5,), -3, 7, "int32"),
            lambda x: _chi2(x, s.randint(-3, 7), -3, 6),
        ),
        "choice": (
            lambda k: unirand.choice(k, 5, (n5,), p=np.array([0.1, 0.15, 0.2, 0.25, 0.3])),
            lambda x: _chi2(x, s.rv_discrete(values=(range(5), [0.1, 0.15, 0.2, 0.25, 0.3])), 0, 4),
        ),
        "permutation": (
            lambda k: unirand.permutation(k, np.tile(np.arange(4), (n4, 1)), 1, True),
            _perm_p,
        ),
        "shuffle": (lambda k: unirand.shuffle(k, np.tile(np.arange(4), (n4, 1)), 1), _perm_p),
        "gamma(a=0.4)": (
            lambda k: unirand.gamma(k, 0.4, (n4,), "float64"),
            lambda x: _ks(x, s.gamma(0.4).cdf),
        ),
        "gamma(a=7.5)": (
            lambda k: unirand.gamma(k, 7.5, (n4,), "float32"),
            lambda x: _ks(x, s.gamma(7.5).cdf),
        ),
        "loggamma(a=0.4)": (
            lambda k: unirand.loggamma(k, 0.4, (n4,), "float64"),
            lambda x: _ks(x, s.loggamma(0.4).cdf),
        ),
        "loggamma(a=3)": (
            lambda k: unirand.loggamma(k, 3.0, (n4,), "float32"),
            lambda x: _ks(x, s.loggamma(3.0).cdf),
        ),
        "poisson(lam=3)": (
            lambda k: unirand.poisson(k, np.float32(3.0), (n4,)),
            lambda x: _chi2(x, s.poisson(3.0), 0, 15),
        ),
        "poisson(lam=30)": (
            lambda k: unirand.poisson(k, np.float32(30.0), (n4,)),
            lambda x: _chi2(x, s.poisson(30.0), 10, 55),
        ),
        "binomial(n=8,p=0.3)": (
            lambda k: unirand.binomial(k, 8.0, np.float32(0.3), (n4,)),
            lambda x: _chi2(x, s.binom(8, 0.3), 0, 8),
        ),
        "binomial(n=400,p=0.6)": (
            lambda k: unirand.binomial(k, 400.0, np.float32(0.6), (n4,)),
            lambda x: _chi2(x, s.binom(400, 0.6), 200, 280),
        ),
        "multinomial": (
            lambda k: unirand.multinomial(
                k, 6.0, np.array([0.2, 0.3, 0.5], np.float32), shape=(n4, 3)
            ),
            lambda x: _multinomial_p(x, 6, [0.2, 0.3, 0.5]),
        ),
        "cauchy": (lambda k: unirand.cauchy(k, (n5,), "float64"), lambda x: _ks(x, s.cauchy.cdf)),
        "pareto": (
            lambda k: unirand.pareto(k, 2.5, (n5,), "float32"),
            lambda x: _ks(x, s.pareto(2.5).cdf),
        ),
        "lognormal": (
            lambda k: unirand.lognormal(k, 0.7, (n5,), "float64"),
            lambda x: _ks(x, s.lognorm(0.7).cdf),
        ),
        "weibull_min": (
            lambda k: unirand.weibull_min(k, 1.5, 2.0, (n5,), "float32"),
            lambda x: _ks(x, s.weibull_min(2.0, scale=1.5).cdf),
        ),
        "rademacher": (
            lambda k: unirand.rademacher(k, (n5,)),
            lambda x: _chi2((_flat(x) + 1) / 2, s.bernoulli(0.5), 0, 1),
        ),
        "laplace": (
            lambda k: unirand.laplace(k, (n5,), "float64"),
            lambda x: _ks(x, s.laplace.cdf),
        ),
        "logistic": (
            lambda k: unirand.logistic(k, (n5,), "float32"),
            lambda x: _ks(x, s.logistic.cdf),
        ),
        "rayleigh": (
            lambda k: unirand.rayleigh(k, 2.0, (n5,), "float64"),
            lambda x: _ks(x, s.rayleigh(scale=2.0).cdf),
        ),
        "geometric": (
            lambda k: unirand.geometric(k, np.float32(0.3), (n5,)),
            lambda x: _chi2(x, s.geom(0.3), 1, 40),
        ),
        "triangular": (
            lambda k: unirand.triangular(k, -1.0, 0.5, 2.0, (n5,), "float32"),
            lambda x: _ks(x, s.triang(c=0.5, loc=-1.0, scale=3.0).cdf),
        ),
        "wald": (
            lambda k: unirand.wald(k, 1.5, (n5,), "float64"),
            lambda x: _ks(x, s.invgauss(mu=1.5).cdf),
        ),
        "maxwell": (
            lambda k: unirand.maxwell(k, (n5,), "float32"),
            lambda x: _ks(x, s.maxwell.cdf),
        ),
        "double_sided_maxwell": (
            lambda k: unirand.double_sided_maxwell(k, 1.0, 2.0, (n5,), "float64"),
            lambda x: _ks(x, _double_sided_maxwell_cdf(1.0, 2.0)),
        ),
    }


#: the cases of _scipy_cases (names only: the table itself needs scipy)
SCIPY_CASES = (
    "bits",
    "uniform",
    "normal",
    "exponential",
    "gumbel",
    "truncated_normal",
    "bernoulli",
    "categorical",
    "randint",
    "choice",
    "permutation",
    "shuffle",
    "gamma(a=0.4)",
    "gamma(a=7.5)",
    "loggamma(a=0.4)",
    "loggamma(a=3)",
    "poisson(lam=3)",
    "poisson(lam=30)",
    "binomial(n=8,p=0.3)",
    "binomial(n=400,p=0.6)",
    "multinomial",
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
)


def _key(kind: str, seed: int):
    if kind == "portable":
        return unirand.key(seed)
    return unirand.as_key(np.random.default_rng(seed))


def test_every_sampler_has_a_scipy_case():
    from unirand.samplers.sampler import REGISTRY

    cases = set(_scipy_cases())
    assert cases == set(SCIPY_CASES)
    covered = {c.split("(")[0] for c in cases}
    assert set(REGISTRY) - ELSEWHERE <= covered, set(REGISTRY) - ELSEWHERE - covered


@pytest.mark.parametrize("kind", ["portable", "numpy"])
@pytest.mark.parametrize("case", SCIPY_CASES)
def test_matches_scipy_stats(case, kind):
    draw, p_value = _scipy_cases()[case]
    seed = 20261203 + SCIPY_CASES.index(case)
    p = p_value(draw(_key(kind, seed)))
    assert p > P_MIN, (case, kind, p)
