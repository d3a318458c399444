"""The recorded PyTorch CPU programs, and how one call of them is replayed on the replica.

Shared by the golden-vector tests: ``conformance/vectors/torch_cpu.v1.json`` and
``torch_cpu_distributions.v1.json``, written by ``conformance/generate_torch_cpu_vectors.py``
from real torch (never by unirand).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np

from unirand.replay import TorchCPUGenerator

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors"
FILES = ("torch_cpu.v1.json", "torch_cpu_distributions.v1.json")
GOLDEN = {name: json.loads((VECTORS / name).read_text()) for name in FILES}
GLIBC = platform.libc_ver()[0] == "glibc" and platform.machine().lower() in ("x86_64", "amd64")

#: ops whose values come from the host libm in double (float64 normals of 16+ are separate)
LIBM_OPS = {"exponential", "geometric", "cauchy", "log_normal", "multinomial"}


def raw(x: Any) -> bytes:
    """An array's bytes, little-endian C order, bfloat16 as its uint16 bits."""
    a = np.asarray(x)
    if a.dtype.name == "bfloat16":
        a = a.view(np.uint16)
    return np.ascontiguousarray(a).tobytes()


def weights(table: dict) -> np.ndarray:
    flat = np.frombuffer(bytes.fromhex(table["hex"]), dtype="<f8")
    return flat.reshape(table["shape"])


def sampler_order(seed_source: TorchCPUGenerator, call: dict) -> np.ndarray:
    """``list(torch.utils.data.RandomSampler(range(n), replacement, num_samples))`` after the
    default generator's state is ``seed_source``'s: the documented recipe (docs/replay.md)."""
    n, num = call["n"], call.get("num_samples") or call["n"]
    seed = int(seed_source.random((), "int64"))  # int(torch.empty((), int64).random_().item())
    g = TorchCPUGenerator(seed)  # torch.Generator(); generator.manual_seed(seed)
    if call["replacement"]:
        parts = [g.randint(0, n, (32,)) for _ in range(num // 32)]
        parts.append(g.randint(0, n, (num % 32,)))
    else:
        parts = [g.randperm(n) for _ in range(num // n)]
        parts.append(g.randperm(n)[: num % n])
    return np.concatenate(parts).astype(np.int64)


def replay(g: TorchCPUGenerator, call: dict, table: list | None = None, xp: Any = None) -> Any:
    """One recorded call on the replica."""
    op, shape, dtype = call["op"], tuple(call.get("shape", ())), call.get("dtype", "float32")
    kw = {"xp": xp}
    if op == "rand":
        return g.rand(shape, dtype, **kw)
    if op == "randn":
        return g.randn(shape, dtype, **kw)
    if op == "normal":
        return g.normal(call["mean"], call["std"], shape, dtype, **kw)
    if op == "uniform":
        return g.uniform(call["low"], call["high"], shape, dtype, **kw)
    if op == "randint":
        return g.randint(call["low"], call["high"], shape, dtype, **kw)
    if op == "randperm":
        return g.randperm(call["n"], dtype, **kw)
    if op == "bernoulli":
        return g.bernoulli(call["p"], shape, dtype, **kw)
    if op == "random":
        return g.random(shape, dtype, call.get("low"), call.get("high"), **kw)
    if op == "exponential":
        return g.exponential(call["lambd"], shape, dtype, **kw)
    if op == "geometric":
        return g.geometric(call["p"], shape, dtype, **kw)
    if op == "cauchy":
        return g.cauchy(call["median"], call["sigma"], shape, dtype, **kw)
    if op == "log_normal":
        return g.log_normal(call["mean"], call["std"], shape, dtype, **kw)
    if op == "multinomial":
        p = weights(table[call["weights"]])
        return g.multinomial(p, call["num_samples"], call["replacement"], dtype=dtype, **kw)
    if op == "random_sampler":
        return sampler_order(g, call)
    raise ValueError(op)


def needs_libm(capability: str, case: dict) -> bool:
    """Whether a case's bytes come (partly) from the host libm (so only glibc x86-64 replays)."""
    return capability == "default" or any(
        c["op"] in LIBM_OPS or (c["op"] in ("randn", "normal") and c.get("dtype") == "float64")
        for c in case["calls"]
    )


def cases(name: str, *, large: bool = False) -> list[tuple[str, dict]]:
    """``(capability, case)`` for every case of one file (``large`` ones only if asked)."""
    return [
        (group["cpu_capability"], case)
        for group in GOLDEN[name]["groups"]
        for case in group["cases"]
        if bool(case.get("large")) == large
    ]
