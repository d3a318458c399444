#!/usr/bin/env bash
# Everything issue 13 checks on a GPU, in one short run (device machine: torch, Triton, JAX
# and Numba are installed there; array-api-compat is carried as a wheel in .wheels/):
#   1. the conformance report on cuda (--strict: GPU cells must be bitwise too);
#   2. the fused kernels' speed against torch.rand/randn, and their probe verdicts;
#   3. torch's own CUDA streams recorded, and TorchCUDAGenerator replayed against them.
# Output goes to $OUT (or ./gpu-out).  Run from the repository root.
set -uo pipefail
OUT=${OUT:-gpu-out}
mkdir -p "$OUT"
python3 -m pip install -q --no-deps --no-index .wheels/*.whl 2>&1 | tail -1
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv | tee "$OUT/gpu.txt"
timeout 240 python3 -m unirand --backends numpy,torch --devices cpu,cuda:0 --strict --quick \
    --json > "$OUT/report_cuda.json" 2> "$OUT/report_cuda.log"; echo "report rc=$?"
tail -30 "$OUT/report_cuda.log"
timeout 120 python3 benchmarks/bench_cuda.py 2>&1 | tee "$OUT/bench_cuda.txt"
timeout 120 python3 conformance/generate_torch_cuda_vectors.py --out "$OUT" 2>&1 | tail -3
cp "$OUT"/torch_cuda_*.v1.json conformance/vectors/ 2>/dev/null
timeout 120 python3 -m pytest -q -p no:cacheprovider tests/replay/test_replay_torch_cuda.py 2>&1 \
    | tail -5 | tee "$OUT/replay_cuda.txt"
