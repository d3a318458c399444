"""Generate XLA:CPU's elementary-function vectors: ``vectors/xla_math.v1.json``.

What it does
    Records what ``jax.jit(lax.exp)``, ``lax.tan``, ``lax.pow`` and ``lax.lgamma`` return, byte
    for byte, in float16, bfloat16, float32 and float64, on fixed inputs.  They are the oracle
    for ``unirand.math.xla_exp``, ``xla_libm`` and ``xla_lgamma``.  Same configuration and
    header fields as ``conformance/generate_jax_vectors.py`` (its helpers are imported from its
    file: ``jax_enable_x64=True``); only jax, numpy and ml_dtypes are used, ``unirand`` is never
    imported.  The schema is this file's own (``unirand.xla_math.v1``): the conformance report
    does not replay it.

Case format (one JSON object per function and dtype)
    ``fn``, ``dtype``; ``inputs``: ``"all"`` (16-bit unary functions: every bit pattern
    ``0 .. 65535`` in order) or ``{"x": B64}`` (and ``"y"`` for ``pow``), the little-endian
    bytes of the input arrays, base64; ``count``; ``expected``: ``{"b64": ...}`` (the result's
    bytes) or, for the exhaustive cases, ``{"sha256": ...}`` of those bytes.

    Inputs of the sampled cases: random bit patterns (every exponent, NaN payloads, subnormals),
    values uniform over the function's working range, dense neighbourhoods of the reduction and
    overflow/underflow thresholds, and the specials +-0, +-inf, NaN, +-1, +-0.5, subnormals.

How to run
    From the repository root, on a CPU host::

        python conformance/generate_xla_math_vectors.py [--output PATH] [--check]

Host dependence: ``tan`` and ``pow`` are the C library's (header ``libc``); every kernel runs
with MXCSR's flush-to-zero and denormals-are-zero bits (what XLA:CPU sets), which this file
records through the results for subnormal inputs; float32 ``exp``/``lgamma`` contract
multiply-adds into FMAs (``cpu_has_fma``).

Change policy
    The output file is NEVER edited by hand; a change of an expected value needs a new version
    in the file name.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import pathlib
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
from jax import lax

_HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "_generate_jax_vectors", _HERE / "generate_jax_vectors.py"
)
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)  # turns jax_enable_x64 on, before any array exists

SCHEMA = "unirand.xla_math.v1"
GENERATOR = "conformance/generate_xla_math_vectors.py"
DEFAULT_OUTPUT = _HERE / "vectors" / "xla_math.v1.json"
SEED = 20261203
FUNCTIONS = ("exp", "tan", "pow", "lgamma")
DTYPES = ("float16", "bfloat16", "float32", "float64")
#: sampled inputs per case (float32, float64, 16-bit pow)
COUNT = {"float16": 6000, "bfloat16": 6000, "float32": 9000, "float64": 5000}

NOTE = (
    "XLA:CPU's exp, tan, pow and lgamma (jax.jit of lax.exp/tan/pow/lgamma) on fixed inputs. "
    "Written only by conformance/generate_xla_math_vectors.py; never edit by hand. inputs is "
    "'all' (every 16-bit pattern 0..65535 in order) or base64 little-endian input bytes (x, and "
    "y for pow); expected is the result's bytes in base64, or their sha256. tan/pow are the C "
    "library's (libc); kernels run with flush-to-zero and denormals-are-zero."
)

_OPS = {
    "exp": lax.exp,
    "tan": lax.tan,
    "lgamma": lax.lgamma,
    "pow": lax.pow,
}


def _np_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _bits_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(f"uint{dt.itemsize * 8}")


def _header() -> dict:
    header = base._header()
    header.update(schema=SCHEMA, generator=GENERATOR, note=NOTE, source="jax.lax")
    header.pop("inline_hex_max_bytes", None)
    header.pop("impl", None)
    header.pop("jax_threefry_partitionable", None)
    return header


def _random_bits(rng: np.random.Generator, dt: np.dtype, n: int) -> np.ndarray:
    ints = _bits_dtype(dt)
    top = np.iinfo(ints).max
    return rng.integers(0, top, n, dtype=np.uint64, endpoint=True).astype(ints).view(dt)


def _specials(dt: np.dtype) -> np.ndarray:
    ints = _bits_dtype(dt)
    width = dt.itemsize * 8
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 10.0, -3.5]
    sp = np.array(values, np.float64).astype(np.float32).astype(dt)
    # subnormals (smallest, largest), smallest normal, largest finite, NaN payloads
    mant = {2: 10 if dt.name != "bfloat16" else 7, 4: 23, 8: 52}[dt.itemsize]
    patterns = [1, (1 << mant) - 1, 1 << mant, (1 << (width - 1)) - (1 << mant) - 1]
    patterns += [(1 << (width - 1)) | p for p in patterns]
    exp_all = ((1 << (width - 1 - mant)) - 1) << mant
    patterns += [exp_all | 1, exp_all | (1 << (mant - 1)) | 5, (1 << (width - 1)) | exp_all | 3]
    extra = np.array(patterns, np.uint64).astype(ints).view(dt)
    return np.concatenate([sp, extra])


def _dense(center: float, dt: np.dtype, k: int) -> np.ndarray:
    """``k`` consecutive representable values on each side of ``center`` (in ``dt``)."""
    ints = _bits_dtype(dt)
    c = np.array([center], np.float64).astype(np.float32).astype(dt).view(ints).astype(np.int64)
    off = np.arange(-k, k + 1)
    bits = c[0] + np.where(center < 0, -off, off)
    return bits.astype(ints).view(dt)


def _inputs(fn: str, dtype: str, rng: np.random.Generator) -> list[np.ndarray]:
    dt = _np_dtype(dtype)
    n = COUNT[dtype]
    q = n // 3
    if fn == "exp":
        hi = 709.8 if dtype == "float64" else 89.0
        lo = -746.0 if dtype == "float64" else -104.0
        focus = rng.uniform(lo, hi, q)
        edges = [88.72, 88.8, -87.33, -87.8, 709.78, -708.39, -745.13, 0.0, 0.3465]
    elif fn == "tan":
        focus = rng.uniform(-4.0, 4.0, q)
        edges = [np.pi / 2, -np.pi / 2, np.pi, np.pi / 4, 1e4, 0.0]
    elif fn == "lgamma":
        focus = np.concatenate([rng.uniform(0.0, 40.0, q // 2), rng.uniform(-20.0, 0.5, q // 2)])
        edges = [0.5, 1.0, 2.0, 1e-7, 4e36, -1.0, -2.0, 0.0]
        focus = np.concatenate([focus, np.arange(0, 200)])  # lgamma(k + 1): poisson
    else:
        focus = rng.uniform(0.0, 5.0, q)
        edges = [1.0, 0.0, 2.0]
    dense = [_dense(e, dt, 12) for e in edges if dtype == "float64" or abs(e) < 6e4]
    parts = [
        _specials(dt),
        np.concatenate(dense),
        focus.astype(np.float32).astype(dt) if dtype != "float64" else focus,
        _random_bits(rng, dt, n - q - len(dense) * 25),
    ]
    x = np.concatenate([np.asarray(p).astype(dt) for p in parts])
    if fn != "pow":
        return [x]
    y = np.concatenate(
        [
            rng.uniform(-4.0, 4.0, len(x) // 2),
            rng.choice([0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 1e-3, 40.0], len(x) // 4),
            rng.uniform(-300.0, 300.0, len(x) - len(x) // 2 - len(x) // 4),
        ]
    )
    y = y.astype(np.float32).astype(dt) if dtype != "float64" else y
    y = rng.permutation(y)
    y[: len(x) // 10] = _random_bits(rng, dt, len(x) // 10)
    x = np.where(rng.uniform(size=len(x)) < 0.8, np.abs(x), x).astype(dt)
    return [x, y.astype(dt)]


def _b64(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    return base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def _evaluate(fn: str, args: list[np.ndarray]) -> np.ndarray:
    out = np.asarray(jax.jit(_OPS[fn])(*(jnp.asarray(a) for a in args)))
    base._require(out.dtype == args[0].dtype, (fn, out.dtype))
    return out


def _cases() -> list[dict]:
    rng = np.random.default_rng(SEED)
    cases = []
    for fn in FUNCTIONS:
        for dtype in DTYPES:
            dt = _np_dtype(dtype)
            if dtype in ("float16", "bfloat16") and fn != "pow":
                x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dt)
                out = _evaluate(fn, [x])
                raw = np.ascontiguousarray(out).astype(out.dtype.newbyteorder("<")).tobytes()
                expected = {"sha256": hashlib.sha256(raw).hexdigest()}
                inputs: object = "all"
                count = len(x)
            else:
                args = _inputs(fn, dtype, rng)
                out = _evaluate(fn, args)
                expected = {"b64": _b64(out)}
                inputs = {k: _b64(a) for k, a in zip("xy", args, strict=False)}
                count = len(args[0])
            cases.append(
                {
                    "name": f"{fn}/{dtype}",
                    "fn": fn,
                    "dtype": dtype,
                    "count": count,
                    "inputs": inputs,
                    "expected": expected,
                }
            )
    return cases


def build() -> str:
    base._check_config()
    return base.render(_header(), _cases())


def main(argv=None) -> int:
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
