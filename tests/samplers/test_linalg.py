"""multivariate_normal and orthogonal: bitwise normals, each library's linear algebra.

The vectors (``conformance/vectors/jax_linalg.v1.json``) were generated from jax.random by
conformance/generate_jax_linalg.py (jax 0.10.2, x64 on, partitionable threefry, XLA:CPU);
nothing here was produced by unirand.  The normals are jax.random.normal's bytes, so where the
linear algebra is exact (identity covariances, n >= 2) the results are compared byte for byte;
elsewhere the factorization is the library's own (LAPACK builds differ), and the results are
within measured tolerances (docs/samplers.md), in units of the factor dtype's epsilon relative
to max(1, |x|).  SVD and eigh factors are defined up to the sign of each singular/eigen
vector, which each LAPACK chooses: where a library's choice differs from JAX's, the result is
JAX's with those columns of the factor negated, which is checked instead.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.engine.dtypes import numpy_dtype

CASES = load_vectors("jax_linalg.v1.json")["cases"]
IDS = [c["name"] for c in CASES]
MVN = [c for c in CASES if c["fn"] == "multivariate_normal"]
ORTH = [c for c in CASES if c["fn"] == "orthogonal"]


def _n(case) -> int:
    return int(case["expected"]["shape"][-1])


def _exact(case) -> bool:
    """Cases whose linear algebra rounds nothing: an identity covariance with n >= 2 (n == 1
    in float64: XLA's compiled ``mean + 1 * z`` differs by half an ulp, measured)."""
    return "identity" in case["name"] and not case["name"].endswith("/n=1")


EXACT = [c for c in MVN if _exact(c)]
INEXACT = [c for c in CASES if not _exact(c)]

#: measured maxima (docs/samplers.md) x ~1.5-2: eps of the factor dtype, relative to max(1, |x|)
TOL_CHOLESKY = 8.0
TOL_ORTHOGONAL = 16.0


def _tolerance(case) -> float:
    if case["fn"] == "orthogonal":
        return TOL_ORTHOGONAL
    method = case["params"]["method"]
    return TOL_CHOLESKY if method == "cholesky" else 12.0 * _n(case)


def _params(case):
    p = case["params"]
    mean = np.asarray(p["mean"], numpy_dtype(p["mean_dtype"]))
    cov = np.asarray(p["cov"], numpy_dtype(p["cov_dtype"]))
    return mean, cov


def _run(case, key):
    key = apply_ops(key, case["ops"])
    p = case["params"]
    shape = None if case["shape"] is None else tuple(case["shape"])
    if case["fn"] == "orthogonal":
        return unirand.orthogonal(key, p["n"], shape, case["dtype"], p["m"])
    mean, cov = _params(case)
    return unirand.multivariate_normal(key, mean, cov, shape, case["dtype"], p["method"])


def _want(case) -> np.ndarray:
    e = case["expected"]
    return np.frombuffer(bytes.fromhex(e["hex"]), np.dtype(e["dtype"])).reshape(e["shape"])


def _lin_eps(case) -> float:
    if case["fn"] == "orthogonal":
        return float(np.finfo(np.dtype(case["dtype"])).eps)
    p = case["params"]
    return float(np.finfo(np.promote_types(p["mean_dtype"], p["cov_dtype"])).eps)


def scaled_error(case, got: np.ndarray) -> float:
    """max |got - want| / (eps * max(1, |want|)), eps of the factor's dtype."""
    want = _want(case).astype(np.float64)
    diff = np.abs(got.astype(np.float64) - want) / np.maximum(1.0, np.abs(want))
    return float(diff.max(initial=0.0)) / _lin_eps(case)


def _recovered(case, x: np.ndarray) -> np.ndarray:
    """``|A^-1 (x - mean)|`` with ``A`` NumPy's float64 factor of the case's covariance."""
    mean, cov = _params(case)
    c = cov.astype(np.float64)
    if case["params"]["method"] == "svd":
        u, s, _ = np.linalg.svd(c)
        a = u * np.sqrt(s)[..., None, :]
    else:
        w, v = np.linalg.eigh(c)
        a = v * np.sqrt(w)[..., None, :]
    d = x.astype(np.float64) - mean.astype(np.float64)
    a = np.broadcast_to(a, (*d.shape[:-1], *a.shape[-2:]))
    return np.abs(np.linalg.solve(a, d[..., None])[..., 0])


def _normals(case) -> np.ndarray:
    key = apply_ops(unirand.key(case["seed"]), case["ops"])
    shape = tuple(case["expected"]["shape"])
    p = case["params"]
    name = case["dtype"] or np.promote_types(p["mean_dtype"], p["cov_dtype"]).name
    return np.asarray(unirand.normal(key, shape, name), np.float64)


def check_close(case, got: np.ndarray) -> None:
    want = _want(case)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype)
    err = scaled_error(case, got)
    if err <= _tolerance(case):
        return
    method = case["params"].get("method")
    assert method in ("svd", "eigh"), f"{case['name']}: {err:.1f} eps > {_tolerance(case)}"
    # another choice of vector signs: both are mean + A D z with D = diag(+-1)
    z = np.abs(_normals(case))
    bound = 1e-3 if _lin_eps(case) > 1e-10 else 1e-9
    for x in (want, got):
        assert np.max(np.abs(_recovered(case, x) - z) / np.maximum(1, z)) < bound, case["name"]


@pytest.mark.parametrize("case", EXACT, ids=[c["name"] for c in EXACT])
@pytest.mark.parametrize("backend", ["numpy", "torch", "array_api_strict"])
def test_identity_covariance_is_bitwise(case, backend):
    key = unirand.key(case["seed"])
    key = key if backend == "numpy" else key.to(load(backend))
    assert_matches(case, to_numpy(_run(case, key)))


@pytest.mark.parametrize("case", INEXACT, ids=[c["name"] for c in INEXACT])
def test_numpy_within_tolerance(case):
    check_close(case, np.asarray(_run(case, unirand.key(case["seed"]))))


SPREAD = INEXACT[::3]


@pytest.mark.parametrize("case", SPREAD, ids=[c["name"] for c in SPREAD])
@pytest.mark.parametrize("backend", ["torch", "array_api_strict"])
def test_other_libraries_within_tolerance(case, backend):
    key = unirand.key(case["seed"]).to(load(backend))
    if backend == "array_api_strict" and case["dtype"] == "float16":
        with pytest.raises(TypeError, match="no dtype float16"):
            _run(case, key)
        return
    check_close(case, to_numpy(_run(case, key)))


JAX_CASES = CASES[::8]


@pytest.mark.parametrize("case", JAX_CASES, ids=[c["name"] for c in JAX_CASES])
def test_jax(case):
    """JAX where jax.random.normal is proven the specification: jax.random's own call, so bit
    for bit; the portable engine on jax.numpy: within the tolerance."""
    with jax_x64(True):
        got = to_numpy(_run(case, unirand.key(case["seed"]).to("jax")))
        check_close(case, got)
        if _exact(case):
            assert_matches(case, got)
        portable = to_numpy(_run(case, unirand.key(case["seed"]).to("jax:portable")))
        check_close(case, portable)


def test_normals_are_unirand_normal():
    key = unirand.key(3)
    z = np.asarray(unirand.normal(key, (5, 4), "float32"))
    x = np.asarray(unirand.multivariate_normal(key, np.zeros(4, np.float32), np.eye(4)))
    assert x.dtype == np.float64  # np.eye is float64: promoted, as JAX
    x = np.asarray(unirand.multivariate_normal(key, [0.0] * 4, np.eye(4, dtype=np.float32), (5,)))
    assert x.dtype == np.float32 and x.tobytes() == z.tobytes()
    # orthogonal: z = x (D r) with D r upper triangular and a positive diagonal
    for n, m in [(4, 4), (5, 3), (3, 5)]:
        x = np.asarray(unirand.orthogonal(key, n, (2,), "float64", m), np.float64)
        g = np.asarray(unirand.normal(key, (2, max(n, m), min(n, m)), "float64"))
        q = x if n >= m else np.swapaxes(x, -1, -2)
        r = np.swapaxes(q, -1, -2) @ g
        assert np.allclose(np.tril(r, -1), 0, atol=1e-12)
        assert (np.diagonal(r, axis1=-2, axis2=-1) > 0).all()


def test_argument_errors():
    key = unirand.key(0)
    mvn = unirand.multivariate_normal
    eye = np.eye(3, dtype=np.float32)
    mean = np.zeros(3, np.float32)
    with pytest.raises(ValueError, match="method must be one of"):
        mvn(key, mean, eye, method="qr")
    with pytest.raises(ValueError, match=r"mean\.ndim >= 1"):
        mvn(key, np.float32(0.0), eye)
    with pytest.raises(ValueError, match=r"cov\.ndim >= 2"):
        mvn(key, mean, np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"cov.shape == \(..., n, n\) for n=3"):
        mvn(key, mean, np.eye(2, dtype=np.float32))
    with pytest.raises(ValueError, match="must broadcast to the shape argument"):
        mvn(key, np.zeros((2, 3), np.float32), eye, (3,))
    with pytest.raises(ValueError, match="do not broadcast together"):
        mvn(key, np.zeros((2, 3), np.float32), np.broadcast_to(eye, (4, 3, 3)))
    with pytest.raises(TypeError, match="16-bit linear algebra"):
        mvn(key, mean.astype(np.float16), eye.astype(np.float16))
    with pytest.raises(TypeError, match="dtype"):
        mvn(key, mean, eye, dtype="int32")
    with pytest.raises(TypeError, match="mean must have a floating dtype"):
        mvn(key, np.zeros(3, np.int32), eye)
    with pytest.raises(TypeError, match="16-bit linear algebra"):
        unirand.orthogonal(key, 3, dtype="bfloat16")
    with pytest.raises(ValueError, match="orthogonal n must be a non-negative integer"):
        unirand.orthogonal(key, -1)
    with pytest.raises(TypeError, match="orthogonal m must be a non-negative integer"):
        unirand.orthogonal(key, 2, m=2.5)


def test_edge_cases():
    key = unirand.key(1)
    # a float16 dtype with float32 parameters: float16 normals, float32 result (as JAX)
    eye = np.eye(2, dtype=np.float32)
    x = unirand.multivariate_normal(key, np.zeros(2, np.float32), eye, dtype="float16")
    assert x.dtype == np.float32
    # a covariance Cholesky cannot factor: NaNs for that matrix only, as JAX
    covs = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
    x = np.asarray(unirand.multivariate_normal(key, np.zeros(2), covs, (3, 2)))
    assert np.isfinite(x[:, 0]).all() and np.isnan(x[:, 1]).all()
    torch = pytest.importorskip("torch")
    t = to_numpy(unirand.multivariate_normal(key, np.zeros(2), covs, (3, 2), xp=torch))
    assert np.isfinite(t[:, 0]).all() and np.isnan(t[:, 1]).all()
    assert unirand.orthogonal(key, 0).shape == (0, 0)
    assert unirand.orthogonal(key, 3, (2,), m=0).shape == (2, 3, 0)
    assert unirand.multivariate_normal(key, np.zeros(3), np.eye(3), (0, 2)).shape == (0, 2, 3)


def test_covariance_statistics():
    """Sample covariance vs cov: every entry within 5 standard errors (Wishart variances
    (s_ij^2 + s_ii s_jj) / N); Hotelling's T^2 of the mean below its 0.1% critical value."""
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    cov = a @ a.T / 4 + 0.5 * np.eye(4)
    mean = np.array([1.0, -2.0, 0.5, 3.0])
    n = 200_000
    for method in ("cholesky", "svd", "eigh"):
        x = np.asarray(unirand.multivariate_normal(unirand.key(9), mean, cov, (n,), None, method))
        s = np.cov(x, rowvar=False)
        se = np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / n)
        assert (np.abs(s - cov) < 5 * se).all(), method
        d = x.mean(0) - mean
        t2 = n * d @ np.linalg.solve(cov, d)
        assert t2 < stats.chi2(4).ppf(0.999), method


def test_orthogonal_statistics():
    """Orthogonality, and the Haar law: an entry of a Haar O(n) matrix is distributed as
    (2B - 1) with B ~ Beta((n-1)/2, (n-1)/2), and the trace has mean 0 and variance 1."""
    stats = pytest.importorskip("scipy.stats")
    n, reps = 5, 20_000
    x = np.asarray(unirand.orthogonal(unirand.key(4), n, (reps,), "float64"))
    eye = np.broadcast_to(np.eye(n), x.shape)
    assert np.allclose(x @ np.swapaxes(x, -1, -2), eye, atol=1e-12)
    half = (n - 1) / 2
    entry = (x[:, 1, 3] + 1) / 2
    assert stats.kstest(entry, stats.beta(half, half).cdf).pvalue > 1e-4
    tr = np.trace(x, axis1=-2, axis2=-1)
    se = 1 / math.sqrt(reps)
    assert abs(tr.mean()) < 5 * se and abs(tr.var() - 1) < 5 * math.sqrt(2) * se
    semi = np.asarray(unirand.orthogonal(unirand.key(5), 3, (100,), "float32", 7), np.float64)
    assert np.allclose(semi @ np.swapaxes(semi, -1, -2), np.eye(3), atol=1e-5)


@pytest.mark.parametrize("kind", ["numpy", "torch", "jax"])
def test_native_keys(kind):
    stats = pytest.importorskip("scipy.stats")
    lib = pytest.importorskip(kind)
    if kind == "numpy":
        key = unirand.as_key(lib.random.default_rng(5))
    elif kind == "torch":
        key = unirand.as_key(lib.Generator().manual_seed(5))
    else:
        key = unirand.as_key(lib.random.key(5, impl="rbg"))
    cov = np.array([[2.0, 0.6], [0.6, 1.0]], np.float32)
    mean = np.array([1.0, -1.0], np.float32)
    for method in ("cholesky", "svd", "eigh"):
        x = to_numpy(key.multivariate_normal(mean, cov, (20_000,), None, method))
        assert x.shape == (20_000, 2) and x.dtype == np.float32
        assert np.allclose(np.cov(x.astype(np.float64), rowvar=False), cov, atol=0.06)
        z = (x[:, 0].astype(np.float64) - 1.0) / math.sqrt(2.0)
        assert stats.kstest(z, "norm").pvalue > 1e-4
    means = np.zeros((3, 1, 2), np.float32)
    b = to_numpy(key.multivariate_normal(means, np.broadcast_to(cov, (4, 2, 2))))
    assert b.shape == (3, 4, 2) and b.dtype == np.float32
    q = to_numpy(key.orthogonal(4, (3,), "float32"))
    assert q.shape == (3, 4, 4) and q.dtype == np.float32
    assert np.allclose(q @ np.swapaxes(q, -1, -2), np.eye(4), atol=1e-5)
    w = to_numpy(unirand.orthogonal(key, 2, (), "float32", 5))
    assert w.shape == (2, 5) and np.allclose(w @ w.T, np.eye(2), atol=1e-5)
    with pytest.raises(ValueError, match="method must be one of"):
        key.multivariate_normal(mean, cov, method="lu")
    with pytest.raises(TypeError, match="16-bit linear algebra"):
        key.orthogonal(3, dtype="float16")
