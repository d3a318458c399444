"""Generate the stream checksums: ``vectors/checksums.v1.json``.

What it does
    One check value per sampler and dtype, in the style of C++26's ``[rand.predef]`` ("the
    10000th consecutive invocation of a default-constructed ``mt19937`` produces 4123659995"):
    the 10000th value (index 9999) of ``fn(jax.random.key(0), ..., shape=(10000,), ...)``, with
    the SHA-256 of all 10000 values beside it.  Anyone can check an implementation of a stream
    in one line against it; docs/compatibility.md prints the table (``--table`` writes it) and
    tests/test_checksums.py replays every case on unirand's NumPy, torch and JAX backends and
    checks that the page's table is this file's.  Same configuration and header as the other
    generators (helpers imported from ``generate_jax_vectors.py``): ``jax_enable_x64=True``,
    partitionable ``threefry2x32``, and the refusal to run on AVX512-FP16 CPUs without
    ``XLA_FLAGS=--xla_cpu_max_isa=AVX2``.  Only jax, numpy and ml_dtypes are used; ``unirand``
    is never imported.

Case format
    ``name`` (``fn/dtype``), ``fn`` (a ``jax.random`` function, called by keyword),
    ``dtype`` (the sampler's dtype; for ``bernoulli``/``categorical``/``choice`` the dtype of
    ``p``/``logits``, null where there is none), ``params`` (the keyword arguments besides
    ``key``; an array as ``{"array": nested list, "dtype": name}``), ``call`` (the same call
    as text, for the docs), ``index`` (9999), and ``expected``: ``dtype`` of the result,
    ``hex`` (the little-endian bytes of the value at ``index``; bfloat16 as its raw uint16),
    ``value`` (that value as text, which reads back to the same bits:
    ``np.asarray(float(value)).astype(dtype)``) and ``sha256`` (of all the result's bytes, C order).

How to run
    From the repository root, on a CPU host::

        python conformance/generate_checksums.py [--output PATH] [--check] [--table]

Change policy
    The output file is NEVER edited by hand; a change of any expected value needs a changelog
    entry and a new stream version (docs/compatibility.md).
"""

from __future__ import annotations

import hashlib
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

GENERATOR = "conformance/generate_checksums.py"
#: Not ``unirand.golden.v1``: the conformance report replays every file of that schema as golden
#: vectors, and these cases have another layout (one value and a digest, not whole results).
SCHEMA = "unirand.checksums.v1"
DEFAULT_OUTPUT = _HERE / "vectors" / "checksums.v1.json"
SEED = 0
N = 10_000
INDEX = N - 1
FLOAT_DTYPES = base.FLOAT_DTYPES
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")

NOTE = (
    "Stream checksums in the style of C++26 [rand.predef]: expected.value/hex is the value at "
    "index (the 10000th) of jax.random.<fn>(jax.random.key(0), **params), params holding "
    "shape=(10000,); expected.sha256 is the SHA-256 of all the result's bytes (little-endian, C "
    "order, bfloat16 as its raw uint16). Arrays in params are {array, dtype}. Written only by "
    "conformance/generate_checksums.py; never edit by hand. float32 values depend on XLA:CPU's "
    "FMA contraction (cpu_has_fma), float64 values on the C library's log and erf (libc)."
)


def _header() -> dict:
    header = base._header()
    header.update(schema=SCHEMA, generator=GENERATOR, note=NOTE)
    return header


def decode(value):
    """A ``params`` value as passed: ``{"array", "dtype"}`` becomes a NumPy array."""
    if isinstance(value, dict):
        dt = ml_dtypes.bfloat16 if value["dtype"] == "bfloat16" else np.dtype(value["dtype"])
        return np.asarray(value["array"], dtype=dt)
    if isinstance(value, list):
        return tuple(value)
    return value


def _text(value) -> str:
    """A call argument as the docs print it."""
    if isinstance(value, dict):
        return f"asarray({value['array']!r}, {value['dtype']})"
    if isinstance(value, list):
        return "(" + "".join(f"{v}, " for v in value).rstrip(" ") + ")"
    return repr(value)


def _cases() -> list[dict]:
    cases: list[dict] = []
    shape = [N]

    def add(fn, tag, **params):
        params = {"shape": shape, **params}
        call = f"{fn}(key({SEED}), " + ", ".join(f"{k}={_text(v)}" for k, v in params.items())
        name = f"{fn}/{tag}" if tag else fn
        cases.append(
            {
                "name": name,
                "fn": fn,
                "dtype": tag,
                "params": params,
                "call": call + ")",
                "index": INDEX,
            }
        )

    for dt in base.BIT_DTYPES:
        add("bits", dt, dtype=dt)
    for fn in ("uniform", "normal", "exponential", "gumbel"):
        for dt in FLOAT_DTYPES:
            add(fn, dt, dtype=dt)
    for dt in FLOAT_DTYPES:
        add("truncated_normal", dt, lower=-1.0, upper=2.0, dtype=dt)
        add("bernoulli", dt, p={"array": 0.3, "dtype": dt})
        add("categorical", dt, logits={"array": [0.0, 1.0, 2.0, 3.0], "dtype": dt})
        add("choice", dt, a=5, p={"array": [0.1, 0.2, 0.3, 0.25, 0.15], "dtype": dt})
    for dt in INT_DTYPES:
        add("randint", dt, minval=0, maxval=100, dtype=dt)
    add("choice", None, a=1000)
    cases.append(
        {
            "name": "permutation",
            "fn": "permutation",
            "dtype": None,
            "params": {"x": N},
            "call": f"permutation(key({SEED}), x={N})",
            "index": INDEX,
        }
    )
    return sorted(cases, key=lambda c: c["name"])


def _evaluate(case: dict) -> np.ndarray:
    params = {k: decode(v) for k, v in case["params"].items()}
    params = {k: jnp.asarray(v) if isinstance(v, np.ndarray) else v for k, v in params.items()}
    if "dtype" in params:
        params["dtype"] = jnp.dtype(params["dtype"])
    out = np.asarray(getattr(jax.random, case["fn"])(base._make_key(SEED), **params))
    base._require(out.shape == (N,), (case["name"], out.shape))
    return out


def value_text(x) -> str:
    """One value as exact text that reads back (``np.asarray(text, dtype)``) to its bits."""
    if x.dtype.kind in "biu":
        return str(int(x)) if x.dtype.kind != "b" else str(bool(x))
    if x.dtype.itemsize == 2:  # float16, bfloat16: exact in a Python float
        return repr(float(x))
    return str(x)  # NumPy's shortest round-trip text for float32 and float64


def encode(out: np.ndarray, index: int) -> dict:
    raw = out.view(np.uint16) if out.dtype == ml_dtypes.bfloat16 else out
    data = np.ascontiguousarray(raw.astype(raw.dtype.newbyteorder("<"), copy=False))
    value = out[index]
    text = value_text(value)
    exact = out.dtype.kind in "biu"
    back = np.asarray(value if exact else float(text)).astype(out.dtype)
    base._require(back.tobytes() == value.tobytes(), (text, value))
    return {
        "dtype": "bfloat16" if out.dtype == ml_dtypes.bfloat16 else out.dtype.name,
        "hex": data[index : index + 1].tobytes().hex(),
        "value": text,
        "sha256": hashlib.sha256(data.tobytes()).hexdigest(),
    }


def build() -> str:
    base._check_config()
    done = [dict(c, expected=encode(_evaluate(c), c["index"])) for c in _cases()]
    return base.render(_header(), done)


def table(cases: list[dict]) -> str:
    """docs/compatibility.md's checksum table (tests/test_checksums.py compares the two)."""
    rows = [
        "| call | the 10000th value | its bytes (hex) | SHA-256 of all 10000 (first 16 digits) |",
        "|---|---|---|---|",
    ]
    for c in cases:
        e = c["expected"]
        value = f"`{e['value']}` ({e['dtype']})"
        rows.append(f"| `{c['call']}` | {value} | `{e['hex']}` | `{e['sha256'][:16]}` |")
    return "\n".join(rows) + "\n"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--table" in argv:
        import json

        argv.remove("--table")
        path = DEFAULT_OUTPUT
        if "--output" in argv:
            path = pathlib.Path(argv[argv.index("--output") + 1])
        sys.stdout.write(table(json.loads(path.read_text())["cases"]))
        return 0
    return base.cli(__doc__.splitlines()[0], DEFAULT_OUTPUT, build, argv)


if __name__ == "__main__":
    sys.exit(main())
