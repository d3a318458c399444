"""torch on CUDA: the portable streams against torch's own ``rand``/``randn`` (a script).

Why: issue 13's GPU target is the portable ``normal`` within 2x of ``torch.randn`` on the same
GPU, and the fused Triton kernels (``unirand/backends/torch/triton_kernels.py``) are used on a
device only where their probe passed.  This script prints, for n = 10**6..10**8, milliseconds
per call (CUDA events, median of 20 after warm-up) of unirand ``bits``/``uniform``/``normal``
on ``cuda`` with the kernels (``UNIRAND_TRITON`` unset) and without (the vectorized engine),
and of ``torch.randint``/``torch.rand``/``torch.randn``; the probe's verdicts; and whether
the fused output equals the vectorized one byte for byte.  Reports, never asserts.

    python benchmarks/bench_cuda.py [--sizes 1000000,10000000,100000000]
"""

from __future__ import annotations

import argparse
import functools
import statistics

import torch

import unirand
from unirand.backends.torch import triton_path


def _time(fn, repeat: int = 20) -> float:
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000,100000000")
    args = parser.parse_args()
    dev = torch.device("cuda")
    key = unirand.key(0).to(torch, device=dev)
    print(f"{torch.cuda.get_device_name(dev)}, torch {torch.__version__}")
    rows = [
        (
            "bits u32",
            lambda n: unirand.bits(key, (n,)),
            lambda n: torch.randint(0, 2**31, (n,), device=dev, dtype=torch.int32),
        ),
        ("uniform f32", lambda n: unirand.uniform(key, (n,)), lambda n: torch.rand(n, device=dev)),
        ("normal f32", lambda n: unirand.normal(key, (n,)), lambda n: torch.randn(n, device=dev)),
    ]
    head = ("task", "n", "fused ms", "vector ms", "torch ms", "fused/torch", "same")
    print("{:12s} {:>11s} {:>9s} {:>10s} {:>9s} {:>11s} {}".format(*head))
    for n in (int(s) for s in args.sizes.split(",")):
        for name, ours, theirs in rows:
            fused = _time(functools.partial(ours, n))
            a = ours(n)
            with triton_path.bypass():
                vec = _time(functools.partial(ours, n), repeat=3)
                b = ours(n)
            native = _time(functools.partial(theirs, n))
            same = bool(torch.equal(a.view(torch.int32), b.view(torch.int32)))
            ratio = fused / native
            print(
                f"{name:12s} {n:11,d} {fused:9.3f} {vec:10.3f} {native:9.3f} {ratio:10.2f}x {same}"
            )
    print("probe verdicts:", triton_path.decisions())


if __name__ == "__main__":
    main()
