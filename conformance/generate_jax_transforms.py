"""Generate the golden vectors of the uniform/normal transforms: ``jax_transforms.v1.json``.

What it does
    Records what ``jax.random.rademacher``, ``laplace``, ``logistic``, ``rayleigh``,
    ``geometric``, ``triangular``, ``wald``, ``maxwell`` and ``double_sided_maxwell`` return,
    byte for byte, for keys built with ``jax.random.key`` from fixed seeds (and chains of
    ``split`` / ``index`` / ``fold_in``).  Same configuration, header fields, key handling and
    result encoding as ``conformance/generate_jax_vectors.py`` (whose helpers are imported from
    its file): ``jax_enable_x64=True``, partitionable ``threefry2x32``.  Only jax, numpy and
    ml_dtypes are used; ``unirand`` is never imported.

Case format (the ``params`` layout of ``generate_jax_distributions.py``)
    ``shape``: the ``shape`` argument (a list; ``null``: the default ``None``).  ``dtype``: the
    ``dtype`` argument (geometric: its integer result dtype; ``p``'s dtype is ``p_dtype``).
    ``params``: the other arguments by name: ``scale``, ``mean``, ``left``, ``mode``,
    ``right``, ``loc``, ``p`` as numbers or nested lists (the strings ``"inf"``, ``"-inf"``,
    ``"nan"`` for non-finite values), given to JAX as ``jnp.asarray(np.asarray(value,
    dtype))`` (typed arrays of the case's dtype, ``p`` of ``p_dtype``).  Every finite value is
    exactly representable in every float dtype, so a replay may pass them as Python numbers.

How to run
    From the repository root, on a CPU host::

        .venv/bin/python conformance/generate_jax_transforms.py [--output PATH] [--check]

    ``--check`` regenerates in memory and exits 1 if the file on disk differs.  The output is
    deterministic (no dates, sorted keys and cases).

Change policy
    The output file is NEVER edited by hand; a change of any expected value needs a changelog
    entry and a new version in the file name.

Host dependence: float results depend on XLA:CPU's FMA contraction (header ``cpu_has_fma``),
on its fusion decisions (``maxwell`` sums its normals differently above 4,096 normals; the
sizes 1365/1366 and 4095/4096 are recorded on purpose) and, for float64, on the C library's
``log`` (header ``libc``).
"""

from __future__ import annotations

import importlib.util
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

GENERATOR = "conformance/generate_jax_transforms.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "jax_transforms.v1.json"
FLOAT_DTYPES = base.FLOAT_DTYPES
SHAPES = base.SHAPES
#: the large draw of each sampler and dtype (beyond maxwell's fusion thresholds)
LARGE = 10_000
#: sizes on both sides of XLA:CPU's fusion thresholds for maxwell (3 * 1365 <= 4096 normals)
#: and for double_sided_maxwell / bfloat16 maxwell (4,096 values)
THRESHOLDS = (1365, 1366, 4095, 4096)
FLOAT_PARAMS = ("scale", "mean", "left", "mode", "right", "loc", "p")

NOTE = (
    "Golden vectors of jax.random.rademacher, laplace, logistic, rayleigh, geometric, "
    "triangular, wald, maxwell and double_sided_maxwell (typed keys from jax.random.key). "
    "Written only by conformance/generate_jax_transforms.py; never edit by hand. shape is the "
    "shape argument (null: None); dtype is the dtype argument (geometric: the integer result "
    "dtype, p's dtype is params.p_dtype); params holds the float parameters as numbers or "
    "nested lists (the strings inf, -inf, nan stand for non-finite values), given to jax as "
    "arrays of the case's dtype. expected.hex is the result's bytes, little-endian, C order "
    "(bfloat16 as raw uint16 bits); results over inline_hex_max_bytes carry only "
    "expected.sha256. Float values depend on XLA:CPU's FMA contraction (cpu_has_fma) and "
    "fusion decisions, float64 values on the C library's log (libc)."
)


def _header() -> dict:
    header = base._header()
    header.update(generator=GENERATOR, note=NOTE)
    return header


def _np_dtype(name: str):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return float(value) if isinstance(value, str) else value


def _param(value, dtype: str):
    return jnp.asarray(np.asarray(_decode(value), dtype=_np_dtype(dtype)))


# --------------------------------------------------------------------------------------------
# Evaluating one case with jax


def _evaluate(case: dict) -> np.ndarray:
    key = base._apply_ops(base._make_key(case["seed"]), case["ops"])
    base._require(key.ndim == 0, f"{case['fn']} needs a single key, got shape {key.shape}")
    fn = case["fn"]
    params = dict(case["params"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = case["dtype"]
    rnd = jax.random
    if fn == "geometric":
        p = _param(params["p"], params["p_dtype"])
        out = rnd.geometric(key, p, shape, dtype)
    elif fn in ("rademacher", "laplace", "logistic", "maxwell"):
        out = getattr(rnd, fn)(key, shape, dtype)
    elif fn == "rayleigh":
        out = rnd.rayleigh(key, _param(params["scale"], dtype), shape, dtype)
    elif fn == "wald":
        out = rnd.wald(key, _param(params["mean"], dtype), shape, dtype)
    elif fn == "triangular":
        left, mode, right = (_param(params[a], dtype) for a in ("left", "mode", "right"))
        out = rnd.triangular(key, left, mode, right, shape, dtype)
    elif fn == "double_sided_maxwell":
        loc, scale = (_param(params[a], dtype) for a in ("loc", "scale"))
        out = rnd.double_sided_maxwell(key, loc, scale, shape, dtype)
    else:
        raise ValueError(f"unknown fn {fn!r}")
    out = np.asarray(out)
    base._require(out.dtype == _np_dtype(dtype), (case["name"], out.dtype))
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

    chain = [("split", 3), ("index", 1), ("fold_in", 7), ("split", [2, 3]), ("index", [1, 0])]
    chain_tag = f"chain/seed=-7/{base._ops_tag(chain)}"
    seeds = (42, -1, 2**63 + 12345)

    # the parameterless samplers: every shape, seeds, a chain, a large draw
    plain = {"laplace": FLOAT_DTYPES, "logistic": FLOAT_DTYPES, "maxwell": FLOAT_DTYPES}
    plain["rademacher"] = ("int32", "int64", "int8", "uint8", "uint32", "float32", "bfloat16")
    for fn, dtypes in plain.items():
        for dtype in dtypes:
            for shape in SHAPES:
                add(f"{fn}/{dtype}/seed=0/{shape_tag(shape)}", 0, [], fn, shape, dtype)
            for seed in seeds:
                add(f"{fn}/{dtype}/seed={base._seed_tag(seed)}/257", seed, [], fn, (257,), dtype)
            add(f"{chain_tag}/{fn}/{dtype}/9", -7, chain, fn, (9,), dtype)
            add(f"{fn}/{dtype}/seed=1234/{LARGE}", 1234, [], fn, (LARGE,), dtype)
    for dtype in FLOAT_DTYPES:
        for n in THRESHOLDS:
            add(f"maxwell/{dtype}/seed=5/{n}", 5, [], "maxwell", (n,), dtype)

    # the parameterized ones: scalar and array parameters, broadcasting, shape None
    row = [0.5, 1.0, 2.0, 3.5]
    for dtype in FLOAT_DTYPES:
        for fn, arg, values in (
            ("rayleigh", "scale", (1.0, 2.5, 0.25, row, [[0.5], [4.0]], 0.0, "inf", -1.0, "nan")),
            ("wald", "mean", (1.0, 2.5, 0.25, row, [[0.5], [4.0]], 0.0, "inf", -1.0, "nan")),
        ):
            for v in values:
                params = {arg: v}
                tag = _tag(v)
                for shape in ((), (7,), (3, 4), (257,)) if not isinstance(v, list) else ():
                    add(
                        f"{fn}/{dtype}/{arg}={tag}/seed=0/{shape_tag(shape)}",
                        0,
                        [],
                        fn,
                        shape,
                        dtype,
                        params,
                    )
                if isinstance(v, list):
                    add(f"{fn}/{dtype}/{arg}={tag}/seed=3/None", 3, [], fn, None, dtype, params)
                    add(
                        f"{fn}/{dtype}/{arg}={tag}/seed=3/5x2x4",
                        3,
                        [],
                        fn,
                        (5, 2, 4),
                        dtype,
                        params,
                    )
            add(f"{chain_tag}/{fn}/{dtype}/9", -7, chain, fn, (9,), dtype, {arg: 1.5})
            add(
                f"{fn}/{dtype}/{arg}=1.5/seed=1234/{LARGE}",
                1234,
                [],
                fn,
                (LARGE,),
                dtype,
                {arg: 1.5},
            )
        for n in (1, 2, *THRESHOLDS):
            add(f"wald/{dtype}/mean=0.75/seed=9/{n}", 9, [], "wald", (n,), dtype, {"mean": 0.75})
        for seed in seeds:
            add(
                f"wald/{dtype}/mean=1.5/seed={base._seed_tag(seed)}/scalar",
                seed,
                [],
                "wald",
                (),
                dtype,
                {"mean": 1.5},
            )

        tri = (
            (-1.0, 0.5, 2.0),
            (0.0, 0.0, 1.0),
            (0.0, 1.0, 1.0),
            (-3.0, -2.5, 4.0),
            ([-1.0, 0.0, 1.0], 1.5, [2.0, 2.5, 3.0]),
            ([[-1.0], [0.0]], [0.25, 0.5, 0.75], 1.0),
            (1.0, 0.5, 2.0),
            (0.0, "nan", 1.0),
        )
        for left, mode, right in tri:
            params = {"left": left, "mode": mode, "right": right}
            tag = f"{_tag(left)},{_tag(mode)},{_tag(right)}"
            arrays = any(isinstance(v, list) for v in (left, mode, right))
            shapes = (None, (4, 2, 3)) if arrays else ((), (7,), (3, 5), (257,))
            for shape in shapes:
                stag = "None" if shape is None else shape_tag(shape)
                add(
                    f"triangular/{dtype}/{tag}/seed=0/{stag}",
                    0,
                    [],
                    "triangular",
                    shape,
                    dtype,
                    params,
                )
        params = {"left": -1.0, "mode": 0.5, "right": 2.0}
        add(f"{chain_tag}/triangular/{dtype}/9", -7, chain, "triangular", (9,), dtype, params)
        add(
            f"triangular/{dtype}/-1.0,0.5,2.0/seed=1234/{LARGE}",
            1234,
            [],
            "triangular",
            (LARGE,),
            dtype,
            params,
        )

        dsm = (
            (0.0, 1.0),
            (0.25, 1.5),
            (-2.0, 0.5),
            ([0.0, 1.0, -1.0], 2.0),
            ([[0.5], [1.0]], [1.0, 2.0]),
            (1.0, "inf"),
        )
        for loc, scale in dsm:
            params = {"loc": loc, "scale": scale}
            tag = f"{_tag(loc)},{_tag(scale)}"
            for shape in ((), (7,), (2, 3)):
                add(
                    f"double_sided_maxwell/{dtype}/{tag}/seed=0/{shape_tag(shape)}",
                    0,
                    [],
                    "double_sided_maxwell",
                    shape,
                    dtype,
                    params,
                )
        params = {"loc": 0.25, "scale": 1.5}
        for n in (257, LARGE, *THRESHOLDS):
            add(
                f"double_sided_maxwell/{dtype}/0.25,1.5/seed=1234/{n}",
                1234,
                [],
                "double_sided_maxwell",
                (n,),
                dtype,
                params,
            )
        add(
            f"{chain_tag}/double_sided_maxwell/{dtype}/9",
            -7,
            chain,
            "double_sided_maxwell",
            (9,),
            dtype,
            params,
        )

        # geometric: p's dtype is the computation's; the result is int32 (and others)
        for p in (
            0.5,
            0.3,
            0.01,
            0.999,
            1.0,
            0.0,
            1.5,
            -0.5,
            "nan",
            [0.1, 0.5, 0.9],
            [[0.05], [0.75]],
        ):
            params = {"p": p, "p_dtype": dtype}
            tag = _tag(p)
            if isinstance(p, list):
                for shape in (None, (4, 2, 3)):
                    stag = "None" if shape is None else shape_tag(shape)
                    add(
                        f"geometric/int32/p={tag}/{dtype}/seed=0/{stag}",
                        0,
                        [],
                        "geometric",
                        shape,
                        "int32",
                        params,
                    )
            else:
                for shape in ((), (7,), (257,)):
                    add(
                        f"geometric/int32/p={tag}/{dtype}/seed=0/{shape_tag(shape)}",
                        0,
                        [],
                        "geometric",
                        shape,
                        "int32",
                        params,
                    )
        for out in ("int64", "uint8", "int8", "uint32"):
            params = {"p": 0.01, "p_dtype": dtype}
            add(
                f"geometric/{out}/p=0.01/{dtype}/seed=0/257",
                0,
                [],
                "geometric",
                (257,),
                out,
                params,
            )
        params = {"p": 0.3, "p_dtype": dtype}
        add(f"{chain_tag}/geometric/int32/{dtype}/9", -7, chain, "geometric", (9,), "int32", params)
        add(
            f"geometric/int32/p=0.3/{dtype}/seed=1234/{LARGE}",
            1234,
            [],
            "geometric",
            (LARGE,),
            "int32",
            params,
        )
        params = {"p": [0.002, 0.02, 0.2, 0.6], "p_dtype": dtype}
        add(
            f"geometric/int32/p=4/{dtype}/seed=1234/2500x4",
            1234,
            [],
            "geometric",
            (2500, 4),
            "int32",
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
    return base.build_with(_header, _cases, _evaluate)


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
