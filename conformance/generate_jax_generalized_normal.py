"""Generate the JAX golden vectors of generalized_normal and ball:
``vectors/jax_generalized_normal.v1.json``.

What it does
    Records what ``jax.random.generalized_normal`` and ``jax.random.ball`` return, byte for
    byte, for keys built with ``jax.random.key`` from fixed seeds (and a chain of ``split`` /
    ``index`` / ``fold_in``): every float dtype; ``p`` in {0.5, 1, 1.5, 2, 2.0, 3, 8} (ints and
    floats: JAX traces ``p``, an int is a weak int64, a float a weak float64); ``ball``'s ``d``
    in {1, 2, 3, 5, 16}; shapes ``()``, ``(7,)``, ``(3, 4)``, a few of 10**3 values and three
    ``ball`` draws of just over 4,096 values (XLA:CPU's other summation order).  Same
    configuration, header, key handling and result encoding as
    ``conformance/generate_jax_vectors.py`` (whose helpers are imported from its file).  Only
    jax, numpy and ml_dtypes are used; ``unirand`` is never imported.

Case format (the ``params`` layout of ``generate_jax_distributions.py``)
    ``shape``: the ``shape`` argument; ``dtype``: the ``dtype`` argument; ``params.p``: a Python
    number passed as is (listed in ``params.weak_params``: a weakly typed scalar, not an array
    of the dtype); ``params.d`` (``ball``): a Python int.

How to run
    From the repository root, on the reference host::

        .venv/bin/python conformance/generate_jax_generalized_normal.py [--output PATH] [--check]

    On a host with AVX-512 (e.g. znver4) run it with ``XLA_FLAGS=--xla_cpu_max_isa=AVX2``:
    there XLA:CPU's float64 ``rsqrt`` in ``jax.random.gamma`` (and so every float64 value
    of ``p = 8``, gamma's alpha 1.125) differs from the AVX2 reference's (znver3).

Change policy
    The output file is NEVER edited by hand.

Host dependence: the values go through ``jax.random.gamma`` (its ``rsqrt``: see
``conformance/generate_jax_gamma.py``), the C library's ``pow`` and XLA:CPU's summation order.
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

GENERATOR = "conformance/generate_jax_generalized_normal.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_generalized_normal.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES

NOTE = (
    "Golden vectors of jax.random.generalized_normal and ball (typed keys from jax.random.key). "
    "Written only by conformance/generate_jax_generalized_normal.py; never edit by hand. shape "
    "is the shape argument, dtype the dtype argument, params.p a Python number (int or float, "
    "passed as is: weak_params), params.d ball's dimension. expected.hex is the result's bytes, "
    "little-endian, C order. Values depend on jax.random.gamma's rsqrt (see jax_gamma), on the "
    "C library's pow (libc) and on XLA:CPU's summation order."
)

#: the shape parameters: ints and floats (2 and 2.0 are traced as different types)
P_VALUES = (0.5, 1, 1.5, 2, 2.0, 3, 8)
D_VALUES = (1, 2, 3, 5, 16)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE, rsqrt_cpu=_cpu_name())
    return header


def _cpu_name() -> str:
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    return llvm.get_host_cpu_name()


def _tag(p) -> str:
    return f"p={p!r}"


def _cases() -> list[dict]:
    cases: list[dict] = []

    def add(name, seed, ops, fn, shape, dtype, p, d=None):
        params = {"p": p, "weak_params": ["p"]}
        if d is not None:
            params["d"] = d
        cases.append(
            {
                "name": name,
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": fn,
                "shape": list(shape),
                "dtype": dtype,
                "params": params,
            }
        )

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)]
    fn = "generalized_normal"
    for dtype in FLOAT_DTYPES:
        for i, p in enumerate(P_VALUES):
            add(f"{fn}/{dtype}/{_tag(p)}/(7,)", 10 + i, [], fn, (7,), dtype, p)
        add(f"{fn}/{dtype}/p=1.5/()", 3, [], fn, (), dtype, 1.5)
        add(f"{fn}/{dtype}/p=0.5/(3,4)", 4, [], fn, (3, 4), dtype, 0.5)
        add(f"chain/{fn}/{dtype}/p=3/(3,4)", -7, chain, fn, (3, 4), dtype, 3)
    add(f"{fn}/float32/p=1.5/1000", 1234, [], fn, (1000,), "float32", 1.5)
    add(f"{fn}/float64/p=0.5/1000", 1235, [], fn, (1000,), "float64", 0.5)
    add(f"{fn}/bfloat16/p=3/1000", 1236, [], fn, (1000,), "bfloat16", 3)

    fn = "ball"
    for dtype in FLOAT_DTYPES:
        for i, d in enumerate(D_VALUES):
            p = P_VALUES[(i + FLOAT_DTYPES.index(dtype)) % len(P_VALUES)]
            add(f"{fn}/{dtype}/d={d}/{_tag(p)}/(7,)", 20 + i, [], fn, (7,), dtype, p, d)
        add(f"{fn}/{dtype}/d=3/p=2/()", 5, [], fn, (), dtype, 2, 3)
        add(f"{fn}/{dtype}/d=2/p=1/(3,4)", 6, [], fn, (3, 4), dtype, 1, 2)
        add(f"chain/{fn}/{dtype}/d=5/p=1.5/(3,)", -8, chain, fn, (3,), dtype, 1.5, 5)
    for i, p in enumerate(P_VALUES):
        add(f"{fn}/float32/d=3/{_tag(p)}/(5,)", 30 + i, [], fn, (5,), "float32", p, 3)
    add(f"{fn}/float32/d=0/p=2/(4,)", 7, [], fn, (4,), "float32", 2, 0)
    add(f"{fn}/float32/d=5/p=2/(200,)", 1237, [], fn, (200,), "float32", 2, 5)
    add(f"{fn}/float16/d=16/p=1.5/(64,)", 1238, [], fn, (64,), "float16", 1.5, 16)
    add(f"{fn}/float64/d=3/p=3/(333,)", 1239, [], fn, (333,), "float64", 3, 3)
    # from 4,096 powers on XLA:CPU sums in a vectorized loop of its own (another order)
    add(f"{fn}/float32/d=16/p=2/(300,)", 1240, [], fn, (300,), "float32", 2, 16)
    add(f"{fn}/bfloat16/d=5/p=0.5/(820,)", 1241, [], fn, (820,), "bfloat16", 0.5, 5)
    add(f"{fn}/float16/d=24/p=3/(171,)", 1242, [], fn, (171,), "float16", 3, 24)
    return cases


def _evaluate(case: dict):
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    params = case["params"]
    shape, dtype = tuple(case["shape"]), jnp.dtype(case["dtype"])
    if case["fn"] == "ball":
        return jax.random.ball(key, params["d"], params["p"], shape, dtype)
    return jax.random.generalized_normal(key, params["p"], shape, dtype)


def build() -> str:
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
