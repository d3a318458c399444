"""Generate the JAX golden vectors: ``conformance/vectors/jax_threefry2x32.v1.json``.

What it does
    Builds keys with ``jax.random.key`` from a fixed list of seeds, applies fixed chains of
    ``split`` / ``index`` / ``fold_in``, and records what ``jax.random.key_data``,
    ``jax.random.bits``, ``jax.random.uniform`` and ``jax.random.normal`` return, byte for
    byte. The configuration is
    pinned and asserted: ``jax_enable_x64=True``, ``jax_threefry_partitionable=True`` (the
    default since jax 0.5.0) and the default implementation ``threefry2x32``. Only jax, numpy and
    ml_dtypes are used; ``unirand`` is never imported, so the vectors are an independent oracle.

How to run
    From the repository root, on a CPU host::

        /work/venv/bin/python conformance/generate_jax_vectors.py [--output PATH] [--check]

    ``--check`` regenerates in memory and exits 1 if the file on disk differs.
    The output is deterministic: no dates, dict keys sorted, cases sorted by name, so two runs
    with the same jax/jaxlib on the same kind of host give byte-identical files.

Change policy
    The output file is NEVER edited by hand; it is only ever written by this script. A change of
    any expected value needs a changelog entry and a new version in the file name
    (``.v1.json`` -> ``.v2.json``). See ``conformance/README.md``.

Note: ``uniform`` computes ``floats * (maxval - minval) + minval``, which XLA:CPU contracts into
one fused multiply-add on hosts with FMA. Ranges whose width is not a power of two (e.g.
[0.1, 0.7)) therefore depend on the generating host; the header records ``cpu_has_fma``.
``normal`` depends on the host the same way (XLA:CPU's FMA contraction in ``erf_inv``), and its
float64 values on the host C library's ``log``: the header records the glibc version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import platform
import sys
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jaxlib
import ml_dtypes
import numpy as np

# Before any array exists. jax_threefry_partitionable and the impl stay at their defaults
# (asserted in _check_config).
jax.config.update("jax_enable_x64", True)

SCHEMA = "unirand.golden.v1"
GENERATOR = "conformance/generate_jax_vectors.py"
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "conformance" / "vectors" / "jax_threefry2x32.v1.json"

#: Results larger than this many bytes are stored as a SHA-256 digest only (no ``hex``), which
#: keeps the file small; only the size-100000 cases exceed it.
INLINE_HEX_MAX_BYTES = 65536

BIT_DTYPES = ("uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")

NOTE = (
    "Golden vectors from jax.random (typed keys from jax.random.key; key data checked equal to "
    "jax.random.PRNGKey). Written only by conformance/generate_jax_vectors.py; never edit by "
    "hand. expected.hex is the result's bytes, little-endian, C order (bfloat16 as its raw "
    "uint16 bits); results over inline_hex_max_bytes carry only expected.sha256 (of the same "
    "bytes). Uniform cases whose range width is not a power of two depend on XLA:CPU fusing "
    "floats*(maxval-minval)+minval into one FMA (see cpu_has_fma)."
)


# --------------------------------------------------------------------------------------------
# Environment


def _cpu_has_fma() -> bool | None:
    """Whether the host CPU advertises FMA (x86 ``fma`` flag); None if it cannot be read."""
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            words = value.split()
            # x86: "fma"; AArch64 always has fused multiply-add ("asimd"/"fp").
            return "fma" in words or "asimd" in words
    return None


def _cpu_has_avx512_fp16() -> bool | None:
    """Whether the CPU computes float16 natively (x86 ``avx512_fp16``); None if unknown."""
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    flags = next((ln for ln in text.splitlines() if ln.split(":")[0].strip() == "flags"), None)
    return None if flags is None else "avx512_fp16" in flags.split(":", 1)[1].split()


def _isa_cap() -> str | None:
    """The ``--xla_cpu_max_isa`` in ``XLA_FLAGS``, if any."""
    for word in os.environ.get("XLA_FLAGS", "").split():
        if word.startswith("--xla_cpu_max_isa="):
            return word.split("=", 1)[1].upper()
    return None


def _check_host() -> None:
    """The reference platform computes 16-bit floats in float32 (no native float16 arithmetic):
    on a CPU with AVX512-FP16, XLA must be capped at AVX2 (docs/streams.md, "Hosts")."""
    if _cpu_has_avx512_fp16():
        _require(
            _isa_cap() == "AVX2",
            "this CPU has AVX512-FP16, where XLA computes float16 natively: run with "
            "XLA_FLAGS=--xla_cpu_max_isa=AVX2 to generate the reference platform's vectors",
        )


def _require(condition: bool, message: object) -> None:
    """Like ``assert``, but not stripped by ``python -O``."""
    if not condition:
        raise SystemExit(f"generate_jax_vectors: check failed: {message}")


def _check_config() -> None:
    _require(jax.config.jax_enable_x64 is True, "jax_enable_x64 must be on")
    _require(
        jax.config.jax_threefry_partitionable is True, "jax_threefry_partitionable must be True"
    )
    _require(jax.config.jax_default_prng_impl == "threefry2x32", jax.config.jax_default_prng_impl)
    _require(jax.config.jax_random_seed_offset == 0, "jax_random_seed_offset must be 0")
    _require(
        str(jax.random.key_impl(jax.random.key(0))) == "threefry2x32",
        "default key impl is not threefry2x32",
    )


def _header() -> dict:
    _check_host()
    return {
        "schema": SCHEMA,
        "generator": GENERATOR,
        "source": "jax.random",
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "numpy": np.__version__,
        "ml_dtypes": ml_dtypes.__version__,
        "jax_enable_x64": bool(jax.config.jax_enable_x64),
        "jax_threefry_partitionable": bool(jax.config.jax_threefry_partitionable),
        "impl": jax.config.jax_default_prng_impl,
        "platform": jax.default_backend(),
        "cpu_has_fma": _cpu_has_fma(),
        "cpu_has_avx512_fp16": _cpu_has_avx512_fp16(),
        "xla_cpu_max_isa": _isa_cap(),
        "machine": platform.machine(),
        "libc": "-".join(platform.libc_ver()),
        "inline_hex_max_bytes": INLINE_HEX_MAX_BYTES,
        "note": NOTE,
    }


# --------------------------------------------------------------------------------------------
# Evaluating one case with jax


def _make_key(seed: int):
    """``jax.random.key(seed)``; seeds in [2**63, 2**64) go through ``np.uint64``."""
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"seed {seed} outside [-2**63, 2**64)")
    arg = np.uint64(seed) if seed >= 2**63 else seed
    key = jax.random.key(arg)
    expected = np.array([(seed % 2**64) >> 32, seed % 2**32], dtype=np.uint32)
    got = np.asarray(jax.random.key_data(key))
    _require(got.dtype == np.uint32 and np.array_equal(got, expected), (seed, got, expected))
    legacy = np.asarray(jax.random.PRNGKey(arg))
    _require(legacy.dtype == np.uint32 and np.array_equal(legacy, expected), (seed, legacy))
    return key


def _apply_ops(key, ops):
    for op in ops:
        name, arg = op
        if name == "split":
            _require(key.ndim == 0, f"split needs a single key, got shape {key.shape}")
            key = jax.random.split(key, tuple(arg) if isinstance(arg, list) else arg)
        elif name == "index":
            idx = tuple(arg) if isinstance(arg, list) else (arg,)
            _require(len(idx) == key.ndim, f"index {arg} for key batch shape {key.shape}")
            key = key[idx]
        elif name == "fold_in":
            _require(key.ndim == 0, f"fold_in needs a single key, got shape {key.shape}")
            _require(0 <= arg < 2**32, arg)
            key = jax.random.fold_in(key, arg)
        else:
            raise ValueError(f"unknown op {op!r}")
    return key


def _evaluate(case: dict) -> np.ndarray:
    key = _apply_ops(_make_key(case["seed"]), case["ops"])
    fn = case["fn"]
    if fn == "key_data":
        return np.asarray(jax.random.key_data(key))
    _require(key.ndim == 0, f"{fn} needs a single key, got shape {key.shape}")
    shape = tuple(case["shape"])
    dtype = jnp.dtype(case["dtype"])
    if fn == "bits":
        out = np.asarray(jax.random.bits(key, shape, dtype))
    elif fn == "uniform":
        if (case["minval"], case["maxval"]) == (0.0, 1.0):
            out = np.asarray(jax.random.uniform(key, shape, dtype))  # the defaults themselves
        else:
            out = np.asarray(
                jax.random.uniform(key, shape, dtype, minval=case["minval"], maxval=case["maxval"])
            )
    elif fn == "normal":
        out = np.asarray(jax.random.normal(key, shape, dtype))
    else:
        raise ValueError(f"unknown fn {fn!r}")
    _require(out.dtype == dtype and out.shape == shape, (case["name"], out.dtype, out.shape))
    return out


def _encode(out: np.ndarray) -> dict:
    if out.dtype == ml_dtypes.bfloat16:
        dtype_name, raw = "bfloat16", out.view(np.uint16)
    else:
        dtype_name, raw = out.dtype.name, out
    data = np.ascontiguousarray(raw.astype(raw.dtype.newbyteorder("<"), copy=False)).tobytes()
    expected = {
        "dtype": dtype_name,
        "shape": list(out.shape),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if len(data) <= INLINE_HEX_MAX_BYTES:
        expected["hex"] = data.hex()
    return expected


# --------------------------------------------------------------------------------------------
# The case list


def _shape_tag(shape) -> str:
    return "scalar" if len(shape) == 0 else "x".join(str(d) for d in shape)


def _seed_tag(seed: int) -> str:
    named = {
        2**32 + 5: "2p32+5",
        2**32: "2p32",
        2**31 - 1: "2p31-1",
        2**31: "2p31",
        -(2**31): "-2p31",
        2**63 - 1: "2p63-1",
        -(2**63): "-2p63",
        2**63: "2p63",
        2**64 - 1: "2p64-1",
        2**32 - 1: "2p32-1",
    }
    return named.get(seed, str(seed))


def _range_tag(lo: float, hi: float) -> str:
    return f"[{lo!r},{hi!r})"


SEEDS = (
    0,
    1,
    42,
    123456,
    2**31 - 1,
    2**31,
    2**32 - 1,
    2**32,
    2**32 + 5,
    0x0123456789ABCDEF,
    -1,
    -7,
    -(2**31),
    2**63 - 1,
    -(2**63),
    2**63,
    2**64 - 1,
)

SHAPES = ((), (1,), (7,), (3, 5), (2, 3, 4), (257,), (1000,))

UNIFORM_RANGES = (
    (0.0, 1.0),
    (-1.0, 1.0),
    (-3.0, 5.0),
    (0.1, 0.7),
    (1e-3, 0.37),
    (-3.3, 5.1),
    (100.0, 100.5),
    (-7.25, -0.1),
)

FOLD_DATA = (0, 1, 7, 2**31, 123456789, 2**32 - 1)

SPLIT_NUMS = (1, 2, 3, 8, [2, 3], [1], [4, 1, 2])

LARGE = 100_000


def _ops_tag(ops) -> str:
    parts = []
    for name, arg in ops:
        if isinstance(arg, list):
            arg = "[" + ",".join(map(str, arg)) + "]"
        parts.append(f"{name}({arg})")
    return ".".join(parts)


def _cases() -> list[dict]:
    cases: list[dict] = []

    def add(name, seed, ops, fn, shape=None, dtype=None, minval=None, maxval=None):
        case = {"name": name, "seed": seed, "ops": [list(op) for op in ops], "fn": fn}
        if fn != "key_data":
            case["shape"] = list(shape)
            case["dtype"] = dtype
        if fn == "uniform":
            case["minval"] = float(minval)
            case["maxval"] = float(maxval)
        cases.append(case)

    # Seeding: key data of every seed, and a short bits stream to show the key is used as is.
    for seed in SEEDS:
        tag = _seed_tag(seed)
        add(f"seed/{tag}/key_data", seed, [], "key_data")
        add(f"seed/{tag}/bits/uint32/8", seed, [], "bits", (8,), "uint32")

    # split: whole batches (key_data), and each kind of num on a few seeds.
    for seed in (0, 42, -1, 2**64 - 1):
        for num in SPLIT_NUMS:
            add(
                f"split/seed={_seed_tag(seed)}/{_ops_tag([('split', num)])}/key_data",
                seed,
                [("split", num)],
                "key_data",
            )
    # split then index: single keys, and their streams.
    for ops in (
        [("split", 2), ("index", 0)],
        [("split", 2), ("index", 1)],
        [("split", 8), ("index", 5)],
        [("split", [2, 3]), ("index", [1, 2])],
        [("split", [4, 1, 2]), ("index", [3, 0, 1])],
    ):
        add(f"split/seed=42/{_ops_tag(ops)}/key_data", 42, ops, "key_data")
        add(f"split/seed=42/{_ops_tag(ops)}/bits/uint32/7", 42, ops, "bits", (7,), "uint32")

    # fold_in.
    for seed in (0, 42, -1, 2**64 - 1):
        for d in FOLD_DATA:
            ops = [("fold_in", d)]
            add(f"fold_in/seed={_seed_tag(seed)}/{_ops_tag(ops)}/key_data", seed, ops, "key_data")
    for d in (0, 2**32 - 1):
        ops = [("fold_in", d)]
        add(f"fold_in/seed=42/{_ops_tag(ops)}/bits/uint32/7", 42, ops, "bits", (7,), "uint32")

    # Chains of split / index / fold_in.
    chains = (
        [("split", 3), ("index", 1), ("fold_in", 7), ("split", 2), ("index", 0)],
        [("fold_in", 1), ("fold_in", 2), ("fold_in", 3)],
        [("fold_in", 2**32 - 1), ("split", [2, 3]), ("index", [1, 2]), ("fold_in", 0)],
        [("split", 8), ("index", 7), ("split", 1), ("index", 0), ("fold_in", 123456789)],
        [("split", 2), ("index", 1), ("split", 2), ("index", 1), ("split", 2), ("index", 1)],
    )
    for i, ops in enumerate(chains):
        for seed in (0, 2**63 + 12345):
            base = f"chain/{i}/seed={_seed_tag(seed)}/{_ops_tag(ops)}"
            add(f"{base}/key_data", seed, ops, "key_data")
            add(f"{base}/bits/uint32/16", seed, ops, "bits", (16,), "uint32")
        base = f"chain/{i}/seed=-7/{_ops_tag(ops)}"
        add(f"{base}/bits/uint64/5", -7, ops, "bits", (5,), "uint64")
        add(f"{base}/bits/uint8/9", -7, ops, "bits", (9,), "uint8")
        name = f"{base}/uniform/float32/{_range_tag(0.1, 0.7)}/9"
        add(name, -7, ops, "uniform", (9,), "float32", 0.1, 0.7)
        name = f"{base}/uniform/bfloat16/{_range_tag(-3.0, 5.0)}/9"
        add(name, -7, ops, "uniform", (9,), "bfloat16", -3.0, 5.0)

    # bits: every width and shape, plus the empty shapes.
    for dtype in BIT_DTYPES:
        for shape in (*SHAPES, (0,), (3, 0)):
            add(f"bits/{dtype}/seed=0/{_shape_tag(shape)}", 0, [], "bits", shape, dtype)
        for shape in ((7,), (257,)):
            add(f"bits/{dtype}/seed=42/{_shape_tag(shape)}", 42, [], "bits", shape, dtype)
        add(f"bits/{dtype}/seed=-1/{_shape_tag((3, 5))}", -1, [], "bits", (3, 5), dtype)
        add(f"bits/{dtype}/seed=1234/{LARGE}", 1234, [], "bits", (LARGE,), dtype)

    # uniform: every float type, shape and range; [0.1, 0.7) large for the FMA.
    for dtype in FLOAT_DTYPES:
        for shape in SHAPES:
            name = f"uniform/{dtype}/seed=0/{_range_tag(0.0, 1.0)}/{_shape_tag(shape)}"
            add(name, 0, [], "uniform", shape, dtype, 0.0, 1.0)
        for lo, hi in UNIFORM_RANGES:
            for seed, shape in ((42, (1000,)), (-1, (3, 5))):
                name = f"uniform/{dtype}/seed={seed}/{_range_tag(lo, hi)}/{_shape_tag(shape)}"
                add(name, seed, [], "uniform", shape, dtype, lo, hi)
        name = f"uniform/{dtype}/seed=1234/{_range_tag(0.1, 0.7)}/{LARGE}"
        add(name, 1234, [], "uniform", (LARGE,), dtype, 0.1, 0.7)

    # normal: every float type and shape, tails exercised by large draws (float32: 10**6).
    for dtype in FLOAT_DTYPES:
        for shape in SHAPES:
            add(f"normal/{dtype}/seed=0/{_shape_tag(shape)}", 0, [], "normal", shape, dtype)
        for seed in (42, -1, 2**63 + 12345):
            add(f"normal/{dtype}/seed={_seed_tag(seed)}/257", seed, [], "normal", (257,), dtype)
        add(f"normal/{dtype}/seed=1234/{LARGE}", 1234, [], "normal", (LARGE,), dtype)
    add("normal/float32/seed=99/1000000", 99, [], "normal", (10**6,), "float32")
    for i, ops in enumerate(chains[:2]):
        base = f"chain/{i}/seed=-7/{_ops_tag(ops)}"
        for dtype in ("float32", "bfloat16", "float64"):
            add(f"{base}/normal/{dtype}/9", -7, ops, "normal", (9,), dtype)

    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    _require(not dupes, f"duplicate case names: {dupes}")
    return sorted(cases, key=lambda c: c["name"])


# --------------------------------------------------------------------------------------------
# Output


def _sorted(obj):
    if isinstance(obj, dict):
        return {k: _sorted(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [_sorted(v) for v in obj]
    return obj


def render(header: dict, cases: list[dict]) -> str:
    """A vector file's text: valid JSON laid out for review and diffs, the header indented,
    then one case per line (every generator in conformance/ writes this layout)."""
    head = json.dumps(_sorted(header), indent=1, ensure_ascii=True, allow_nan=False)
    lines = [json.dumps(_sorted(c), ensure_ascii=True, allow_nan=False) for c in cases]
    head = head.replace("\n", "\n ")
    return '{\n "header": ' + head + ',\n "cases": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


def build_with(
    header: Callable[[], dict],
    cases: Callable[[], list[dict]],
    evaluate: Callable[[dict], Any],
    check: Callable[[], None] | None = None,
) -> str:
    """The file of ``cases()``, each with ``expected`` = the encoded ``evaluate(case)``, after
    ``check()`` (default: JAX's configuration is the one the vectors pin)."""
    (check or _check_config)()
    done = [dict(case, expected=_encode(evaluate(case))) for case in cases()]
    return render(header(), done)


def build() -> str:
    """The complete file contents, as text."""
    return build_with(_header, _cases, _evaluate)


def cli(description: str, default_output: pathlib.Path, build: Callable[[], str], argv=None) -> int:
    """Write the file (or ``--check`` it against a fresh generation): every generator's main."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", type=pathlib.Path, default=default_output)
    parser.add_argument(
        "--check", action="store_true", help="compare with the file on disk instead of writing"
    )
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.output.read_text() if args.output.exists() else None
        if current != text:
            print(f"{args.output} differs from a fresh generation", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    n = text.count('"name": ')
    print(f"wrote {args.output} ({len(text.encode())} bytes, {n} cases)")
    return 0


def main(argv=None) -> int:
    return cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
