"""unirand.replay.TorchCPUGenerator against PyTorch's CPU generator, byte for byte.

Two oracles: the golden vectors from real torch (``conformance/vectors/torch_cpu.v1.json``,
both the AVX2 and the ``default`` CPU capability), and live torch when it is importable.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unirand.replay import TorchCPUGenerator, _mt19937, _torch_avx2
from unirand.replay.torch_cpu import DEFAULT_SEED, STATE_SIZE

VECTORS = Path(__file__).resolve().parent.parent / "conformance" / "vectors" / "torch_cpu.v1.json"
GOLDEN = json.loads(VECTORS.read_text())
GLIBC = platform.libc_ver()[0] == "glibc" and platform.machine().lower() in ("x86_64", "amd64")


def _raw(x) -> bytes:
    a = np.asarray(x)
    if a.dtype.name == "bfloat16":
        a = a.view(np.uint16)
    return np.ascontiguousarray(a).tobytes()


def _replay(g: TorchCPUGenerator, call: dict):
    op, shape, dtype = call["op"], tuple(call.get("shape", ())), call.get("dtype", "float32")
    if op == "rand":
        return g.rand(shape, dtype)
    if op == "randn":
        return g.randn(shape, dtype)
    if op == "normal":
        return g.normal(call["mean"], call["std"], shape, dtype)
    if op == "uniform":
        return g.uniform(call["low"], call["high"], shape, dtype)
    if op == "randint":
        return g.randint(call["low"], call["high"], shape, dtype)
    if op == "randperm":
        return g.randperm(call["n"], dtype)
    if op == "bernoulli":
        return g.bernoulli(call["p"], shape, dtype)
    raise ValueError(op)


def _cases():
    for group in GOLDEN["groups"]:
        for case in group["cases"]:
            yield pytest.param(
                group["cpu_capability"], case, id=f"{group['cpu_capability']}-{case['name']}"
            )


@pytest.mark.parametrize("capability,case", list(_cases()))
def test_golden_programs(capability, case):
    """Every call of every recorded program, and the generator state after it."""
    libm = capability == "default" or any(
        c["op"] in ("randn", "normal") and c["dtype"] == "float64" for c in case["calls"]
    )
    if libm and not GLIBC:
        pytest.skip("these normals call the host libm; the goldens come from glibc x86-64")
    g = TorchCPUGenerator(case["seed"], cpu_capability=capability)
    for i, call in enumerate(case["calls"]):
        got = _raw(_replay(g, call))
        exp = call["expected"]
        assert len(got) == exp["nbytes"], (i, call["op"])
        if "hex" in exp:
            assert got.hex() == exp["hex"], (i, call)
        assert hashlib.sha256(got).hexdigest() == exp["sha256"], (i, call)
    assert hashlib.sha256(g.get_state()).hexdigest() == case["final_state_sha256"]


def test_golden_header_and_coverage():
    h = GOLDEN["header"]
    assert h["torch"].startswith("2.") and h["machine"] and h["host_cpu_capability"]
    calls = [c for g in GOLDEN["groups"] for case in g["cases"] for c in case["calls"]]
    assert len(calls) > 2000
    assert {c["dtype"] for c in calls if c["op"] == "randn"} == {
        "float16", "bfloat16", "float32", "float64",
    }  # fmt: skip


def test_known_answers_from_pytorch_issues():
    # pytorch/pytorch#47347 and #79496 (values printed by torch, 4 decimals)
    np.testing.assert_allclose(
        TorchCPUGenerator(0).rand(5), [0.4963, 0.7682, 0.0885, 0.1320, 0.3074], atol=5e-5
    )
    np.testing.assert_allclose(
        TorchCPUGenerator(10).randn(3), [-0.6014, -1.0122, -0.3023], atol=5e-5
    )


def test_seed_mapping():
    assert TorchCPUGenerator().initial_seed() == DEFAULT_SEED
    assert TorchCPUGenerator(-1).initial_seed() == 2**64 - 1
    a = TorchCPUGenerator(2**32 + 42).rand(50, "float64")
    b = TorchCPUGenerator(42).rand(50, "float64")
    assert _raw(a) == _raw(b)
    assert _raw(TorchCPUGenerator(-1).rand(9)) == _raw(TorchCPUGenerator(2**32 - 1).rand(9))


@pytest.mark.parametrize("n", [0, 1, 623, 624, 625, 1247, 1248, 5000])
def test_numpy_engine_equals_vectorised_twist(n):
    a, b = _mt19937.MT19937.seeded(7), _mt19937.MT19937.seeded(7)
    a.words(5)
    b.words(5)
    assert _raw(a.words(n)) == _raw(b.words(n, reference=True))
    assert (a.left, a.next) == (b.left, b.next) and _raw(a.state) == _raw(b.state)
    assert _raw(a.words(700)) == _raw(b.words(700, reference=True))


def test_mt19937_matches_reference_implementation():
    """init_genrand(5489): the first output of mt19937ar and the 10000th that C++ requires."""
    w = _mt19937.MT19937.seeded(5489).words(10000)
    assert int(w[0]) == 3499211612 and int(w[-1]) == 4123659995  # C++ [rand.predef]


def test_avx2_fast_path_equals_exact_fma_reference():
    """The fast float64 evaluation of log256_ps/sincos256_ps equals the literal one with exact
    FMAs on a spread of the 2**24 inputs (all of them with UNIRAND_EXHAUSTIVE=1)."""
    if os.environ.get("UNIRAND_EXHAUSTIVE"):
        for start in range(0, 2**24, 2**20):
            assert _torch_avx2.mismatches(np.arange(start, start + 2**20)) == (0, 0)
    else:
        k = np.concatenate(
            [np.arange(0, 2**24, 97), np.arange(2**24 - 4096, 2**24), np.arange(4096)]
        )
        assert _torch_avx2.mismatches(k) == (0, 0)


# -- live torch --------------------------------------------------------------------------------


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    if os.environ.get("ATEN_CPU_CAPABILITY"):
        pytest.skip("live comparisons assume torch's own capability choice")
    state = torch.get_rng_state()
    yield torch
    torch.set_rng_state(state)


def _t(t) -> bytes:
    import torch

    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.contiguous().numpy().tobytes()


def test_live_randn_boundaries_many_seeds(torch):
    seeds = [*range(40), 2**32 + 5, -7, 2**63 + 3]
    sizes = [14, 15, 16, 17, 18, 30, 31, 32, 33, 34, 3, 257]
    for seed in seeds:
        g = TorchCPUGenerator(seed)
        torch.manual_seed(seed)
        for n in sizes:
            assert _raw(g.randn(n)) == _t(torch.randn(n)), (seed, n)
        assert g.get_state() == torch.get_rng_state().numpy().tobytes(), seed


def test_live_long_mixed_program(torch):
    rng = np.random.default_rng(2024)
    g = TorchCPUGenerator(99)
    torch.manual_seed(99)
    dtypes = ["float32", "float64", "float16", "bfloat16"]
    for step in range(300):
        dtype = dtypes[rng.integers(4)]
        n = int(rng.choice([1, 2, 7, 15, 16, 17, 31, 33, 64, 100, 1000]))
        op = rng.integers(4)
        if op == 0:
            got, exp = g.rand(n, dtype), torch.rand(n, dtype=getattr(torch, dtype))
        elif op == 1:
            got, exp = g.randn(n, dtype), torch.randn(n, dtype=getattr(torch, dtype))
        elif op == 2:
            hi = int(rng.choice([2, 10, 2**28, 2**33]))
            got, exp = g.randint(-3, hi, (n,)), torch.randint(-3, hi, (n,))
        else:
            got = g.normal(0.25, 1.5, (n,), dtype)
            exp = torch.normal(0.25, 1.5, (n,), dtype=getattr(torch, dtype))
        assert _raw(got) == _t(exp), (step, op, n, dtype)
    assert g.get_state() == torch.get_rng_state().numpy().tobytes()


def test_live_state_round_trip(torch):
    torch.manual_seed(5)
    torch.randn(3)  # leaves a cached Box-Muller value
    torch.rand(700)  # crosses a twist
    g = TorchCPUGenerator().set_state(torch.get_rng_state())
    assert g.get_state() == torch.get_rng_state().numpy().tobytes()
    assert g.initial_seed() == torch.initial_seed() == 5
    assert _raw(g.randn(5)) == _t(torch.randn(5))
    g.rand(11)
    torch.set_rng_state(torch.frombuffer(bytearray(g.get_state()), dtype=torch.uint8))
    assert _raw(g.randn(40, "float64")) == _t(torch.randn(40, dtype=torch.float64))


def test_live_other_methods(torch):
    g = TorchCPUGenerator(11)
    torch.manual_seed(11)
    for n in (0, 1, 2, 3, 50, 1001):
        assert _raw(g.randperm(n)) == _t(torch.randperm(n))
    assert _raw(g.randperm(300, "int32")) == _t(torch.randperm(300, dtype=torch.int32))
    for dtype in ("float32", "float64", "float16", "bfloat16"):
        td = getattr(torch, dtype)
        assert _raw(g.bernoulli(0.3, (2, 50), dtype)) == _t(
            torch.bernoulli(torch.full((2, 50), 0.3, dtype=td))
        )
        assert _raw(g.uniform(-3.3, 11.1, (77,), dtype)) == _t(
            torch.empty(77, dtype=td).uniform_(-3.3, 11.1)
        )
        assert _raw(g.rand((3, 0, 2), dtype)) == _t(torch.rand((3, 0, 2), dtype=td))
    p = np.linspace(0, 1, 33).reshape(3, 11)
    assert _raw(g.bernoulli(p, dtype="float64")) == _t(torch.bernoulli(torch.tensor(p)))
    for lo, hi, dtype in ((0, 256, "uint8"), (-128, 127, "int8"), (-(2**63), 2**63 - 1, "int64")):
        assert _raw(g.randint(lo, hi, (40,), dtype)) == _t(
            torch.randint(lo, hi, (40,), dtype=getattr(torch, dtype))
        )
    assert g.get_state() == torch.get_rng_state().numpy().tobytes()


# -- arguments, errors, targets -----------------------------------------------------------------


@pytest.mark.parametrize(
    "call,exc,word",
    [
        (lambda g: g.rand((2, -1)), ValueError, "shape"),
        (lambda g: g.rand("3"), TypeError, "shape"),
        (lambda g: g.rand(3, "int32"), TypeError, "dtype"),
        (lambda g: g.randint(0, 4, 3, "float32"), TypeError, "dtype"),
        (lambda g: g.randint(5, 5, 3), ValueError, "low"),
        (lambda g: g.randint(0, 300, 3, "uint8"), ValueError, "uint8"),
        (lambda g: g.randint(0.5, 3, 3), TypeError, "low"),
        (lambda g: g.uniform(1.0, 0.0, 3), ValueError, "low"),
        (lambda g: g.uniform(0.0, float("inf"), 3), ValueError, "high"),
        (lambda g: g.normal(0.0, -1.0, 3), ValueError, "std"),
        (lambda g: g.bernoulli(1.5, 3), ValueError, "p"),
        (lambda g: g.bernoulli([0.2, -0.1]), ValueError, "p"),
        (lambda g: g.randperm(-1), ValueError, "n"),
        (lambda g: g.randperm(300, "uint8"), ValueError, "uint8"),
        (lambda g: g.randperm(2**28), ValueError, "64-bit"),
        (lambda g: g.set_state(b"\0" * 100), ValueError, "5056"),
        (lambda g: g.set_state(b"\0" * STATE_SIZE), ValueError, "seeded"),
        (lambda g: g.set_state("abc"), TypeError, "state"),
        (lambda g: g.manual_seed(1.5), TypeError, "seed"),
        (lambda g: g.manual_seed(2**64), ValueError, "seed"),
        (lambda g: g.rand(3, xp="cupy"), TypeError, "xp"),
    ],
)
def test_bad_arguments_raise_and_do_not_advance(call, exc, word):
    g = TorchCPUGenerator(3)
    g.randn(3)  # a cached normal is part of the state too
    before = g.get_state()
    with pytest.raises(exc, match=word):
        call(g)
    assert g.get_state() == before


def test_capability_argument():
    assert TorchCPUGenerator(cpu_capability="default").cpu_capability == "default"
    with pytest.raises(ValueError, match="cpu_capability"):
        TorchCPUGenerator(cpu_capability="sse")
    assert TorchCPUGenerator().cpu_capability in ("default", "avx2", "avx512")


def test_dtypes_and_shapes():
    g = TorchCPUGenerator(1)
    assert g.randn((2, 3, 4), "bfloat16").dtype.name == "bfloat16"
    assert g.rand((), "float16").shape == ()
    assert g.randint(0, 3, (4,), "int32").dtype == np.int32
    assert g.randperm(5).dtype == np.int64 and sorted(g.randperm(5).tolist()) == list(range(5))
    assert g.bernoulli(0.5, (3,)).dtype == np.float32


def test_jax_target():
    jax = pytest.importorskip("jax")
    a, b = TorchCPUGenerator(8), TorchCPUGenerator(8)
    x = a.randn((4, 5), "bfloat16", xp=jax)
    assert type(x).__module__.startswith("jax") and x.dtype.name == "bfloat16"
    assert _raw(np.asarray(x)) == _raw(b.randn((4, 5), "bfloat16"))
    y = a.rand(7, xp=jax.numpy)
    assert _raw(np.asarray(y)) == _raw(b.rand(7))
    if not jax.config.jax_enable_x64:
        before = a.get_state()
        with pytest.raises(ValueError, match="jax_enable_x64"):
            a.randn(3, "float64", xp="jax")
        assert a.get_state() == before


def test_import_pulls_in_neither_torch_nor_jax():
    code = (
        "import sys, unirand.replay as r; g = r.TorchCPUGenerator(1); g.randn(20); g.rand(3);"
        "print('torch' in sys.modules, 'jax' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
