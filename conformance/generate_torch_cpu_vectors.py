"""Generate the PyTorch CPU golden vectors: ``conformance/vectors/torch_cpu*.v1.json``.

What it does
    Runs fixed programs (a seed, then a sequence of calls) on real torch CPU after
    ``torch.manual_seed(seed)`` and records every result's bytes (little-endian, C order;
    bfloat16 as its uint16 bits) and the SHA-256 of ``torch.get_rng_state()`` after each
    program.  Two files:

    * ``torch_cpu.v1.json``: ``rand``/``randn``/``randint``/``normal``/``uniform_``/
      ``bernoulli``/``randperm``;
    * ``torch_cpu_distributions.v1.json``: ``Tensor.random_`` in all its forms and dtypes,
      ``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_``, ``multinomial`` (with
      and without replacement, zero-probability ties), large ``randperm`` and
      ``torch.utils.data.RandomSampler``'s own output (``op: random_sampler``).

    Programs run twice: with the CPU capability torch picks on this host (AVX2/AVX-512
    kernels on x86-64) and, in a subprocess, with ``ATEN_CPU_CAPABILITY=default`` (the scalar
    libm kernels).  Only torch and numpy are used; ``unirand`` is never imported, so the
    vectors are an independent oracle for ``unirand.replay.TorchCPUGenerator``.

How to run
    From the repository root, on an x86-64 Linux host with torch installed::

        python conformance/generate_torch_cpu_vectors.py [--out DIR] [--check] [--large]

    ``--check`` regenerates in memory and exits 1 if a file on disk differs.  The output is
    deterministic (no dates, sorted keys).  ``--large`` adds ``randperm(214748364)`` (torch's
    64-bit inside-out shuffle: about a minute and 2 GB) to the distributions file; the file
    in the repository was written with it, so check it with ``--check --large``.

Change policy
    The output files are never edited by hand.  A change of an expected value needs a new
    version in the file name (``.v1.json`` -> ``.v2.json``); see ``conformance/README.md``.
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
import warnings

import numpy as np
import torch

SCHEMA = "unirand.torch_cpu_golden.v1"
GENERATOR = "conformance/generate_torch_cpu_vectors.py"
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / "conformance" / "vectors"
FILES = ("torch_cpu.v1.json", "torch_cpu_distributions.v1.json")
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


def _weights(table: dict) -> torch.Tensor:
    """A program's weight table entry: float64 bytes (little-endian, C order) and a shape."""
    flat = np.frombuffer(bytes.fromhex(table["hex"]), dtype="<f8")
    return torch.from_numpy(flat.reshape(table["shape"]).copy())


def run_call(call: dict, weights: list | None = None) -> torch.Tensor:
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
    if op == "random":
        args = [call[k] for k in ("low", "high") if k in call]
        if "low" in call and "high" not in call:
            args.append(None)  # random_(from, None)
        return torch.empty(shape, dtype=dtype).random_(*args)
    if op == "exponential":
        return torch.empty(shape, dtype=dtype).exponential_(call["lambd"])
    if op == "geometric":
        return torch.empty(shape, dtype=dtype).geometric_(call["p"])
    if op == "cauchy":
        return torch.empty(shape, dtype=dtype).cauchy_(call["median"], call["sigma"])
    if op == "log_normal":
        return torch.empty(shape, dtype=dtype).log_normal_(call["mean"], call["std"])
    if op == "multinomial":
        probs = _weights(weights[call["weights"]]).to(dtype)  # as torch.tensor(p, dtype)
        return torch.multinomial(probs, call["num_samples"], call["replacement"])
    if op == "random_sampler":
        from torch.utils.data import RandomSampler

        sampler = RandomSampler(range(call["n"]), call["replacement"], call.get("num_samples"))
        return torch.tensor(list(sampler), dtype=torch.int64)
    raise ValueError(op)


def programs_v1(kind: str) -> list[dict]:
    """The programs of ``torch_cpu.v1.json``; ``kind`` is "host" (this host's capability) or
    "default"."""
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


INTS = ["uint8", "int8", "int16", "int32", "int64"]
# 2**63 - 1 is the nearest randint can get to random_()'s range: the issue that asked for
# random_() found it gives a different sampler order for 6 of 12 seeds
SAMPLER_SEEDS = list(range(12))


def _zero_heavy(rng: random.Random, rows: int, cols: int, zeros: float) -> dict:
    """Weights with many exact zeros (their p / q values tie in topk) and a few repeats, as a
    weight table entry (float64 hex and shape; a single row may be 1-d)."""
    out = []
    for _ in range(rows):
        row = [0.0 if rng.random() < zeros else rng.choice([1.0, 0.5, rng.random()])
               for _ in range(cols)]  # fmt: skip
        row[rng.randrange(cols)] = 1.0  # every row has a positive sum
        out.append(row)
    return _table(out[0] if rows == 1 and rng.random() < 0.5 else out)


def _table(p: list) -> dict:
    arr = np.asarray(p, dtype="<f8")
    return {"shape": list(arr.shape), "hex": arr.tobytes().hex()}


def _random_calls(dtype: str) -> list[dict]:
    """``random_`` in every form that ``dtype`` accepts, at sizes around 1 and 16."""
    calls = []
    for n in [1, 2, 3, 16, 17, 100, 1001]:
        calls.append({"op": "random", "shape": [n], "dtype": dtype})
    calls.append({"op": "random", "shape": [], "dtype": dtype})
    calls.append({"op": "random", "shape": [3, 0], "dtype": dtype})
    small = {"bool": [(None, 2), (0, 2), (1, None)], "uint8": [(None, 7), (3, 200), (5, None)],
             "int8": [(None, 100), (-128, 127), (-3, None)],
             "int16": [(None, 2**15 - 1), (-300, 300), (-(2**15), None)],
             "int32": [(None, 2**28), (-(2**31), 2**31 - 1), (2**30, None), (None, 2**28 - 1)],
             "int64": [(None, 2**28), (-(2**63), 2**63 - 1), (-5, None), (-(2**63), None),
                       (None, 2**40), (2**62, 2**63 - 1)],
             "float16": [(None, 2049), (0, 65504), (-100, 2000), (3, None), (-2048, None)],
             "bfloat16": [(None, 257), (-(2**20), 2**20), (5, None), (-(2**63), None)],
             "float32": [(None, 2**24), (-(2**40), 2**40 + 7), (3, None), (-(2**63), None)],
             "float64": [(None, 2**53), (-(2**60), 2**62), (-7, None),
                         (-(2**63), None)]}  # fmt: skip
    for low, high in small[dtype]:
        for n in [1, 17, 257]:
            call = {"op": "random", "shape": [n], "dtype": dtype}
            if low is not None:
                call["low"] = low
            if high is not None:
                call["high"] = high
            calls.append(call)
    return calls


def programs_distributions(kind: str) -> list[dict]:
    """The programs of ``torch_cpu_distributions.v1.json`` (``kind`` as for v1)."""
    host = kind == "host"
    progs = []
    for dtype in [*INTS, *FLOATS, "bool"]:
        for seed in SEEDS[:4] if host else SEEDS[:1]:
            progs.append({"name": f"random-{dtype}-seed{seed}", "seed": seed,
                          "calls": _random_calls(dtype)})  # fmt: skip
    sizes = [1, 2, 3, 15, 16, 17, 31, 33, 100, 1000]
    params = {"exponential": [{"lambd": 1.0}, {"lambd": 0.37}, {"lambd": 12.5}],
              "geometric": [{"p": 0.5}, {"p": 0.013}, {"p": 0.99}, {"p": 1e-12}],
              "cauchy": [{"median": 0.0, "sigma": 1.0}, {"median": -1.5, "sigma": 0.3},
                         {"median": 3.25, "sigma": 7.0}],
              "log_normal": [{"mean": 1.0, "std": 2.0}, {"mean": 0.0, "std": 0.25},
                             {"mean": -3.0, "std": 1.5}]}  # fmt: skip
    for op, choices in params.items():
        dtypes = [*FLOATS, *INTS] if op == "geometric" else FLOATS
        for dtype in dtypes:
            for seed in SEEDS[:3] if host else SEEDS[:1]:
                calls = []
                for i, n in enumerate(sizes):
                    calls.append(
                        {"op": op, "shape": [n], "dtype": dtype, **choices[i % len(choices)]}
                    )
                    if op == "log_normal" and i % 3 == 0:  # the cached normal crosses calls
                        calls.append({"op": "randn", "shape": [i % 4 + 1], "dtype": "float64"})
                progs.append({"name": f"{op}-{dtype}-seed{seed}", "seed": seed, "calls": calls})
    mrng = random.Random(1)
    shapes = [(1, 5, 0.0), (3, 10, 0.5), (2, 64, 0.9), (1, 65, 0.0), (4, 200, 0.95),
              (2, 1000, 0.0), (1, 1000, 0.99)]  # fmt: skip
    weights = [_zero_heavy(mrng, rows, cols, zeros) for rows, cols, zeros in shapes]
    # one table for the whole file (programs index into it); "default" builds a prefix of it
    for dtype in ["float32", "float64", "bfloat16", "float16"]:
        for seed in SEEDS[:3] if host else SEEDS[:1]:
            calls = []
            for w, (_, cols, _) in enumerate(shapes):
                for k in sorted({1, 2, 3, cols // 64, cols // 64 + 1, cols // 2, cols} - {0}):
                    for repl in (False, True):
                        calls.append({"op": "multinomial", "weights": w, "num_samples": k,
                                      "replacement": repl, "dtype": dtype})  # fmt: skip
                calls.append({"op": "multinomial", "weights": w, "num_samples": 3 * cols,
                              "replacement": True, "dtype": dtype})  # fmt: skip
            progs.append({"name": f"multinomial-{dtype}-seed{seed}", "seed": seed,
                          "weights": weights, "calls": calls})  # fmt: skip
    weights.append(_table([[1.0] * 10000, [float(i % 7) for i in range(10000)]]))
    calls = [{"op": "multinomial", "weights": len(weights) - 1, "num_samples": k,
              "replacement": r,
              "dtype": "float32"}
             for k, r in [(100, False), (156, False), (157, False), (5000, False), (1, False),
                          (2000, True), (1, True)]]  # fmt: skip
    progs.append({"name": "multinomial-large", "seed": 99, "weights": weights, "calls": calls})
    for seed in SAMPLER_SEEDS if host else SAMPLER_SEEDS[:2]:
        calls = [{"op": "random_sampler", "n": n, "replacement": False} for n in (1, 10, 1000)]
        calls.append({"op": "random_sampler", "n": 100, "replacement": True, "num_samples": 77})
        calls.append({"op": "random_sampler", "n": 50, "replacement": False, "num_samples": 120})
        progs.append({"name": f"random-sampler-seed{seed}", "seed": seed, "calls": calls})
    perm = [{"op": "randperm", "n": n, "dtype": "int64"}
            for n in (4095, 4096, 4097, 4098, 65537, 100003)]  # fmt: skip
    perm += [{"op": "randperm", "n": n, "dtype": d} for n, d in
             [(300, "int32"), (2049, "float16"), (1000, "bfloat16"), (5000, "float32"),
              (5000, "float64"), (128, "int8"), (256, "uint8")]]  # fmt: skip
    if host:
        perm.append({"op": "randperm", "n": 10**7, "dtype": "int64"})
    progs.append({"name": "randperm-sizes", "seed": 2024, "calls": perm})
    for seed in range(8 if host else 2):
        rng = random.Random(100 + seed)
        calls = []
        for _ in range(40):
            op = rng.choice(["random", "exponential", "geometric", "cauchy", "log_normal",
                             "randn", "multinomial", "rand"])  # fmt: skip
            n = rng.choice([1, 2, 5, 15, 16, 17, 40, 257])
            dtype = rng.choice(FLOATS)
            call = {"op": op, "shape": [n], "dtype": dtype}
            if op == "random":
                call["dtype"] = rng.choice([*INTS, *FLOATS, "bool"])
            elif op in params:
                call.update(rng.choice(params[op]))
                if op == "geometric":
                    call["dtype"] = rng.choice([*FLOATS, *INTS])
            elif op == "multinomial":
                weights.append(_zero_heavy(rng, 2, n + 1, 0.3))
                call = {"op": op, "weights": len(weights) - 1, "dtype": dtype,
                        "num_samples": rng.choice([1, 2, n + 1]),
                        "replacement": rng.random() < 0.5}  # fmt: skip
            calls.append(call)
        progs.append({"name": f"mixed-{seed}", "seed": seed * 104729 + 3, "weights": weights,
                      "calls": calls})  # fmt: skip
    return progs


def large_programs() -> list[dict]:
    """``randperm`` past ``UINT32_MAX / 20``: the inside-out shuffle (``--large``)."""
    calls = [{"op": "randperm", "n": 0xFFFFFFFF // 20, "dtype": "int64"}]
    return [{"name": "randperm-inside-out", "seed": 7, "calls": calls, "large": True}]


PROGRAMS = {FILES[0]: programs_v1, FILES[1]: programs_distributions}


def run_programs(progs: list[dict]) -> list[dict]:
    cases = []
    for prog in progs:
        torch.manual_seed(prog["seed"])
        calls = []
        weights = prog.get("weights")
        for call in prog["calls"]:
            calls.append({**call, "expected": _expected(_bytes(run_call(call, weights)))})
        state = torch.get_rng_state().numpy().tobytes()
        case = {
            "name": prog["name"], "seed": prog["seed"], "calls": calls,
            "final_state_sha256": hashlib.sha256(state).hexdigest(),
        }  # fmt: skip
        if prog.get("large"):
            case["large"] = True
        cases.append(case)
    return cases


def _libc() -> str:
    name, version = platform.libc_ver()
    return f"{name}-{version}" if name else "unknown"


NOTES = {
    FILES[0]: (
        "Golden bytes from torch CPU after torch.manual_seed(seed). Written only by "
        "conformance/generate_torch_cpu_vectors.py; never edit by hand. expected.hex is the "
        "result's bytes (little-endian, C order, bfloat16 as uint16 bits); larger results "
        "carry only expected.sha256. final_state_sha256 is of torch.get_rng_state() after "
        "the program. float64 normals of 16+ elements and all 'default'-capability normals "
        "depend on the host libm (glibc here)."
    ),
    FILES[1]: (
        "Golden bytes from torch CPU after torch.manual_seed(seed), as in torch_cpu.v1.json. "
        "Written only by conformance/generate_torch_cpu_vectors.py; never edit by hand. "
        "random: Tensor.random_() without low/high, random_(high) with only high, "
        "random_(low, high), random_(low, None) with only low. multinomial: weights indexes "
        "the file's weights table (float64 bytes as hex, and a shape), cast to dtype as "
        "torch.tensor(p, dtype=dtype) does. random_sampler: "
        "list(torch.utils.data.RandomSampler(range(n), replacement, num_samples)) as int64. "
        "exponential/geometric/cauchy/log_normal (and multinomial without replacement) call "
        "the host libm in double (glibc here). A case with large=true (randperm past "
        "UINT32_MAX / 20) is replayed only on request (UNIRAND_EXHAUSTIVE=1)."
    ),
}


def build(large: bool = False) -> dict[str, dict]:
    """Every file's content, by file name."""
    if os.environ.get("ATEN_CPU_CAPABILITY"):
        raise SystemExit("run without ATEN_CPU_CAPABILITY; the script sets it for the subprocess")
    host_cap = torch.backends.cpu.get_cpu_capability().lower()
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default"}
    child = subprocess.run(
        [sys.executable, __file__, "--emit-default"], env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    default_cases = json.loads(child.stdout)
    out = {}
    for name, programs in PROGRAMS.items():
        host_programs = programs("host")
        if large and name == FILES[1]:
            host_programs += large_programs()
        groups = [
            {"cpu_capability": host_cap, "cases": run_programs(host_programs)},
            {"cpu_capability": "default", "cases": default_cases[name]},
        ]
        tables = [p["weights"] for p in host_programs if "weights" in p]
        header = {
            "generator": GENERATOR,
            "schema": SCHEMA,
            "torch": torch.__version__,
            "numpy": np.__version__,
            "machine": platform.machine(),
            "libc": _libc(),
            "host_cpu_capability": host_cap,
            "inline_hex_max_bytes": INLINE_HEX_MAX_BYTES,
            "note": NOTES[name],
        }
        if name != FILES[0]:
            header["python"] = platform.python_version()
            header["cpu_flags_fma_avx2_avx512f"] = _cpu_flags()
        out[name] = {"header": header, "groups": groups}
        if tables:
            out[name]["weights"] = tables[-1]  # the shared table, complete after the last
    return out


def _cpu_flags() -> list[bool]:
    """Whether this CPU has fma, avx2 and avx512f (glibc's libm picks its variants by them)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return []
    return [flag in flags for flag in ("fma", "avx2", "avx512f")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_DIR)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--large", action="store_true", help="add randperm(214748364)")
    parser.add_argument("--emit-default", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    # random_(low, high) on float dtypes warns beyond 2**digits; the values are what we record
    warnings.filterwarnings("ignore", message=".*out of bounds", category=UserWarning)
    if args.emit_default:
        assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
        json.dump({name: run_programs(programs("default")) for name, programs in PROGRAMS.items()},
                  sys.stdout)  # fmt: skip
        return 0
    status = 0
    for name, content in build(args.large).items():
        text = json.dumps(content, indent=1, sort_keys=True) + "\n"
        path = args.out / name
        if args.check:
            same = path.exists() and path.read_text() == text
            print(f"{name}: up to date" if same else f"{path} differs from a fresh generation")
            status |= 0 if same else 1
        else:
            path.write_text(text)
            print(f"wrote {path} ({len(text)} bytes)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
