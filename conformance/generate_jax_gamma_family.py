"""Generate the JAX golden vectors of beta, dirichlet, chisquare, f and t:
``vectors/jax_gamma_family.v1.json``.

What it does
    Records what ``jax.random.beta``, ``dirichlet``, ``chisquare``, ``f`` and ``t`` return,
    byte for byte, for keys built with ``jax.random.key`` from fixed seeds (and a chain of
    ``split`` / ``index`` / ``fold_in``): every float dtype; parameters below 1, near 1 and
    large, 0, negative, NaN and inf; scalar and array parameters broadcast against a 2-d
    ``shape``, shape None; for ``dirichlet`` several ``K`` (up to 33 and 65: XLA's tree
    reduction splits rows longer than 32) and batch shapes; a few cases of 2,000-4,000 values.
    Same configuration, header, key handling and result encoding as
    ``conformance/generate_jax_vectors.py`` (its helpers are imported from its file).  Only
    jax, numpy and ml_dtypes are used; ``unirand`` is never imported.

Case format
    ``shape``: the ``shape`` argument (``null``: None); ``dtype``: the ``dtype`` argument;
    ``params``: the parameters by name (``a``, ``b``, ``alpha``, ``df``, ``dfnum``, ``dfden``),
    each a number (passed to JAX as a Python float) or a nested list converted with
    ``np.asarray(value, dtype)`` (the case's dtype; the strings ``"inf"``, ``"-inf"``,
    ``"nan"`` stand for non-finite values).  ``jax.random.f`` divides by its parameters
    without broadcasting, so its array parameters have the draw's shape.

How to run
    From the repository root, on the reference host::

        .venv/bin/python conformance/generate_jax_gamma_family.py [--output PATH] [--check]

    On a host with AVX-512 (e.g. znver4) run it with ``XLA_FLAGS=--xla_cpu_max_isa=AVX2``: there
    XLA's ``rsqrt`` differs from the reference host's and so do gamma's values (measured: 10 of
    the 270 cases).

Change policy
    The output file is NEVER edited by hand.

Host dependence: as ``generate_jax_gamma.py`` (the CPU's ``rsqrtps`` estimate, FMA contraction,
the C library, XLA:CPU's FTZ), and XLA:CPU's reduction order for ``dirichlet``'s row sums.
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

GENERATOR = "conformance/generate_jax_gamma_family.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_gamma_family.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES

NOTE = (
    "Golden vectors of jax.random.beta, dirichlet, chisquare, f and t (typed keys from "
    "jax.random.key). Written only by conformance/generate_jax_gamma_family.py; never edit by "
    "hand. shape is the shape argument (null: None); dtype the dtype argument; params the "
    "parameters by name, each a number (a Python float) or a nested list converted with "
    "np.asarray(value, dtype) (inf, -inf, nan as strings). expected.hex is the result's bytes, "
    "little-endian, C order. float32 values depend on the CPU's rsqrtps estimate (rsqrt_cpu), "
    "on FMA contraction, on the C library (libc, pow) and on XLA:CPU's reduction order."
)

#: special and typical parameters (array cases)
SPECIAL = [0.0, -0.5, "nan", "inf", 1e-3, 0.3, 0.999, 1.0, 1.001, 2.5, 30.0, 1e4, 1e-30, 7.0, 0.05]
TYPICAL = [0.05, 0.3, 0.999, 1.0, 2.5, 30.0, 1e4]

#: the parameters of each sampler, in jax.random's order
PARAMS = {
    "beta": ("a", "b"),
    "chisquare": ("df",),
    "f": ("dfnum", "dfden"),
    "t": ("df",),
    "dirichlet": ("alpha",),
}


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
    rng = np.random.default_rng(20261203)

    def add(name, seed, ops, fn, shape, dtype, *values):
        cases.append(
            {
                "name": name,
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": fn,
                "shape": None if shape is None else list(shape),
                "dtype": dtype,
                "params": dict(zip(PARAMS[fn], values, strict=True)),
            }
        )

    def typical(shape):
        return rng.choice(TYPICAL, shape).tolist()

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)]
    for dtype in FLOAT_DTYPES:
        for fn in ("beta", "chisquare", "f", "t"):
            k = len(PARAMS[fn])
            pairs = {
                1: [(0.05,), (0.3,), (1.0,), (3.0,), (30.0,), (1e4,)],
                2: [(0.05, 0.3), (0.3, 0.3), (1.0, 1.0), (3.0, 5.0), (30.0, 0.7), (1e4, 2.5)],
            }[k]
            for vals in pairs:
                add(f"{fn}/{dtype}/{vals}/(64,)", 0, [], fn, (64,), dtype, *vals)
            add(f"{fn}/{dtype}/2.5/()", 3, [], fn, (), dtype, *([2.5] * k))
            add(f"{fn}/{dtype}/0.7/(1,)", 4, [], fn, (1,), dtype, *([0.7] * k))
            specials = [SPECIAL, SPECIAL[::-1]][:k]
            add(f"{fn}/{dtype}/special/None", 5, [], fn, None, dtype, *specials)
            if fn == "f":  # jax.random.f does not broadcast its array parameters
                add(
                    f"{fn}/{dtype}/arrays/(3,7)",
                    6,
                    [],
                    fn,
                    (3, 7),
                    dtype,
                    typical((3, 7)),
                    typical((3, 7)),
                )
                add(
                    f"{fn}/{dtype}/array-scalar/(4,5)",
                    7,
                    [],
                    fn,
                    (4, 5),
                    dtype,
                    typical((4, 5)),
                    4.0,
                )
            else:
                add(
                    f"{fn}/{dtype}/broadcast/(3,7)",
                    6,
                    [],
                    fn,
                    (3, 7),
                    dtype,
                    *[[[0.2], [1.0], [4.5]], typical(7)][:k],
                )
                add(f"{fn}/{dtype}/special/(2,15)", 7, [], fn, (2, 15), dtype, *specials)
            add(f"chain/{fn}/{dtype}/0.7/(3,5)", -7, chain, fn, (3, 5), dtype, *([0.7] * k))
            add(f"{fn}/{dtype}/-1.0/(8,)", 8, [], fn, (8,), dtype, *([-1.0] * k))
        for kk in (2, 3, 5, 8, 17, 32, 33, 65):
            add(
                f"dirichlet/{dtype}/K={kk}/(6,)", 10 + kk, [], "dirichlet", (6,), dtype, typical(kk)
            )
        add(f"dirichlet/{dtype}/K=3/None", 11, [], "dirichlet", None, dtype, [0.3, 1.0, 7.0])
        add(f"dirichlet/{dtype}/K=4/()", 12, [], "dirichlet", (), dtype, [0.05, 0.5, 2.0, 30.0])
        add(f"dirichlet/{dtype}/batch/(2,3)", 13, [], "dirichlet", (2, 3), dtype, [typical(5)] * 3)
        add(
            f"dirichlet/{dtype}/batch-None/(2,4)",
            14,
            [],
            "dirichlet",
            None,
            dtype,
            [typical(4), typical(4)],
        )
        add(f"dirichlet/{dtype}/special", 15, [], "dirichlet", (2,), dtype, SPECIAL)
        add(f"chain/dirichlet/{dtype}/(3,)", -7, chain, "dirichlet", (3,), dtype, [0.5, 1.5, 3.0])
    for fn, dtype, vals in (
        ("beta", "float32", (0.4, 2.5)),
        ("chisquare", "float64", (3.0,)),
        ("f", "float32", (5.0, 7.0)),
        ("t", "float64", (2.5,)),
    ):
        add(f"{fn}/{dtype}/{vals}/4000", 1234, [], fn, (4000,), dtype, *vals)
    add("dirichlet/float32/K=8/(300,)", 1236, [], "dirichlet", (300,), "float32", typical(8))
    add("dirichlet/float64/K=40/(50,)", 1237, [], "dirichlet", (50,), "float64", typical(40))
    return cases


def _evaluate(case: dict):
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    dtype = case["dtype"]
    values = [
        jnp.asarray(dist.param_array(v, dtype)) if isinstance(v, list) else v
        for v in case["params"].values()
    ]
    shape = None if case["shape"] is None else tuple(case["shape"])
    fn = getattr(jax.random, case["fn"])
    return fn(key, *values, shape, jnp.dtype(dtype))


def build() -> str:
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
