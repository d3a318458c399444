"""Generate the JAX golden vectors of the distributions: ``vectors/jax_distributions.v1.json``.

What it does
    Records what ``jax.random.bernoulli``, ``exponential``, ``gumbel`` and ``categorical``
    return, byte for byte, for keys built with ``jax.random.key`` from fixed seeds (and chains of
    ``split`` / ``index`` / ``fold_in``).  Same configuration, header fields, key handling and
    result encoding as ``conformance/generate_jax_vectors.py`` (whose helpers are imported from
    its file): ``jax_enable_x64=True``, partitionable ``threefry2x32``.  Only jax, numpy and
    ml_dtypes are used; ``unirand`` is never imported.

Case format (beyond the shared fields ``name``, ``seed``, ``ops``, ``fn``, ``expected``)
    ``shape``: the ``shape`` argument (a list; ``null`` for bernoulli/categorical means the
    default ``None``).  ``dtype``: exponential/gumbel: the ``dtype`` argument; bernoulli: the
    dtype of ``p``; categorical: the dtype of ``logits``.  ``params``: the other keyword
    arguments, exactly as passed (absent ones take JAX's defaults): ``p`` and ``logits`` are
    numbers or nested lists, given to JAX as ``jnp.asarray(np.asarray(value, dtype))``, with
    the strings ``"inf"``, ``"-inf"``, ``"nan"`` for non-finite values; ``mode``, ``axis``,
    ``replace``.  ``expected`` is the result (bool for bernoulli; int64 for categorical, int32
    with ``replace=False``).

How to run
    From the repository root, on a CPU host::

        /work/venv/bin/python conformance/generate_jax_distributions.py [--output PATH] [--check]

    ``--check`` regenerates in memory and exits 1 if the file on disk differs.  The output is
    deterministic (no dates, sorted keys and cases).

Change policy
    The output file is NEVER edited by hand; a change of any expected value needs a changelog
    entry and a new version in the file name.

Host dependence: float32 results depend on XLA:CPU contracting multiply-adds into FMAs inside
its inlined ``log``/``log1p`` (header ``cpu_has_fma``); float64 results on the host C
library's ``log`` (header ``libc``).
"""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np

_HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "_generate_jax_vectors", _HERE / "generate_jax_vectors.py"
)
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)  # turns jax_enable_x64 on, before any array exists

GENERATOR = "conformance/generate_jax_distributions.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_distributions.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES
LARGE = base.LARGE
SHAPES = base.SHAPES

NOTE = (
    "Golden vectors of jax.random.bernoulli, exponential, gumbel and categorical (typed keys "
    "from jax.random.key). Written only by conformance/generate_jax_distributions.py; never edit "
    "by hand. shape is the shape argument (null: None); dtype is the dtype argument, or the "
    "dtype of p (bernoulli) or logits (categorical); params holds the other keyword arguments "
    "as passed (p and logits as numbers or nested lists, converted with np.asarray(value, "
    "dtype); the strings inf, -inf, nan stand for non-finite values). expected.hex is the "
    "result's bytes, little-endian, C order (bool as one byte 0/1, bfloat16 as raw uint16 "
    "bits); results over inline_hex_max_bytes carry only expected.sha256. float32 values depend "
    "on XLA:CPU's FMA contraction (cpu_has_fma), float64 values on the C library's log (libc)."
)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE)
    return header


def _check_config() -> None:
    base._check_config()
    base._require(
        not jax.config.jax_high_dynamic_range_gumbel,
        "jax_high_dynamic_range_gumbel must be off (gumbel/categorical default mode 'low')",
    )


# --------------------------------------------------------------------------------------------
# Parameters: floats with inf/nan as strings


def encode_floats(value):
    """Nested lists of floats as JSON values (non-finite ones as strings)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [encode_floats(v) for v in value]
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def decode_floats(value):
    if isinstance(value, list):
        return [decode_floats(v) for v in value]
    if isinstance(value, str):
        return float(value)
    return value


def _np_dtype(name: str):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def param_array(value, dtype: str) -> np.ndarray:
    return np.asarray(decode_floats(value), dtype=_np_dtype(dtype))


# --------------------------------------------------------------------------------------------
# Evaluating one case with jax


def _evaluate(case: dict) -> np.ndarray:
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    fn = case["fn"]
    params = dict(case["params"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = jnp.dtype(case["dtype"])
    if fn == "exponential":
        out = jax.random.exponential(key, shape, dtype, **params)
        want = (dtype, shape)
    elif fn == "gumbel":
        out = jax.random.gumbel(key, shape, dtype, **params)
        want = (dtype, shape)
    elif fn == "bernoulli":
        p = jnp.asarray(param_array(params.pop("p"), case["dtype"]))
        base._require(p.dtype == dtype, (case["name"], p.dtype))
        out = jax.random.bernoulli(key, p, shape, **params)
        want = (np.dtype(bool), p.shape if shape is None else shape)
    elif fn == "categorical":
        logits = jnp.asarray(param_array(params.pop("logits"), case["dtype"]))
        base._require(logits.dtype == dtype, (case["name"], logits.dtype))
        out = jax.random.categorical(key, logits, shape=shape, **params)
        index = np.int64 if params.get("replace", True) else np.int32
        want = (np.dtype(index), None)
    else:
        raise ValueError(f"unknown fn {fn!r}")
    out = np.asarray(out)
    base._require(out.dtype == want[0], (case["name"], out.dtype))
    base._require(want[1] is None or out.shape == want[1], (case["name"], out.shape))
    return out


# --------------------------------------------------------------------------------------------
# The case list


def _tag(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_tag(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def _cases() -> list[dict]:
    cases: list[dict] = []
    shape_tag = base._shape_tag
    seed_tag = base._seed_tag

    def add(name, seed, ops, fn, shape, dtype, params=None):
        cases.append(
            {
                "name": name,
                "seed": seed,
                "ops": [list(op) for op in ops],
                "fn": fn,
                "shape": None if shape is None else list(shape),
                "dtype": dtype,
                "params": dict(params or {}),
            }
        )

    chains = (
        [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)],
        [("fold_in", 2**32 - 1), ("split", [2, 3]), ("index", [1, 2]), ("fold_in", 0)],
    )
    seeds = (42, -1, 2**63 + 12345)

    # exponential: every float type and shape, a few seeds, one chain, and 10**5 values.
    for dtype in FLOAT_DTYPES:
        for shape in SHAPES:
            add(
                f"exponential/{dtype}/seed=0/{shape_tag(shape)}", 0, [], "exponential", shape, dtype
            )
        for seed in seeds:
            name = f"exponential/{dtype}/seed={seed_tag(seed)}/257"
            add(name, seed, [], "exponential", (257,), dtype)
        base_name = f"chain/0/seed=-7/{base._ops_tag(chains[0])}"
        add(f"{base_name}/exponential/{dtype}/9", -7, chains[0], "exponential", (9,), dtype)
        add(f"exponential/{dtype}/seed=1234/{LARGE}", 1234, [], "exponential", (LARGE,), dtype)

    # gumbel: every float type and mode ("low" as JAX's default), shapes, 10**5 values.
    for dtype in FLOAT_DTYPES:
        for mode in ("low", "high", "highest"):
            params = {} if mode == "low" else {"mode": mode}
            shapes = SHAPES if mode == "low" else ((), (7,), (3, 5), (1000,))
            for shape in shapes:
                name = f"gumbel/{dtype}/{mode}/seed=0/{shape_tag(shape)}"
                add(name, 0, [], "gumbel", shape, dtype, params)
            for seed in seeds:
                name = f"gumbel/{dtype}/{mode}/seed={seed_tag(seed)}/257"
                add(name, seed, [], "gumbel", (257,), dtype, params)
            if mode == "low" or dtype == "float32":
                name = f"gumbel/{dtype}/{mode}/seed=1234/{LARGE}"
                add(name, 1234, [], "gumbel", (LARGE,), dtype, params)
        base_name = f"chain/1/seed=-7/{base._ops_tag(chains[1])}"
        add(f"{base_name}/gumbel/{dtype}/9", -7, chains[1], "gumbel", (9,), dtype)

    # bernoulli: scalar and array p (broadcast, shape None), both modes, p outside [0, 1].
    for dtype in FLOAT_DTYPES:
        for p in (0.5, 0.3, 0.0, 1.0, 1e-3, 0.999, -0.5, 1.5):
            for mode in ("low", "high"):
                params = {"p": p} if mode == "low" else {"p": p, "mode": mode}
                name = f"bernoulli/{dtype}/{mode}/p={_tag(p)}/seed=0/1000"
                add(name, 0, [], "bernoulli", (1000,), dtype, params)
        p_rows = [[0.1, 0.5, 0.9], [0.01, 0.25, 0.75]]
        for shape in (None, (2, 3), (4, 2, 3)):
            for mode in ("low", "high"):
                params = {"p": p_rows} if mode == "low" else {"p": p_rows, "mode": mode}
                tag = "None" if shape is None else shape_tag(shape)
                add(
                    f"bernoulli/{dtype}/{mode}/p=2x3/seed=42/{tag}",
                    42,
                    [],
                    "bernoulli",
                    shape,
                    dtype,
                    params,
                )
        for shape in ((), (7,), (3, 5), (2, 3, 4), (257,)):
            name = f"bernoulli/{dtype}/low/p=0.3/seed=-1/{shape_tag(shape)}"
            add(name, -1, [], "bernoulli", shape, dtype, {"p": 0.3})
        add(f"bernoulli/{dtype}/low/p=0.3/seed=0/None", 0, [], "bernoulli", None, dtype, {"p": 0.3})
        add(
            f"bernoulli/{dtype}/low/p=[[0.2],[0.7]]/seed=0/3x2x4",
            0,
            [],
            "bernoulli",
            (3, 2, 4),
            dtype,
            {"p": [[0.2], [0.7]]},
        )
        base_name = f"chain/0/seed=-7/{base._ops_tag(chains[0])}"
        add(
            f"{base_name}/bernoulli/{dtype}/p=0.5/9",
            -7,
            chains[0],
            "bernoulli",
            (9,),
            dtype,
            {"p": 0.5},
        )
        for mode in ("low", "high"):
            params = {"p": 0.3} if mode == "low" else {"p": 0.3, "mode": mode}
            name = f"bernoulli/{dtype}/{mode}/p=0.3/seed=1234/{LARGE}"
            add(name, 1234, [], "bernoulli", (LARGE,), dtype, params)

    # categorical: axes, batch and sample shapes (broadcast), modes, replace=False, ties and
    # non-finite logits, 10**5 Gumbel values.
    rng = np.random.default_rng(20240601)
    logit_sets = {
        "5": rng.normal(size=(5,)).round(3),
        "3x7": rng.normal(size=(3, 7)).round(3),
        "1x6": (2 * rng.normal(size=(1, 6))).round(3),
        "2x3x4": rng.normal(size=(2, 3, 4)).round(3),
    }
    big = (3 * rng.normal(size=(100,))).round(2)
    special = [
        [0.0, 0.0, 0.0],
        [-np.inf, -np.inf, -np.inf],
        [np.inf, 1.0, np.inf],
        [np.nan, 1.0, np.nan],
        [1.0, np.nan, 2.0],
        [-0.0, 0.0, -0.0],
        [-np.inf, 3.0, -np.inf],
        [100.0, -100.0, 100.0],
    ]
    layouts = (
        ("5", -1, None),
        ("5", 0, (3, 4)),
        ("3x7", -1, None),
        ("3x7", 0, None),
        ("3x7", 1, (2, 3)),
        ("1x6", -1, (4, 1)),
        ("1x6", -1, (2, 4, 1)),
        ("2x3x4", 1, (5, 2, 4)),
    )
    for dtype in FLOAT_DTYPES:
        for lname, axis, shape in layouts:
            for mode in ("low", "high", "highest"):
                params = {"logits": encode_floats(logit_sets[lname])}
                if axis != -1:
                    params["axis"] = axis
                if mode != "low":
                    params["mode"] = mode
                tag = "None" if shape is None else shape_tag(shape)
                name = f"categorical/{dtype}/{mode}/logits={lname}/axis={axis}/seed=0/{tag}"
                add(name, 0, [], "categorical", shape, dtype, params)
        for lname, axis, shape in (("5", -1, None), ("5", -1, (3,)), ("3x7", 1, (4, 3))):
            params = {"logits": encode_floats(logit_sets[lname]), "replace": False}
            if axis != -1:
                params["axis"] = axis
            tag = "None" if shape is None else shape_tag(shape)
            name = f"categorical/{dtype}/replace=False/logits={lname}/axis={axis}/seed=0/{tag}"
            add(name, 0, [], "categorical", shape, dtype, params)
        params = {"logits": encode_floats(special)}
        add(
            f"categorical/{dtype}/low/logits=special/seed=7/None",
            7,
            [],
            "categorical",
            None,
            dtype,
            params,
        )
        params = {"logits": encode_floats(special), "replace": False}
        add(
            f"categorical/{dtype}/replace=False/logits=special/seed=7/2x8",
            7,
            [],
            "categorical",
            (2, 8),
            dtype,
            params,
        )
        base_name = f"chain/1/seed=-7/{base._ops_tag(chains[1])}"
        params = {"logits": encode_floats(logit_sets["3x7"])}
        add(
            f"{base_name}/categorical/{dtype}/3x7",
            -7,
            chains[1],
            "categorical",
            None,
            dtype,
            params,
        )
        # 1000 draws over 100 categories: 10**5 Gumbel values
        params = {"logits": encode_floats(big)}
        add(
            f"categorical/{dtype}/low/logits=100/seed=1234/1000",
            1234,
            [],
            "categorical",
            (1000,),
            dtype,
            params,
        )

    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    base._require(not dupes, f"duplicate case names: {dupes}")
    return sorted(cases, key=lambda c: c["name"])


# --------------------------------------------------------------------------------------------
# Output


def build() -> str:
    """The complete file contents, as text."""
    return base.build_with(_header, _cases, _evaluate, _check_config)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
