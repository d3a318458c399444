"""``python -m unirand``: check on this machine that every installed backend gives the same bytes.

For NumPy (always) and each installed library among PyTorch, JAX and array-api-strict, the
golden cases generated from ``jax.random`` are replayed and compared byte for byte.  The
exit status is 0 only if every backend matches every case it supports.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

import unirand
from unirand.backends import to_numpy

_VECTOR_FILE = "jax_threefry2x32.v1.json"
_BACKENDS = ("numpy", "torch", "jax", "array_api_strict")
#: rows of the report: (label, backend, jax_enable_x64 for the run)


def vectors_path() -> Path | None:
    """The golden vectors: shipped in the wheel (unirand/_vectors) or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "_vectors" / _VECTOR_FILE,
        here.parent / "conformance" / "vectors" / _VECTOR_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def _installed(name: str) -> Any | None:
    try:
        return importlib.import_module({"jax": "jax.numpy"}.get(name, name))
    except ImportError:
        return None


def _apply(key: Any, ops: list) -> Any:
    for op, arg in ops:
        if op == "split":
            key = unirand.split(key, tuple(arg) if isinstance(arg, list) else arg)
        elif op == "index":
            key = key[tuple(arg)] if isinstance(arg, list) else key[arg]
        else:
            key = unirand.fold_in(key, arg)
    return key


def _run_case(case: dict, xp: Any) -> bytes:
    key = _apply(unirand.key(case["seed"]).to(xp), case["ops"])
    fn = case["fn"]
    if fn == "key_data":
        out = unirand.key_data(key)
    elif fn == "bits":
        out = unirand.bits(key, tuple(case["shape"]), case["dtype"])
    else:
        out = unirand.uniform(
            key, tuple(case["shape"]), case["dtype"], case["minval"], case["maxval"]
        )
    return np.ascontiguousarray(to_numpy(out)).tobytes()


def _expected(case: dict) -> tuple[str, str]:
    want = case["expected"]
    return ("hex", want["hex"]) if "hex" in want else ("sha256", want["sha256"])


def _supported(name: str, case: dict) -> bool:
    dtype = case.get("dtype")
    if name == "array_api_strict" and dtype in ("float16", "bfloat16"):
        return False
    if name == "jax" and dtype in ("uint64", "float64"):
        import jax

        return bool(jax.config.jax_enable_x64)
    return True


def conformance(backends: list[str]) -> int:
    path = vectors_path()
    if path is None:
        print("golden vectors not found (neither shipped in the package nor in a checkout)")
        return 2
    data = json.loads(path.read_text())
    head = data["header"]
    print(
        f"unirand {unirand.__version__}: golden vectors from jax {head['jax']} "
        f"(x64 {head['jax_enable_x64']}, partitionable {head['jax_threefry_partitionable']}, "
        f"{head['platform']}, FMA {head['cpu_has_fma']}), {len(data['cases'])} cases"
    )
    failed = 0
    rows = [(n, n, None) for n in backends if n != "jax"]
    if "jax" in backends:  # JAX twice: its default 32-bit mode, and with 64-bit types
        rows[1:1] = [("jax", "jax", False), ("jax (x64)", "jax", True)]
    for label, name, x64 in rows:
        xp = _installed(name)
        if xp is None:
            print(f"  {label:18s} not installed: skipped")
            continue
        if x64 is not None:
            import jax

            jax.config.update("jax_enable_x64", x64)
        ok = skipped = 0
        bad: list[str] = []
        for case in data["cases"]:
            if not _supported(name, case):
                skipped += 1
                continue
            raw = _run_case(case, xp)
            kind, want = _expected(case)
            got = raw.hex() if kind == "hex" else hashlib.sha256(raw).hexdigest()
            if got == want:
                ok += 1
            else:
                bad.append(case["name"])
        status = "bitwise" if not bad else f"{len(bad)} DIFFER"
        print(f"  {label:18s} {status:10s} {ok} cases equal, {skipped} unsupported dtypes skipped")
        for b in bad[:10]:
            print(f"      differs: {b}")
        failed += len(bad)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unirand", description=__doc__)
    parser.add_argument("command", nargs="?", default="conformance", choices=["conformance"])
    parser.add_argument(
        "--backends",
        default=",".join(_BACKENDS),
        help="comma-separated subset of: " + ", ".join(_BACKENDS),
    )
    args = parser.parse_args(argv)
    names = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(names) - set(_BACKENDS))
    if unknown:
        parser.error(f"unknown backends {unknown}; known: {', '.join(_BACKENDS)}")
    return conformance(names)


if __name__ == "__main__":
    sys.exit(main())
