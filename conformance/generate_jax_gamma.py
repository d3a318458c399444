"""Generate the JAX golden vectors of gamma and loggamma: ``vectors/jax_gamma.v1.json``.

What it does
    Records what ``jax.random.gamma`` and ``jax.random.loggamma`` return, byte for byte, for
    keys built with ``jax.random.key`` from fixed seeds (and a chain of ``split`` / ``index`` /
    ``fold_in``): every float dtype; ``a`` below 1, near 1 and large, 0, negative, NaN and inf;
    scalar and array ``a`` broadcast against ``shape``; shape ``()``, small sizes and 10**4
    values.  Same configuration, header, key handling and result encoding as
    ``conformance/generate_jax_vectors.py`` (whose helpers are imported from its file).  Only
    jax, numpy and ml_dtypes are used; ``unirand`` is never imported.

Case format (the ``params`` layout of ``generate_jax_distributions.py``)
    ``shape``: the ``shape`` argument (``null``: None); ``dtype``: the ``dtype`` argument;
    ``params.a``: a number (passed to JAX as a Python float) or a nested list converted with
    ``np.asarray(value, a_dtype)`` (``params.a_dtype``, the case's dtype; the strings ``"inf"``,
    ``"-inf"``, ``"nan"`` stand for non-finite values).

How to run
    From the repository root, on the reference host::

        .venv/bin/python conformance/generate_jax_gamma.py [--output PATH] [--check]

Change policy
    The output file is NEVER edited by hand.

Host dependence: beyond the FMA contraction and the C library (header), float32 results depend
on the CPU's ``rsqrtps`` estimate and the number of Newton steps XLA:CPU adds to it (AMD without
AVX-512: one), see ``conformance/generate_gamma_rsqrt.py``; subnormal results are flushed to
zero (XLA:CPU's FTZ).
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import jax
import jax.numpy as jnp

_HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "_generate_jax_distributions", _HERE / "generate_jax_distributions.py"
)
dist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dist)  # loads generate_jax_vectors.py too: jax_enable_x64 on
base = dist.base

GENERATOR = "conformance/generate_jax_gamma.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_gamma.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES

NOTE = (
    "Golden vectors of jax.random.gamma and loggamma (typed keys from jax.random.key). Written "
    "only by conformance/generate_jax_gamma.py; never edit by hand. shape is the shape argument "
    "(null: None); dtype the dtype argument; params.a a number (a Python float) or a nested list "
    "converted with np.asarray(value, a_dtype) (inf, -inf, nan as strings). expected.hex is the "
    "result's bytes, little-endian, C order. float32 values depend on the CPU's rsqrtps "
    "estimate (rsqrt_cpu), on FMA contraction and on the C library (libc, pow)."
)

#: special and typical shape parameters (array cases)
SPECIAL = [0.0, -0.5, "nan", "inf", 1e-3, 0.3, 0.999, 1.0, 1.001, 2.5, 30.0, 1e4, 1e-30, 7.0, 0.05]


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE, rsqrt_cpu=_cpu_name())
    return header


def _cpu_name() -> str:
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    return llvm.get_host_cpu_name()


def _cases() -> list[dict]:
    cases: list[dict] = []

    def add(name, seed, ops, fn, shape, dtype, a):
        params = {"a": a}
        if isinstance(a, list):
            params["a_dtype"] = dtype
        cases.append(
            {
                "name": name,
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": fn,
                "shape": None if shape is None else list(shape),
                "dtype": dtype,
                "params": params,
            }
        )

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)]
    for fn in ("gamma", "loggamma"):
        for dtype in FLOAT_DTYPES:
            for a in (0.3, 1.0, 1.7, 30.0):
                add(f"{fn}/{dtype}/a={a}/257", 0, [], fn, (257,), dtype, a)
            add(f"{fn}/{dtype}/a=0.5/()", 3, [], fn, (), dtype, 0.5)
            add(f"{fn}/{dtype}/a=2.0/(1,)", 4, [], fn, (1,), dtype, 2.0)
            add(f"{fn}/{dtype}/special/None", 5, [], fn, None, dtype, SPECIAL)
            add(f"{fn}/{dtype}/special/(4,15)", 6, [], fn, (4, len(SPECIAL)), dtype, SPECIAL)
            cols = [[0.2], [1.0], [4.5]]
            add(f"{fn}/{dtype}/broadcast/(2,3,4)", 7, [], fn, (2, 3, 4), dtype, cols)
            add(f"chain/{fn}/{dtype}/a=0.7/(3,5)", -7, chain, fn, (3, 5), dtype, 0.7)
            add(f"{fn}/{dtype}/a=-1.0/(16,)", 8, [], fn, (16,), dtype, -1.0)
        add(f"{fn}/float32/a=0.5/10000", 1234, [], fn, (10_000,), "float32", 0.5)
        add(f"{fn}/float64/a=2.5/10000", 1235, [], fn, (10_000,), "float64", 2.5)
    return cases


def _evaluate(case: dict):
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    params = case["params"]
    a = params["a"]
    a = jnp.asarray(dist.param_array(a, params["a_dtype"])) if isinstance(a, list) else a
    shape = None if case["shape"] is None else tuple(case["shape"])
    fn = getattr(jax.random, case["fn"])
    return fn(key, a, shape, jnp.dtype(case["dtype"]))


def build() -> str:
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
