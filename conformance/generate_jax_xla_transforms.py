"""Generate golden vectors of cauchy, pareto, lognormal, weibull_min: ``jax_xla_transforms.v1``.

What it does
    Records what ``jax.random.cauchy``, ``pareto``, ``lognormal`` and ``weibull_min`` return,
    byte for byte, for keys built with ``jax.random.key`` from fixed seeds (and chains of
    ``split`` / ``index`` / ``fold_in``).  Same configuration, header fields, key handling and
    result encoding as ``conformance/generate_jax_vectors.py`` (whose helpers are imported from
    its file): ``jax_enable_x64=True``, partitionable ``threefry2x32``.  Only jax, numpy and
    ml_dtypes are used; ``unirand`` is never imported.

Case format (the ``params`` layout of ``conformance/generate_jax_distributions.py``)
    ``shape``: the ``shape`` argument (a list; ``null`` means the default ``None`` of
    ``pareto``/``lognormal``).  ``dtype``: the ``dtype`` argument.  ``params``: the other
    arguments, ``b``, ``sigma``, ``scale``, ``concentration``: numbers or nested lists given to
    JAX as ``jnp.asarray(np.asarray(value, dtype))`` (arrays of the case's dtype, 0-d for a
    number), with the strings ``"inf"``, ``"-inf"``, ``"nan"`` for non-finite values; except
    the names listed in ``weak_params``, which are passed as Python floats (JAX's weak types).

How to run
    From the repository root, on a CPU host::

        python conformance/generate_jax_xla_transforms.py [--output PATH] [--check]

Host dependence: ``cauchy`` calls the C library's ``tan`` and ``weibull_min`` its ``pow``
(header ``libc``), every kernel runs with flush-to-zero and denormals-are-zero, float32
values depend on XLA:CPU's FMA contraction (``cpu_has_fma``), float64 ``exp``'s inputs on the
C library's ``log`` (through ``log1p``/``erf_inv``).

Change policy
    The output file is NEVER edited by hand; a change of any expected value needs a changelog
    entry and a new version in the file name.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np

_HERE = pathlib.Path(__file__).resolve().parent


def _load(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, _HERE / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _load("_generate_jax_vectors", "generate_jax_vectors.py")  # turns jax_enable_x64 on
dist = _load("_generate_jax_distributions", "generate_jax_distributions.py")

GENERATOR = "conformance/generate_jax_xla_transforms.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_xla_transforms.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES
SHAPES = base.SHAPES
LARGE = 33_000  # over inline_hex_max_bytes in every dtype: stored as sha256
ARRAY_PARAMS = ("b", "sigma", "scale", "concentration")

NOTE = (
    "Golden vectors of jax.random.cauchy, pareto, lognormal and weibull_min (typed keys from "
    "jax.random.key). Written only by conformance/generate_jax_xla_transforms.py; never edit by "
    "hand. shape is the shape argument (null: None); dtype is the dtype argument; params holds "
    "the other arguments (b, sigma, scale, concentration as numbers or nested lists, converted "
    "with np.asarray(value, dtype), except those named in weak_params, passed as Python floats; "
    "the strings inf, -inf, nan stand for non-finite values). expected.hex is the result's "
    "bytes, little-endian, C order (bfloat16 as raw uint16 bits); results over "
    "inline_hex_max_bytes carry only expected.sha256. cauchy and weibull_min depend on the C "
    "library's tan and pow (libc), float32 values on XLA:CPU's FMA contraction (cpu_has_fma)."
)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE)
    return header


def _evaluate(case: dict) -> np.ndarray:
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    fn = case["fn"]
    params = dict(case["params"])
    weak = set(params.pop("weak_params", ()))
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = jnp.dtype(case["dtype"])
    args = {}
    for name, value in params.items():
        if name in weak:
            args[name] = float(dist.decode_floats(value))
        else:
            args[name] = jnp.asarray(dist.param_array(value, case["dtype"]))
            base._require(args[name].dtype == dtype, (case["name"], args[name].dtype))
    if fn == "cauchy":
        out = jax.random.cauchy(key, shape, dtype)
    elif fn == "pareto":
        out = jax.random.pareto(key, args["b"], shape, dtype)
    elif fn == "lognormal":
        out = jax.random.lognormal(
            key, *([args["sigma"]] if "sigma" in args else []), shape=shape, dtype=dtype
        )
    elif fn == "weibull_min":
        out = jax.random.weibull_min(key, args["scale"], args["concentration"], shape, dtype)
    else:
        raise ValueError(f"unknown fn {fn!r}")
    out = np.asarray(out)
    base._require(out.dtype == dtype, (case["name"], out.dtype))
    return out


def _cases() -> list[dict]:
    cases: list[dict] = []
    shape_tag = base._shape_tag
    seed_tag = base._seed_tag
    enc = dist.encode_floats

    def add(name, seed, ops, fn, shape, dtype, params=None):
        params = {k: (enc(v) if k in ARRAY_PARAMS else v) for k, v in (params or {}).items()}
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

    chains = (
        [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)],
        [("fold_in", 2**32 - 1), ("split", [2, 3]), ("index", [1, 2]), ("fold_in", 0)],
    )
    seeds = (42, -1, 2**63 + 12345)
    rows = [[0.5, 1.0, 2.0], [3.0, 0.25, 7.5]]
    column = [[0.2], [1.7]]
    inf, nan = float("inf"), float("nan")

    def standard(fn, dtype, params, tag):
        """Every shape, three seeds, both chains and LARGE values of one parameter set."""
        for shape in (s for s in SHAPES if s != (1000,)):  # LARGE stands for the big ones
            add(f"{fn}/{dtype}/{tag}/seed=0/{shape_tag(shape)}", 0, [], fn, shape, dtype, params)
        for seed in seeds:
            name = f"{fn}/{dtype}/{tag}/seed={seed_tag(seed)}/257"
            add(name, seed, [], fn, (257,), dtype, params)
        for i, chain in enumerate(chains):
            name = f"chain/{i}/seed=-7/{base._ops_tag(chain)}/{fn}/{dtype}/{tag}/9"
            add(name, -7, chain, fn, (9,), dtype, params)
        add(f"{fn}/{dtype}/{tag}/seed=1234/{LARGE}", 1234, [], fn, (LARGE,), dtype, params)

    for dtype in FLOAT_DTYPES:
        standard("cauchy", dtype, {}, "std")

        # pareto: scalar b (0-d arrays: XLA multiplies by 1/b), arrays (divided, or multiplied
        # by the reciprocal where broadcast), special values, weak Python floats
        standard("pareto", dtype, {"b": 1.5}, "b=1.5")
        for b in (0.1, 1.0, 3.0, 0.0, -1.0, inf, nan, 1e-3):
            add(f"pareto/{dtype}/b={b!r}/seed=0/64", 0, [], "pareto", (64,), dtype, {"b": b})
        for shape in (None, (2, 3), (4, 2, 3)):
            tag = "None" if shape is None else shape_tag(shape)
            add(f"pareto/{dtype}/b=2x3/seed=42/{tag}", 42, [], "pareto", shape, dtype, {"b": rows})
        add(f"pareto/{dtype}/b=2x1/seed=0/3x2x4", 0, [], "pareto", (3, 2, 4), dtype, {"b": column})
        for shape in ((), (257,)):
            params = {"b": 0.7, "weak_params": ["b"]}
            add(
                f"pareto/{dtype}/b=0.7(weak)/seed=3/{shape_tag(shape)}",
                3,
                [],
                "pareto",
                shape,
                dtype,
                params,
            )

        # lognormal: JAX's default sigma (np.float32(1)) only where it casts safely
        if dtype in ("float32", "float64"):
            standard("lognormal", dtype, {}, "default")
        standard("lognormal", dtype, {"sigma": 0.5}, "sigma=0.5")
        for s in (2.0, 1.0, 0.0, -1.0, inf, nan, 1e-3):
            add(
                f"lognormal/{dtype}/sigma={s!r}/seed=0/64",
                0,
                [],
                "lognormal",
                (64,),
                dtype,
                {"sigma": s},
            )
        for shape in (None, (2, 3), (4, 2, 3)):
            tag = "None" if shape is None else shape_tag(shape)
            add(
                f"lognormal/{dtype}/sigma=2x3/seed=42/{tag}",
                42,
                [],
                "lognormal",
                shape,
                dtype,
                {"sigma": rows},
            )
        add(
            f"lognormal/{dtype}/sigma=2x1/seed=0/3x2x4",
            0,
            [],
            "lognormal",
            (3, 2, 4),
            dtype,
            {"sigma": column},
        )
        for shape in ((), (257,)):
            params = {"sigma": 0.3, "weak_params": ["sigma"]}
            add(
                f"lognormal/{dtype}/sigma=0.3(weak)/seed=3/{shape_tag(shape)}",
                3,
                [],
                "lognormal",
                shape,
                dtype,
                params,
            )

        # weibull_min: scalar and array parameters, a result larger than shape, specials
        standard("weibull_min", dtype, {"scale": 1.0, "concentration": 1.5}, "1.0,1.5")
        for sc, co in (
            (2.0, 0.5),
            (0.5, 3.0),
            (1.0, 1.0),
            (1.0, 0.0),
            (-1.0, 2.0),
            (1.0, -2.0),
            (inf, 1.0),
            (1.0, inf),
            (nan, 1.0),
            (1.0, nan),
            (1.0, 0.05),
        ):
            params = {"scale": sc, "concentration": co}
            add(
                f"weibull_min/{dtype}/{sc!r},{co!r}/seed=0/64",
                0,
                [],
                "weibull_min",
                (64,),
                dtype,
                params,
            )
        params = {"scale": rows, "concentration": column}
        for shape in ((2, 3), (4, 2, 3)):
            add(
                f"weibull_min/{dtype}/2x3,2x1/seed=42/{shape_tag(shape)}",
                42,
                [],
                "weibull_min",
                shape,
                dtype,
                params,
            )
        params = {"scale": [1.0, 2.0, 3.0], "concentration": 2.0}
        add(f"weibull_min/{dtype}/3,2.0/seed=5/scalar", 5, [], "weibull_min", (), dtype, params)
        for weak in (["scale"], ["concentration"], ["scale", "concentration"]):
            params = {"scale": 1.3, "concentration": 0.3, "weak_params": weak}
            tag = "+".join(weak)
            add(
                f"weibull_min/{dtype}/1.3,0.3(weak {tag})/seed=3/257",
                3,
                [],
                "weibull_min",
                (257,),
                dtype,
                params,
            )
    return cases


def build() -> str:
    """The complete file contents, as text."""
    return base.build_with(_header, _cases, _evaluate, dist._check_config)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
