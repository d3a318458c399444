"""Record PyTorch's CUDA random streams on this machine's GPU, for ``TorchCUDAGenerator``'s tests.

Run on a machine with an NVIDIA GPU and a CUDA build of torch (no unirand needed there)::

    python conformance/generate_torch_cuda_vectors.py            # GPU 0
    python conformance/generate_torch_cuda_vectors.py --device 1 --out conformance/vectors

It writes ``conformance/vectors/torch_cuda_<gpu>.v1.json`` (``<gpu>`` is the device name in
lower case, e.g. ``nvidia_h100_80gb_hbm3``) with the GPU's name, SM count, threads per SM,
compute capability, and torch's and CUDA's versions, then, for a list of call sequences, every
call's Philox offset before and after, ``get_state()`` after, and its output: the SHA-256 of the
whole tensor's bytes plus the exact bytes of a sample of elements (the first and last, those
around every multiple of the one-wave thread count, and a spread).  The sizes are chosen around
this GPU's one-wave thread count, so every file exercises the grid-stride lanes of its own card.
``tests/replay/test_replay_torch_cuda.py`` replays each file it finds: ``rand`` and ``randint`` must
match the SHA-256 and the samples bit for bit, ``randn`` the samples within the documented bound.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import platform
import re
import sys
from typing import Any

FORMAT = "unirand.torch_cuda_vectors.v1"
BLOCK = 256


def _sample_indices(numel: int, wave: int) -> list[int]:
    """First/last 16, +-2 around every multiple of the wave, and up to 256 spread indices."""
    picks = set(range(min(16, numel))) | set(range(max(0, numel - 16), numel))
    k = wave
    while k < numel:
        picks |= {i for i in range(k - 2, k + 3) if 0 <= i < numel}
        k += wave
    step = max(1, numel // 256)
    picks |= set(range(0, numel, step))
    return sorted(picks)


def summarize(raw: bytes, width: int, wave: int) -> dict[str, Any]:
    """A call's output as stored: SHA-256 of all its bytes, and the bytes of sampled elements."""
    idx = _sample_indices(len(raw) // width, wave)
    return {
        "sha256": hashlib.sha256(raw).hexdigest(),
        "sample_index": idx,
        "sample_hex": [raw[i * width : (i + 1) * width].hex() for i in idx],
    }


def _record(torch: Any, out: Any, wave: int) -> dict[str, Any]:
    flat = out.detach().contiguous().reshape(-1).cpu()
    if flat.dtype == torch.bfloat16:
        flat = flat.view(torch.int16)  # NumPy has no bfloat16: keep the bits
    raw = flat.numpy().tobytes()  # little-endian on every CUDA host
    return summarize(raw, flat.element_size(), wave)


def sequences(wave: int) -> list[dict[str, Any]]:
    """The call sequences: (seed, [calls]); sizes straddle the wave and the unroll boundaries."""
    t = wave
    seqs: list[dict[str, Any]] = []

    def seq(seed: int, *calls: dict[str, Any], offset: int | None = None) -> None:
        seqs.append({"seed": seed, "set_offset": offset, "calls": list(calls)})

    def rand(n: int, dtype: str = "float32") -> dict[str, Any]:
        return {"op": "rand", "shape": [n], "dtype": dtype}

    def randn(n: int, dtype: str = "float32") -> dict[str, Any]:
        return {"op": "randn", "shape": [n], "dtype": dtype}

    def randint(lo: int, hi: int, n: int, dtype: str = "int64") -> dict[str, Any]:
        return {"op": "randint", "low": lo, "high": hi, "shape": [n], "dtype": dtype}

    for n in (1, 5, 255, 256, 257, 1000, t - 1, t, t + 1, 2 * t + 1, 4 * t, 4 * t + 1):
        seq(0, rand(n))
    for n in (5, 2 * t, 2 * t + 1, 4 * t + 1):
        seq(0, rand(n, "float64"))
    for dtype in ("float16", "bfloat16"):
        seq(1, rand(1000, dtype), rand(4 * t + 1, dtype))
    seq(10, randn(3), randn(1000), randn(t + 1), randn(4 * t + 1))
    seq(10, randn(3, "float64"), randn(2 * t + 1, "float64"))
    seq(10, randn(1000, "float16"), randn(t + 1, "bfloat16"))
    seq(3, randint(0, 10, 1000), randint(0, 10, 4 * t + 1))
    seq(3, randint(-5, 2**40, 1000), randint(-5, 2**40, 2 * t + 1))
    seq(3, randint(0, 2**28 - 1, 4 * t + 1), randint(0, 2**28, 2 * t + 1))
    seq(3, randint(-128, 128, 1000, "int8"), randint(0, 256, 1000, "uint8"))
    seq(3, randint(-(2**31), 2**31 - 1, t + 1, "int32"), randint(-(2**63), 2**63 - 1, 9))
    # offsets carried across calls and kinds, unusual seeds, an explicit set_offset
    seq(7, rand(5), randn(t + 1), randint(0, 10, 3), rand(2 * t + 1, "float64"), randn(5))
    seq(-1, rand(5), randn(5))
    seq(2**64 - 1, rand(5))
    seq(2**32 + 42, rand(1000), randn(1000))
    seq(5, rand(1000), randn(1000), offset=4 * 1000)
    return seqs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", type=int, default=0, help="CUDA device index (default 0)")
    parser.add_argument(
        "--out",
        default=str(pathlib.Path(__file__).resolve().parent / "vectors"),
        help="folder for torch_cuda_<gpu>.v1.json (default: conformance/vectors)",
    )
    args = parser.parse_args(argv)

    import torch

    if not torch.cuda.is_available():
        print("no CUDA device: run this on a machine with an NVIDIA GPU", file=sys.stderr)
        return 2
    dev = torch.device("cuda", args.device)
    props = torch.cuda.get_device_properties(dev)
    sm_count = props.multi_processor_count
    max_threads = props.max_threads_per_multi_processor
    wave = BLOCK * sm_count * (max_threads // BLOCK)
    dtypes = {
        "float16": torch.float16,
        "bfloat16": torch.bfloat16,
        "float32": torch.float32,
        "float64": torch.float64,
        "int8": torch.int8,
        "uint8": torch.uint8,
        "int32": torch.int32,
        "int64": torch.int64,
    }

    seqs = sequences(wave)
    for s in seqs:
        g = torch.Generator(device=dev)
        g.manual_seed(s["seed"])
        if s["set_offset"] is not None:
            g.set_offset(s["set_offset"])
        for call in s["calls"]:
            call["offset_before"] = g.get_offset()
            kw = {"dtype": dtypes[call["dtype"]], "device": dev, "generator": g}
            if call["op"] == "rand":
                out = torch.rand(call["shape"], **kw)
            elif call["op"] == "randn":
                out = torch.randn(call["shape"], **kw)
            else:
                out = torch.randint(call["low"], call["high"], call["shape"], **kw)
            torch.cuda.synchronize(dev)
            call.update(_record(torch, out, wave))
            call["offset_after"] = g.get_offset()
            call["state_after_hex"] = bytes(g.get_state().tolist()).hex()

    record = {
        "format": FORMAT,
        "device_name": props.name,
        "sm_count": sm_count,
        "max_threads_per_sm": max_threads,
        "compute_capability": f"{props.major}.{props.minor}",
        "torch_version": torch.__version__,
        "cuda_version": torch.version.cuda,
        "python": platform.python_version(),
        "threads_per_wave": wave,
        "sequences": seqs,
    }
    slug = re.sub(r"[^a-z0-9]+", "_", props.name.lower()).strip("_")
    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"torch_cuda_{slug}.v1.json"
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {path} ({props.name}, {sm_count} SMs x {max_threads} threads)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
