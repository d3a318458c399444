"""Generate the PyTorch CPU golden vectors: ``conformance/vectors/torch_cpu.v1.json``.

What it does
    Runs fixed programs (a seed, then a sequence of ``torch.rand``/``randn``/``randint``/
    ``normal``/``uniform_``/``bernoulli``/``randperm`` calls) on real torch CPU after
    ``torch.manual_seed(seed)`` and records every result's bytes (little-endian, C order;
    bfloat16 as its uint16 bits) and the SHA-256 of ``torch.get_rng_state()`` after each
    program.  Programs run twice: with the CPU capability torch picks on this host (AVX2 kernels
    on x86-64) and, in a subprocess, with ``ATEN_CPU_CAPABILITY=default`` (the scalar libm
    kernels).  Only torch and numpy are used; ``unirand`` is never imported, so the vectors are
    an independent oracle for ``unirand.replay.TorchCPUGenerator``.

How to run
    From the repository root, on an x86-64 Linux host with torch installed::

        /work/venv/bin/python conformance/generate_torch_cpu_vectors.py [--output PATH] [--check]

    ``--check`` regenerates in memory and exits 1 if the file on disk differs.  The output is
    deterministic (no dates, sorted keys).

Change policy
    The output file is never edited by hand.  A change of an expected value needs a new version
    in the file name (``.v1.json`` -> ``.v2.json``); see ``conformance/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import platform
import random
import subprocess
import sys

import numpy as np
import torch

SCHEMA = "unirand.torch_cpu_golden.v1"
GENERATOR = "conformance/generate_torch_cpu_vectors.py"
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "conformance" / "vectors" / "torch_cpu.v1.json"
INLINE_HEX_MAX_BYTES = 128

SEEDS = [0, 1, 42, 2**32 + 42, -1, 67280421310721, 123456789, 2**63 - 1]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
# around the 16-element boundaries of normal_fill, and a few larger sizes
SIZES = [1, 2, 3, 7, 15, 16, 17, 18, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 255, 1000, 4099]


def _bytes(t: torch.Tensor) -> bytes:
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def _expected(data: bytes) -> dict:
    out = {"nbytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if len(data) <= INLINE_HEX_MAX_BYTES:
        out["hex"] = data.hex()
    return out


def run_call(call: dict) -> torch.Tensor:
    """One call of a program on torch's default CPU generator."""
    op, shape = call["op"], tuple(call.get("shape", ()))
    dtype = getattr(torch, call.get("dtype", "float32"))
    if op == "rand":
        return torch.rand(shape, dtype=dtype)
    if op == "randn":
        return torch.randn(shape, dtype=dtype)
    if op == "normal":
        return torch.normal(call["mean"], call["std"], shape, dtype=dtype)
    if op == "uniform":
        return torch.empty(shape, dtype=dtype).uniform_(call["low"], call["high"])
    if op == "randint":
        return torch.randint(call["low"], call["high"], shape, dtype=dtype)
    if op == "randperm":
        return torch.randperm(call["n"], dtype=dtype)
    if op == "bernoulli":
        return torch.bernoulli(torch.full(shape, call["p"], dtype=dtype))
    raise ValueError(op)


def programs(kind: str) -> list[dict]:
    """The fixed programs; ``kind`` is "host" (this host's capability) or "default"."""
    progs = []
    for dtype in FLOATS:
        for seed in SEEDS if kind == "host" else SEEDS[:3]:
            calls = []
            for n in SIZES:
                calls.append({"op": "randn", "shape": [n], "dtype": dtype})
                calls.append({"op": "rand", "shape": [n], "dtype": dtype})
            progs.append({"name": f"sizes-{dtype}-seed{seed}", "seed": seed, "calls": calls})
    for seed in range(12 if kind == "host" else 4):
        rng = random.Random(seed)
        calls = []
        for _ in range(40):
            op = rng.choice(["rand", "randn", "randn", "randint", "normal", "uniform",
                             "bernoulli", "randperm"])  # fmt: skip
            n = rng.choice([1, 2, 5, 15, 16, 17, 33, 40, 100, 257])
            shape = [n] if rng.random() < 0.7 else [max(1, n // 4), 4]
            dtype = rng.choice(FLOATS)
            call = {"op": op, "shape": shape, "dtype": dtype}
            if op == "normal":
                call.update(mean=rng.choice([0.0, 0.3, -2.0]), std=rng.choice([1.0, 0.5, 2.5]))
            elif op == "uniform":
                call.update(
                    low=rng.choice([0.0, -0.3, 0.1, -3.3]), high=rng.choice([0.7, 1.0, 11.1])
                )
            elif op == "randint":
                low = rng.choice([0, -5, 3])
                high = low + rng.choice([1, 2, 10, 1000, 2**28 - 1, 2**28, 2**40])
                call.update(low=low, high=high, dtype=rng.choice(["int64", "int32"]))
                if high >= 2**31:
                    call["dtype"] = "int64"
            elif op == "randperm":
                call = {"op": op, "n": rng.choice([0, 1, 2, 10, 100, 1000]), "dtype": "int64"}
            elif op == "bernoulli":
                call["p"] = rng.choice([0.0, 0.25, 0.37, 1.0])
            calls.append(call)
        progs.append({"name": f"mixed-{seed}", "seed": seed * 7919 + 11, "calls": calls})
    big = [
        {"op": "randn", "shape": [1000003], "dtype": "float32"},
        {"op": "randn", "shape": [4], "dtype": "float32"},
        {"op": "rand", "shape": [100003], "dtype": "float32"},
        {"op": "randn", "shape": [100003], "dtype": "float64"},
        {"op": "normal", "shape": [65537], "dtype": "float32", "mean": 0.5, "std": 3.0},
    ]
    if kind == "default":
        big = big[1:]
    progs.append({"name": "large", "seed": 20240611, "calls": big})
    return progs


def run_programs(kind: str) -> list[dict]:
    cases = []
    for prog in programs(kind):
        torch.manual_seed(prog["seed"])
        calls = []
        for call in prog["calls"]:
            calls.append({**call, "expected": _expected(_bytes(run_call(call)))})
        state = torch.get_rng_state().numpy().tobytes()
        cases.append({
            "name": prog["name"], "seed": prog["seed"], "calls": calls,
            "final_state_sha256": hashlib.sha256(state).hexdigest(),
        })  # fmt: skip
    return cases


def _libc() -> str:
    name, version = platform.libc_ver()
    return f"{name}-{version}" if name else "unknown"


def build() -> dict:
    if os.environ.get("ATEN_CPU_CAPABILITY"):
        raise SystemExit("run without ATEN_CPU_CAPABILITY; the script sets it for the subprocess")
    host_cap = torch.backends.cpu.get_cpu_capability().lower()
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default"}
    child = subprocess.run(
        [sys.executable, __file__, "--emit-default"], env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    default_cases = json.loads(child.stdout)
    groups = [
        {"cpu_capability": host_cap, "cases": run_programs("host")},
        {"cpu_capability": "default", "cases": default_cases},
    ]
    header = {
        "generator": GENERATOR,
        "schema": SCHEMA,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "libc": _libc(),
        "host_cpu_capability": host_cap,
        "inline_hex_max_bytes": INLINE_HEX_MAX_BYTES,
        "note": (
            "Golden bytes from torch CPU after torch.manual_seed(seed). Written only by "
            "conformance/generate_torch_cpu_vectors.py; never edit by hand. expected.hex is the "
            "result's bytes (little-endian, C order, bfloat16 as uint16 bits); larger results "
            "carry only expected.sha256. final_state_sha256 is of torch.get_rng_state() after "
            "the program. float64 normals of 16+ elements and all 'default'-capability normals "
            "depend on the host libm (glibc here)."
        ),
    }
    return {"header": header, "groups": groups}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--emit-default", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.emit_default:
        assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
        json.dump(run_programs("default"), sys.stdout)
        return 0
    text = json.dumps(build(), indent=1, sort_keys=True) + "\n"
    if args.check:
        same = args.output.exists() and args.output.read_text() == text
        print("up to date" if same else f"{args.output} differs from a fresh generation")
        return 0 if same else 1
    args.output.write_text(text)
    print(f"wrote {args.output} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
