"""Generate the JAX golden vectors of the samplers: ``vectors/jax_samplers.v1.json``.

What it does
    Records what ``jax.random.randint``, ``permutation``, ``choice`` and ``truncated_normal``
    return, byte for byte, called eagerly (as users call them), for keys built with
    ``jax.random.key`` from fixed seeds (and chains of ``split`` / ``index`` / ``fold_in``).
    Same configuration, header, key handling and result encoding as
    ``conformance/generate_jax_distributions.py`` (helpers imported from
    ``generate_jax_vectors.py``): ``jax_enable_x64=True``, partitionable ``threefry2x32``.
    Only jax, numpy and ml_dtypes are used; ``unirand`` is never imported.

Case format (beyond ``name``, ``seed``, ``ops``, ``fn``, ``expected``)
    ``shape``: the ``shape`` argument (null: None / not passed).  ``dtype``: randint's dtype;
    truncated_normal's dtype; choice: the dtype of ``p`` (null without ``p``); permutation:
    null.  ``params``: the other arguments as passed.  randint: ``minval``/``maxval`` (Python
    ints, or nested lists given as ``np.asarray(v, bound_dtype)``, ``bound_dtype`` default
    int64).  permutation: ``x`` (an int, or a nested list given as ``np.asarray(x, x_dtype)``),
    ``axis``, ``independent``.  choice: ``a`` (like ``x``, ``a_dtype``), ``replace``, ``axis``,
    ``mode``, ``p`` (nested list given as ``np.asarray(p, dtype)``).  truncated_normal:
    ``lower``/``upper`` (Python floats, the strings inf/-inf, or nested lists given as
    ``np.asarray(v, dtype)``).

How to run
    From the repository root, on a CPU host::

        /work/venv/bin/python conformance/generate_jax_samplers.py [--output PATH] [--check]

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

GENERATOR = "conformance/generate_jax_samplers.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_samplers.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES
LARGE = base.LARGE
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")

NOTE = (
    "Golden vectors of jax.random.randint, permutation, choice and truncated_normal (typed keys "
    "from jax.random.key), called eagerly. Written only by conformance/generate_jax_samplers.py; "
    "never edit by hand. shape is the shape argument (null: None); dtype is randint's or "
    "truncated_normal's dtype, or the dtype of choice's p; params holds the other arguments as "
    "passed (arrays as nested lists with their dtype in bound_dtype/x_dtype/a_dtype or dtype; "
    "the strings inf, -inf, nan stand for non-finite values). expected.hex is the result's "
    "bytes, little-endian, C order; results over inline_hex_max_bytes carry only "
    "expected.sha256. float32 values depend on XLA:CPU's FMA contraction (cpu_has_fma), "
    "float64 values on the C library's erf and log (libc)."
)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE)
    return header


def _ints(value, dtype):
    return value if isinstance(value, int) else jnp.asarray(np.asarray(value, dtype))


def _evaluate(case: dict) -> np.ndarray:
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    fn = case["fn"]
    params = dict(case["params"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    if fn == "randint":
        bd = params.pop("bound_dtype", "int64")
        lo, hi = _ints(params.pop("minval"), bd), _ints(params.pop("maxval"), bd)
        out = jax.random.randint(key, shape, lo, hi, jnp.dtype(case["dtype"]))
    elif fn == "permutation":
        x = _ints(params.pop("x"), params.pop("x_dtype", "int64"))
        out = jax.random.permutation(key, x, **params)
    elif fn == "choice":
        a = _ints(params.pop("a"), params.pop("a_dtype", "int64"))
        if "p" in params:
            params["p"] = jnp.asarray(dist.param_array(params["p"], case["dtype"]))
        out = jax.random.choice(key, a, shape, **params)
    elif fn == "truncated_normal":
        dt = case["dtype"]

        def bound(v):
            if isinstance(v, list):
                return jnp.asarray(dist.param_array(v, dt))
            return float(v)

        out = jax.random.truncated_normal(
            key, bound(params["lower"]), bound(params["upper"]), shape, jnp.dtype(dt)
        )
    else:
        raise ValueError(f"unknown fn {fn!r}")
    return np.asarray(out)


def _cases() -> list[dict]:
    cases: list[dict] = []
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
    chain_tag = f"chain/0/seed=-7/{base._ops_tag(chain)}"

    # randint: every int dtype; small, full, out-of-range and empty ranges; array bounds
    for dt in INT_DTYPES:
        info = np.iinfo(dt)
        lo_, hi_ = int(info.min), int(info.max)
        ranges = [(0, 10), (lo_, hi_), (lo_, hi_ + 1), (7, 3), (5, 5), (-3, 1000)]
        if dt != "uint64":
            ranges.append((max(lo_, -(2**62)), min(hi_ + 1, 2**63 - 1)))
        else:
            ranges.append((0, 2**63 - 1))
        for lo, hi in dict.fromkeys(ranges):
            if not -(2**63) <= hi < 2**63 or not -(2**63) <= lo < 2**63:
                continue
            for shape in ((), (7,), (3, 5), (1000,)):
                name = f"randint/{dt}/[{lo},{hi})/seed=0/{shape_tag(shape)}"
                add(name, 0, [], "randint", shape, dt, {"minval": lo, "maxval": hi})
        add(
            f"randint/{dt}/[0,10)/seed=1234/{LARGE}",
            1234,
            [],
            "randint",
            (LARGE,),
            dt,
            {"minval": 0, "maxval": 10},
        )
        add(
            f"{chain_tag}/randint/{dt}/9",
            -7,
            chain,
            "randint",
            (9,),
            dt,
            {"minval": -5, "maxval": 100},
        )
        add(
            f"randint/{dt}/arrays/seed=42/3x4",
            42,
            [],
            "randint",
            (3, 4),
            dt,
            {"minval": [0, 1, -2, 100], "maxval": [[3], [50], [2**20]]},
        )
    big = 2**64 - 1
    for hi in (big, 2**63 + 5, 2**64 - 2):
        add(
            f"randint/uint64/uint64-bounds/[1,{hi})/seed=3/1000",
            3,
            [],
            "randint",
            (1000,),
            "uint64",
            {"minval": [1], "maxval": [hi], "bound_dtype": "uint64"},
        )

    # permutation: ints (one and two sort rounds), arrays along each axis, independent
    for n in (0, 1, 2, 10, 1000, 1626, 5000, LARGE):
        add(f"permutation/x={n}/seed=0", 0, [], "permutation", None, None, {"x": n})
    add("permutation/x=257/seed=-1", -1, [], "permutation", None, None, {"x": 257})
    add(f"{chain_tag}/permutation/x=9", -7, chain, "permutation", None, None, {"x": 9})
    x3 = np.arange(2 * 3 * 5).reshape(2, 3, 5).tolist()
    for axis in (0, 1, 2, -1):
        for independent in (False, True):
            add(
                f"permutation/x=2x3x5/axis={axis}/independent={independent}/seed=5",
                5,
                [],
                "permutation",
                None,
                None,
                {"x": x3, "x_dtype": "float32", "axis": axis, "independent": independent},
            )
    x2 = np.arange(40 * 50).reshape(40, 50).tolist()
    add(
        "permutation/x=40x50/axis=1/independent=True/seed=6",
        6,
        [],
        "permutation",
        None,
        None,
        {"x": x2, "x_dtype": "int32", "axis": 1, "independent": True},
    )

    # choice: int and array populations, with/without replacement and p, axes
    for replace in (True, False):
        for shape in ((), (3,), (2, 4)):
            add(
                f"choice/a=10/replace={replace}/seed=0/{shape_tag(shape)}",
                0,
                [],
                "choice",
                shape,
                None,
                {"a": 10, "replace": replace},
            )
        add(
            f"choice/a=x3/axis=1/replace={replace}/seed=2/2",
            2,
            [],
            "choice",
            (2,),
            None,
            {"a": x3, "a_dtype": "float32", "axis": 1, "replace": replace},
        )
        add(
            f"choice/a=x3/axis=2/replace={replace}/seed=2/2x2",
            2,
            [],
            "choice",
            (2, 2),
            None,
            {"a": x3, "a_dtype": "int32", "axis": 2, "replace": replace},
        )
    add(
        "choice/a=5000/replace=False/seed=1/1000",
        1,
        [],
        "choice",
        (1000,),
        None,
        {"a": 5000, "replace": False},
    )
    add(
        f"choice/a=1000/replace=True/seed=1234/{LARGE}",
        1234,
        [],
        "choice",
        (LARGE,),
        None,
        {"a": 1000},
    )
    add(f"{chain_tag}/choice/a=7/9", -7, chain, "choice", (9,), None, {"a": 7})
    rng = np.random.default_rng(20240602)
    for dt in FLOAT_DTYPES:
        for n in (5, 40, 1000):
            p = rng.random(n)
            p[rng.random(n) < 0.2] = 0.0
            p = p / p.sum()
            ps = dist.encode_floats(p.astype(np.float64))
            k = min(n, 4)
            add(
                f"choice/p={n}/{dt}/replace=True/seed=0/1000",
                0,
                [],
                "choice",
                (1000,),
                dt,
                {"a": n, "p": ps},
            )
            add(
                f"choice/p={n}/{dt}/replace=False/seed=0/{k}",
                0,
                [],
                "choice",
                (k,),
                dt,
                {"a": n, "p": ps, "replace": False},
            )
        add(
            f"choice/p=40/{dt}/replace=False/mode=high/seed=0/4",
            0,
            [],
            "choice",
            (4,),
            dt,
            {
                "a": 40,
                "p": dist.encode_floats(np.arange(40) / 780.0),
                "replace": False,
                "mode": "high",
            },
        )
        add(
            f"choice/p=5/{dt}/a=x3/axis=1/seed=3/2x2",
            3,
            [],
            "choice",
            (2, 2),
            dt,
            {"a": x3, "a_dtype": "float32", "axis": 2, "p": [0.1, 0.2, 0.3, 0.15, 0.25]},
        )
        add(
            f"choice/p=100/{dt}/replace=True/seed=1234/{LARGE}",
            1234,
            [],
            "choice",
            (LARGE,),
            dt,
            {"a": 100, "p": dist.encode_floats(np.full(100, 0.01))},
        )

    # truncated_normal: every float dtype, finite/half-infinite/far-tail bounds, array bounds
    bounds = (
        (-1.0, 1.0),
        (-2.0, 0.5),
        (0.3, 3.0),
        ("-inf", 0.0),
        (1.5, "inf"),
        (-6.0, -5.0),
        (-0.1, 0.1),
    )
    for dt in FLOAT_DTYPES:
        for lo, hi in bounds:
            for shape in ((7,), (1000,)):
                add(
                    f"truncated_normal/{dt}/({lo},{hi})/seed=0/{shape_tag(shape)}",
                    0,
                    [],
                    "truncated_normal",
                    shape,
                    dt,
                    {"lower": lo, "upper": hi},
                )
        add(
            f"truncated_normal/{dt}/(-2.0,0.5)/seed=1234/{LARGE}",
            1234,
            [],
            "truncated_normal",
            (LARGE,),
            dt,
            {"lower": -2.0, "upper": 0.5},
        )
        add(
            f"truncated_normal/{dt}/arrays/seed=4/None",
            4,
            [],
            "truncated_normal",
            None,
            dt,
            {"lower": [-1.0, 0.0, 0.2], "upper": [[0.5], [3.0]]},
        )
        add(
            f"{chain_tag}/truncated_normal/{dt}/9",
            -7,
            chain,
            "truncated_normal",
            (9,),
            dt,
            {"lower": -1.0, "upper": 2.0},
        )

    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    base._require(not dupes, f"duplicate case names: {dupes}")
    return sorted(cases, key=lambda c: c["name"])


def build() -> str:
    """The complete file contents, as text."""
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
