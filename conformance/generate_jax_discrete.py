"""Generate the JAX golden vectors of the discrete samplers: ``vectors/jax_discrete.v1.json``.

What it does
    Records what ``jax.random.poisson``, ``binomial`` and ``multinomial`` return, byte for
    byte, for keys built with ``jax.random.key`` from fixed seeds (and chains of ``split`` /
    ``index`` / ``fold_in``).  Same configuration, header fields, key handling and result
    encoding as ``conformance/generate_jax_vectors.py`` (whose helpers are imported from its
    file): ``jax_enable_x64=True``, partitionable ``threefry2x32``.  Only jax, numpy and
    ml_dtypes are used; ``unirand`` is never imported.

Case format (``params`` layout)
    ``dtype`` is the ``dtype`` argument (poisson: the integer result; binomial/multinomial: the
    float result).  ``params`` holds ``lam`` (poisson), ``n`` and ``p`` (binomial, multinomial)
    as numbers or nested lists, each with its own dtype in ``lam_dtype``/``n_dtype``/
    ``p_dtype`` (given to JAX as ``jnp.asarray(np.asarray(value, dtype))``; the strings
    ``"inf"``, ``"-inf"``, ``"nan"`` stand for non-finite values), and ``unroll``
    (multinomial) when not the default.

How to run
    From the repository root, on a CPU host::

        python conformance/generate_jax_discrete.py [--output PATH] [--check]

Change policy
    The output file is NEVER edited by hand; a change of any expected value needs a changelog
    entry and a new version in the file name.

Host dependence: float32 results depend on XLA:CPU's FMA contraction (``cpu_has_fma``),
float64 results on the host C library's ``log`` (``libc``).
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
    "_generate_jax_vectors", _HERE / "generate_jax_vectors.py"
)
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)  # turns jax_enable_x64 on, before any array exists
_dspec = importlib.util.spec_from_file_location(
    "_generate_jax_distributions", _HERE / "generate_jax_distributions.py"
)
dist = importlib.util.module_from_spec(_dspec)
_dspec.loader.exec_module(dist)

GENERATOR = "conformance/generate_jax_discrete.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_discrete.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES
LARGE = 10_000

NOTE = (
    "Golden vectors of jax.random.poisson, binomial and multinomial (typed keys from "
    "jax.random.key). Written only by conformance/generate_jax_discrete.py; never edit by hand. "
    "shape is the shape argument (null: None); dtype is the result dtype; params holds lam, n, "
    "p as numbers or nested lists with their dtypes in lam_dtype, n_dtype, p_dtype (the strings "
    "inf, -inf, nan stand for non-finite values). expected.hex is the result's bytes, "
    "little-endian, C order (bfloat16 as raw uint16 bits); results over inline_hex_max_bytes "
    "carry only expected.sha256. These samplers are whole-array loops: a value depends on the "
    "whole call."
)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE)
    return header


def _arr(params: dict, name: str):
    return jnp.asarray(dist.param_array(params[name], params[f"{name}_dtype"]))


def _evaluate(case: dict) -> np.ndarray:
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    fn, params = case["fn"], case["params"]
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = jnp.dtype(case["dtype"])
    if fn == "poisson":
        out = jax.random.poisson(key, _arr(params, "lam"), shape, dtype)
    elif fn == "binomial":
        out = jax.random.binomial(key, _arr(params, "n"), _arr(params, "p"), shape, dtype)
    elif fn == "multinomial":
        kw = {"unroll": params["unroll"]} if "unroll" in params else {}
        n, p = _arr(params, "n"), _arr(params, "p")
        out = jax.random.multinomial(key, n, p, shape=shape, dtype=dtype, **kw)
    else:
        raise ValueError(f"unknown fn {fn!r}")
    out = np.asarray(out)
    base._require(out.dtype == dtype, (case["name"], out.dtype))
    return out


def _cases() -> list[dict]:
    cases: list[dict] = []
    enc = dist.encode_floats
    shape_tag = base._shape_tag

    def add(name, seed, ops, fn, shape, dtype, params):
        cases.append(
            {
                "name": name,
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": fn,
                "shape": None if shape is None else list(shape),
                "dtype": dtype,
                "params": dict(params),
            }
        )

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)]
    rng = np.random.default_rng(20261203)

    # poisson: Knuth (lam < 10), rejection (lam >= 10), special values, int dtypes
    special = [0.0, 0.5, 3.0, 9.99, 10.0, 10.5, 25.0, 1e3, 1e6, "inf", "nan", -1.0, "-inf"]
    for dtype in ("int32", "int64", "uint8", "int8", "uint32", "int16"):
        add(
            f"poisson/{dtype}/special/seed=0",
            0,
            [],
            "poisson",
            None,
            dtype,
            {"lam": special, "lam_dtype": "float32"},
        )
    for lam in (0.0, 2.5, 9.0, 10.0, 50.0):
        for shape in ((), (7,), (3, 5)):
            add(
                f"poisson/int32/lam={lam}/seed=42/{shape_tag(shape)}",
                42,
                [],
                "poisson",
                shape,
                "int32",
                {"lam": lam, "lam_dtype": "float32"},
            )
    add(
        "poisson/int32/lam=[[1],[30]]/seed=1/2x4",
        1,
        [],
        "poisson",
        (2, 4),
        "int32",
        {"lam": [[1.0], [30.0]], "lam_dtype": "float64"},
    )
    mixed = enc(np.round(rng.uniform(0, 40, size=64), 2))
    add(
        "poisson/int64/mixed64/seed=5",
        5,
        [],
        "poisson",
        None,
        "int64",
        {"lam": mixed, "lam_dtype": "float64"},
    )
    add(
        "chain/seed=-7/poisson/int32/lam=4/9",
        -7,
        chain,
        "poisson",
        (9,),
        "int32",
        {"lam": 4.0, "lam_dtype": "float32"},
    )
    add(
        "chain/seed=-7/poisson/int32/lam=40/9",
        -7,
        chain,
        "poisson",
        (9,),
        "int32",
        {"lam": 40.0, "lam_dtype": "float32"},
    )
    for lam in (3.0, 100.0):
        add(
            f"poisson/int32/lam={lam}/seed=1234/{LARGE}",
            1234,
            [],
            "poisson",
            (LARGE,),
            "int32",
            {"lam": lam, "lam_dtype": "float32"},
        )

    # binomial: inversion (n*q <= 10) and BTRS, p > 1/2, special n and p, every float dtype
    n_sp = [0.0, 5.0, 20.0, 100.0, 1000.0, 37.5, -1.0, "nan", "inf", 10.0, 10.0, 10.0]
    p_sp = [0.3, 0.5, 0.9, 0.2, 0.7, 0.4, 0.3, 0.3, 0.3, 0.0, 1.0, "nan"]
    p_bad = [-0.1, 1.5, "inf", 0.3]
    for pdt in FLOAT_DTYPES:
        for dtype in FLOAT_DTYPES:
            if dtype != pdt and dtype not in ("float32",):
                continue
            add(
                f"binomial/{dtype}/p={pdt}/special/seed=0",
                0,
                [],
                "binomial",
                None,
                dtype,
                {"n": n_sp, "n_dtype": pdt, "p": p_sp, "p_dtype": pdt},
            )
        add(
            f"binomial/{pdt}/p={pdt}/bad-p/seed=3",
            3,
            [],
            "binomial",
            None,
            pdt,
            {"n": 10.0, "n_dtype": pdt, "p": p_bad, "p_dtype": pdt},
        )
        nn = enc(np.floor(rng.uniform(0, 3000, size=(8, 1))))
        pp = enc(np.round(rng.uniform(0, 1, size=(1, 6)), 3))
        add(
            f"binomial/{pdt}/p={pdt}/broadcast8x6/seed=9",
            9,
            [],
            "binomial",
            None,
            pdt,
            {"n": nn, "n_dtype": pdt, "p": pp, "p_dtype": pdt},
        )
        add(
            f"binomial/{pdt}/p={pdt}/n=30/seed=11/2x3x4",
            11,
            [],
            "binomial",
            (2, 3, 4),
            pdt,
            {"n": 30.0, "n_dtype": pdt, "p": [0.1, 0.6, 0.95, 0.5], "p_dtype": pdt},
        )
        for n, p in ((8.0, 0.3), (500.0, 0.4), (60.0, 0.8)):
            for shape in ((), (7,)):
                add(
                    f"binomial/{pdt}/p={pdt}/n={n}/p={p}/seed=42/{shape_tag(shape)}",
                    42,
                    [],
                    "binomial",
                    shape,
                    pdt,
                    {"n": n, "n_dtype": pdt, "p": p, "p_dtype": pdt},
                )
        add(
            f"chain/seed=-7/binomial/{pdt}/n=200/9",
            -7,
            chain,
            "binomial",
            (9,),
            pdt,
            {"n": 200.0, "n_dtype": pdt, "p": 0.35, "p_dtype": pdt},
        )
    for pdt in ("float32", "float64"):
        for n, p in ((20.0, 0.2), (1000.0, 0.3)):
            add(
                f"binomial/{pdt}/p={pdt}/n={n}/p={p}/seed=1234/{LARGE}",
                1234,
                [],
                "binomial",
                (LARGE,),
                pdt,
                {"n": n, "n_dtype": pdt, "p": p, "p_dtype": pdt},
            )

    # multinomial
    for pdt in ("float32", "float64"):
        for k_cat, batch in ((3, 2), (7, 4), (20, 3)):
            p = rng.uniform(0, 1, size=(batch, k_cat))
            p = enc(np.round(p / p.sum(-1, keepdims=True), 4))
            n = enc(np.floor(rng.uniform(0, 500, size=(batch,))))
            add(
                f"multinomial/{pdt}/K={k_cat}/batch={batch}/seed=0",
                0,
                [],
                "multinomial",
                None,
                pdt,
                {"n": n, "n_dtype": pdt, "p": p, "p_dtype": pdt},
            )
        p5 = [0.1, 0.0, 0.4, 0.2, 0.3]
        add(
            f"multinomial/{pdt}/n=50/shape=4x5/seed=2",
            2,
            [],
            "multinomial",
            (4, 5),
            pdt,
            {"n": 50.0, "n_dtype": pdt, "p": p5, "p_dtype": pdt},
        )
        add(
            f"multinomial/{pdt}/unroll=2/seed=2",
            2,
            [],
            "multinomial",
            None,
            pdt,
            {"n": 50.0, "n_dtype": pdt, "p": p5, "p_dtype": pdt, "unroll": 2},
        )
        add(
            f"multinomial/float32/p={pdt}/unnormalized/seed=4",
            4,
            [],
            "multinomial",
            None,
            "float32",
            {
                "n": [7.0, 1e4],
                "n_dtype": pdt,
                "p": [[2.0, 1.0, 1.0], [0.5, 0.5, 3.0]],
                "p_dtype": pdt,
            },
        )
        add(
            f"chain/seed=-7/multinomial/{pdt}/n=100",
            -7,
            chain,
            "multinomial",
            None,
            pdt,
            {"n": 100.0, "n_dtype": pdt, "p": p5, "p_dtype": pdt},
        )

    # multinomial in 16-bit types, and more than 16 categories in every float type: XLA:CPU
    # rewrites a reverse cumsum over more than 16 positions into a tree of 16-wide scans
    wide = np.random.default_rng(20261204)
    for pdt in ("float16", "bfloat16"):
        for k_cat, batch in ((3, 2), (7, 4), (20, 3)):
            p = wide.uniform(0, 1, size=(batch, k_cat))
            p = enc(np.round(p / p.sum(-1, keepdims=True), 4))
            n = enc(np.floor(wide.uniform(0, 500, size=(batch,))))
            add(
                f"multinomial/{pdt}/K={k_cat}/batch={batch}/seed=0",
                0,
                [],
                "multinomial",
                None,
                pdt,
                {"n": n, "n_dtype": pdt, "p": p, "p_dtype": pdt},
            )
    for pdt in FLOAT_DTYPES:
        for k_cat, batch, seed in ((40, 30, 5), (300, 4, 6)):
            p = wide.uniform(0, 1, size=(batch, k_cat))
            p = enc(p / p.sum(-1, keepdims=True))
            n = enc(np.floor(wide.uniform(0, 1000, size=(batch,))))
            add(
                f"multinomial/{pdt}/K={k_cat}/batch={batch}/seed={seed}",
                seed,
                [],
                "multinomial",
                None,
                "float32",
                {"n": n, "n_dtype": pdt, "p": p, "p_dtype": pdt},
            )

    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    base._require(not dupes, f"duplicate case names: {dupes}")
    return sorted(cases, key=lambda c: c["name"])


def build() -> str:
    """The complete file contents, as text."""
    return base.build_with(_header, _cases, _evaluate, dist._check_config)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
