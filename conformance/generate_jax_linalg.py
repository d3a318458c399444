"""Generate the JAX golden vectors of multivariate_normal and orthogonal: ``jax_linalg.v1.json``.

What it does
    Records what ``jax.random.multivariate_normal`` and ``jax.random.orthogonal`` return, byte
    for byte, for keys built with ``jax.random.key`` from fixed seeds (and a chain of ``split``
    / ``index`` / ``fold_in``): float32 and float64; the three methods (``cholesky``, ``svd``,
    ``eigh``); identity covariances (their results are ``mean + normal(key)`` exactly) and
    random symmetric positive definite ones of sizes 2, 3, 8 and 32; mean/cov batch shapes
    broadcast together and against ``shape``; a ``dtype`` wider than the parameters';
    ``orthogonal`` with ``n == m``, ``n < m``, ``n > m`` and batch shapes.  Same configuration,
    header, key handling and result encoding as ``conformance/generate_jax_vectors.py`` (whose
    helpers are imported from its file).  Only jax, numpy and ml_dtypes are used; ``unirand``
    is never imported.

Case format (the ``params`` layout of ``generate_jax_distributions.py``)
    ``shape``: the ``shape`` argument (``null``: None); ``dtype``: the ``dtype`` argument
    (``null``: None, the parameters' promoted dtype).  multivariate_normal: ``params.mean`` and
    ``params.cov`` nested lists converted with ``np.asarray(value, mean_dtype / cov_dtype)``,
    ``params.method`` the method.  orthogonal: ``params.n``, ``params.m`` (``null``: None).

Schema
    ``unirand.jax_linalg.v1``, not ``unirand.golden.v1``: only the normals are bit for bit;
    the linear algebra (LAPACK through XLA here) is each library's own in unirand, so the
    tests compare these results bytewise only for identity covariances and within measured
    tolerances otherwise, and the conformance report (which replays every golden.v1 file
    bytewise) must not pick this file up.

How to run
    From the repository root, on the reference host::

        .venv/bin/python conformance/generate_jax_linalg.py [--output PATH] [--check]

Change policy
    The output file is NEVER edited by hand.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np

_HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "_generate_jax_distributions", _HERE / "generate_jax_distributions.py"
)
dist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dist)  # loads generate_jax_vectors.py too: jax_enable_x64 on
base = dist.base

GENERATOR = "conformance/generate_jax_linalg.py"
SCHEMA = "unirand.jax_linalg.v1"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_linalg.v1.json"
DTYPES = ("float32", "float64")
METHODS = ("cholesky", "svd", "eigh")
SIZES = (2, 3, 8, 32)

NOTE = (
    "Golden vectors of jax.random.multivariate_normal and orthogonal (typed keys from "
    "jax.random.key). Written only by conformance/generate_jax_linalg.py; never edit by hand. "
    "shape is the shape argument (null: None); dtype the dtype argument (null: None). "
    "multivariate_normal: params.mean/params.cov nested lists converted with "
    "np.asarray(value, mean_dtype/cov_dtype), params.method; orthogonal: params.n, params.m "
    "(null: None). expected.hex is the result's bytes, little-endian, C order. The normals are "
    "jax.random.normal's; the factorization and products are XLA:CPU's (LAPACK, Eigen)."
)


def _header() -> dict:
    header = base._header()
    header.update(schema=SCHEMA, generator=GENERATOR, note=NOTE)
    return header


def _spd(n: int, seed: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    """A random symmetric positive definite matrix (float64), condition number a few tens."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((*batch, n, n))
    cov = a @ np.swapaxes(a, -1, -2) / n + 0.25 * np.eye(n)
    return (cov + np.swapaxes(cov, -1, -2)) / 2


def _listed(x: np.ndarray, dtype: str) -> list:
    """``x`` rounded to ``dtype``, as nested Python floats (exact: repr round-trips)."""
    return np.asarray(x, dtype).astype(np.float64).tolist()


def _cases() -> list[dict]:
    cases: list[dict] = []

    def mvn(name, seed, mean, cov, shape, dtype, method, mean_dtype, cov_dtype, ops=()):
        params = {
            "mean": _listed(mean, mean_dtype),
            "mean_dtype": mean_dtype,
            "cov": _listed(cov, cov_dtype),
            "cov_dtype": cov_dtype,
            "method": method,
        }
        cases.append(
            {
                "name": f"multivariate_normal/{name}",
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": "multivariate_normal",
                "shape": None if shape is None else list(shape),
                "dtype": dtype,
                "params": params,
            }
        )

    def orth(name, seed, n, m, shape, dtype, ops=()):
        cases.append(
            {
                "name": f"orthogonal/{name}",
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": "orthogonal",
                "shape": list(shape),
                "dtype": dtype,
                "params": {"n": n, "m": m},
            }
        )

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)]
    for dt in DTYPES:
        for method in METHODS:
            for n in (1, 3, 8):
                mean = np.linspace(-1.5, 2.0, n)
                mvn(
                    f"{dt}/{method}/identity/n={n}",
                    10 + n,
                    mean,
                    np.eye(n),
                    (7,),
                    dt,
                    method,
                    dt,
                    dt,
                )
            for n in SIZES:
                rows = 64 if n <= 8 else 8
                mean = np.random.default_rng(100 + n).standard_normal(n)
                mvn(
                    f"{dt}/{method}/spd/n={n}",
                    20 + n,
                    mean,
                    _spd(n, 200 + n),
                    (rows,),
                    dt,
                    method,
                    dt,
                    dt,
                )
            # batch shapes: mean (2, 1, 3) with cov (4, 3, 3) -> (2, 4, 3), and against shape
            means = np.random.default_rng(7).standard_normal((2, 1, 3))
            covs = _spd(3, 8, (4,))
            mvn(f"{dt}/{method}/batch/None", 30, means, covs, None, None, method, dt, dt)
            mvn(f"{dt}/{method}/batch/(5,2,4)", 31, means, covs, (5, 2, 4), dt, method, dt, dt)
            eye = np.broadcast_to(np.eye(3), (4, 3, 3))
            mvn(f"{dt}/{method}/batch-identity/(2,4)", 32, means, eye, (2, 4), dt, method, dt, dt)
            mvn(
                f"chain/{dt}/{method}/spd/n=3",
                -7,
                np.zeros(3),
                _spd(3, 9),
                (6,),
                dt,
                method,
                dt,
                dt,
                chain,
            )
        # the dtype argument wider or narrower than the parameters: the result is promoted
        mvn(
            f"{dt}/cholesky/dtype=None/n=3",
            40,
            np.ones(3),
            _spd(3, 41),
            (5,),
            None,
            "cholesky",
            dt,
            dt,
        )
    mvn(
        "promote/f32-params/dtype=float64",
        42,
        np.ones(3),
        _spd(3, 43),
        (5,),
        "float64",
        "cholesky",
        "float32",
        "float32",
    )
    mvn(
        "promote/f64-cov/dtype=float32",
        44,
        np.ones(3),
        _spd(3, 45),
        (5,),
        "float32",
        "cholesky",
        "float32",
        "float64",
    )
    mvn(
        "promote/f32-params/dtype=float16",
        46,
        np.ones(3),
        _spd(3, 47),
        (5,),
        "float16",
        "cholesky",
        "float32",
        "float32",
    )
    for dt in DTYPES:
        for n, m, shape in [
            (1, None, ()),
            (3, None, ()),
            (8, None, ()),
            (32, None, ()),
            (3, 3, (2, 3)),
            (2, 5, ()),
            (5, 2, ()),
            (4, 2, (4,)),
            (2, 4, (3,)),
            (6, 6, (2,)),
        ]:
            orth(f"{dt}/n={n}/m={m}/{shape}", 50 + n + 7 * (m or 0), n, m, shape, dt)
        orth(f"chain/{dt}/n=4", -7, 4, None, (), dt, chain)
    return cases


def _evaluate(case: dict):
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    params = case["params"]
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = None if case["dtype"] is None else jnp.dtype(case["dtype"])
    if case["fn"] == "orthogonal":
        return jax.random.orthogonal(key, params["n"], shape, dtype, params["m"])
    mean = jnp.asarray(dist.param_array(params["mean"], params["mean_dtype"]))
    cov = jnp.asarray(dist.param_array(params["cov"], params["cov_dtype"]))
    return jax.random.multivariate_normal(key, mean, cov, shape, dtype, params["method"])


def build() -> str:
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
