"""``unirand.replay._philox``: Philox4x32-10 against Random123, JAX and torch's own C++ engine.

* Random123's known-answer vectors;
* JAX's ``philox4x32`` primitive on random inputs;
* PyTorch's C++ ``at::Philox4_32`` (compiled from the installed torch headers when a C++
  compiler is present) for the (seed, subsequence, offset) counter layout of curand_init.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from unirand.replay import TorchCUDAGenerator
from unirand.replay._philox import philox4x32

# -- Philox4x32 ----------------------------------------------------------------------------

# DEShawResearch/random123 tests/kat_vectors, its philox4x32 rows without the name column
# (runs of spaces collapsed): rounds ctr[0..3] key[0..1] expected[0..3]
KAT = """
7 00000000 00000000 00000000 00000000 00000000 00000000 5f6fb709 0d893f64 4f121f81 4f730a48
7 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 5207ddc2 45165e59 4d8ee751 8c52f662
7 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 4dfccaba 190a87f0 c47362ba b6b5242a
10 00000000 00000000 00000000 00000000 00000000 00000000 6627e8d5 e169c58d bc57ac4c 9b00dbd8
10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 408f276d 41c83b0e a20bc7c6 6d5451fd
10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 d16cfe09 94fdcceb 5001e420 24126ea1
"""


@pytest.mark.parametrize("row", [r.split() for r in KAT.strip().splitlines()])
def test_philox4x32_random123_kat(row: list[str]) -> None:
    words = [int(w, 16) for w in row[1:]]
    out = philox4x32(tuple(words[:4]), tuple(words[4:6]), rounds=int(row[0]))
    assert [int(o) for o in out] == words[6:]


def test_philox4x32_matches_jax_primitive() -> None:
    pytest.importorskip("jax")
    import jax.numpy as jnp
    from jax._src.random.philox4x32 import philox4x32_p

    rng = np.random.default_rng(1234)
    k0, k1, *ctr = rng.integers(0, 2**32, (6, 4096), dtype=np.uint32)
    want = philox4x32_p.bind(*(jnp.asarray(a) for a in (k0, k1, *ctr)))
    got = philox4x32(tuple(ctr), (k0, k1))
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(np.asarray(w), g)


PHILOX_CPP = r"""
#include <ATen/core/PhiloxRNGEngine.h>
#include <cstdio>
#include <cstdlib>
int main(int argc, char** argv) {
  for (int a = 1; a + 2 < argc; a += 3) {
    at::Philox4_32 e(strtoull(argv[a], 0, 10), strtoull(argv[a + 1], 0, 10),
                     strtoull(argv[a + 2], 0, 10));
    for (int i = 0; i < 8; i++) printf("%u\n", e());
  }
}
"""


def test_counter_layout_matches_torch_cpp_philox_engine(tmp_path: Path) -> None:
    """torch's own ``at::Philox4_32(seed, subsequence, offset_blocks)`` is curand_init's layout.

    Built from the headers of the installed torch wheel (no torch import) with the host C++
    compiler; skipped where either is missing.
    """
    cxx = shutil.which("g++") or shutil.which("c++") or shutil.which("clang++")
    spec = importlib.util.find_spec("torch")
    if cxx is None or spec is None or not spec.submodule_search_locations:
        pytest.skip("needs a C++ compiler and an installed torch wheel")
    include = Path(next(iter(spec.submodule_search_locations))) / "include"
    if not (include / "ATen" / "core" / "PhiloxRNGEngine.h").exists():
        pytest.skip("torch wheel without ATen headers")
    src = tmp_path / "philox.cpp"
    src.write_text(PHILOX_CPP)
    exe = tmp_path / "philox"
    subprocess.run([cxx, "-std=c++17", "-O1", f"-I{include}", str(src), "-o", str(exe)], check=True)
    cases = [(42, 5, 3), (0, 0, 0), (2**64 - 1, 270335, 17), (67280421310721, 2**32 + 7, 2**40)]
    args = [str(v) for case in cases for v in case]
    printed = subprocess.run([str(exe), *args], check=True, capture_output=True, text=True)
    want = np.array(printed.stdout.split(), dtype=np.uint64).reshape(len(cases), 8)
    for (seed, sub, blocks), row in zip(cases, want, strict=True):
        g = TorchCUDAGenerator(seed, sm_count=1)
        out = g._blocks(4 * blocks, np.array([0, 1], dtype=np.uint64), np.full(2, sub, np.uint64))
        got = np.stack(out, axis=1).reshape(-1)  # block 0 words x..w, then block 1
        np.testing.assert_array_equal(got.astype(np.uint64), row)
