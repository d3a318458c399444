"""Generate the glibc ``log`` golden vectors: ``conformance/vectors/glibc_log.v1.json``.

What it does
    Calls the real C library's ``log`` (``ctypes.CDLL(find_library("m")).log``, the function
    ``math.log`` and XLA:CPU call) on a fixed, seeded set of float64 inputs and records the
    64-bit patterns of inputs and results.  They are the oracle for
    ``unirand.math.glibc_log.log_f64_glibc``, which reproduces glibc 2.36's ``__log_fma``
    (the variant glibc picks on an x86-64 CPU with FMA and AVX2) with exactly rounded
    arithmetic on any array library.  Only numpy and ctypes are used; ``unirand`` is never
    imported.

    Cases (one JSON object each, inputs in this order):

    * ``edge``: 1, values next to 1, the ends of the near-1 interval ``[1 - 2^-4, 1 + 0x1.09p-4)``,
      +-0, +-inf, NaNs (quiet, signalling, negative, with payloads), negatives, the smallest
      and largest subnormal, the smallest normal, the largest finite, every power of two
      ``2^-1074 .. 2^1023``;
    * ``log_uniform``: 20000 positive finite doubles with uniformly random bit patterns;
    * ``near_one``: 5000 inputs in the near-1 interval (half uniform in value, half in bits);
    * ``subnormal``: 2000 random subnormals.

How to run
    From the repository root, on the host whose libm is the specification (Debian 12, glibc
    2.36, x86-64 with FMA)::

        python conformance/generate_glibc_log_vectors.py [--out DIR] [--check]

    ``--check`` regenerates in memory and exits 1 if the file on disk differs (the header's
    ``date`` aside).  The inputs are fixed by ``SEED``; the results depend on the libm only.

Change policy
    The output file is never edited by hand.  A change of an expected value needs a new version
    in the file name (``.v1.json`` -> ``.v2.json``); see ``conformance/README.md``.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import datetime
import json
import os
import pathlib
import platform
import sys

import numpy as np

SCHEMA = "unirand.glibc_log_golden.v1"
GENERATOR = "conformance/generate_glibc_log_vectors.py"
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "conformance" / "vectors" / "glibc_log.v1.json"
SEED = 20240612
NEAR1_LO = 1.0 - 2.0**-4
NEAR1_HI = 1.0 + float.fromhex("0x1.09p-4")

_libm = ctypes.CDLL(ctypes.util.find_library("m"))
_libm.log.restype = ctypes.c_double
_libm.log.argtypes = [ctypes.c_double]
_c_log = np.frompyfunc(_libm.log, 1, 1)


def c_log(x: np.ndarray) -> np.ndarray:
    """The C library's ``log`` of every element (no Python exceptions for invalid inputs)."""
    with np.errstate(all="ignore"):
        return _c_log(x).astype(np.float64)


def _bits(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64).view(np.float64)


def inputs() -> dict[str, np.ndarray]:
    """The inputs of every case, fixed by ``SEED``."""
    rng = np.random.default_rng(SEED)
    one = np.float64(1.0)
    near = [np.nextafter(one, 0.0), np.nextafter(one, 2.0)]
    for _ in range(4):
        near += [np.nextafter(near[-2], 0.0), np.nextafter(near[-1], 2.0)]
    ends = []
    for v in (NEAR1_LO, NEAR1_HI):
        ends += [np.nextafter(v, 0.0), v, np.nextafter(v, 2.0)]
    nans = [0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001, 0x7FF4000000000123,
            0xFFF0000000000abc, 0x7FFFFFFFFFFFFFFF]  # fmt: skip
    edge = np.concatenate([
        [1.0, *near, *ends, 0.0, -0.0, np.inf, -np.inf],
        _bits(nans),
        [-1.0, -0.5, -5e-324, -np.finfo(np.float64).max, -np.finfo(np.float64).tiny],
        _bits([1, 2, 0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF]),
        np.ldexp(1.0, np.arange(-1074, 1024)),
    ])  # fmt: skip
    log_uniform = rng.integers(1, 0x7FF0000000000000, 20000, dtype=np.int64).view(np.float64)
    lo_bits, hi_bits = (int(np.float64(v).view(np.int64)) for v in (NEAR1_LO, NEAR1_HI))
    near_one = np.concatenate([
        rng.uniform(NEAR1_LO, NEAR1_HI, 2500),
        rng.integers(lo_bits, hi_bits, 2500, dtype=np.int64).view(np.float64),
    ])  # fmt: skip
    subnormal = rng.integers(1, 1 << 52, 2000, dtype=np.int64).view(np.float64)
    return {"edge": edge, "log_uniform": log_uniform, "near_one": near_one, "subnormal": subnormal}


def _hex(a: np.ndarray) -> list[str]:
    return [f"{int(v):016x}" for v in np.asarray(a, dtype=np.float64).view(np.uint64)]


def _cpu_flags() -> dict[str, bool] | None:
    """Which of fma, avx2, avx512_fp16 this CPU has (glibc's libm picks its variants by them)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return None
    return {flag: flag in flags for flag in ("fma", "avx2", "avx512_fp16")}


def _libc() -> str:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or "unknown"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def build() -> dict:
    """The file's content: a header and one case per input set."""
    cases = []
    for name, x in inputs().items():
        cases.append({"name": name, "n": len(x), "x": _hex(x), "log": _hex(c_log(x))})
    header = {
        "generator": GENERATOR,
        "schema": SCHEMA,
        "function": "log (float64), the C library's, through ctypes",
        "libc": _libc(),
        "machine": platform.machine(),
        "cpu_flags": _cpu_flags(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "seed": SEED,
        "date": datetime.date.today().isoformat(),
        "note": (
            "Written only by conformance/generate_glibc_log_vectors.py; never edit by hand. "
            "x and log are the 64-bit patterns (hex of the uint64, most significant digit "
            "first) of the inputs and of the C library's log of them, element by element. "
            "NaN results keep their bits: x86's default NaN 0xfff8000000000000 for negative "
            "inputs, the quieted input for NaN inputs."
        ),
    }
    return {"header": header, "cases": cases}


def dumps(content: dict) -> str:
    """JSON with sorted keys: the header indented, each case on one line."""
    header = json.dumps(content["header"], indent=1, sort_keys=True)
    cases = ",\n".join(json.dumps(c, sort_keys=True) for c in content["cases"])
    return '{"cases": [\n' + cases + '\n],\n"header": ' + header + "\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    content = build()
    if args.check:
        if not args.out.exists():
            print(f"{args.out} is missing")
            return 1
        old = json.loads(args.out.read_text())
        old["header"].pop("date", None)
        content["header"].pop("date", None)
        same = old == content
        print(f"{args.out.name}: up to date" if same else f"{args.out} differs from a fresh run")
        return 0 if same else 1
    text = dumps(content)
    args.out.write_text(text)
    print(f"wrote {args.out} ({len(text)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
