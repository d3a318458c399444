"""``unirand.replay._cpu_randperm``: every path of the shuffle gives the same permutation.

The Python loop is the C loop transcribed; the Numba kernels and the NumPy formulation must
equal it on any words, and the recorded ``randperm`` of up to 10**7 elements (torch's bytes)
must come out of each path, with Numba and without it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from replay_golden import FILES, cases, raw, replay

from unirand.replay import TorchCPUGenerator, _cpu_randperm, _numba_kernels
from unirand.replay._mt19937 import MT19937


def _words(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**32, max(n - 1, 0), dtype=np.uint32)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 17, 100, 4095, 4096, 4097, 65536, 300007])
def test_numpy_formulation_equals_the_loop(n):
    for seed in range(3):
        w = _words(n, seed)
        assert raw(_cpu_randperm.forward_numpy(w)) == raw(_cpu_randperm.forward_loop(w))


def test_numpy_formulation_on_adversarial_words():
    """All-zero words (every swap a no-op) and words that always pick the last slot."""
    n = 1000
    steps = np.arange(n - 1)
    for w in (np.zeros(n - 1, np.uint32), (n - 1 - steps).astype(np.uint32)):
        assert raw(_cpu_randperm.forward_numpy(w)) == raw(_cpu_randperm.forward_loop(w))


def test_numba_kernels_equal_the_loops(monkeypatch):
    compiled = _numba_kernels.kernels()
    if compiled is None:
        pytest.skip("numba is not installed")
    for n in (2, 3, 1000, 123457):
        w = _words(n, n)
        out = np.empty(n, dtype=np.int64)
        compiled.forward(w, out)
        assert raw(out) == raw(_cpu_randperm.forward_loop(w))
    # the inside-out kernel against its Python loop, chunk by chunk (2.5 chunks)
    monkeypatch.setattr(_cpu_randperm, "_CHUNK", 4096)
    n = 5 * 2048 + 3
    a, b = MT19937.seeded(9), MT19937.seeded(9)
    fast = _cpu_randperm.inside_out(a, n)
    slow = _inside_out_reference(b, n)
    assert raw(fast) == raw(slow) and a.next == b.next and raw(a.state) == raw(b.state)


def _inside_out_reference(eng: MT19937, n: int) -> np.ndarray:
    """``for i < n: z = random64() % (i + 1); r[i] = r[z]; r[z] = i`` in plain Python."""
    w = eng.words(2 * n).astype(np.uint64)
    draws = ((w[0::2] << np.uint64(32)) | w[1::2]).tolist()
    r = [0] * n
    for i, d in enumerate(draws):
        z = d % (i + 1)
        r[i] = r[z]
        r[z] = i
    return np.array(r, dtype=np.int64)


def test_inside_out_without_numba_equals_reference(monkeypatch):
    monkeypatch.setattr(_cpu_randperm, "kernels", lambda: None)
    monkeypatch.setattr(_cpu_randperm, "_CHUNK", 1000)
    a, b = MT19937.seeded(3), MT19937.seeded(3)
    assert raw(_cpu_randperm.inside_out(a, 4321)) == raw(_inside_out_reference(b, 4321))


def _sizes_case() -> tuple[str, dict]:
    return next(c for c in cases(FILES[1]) if c[1]["name"] == "randperm-sizes")


@pytest.mark.parametrize("numba", [True, False])
def test_recorded_randperm_up_to_ten_million(numba, monkeypatch):
    """torch's bytes for n = 4095 ... 10**7 (and float/small int dtypes), both paths."""
    if numba and _numba_kernels.kernels() is None:
        pytest.skip("numba is not installed")
    if not numba:
        monkeypatch.setattr(_cpu_randperm, "kernels", lambda: None)
    capability, case = _sizes_case()
    assert any(c["n"] == 10**7 for c in case["calls"])
    g = TorchCPUGenerator(case["seed"], cpu_capability=capability)
    for call in case["calls"]:
        got = raw(replay(g, call))
        assert hashlib.sha256(got).hexdigest() == call["expected"]["sha256"], call
    assert hashlib.sha256(g.get_state()).hexdigest() == case["final_state_sha256"]


def test_tiny_and_empty():
    g = TorchCPUGenerator(0)
    assert g.randperm(0).shape == (0,) and g.randperm(1).tolist() == [0]
    before = g.get_state()
    g.randperm(1)  # n - 1 = 0 draws
    assert g.get_state() == before
