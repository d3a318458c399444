"""``TorchCPUGenerator``'s arguments, errors, dtypes, shapes and targets (NumPy, JAX).

A bad argument raises ``TypeError``/``ValueError`` naming it, before anything is drawn, so the
state is unchanged after a failed call.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from replay_golden import raw

from unirand.replay import TorchCPUGenerator
from unirand.replay.torch_cpu import STATE_SIZE


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
        (lambda g: g.randperm(2**64), ValueError, "int64"),
        (lambda g: g.set_state(b"\0" * 100), ValueError, "5056"),
        (lambda g: g.set_state(b"\0" * STATE_SIZE), ValueError, "seeded"),
        (lambda g: g.set_state("abc"), TypeError, "state"),
        (lambda g: g.manual_seed(1.5), TypeError, "seed"),
        (lambda g: g.manual_seed(2**64), ValueError, "seed"),
        (lambda g: g.rand(3, xp="cupy"), TypeError, "xp"),
        # the methods added for random_/exponential_/geometric_/cauchy_/log_normal_/multinomial
        (lambda g: g.random(3, "complex64"), TypeError, "dtype"),
        (lambda g: g.random(3, "int8", 0, 200), ValueError, "high - 1"),
        (lambda g: g.random(3, "int64", 5, 5), ValueError, "low"),
        (lambda g: g.random(3, "float16", -3, 70000), ValueError, "high - 1"),
        (lambda g: g.random(3, "float16", 2**62), ValueError, "low"),
        (lambda g: g.random(3, "int32", -(2**63)), TypeError, "full 64-bit"),
        (lambda g: g.random(3, "int64", 2**63), ValueError, "low"),
        (lambda g: g.random(3, "int64", 1.5), TypeError, "low"),
        (lambda g: g.exponential(0.0, 3), ValueError, "lambd"),
        (lambda g: g.exponential(1.0, 3, "int32"), TypeError, "dtype"),
        (lambda g: g.geometric(1.0, 3), ValueError, "p"),
        (lambda g: g.geometric(0.5, 3, "bool"), TypeError, "dtype"),
        (lambda g: g.cauchy(0.0, 0.0, 3), ValueError, "sigma"),
        (lambda g: g.cauchy(float("nan"), 1.0, 3), ValueError, "median"),
        (lambda g: g.log_normal(0.0, 0.0, 3), ValueError, "std"),
        (lambda g: g.multinomial([0.5, 0.5], 3), ValueError, "num_samples"),
        (lambda g: g.multinomial([0.5, 0.5], 0, True), ValueError, "num_samples"),
        (lambda g: g.multinomial([0.5, -0.5], 1), ValueError, "p"),
        (lambda g: g.multinomial([[0.0, 0.0]], 1), ValueError, "sum"),
        (lambda g: g.multinomial(np.ones((2, 2, 2)), 1), ValueError, "1-d or 2-d"),
        (lambda g: g.multinomial([1.0, float("inf")], 1), ValueError, "finite"),
        (lambda g: g.multinomial([1.0], 1, 1), TypeError, "replacement"),
        (lambda g: g.multinomial(["a"], 1), TypeError, "p"),
        (lambda g: g.multinomial([1.0], 1, dtype="int32"), TypeError, "dtype"),
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


def test_capability_decides_the_fused_multiply_adds():
    """Not a proof (the golden files are): the two builds' Cauchy and log-normal differ."""
    a, b = TorchCPUGenerator(4), TorchCPUGenerator(4, cpu_capability="default")
    assert raw(a.cauchy(0.3, 2.5, 2000, "float64")) != raw(b.cauchy(0.3, 2.5, 2000, "float64"))
    assert raw(a.exponential(2.0, 100)) == raw(b.exponential(2.0, 100))  # no multiply-add


def test_dtypes_and_shapes():
    g = TorchCPUGenerator(1)
    assert g.randn((2, 3, 4), "bfloat16").dtype.name == "bfloat16"
    assert g.rand((), "float16").shape == ()
    assert g.randint(0, 3, (4,), "int32").dtype == np.int32
    assert g.randperm(5).dtype == np.int64 and sorted(g.randperm(5).tolist()) == list(range(5))
    assert g.bernoulli(0.5, (3,)).dtype == np.float32
    assert g.random((2, 3), "bool").dtype == np.bool_
    assert g.random((), "int64").shape == () and g.random((), "int64") >= 0
    assert g.geometric(0.5, (2, 2), "int16").dtype == np.int16
    assert g.exponential(1.0, (0,), "float64").shape == (0,)
    assert g.log_normal(0.0, 1.0, (3, 1), "bfloat16").dtype.name == "bfloat16"
    assert g.randperm(7, "float16").dtype == np.float16
    assert g.multinomial([[1.0, 2.0], [3.0, 4.0]], 3, True).shape == (2, 3)
    assert g.multinomial(np.ones(5, np.float64), 1).shape == (1,)
    out = g.multinomial(np.ones(6), 6)
    assert out.dtype == np.int64 and sorted(out.tolist()) == list(range(6))


def test_multinomial_default_dtype_is_the_weights_own():
    p64 = np.array([0.1, 0.2, 0.3, 0.4])
    a, b = TorchCPUGenerator(2), TorchCPUGenerator(2)
    assert raw(a.multinomial(p64, 3)) == raw(b.multinomial(p64, 3, dtype="float64"))
    a, b = TorchCPUGenerator(2), TorchCPUGenerator(2)
    assert raw(a.multinomial(p64.tolist(), 3)) == raw(b.multinomial(p64, 3, dtype="float32"))


def test_jax_target():
    jax = pytest.importorskip("jax")
    a, b = TorchCPUGenerator(8), TorchCPUGenerator(8)
    x = a.randn((4, 5), "bfloat16", xp=jax)
    assert type(x).__module__.startswith("jax") and x.dtype.name == "bfloat16"
    assert raw(np.asarray(x)) == raw(b.randn((4, 5), "bfloat16"))
    y = a.rand(7, xp=jax.numpy)
    assert raw(np.asarray(y)) == raw(b.rand(7))
    z = a.geometric(0.3, 9, "int32", xp="jax")
    assert raw(np.asarray(z)) == raw(b.geometric(0.3, 9, "int32"))
    if not jax.config.jax_enable_x64:
        before = a.get_state()
        with pytest.raises(ValueError, match="jax_enable_x64"):
            a.randn(3, "float64", xp="jax")
        with pytest.raises(ValueError, match="jax_enable_x64"):
            a.multinomial([1.0, 2.0], 1, xp="jax")
        assert a.get_state() == before


def test_import_pulls_in_neither_torch_nor_jax_nor_numba():
    code = (
        "import sys, unirand.replay as r; g = r.TorchCPUGenerator(1); g.randn(20); g.rand(3);"
        "g.randperm(100); g.multinomial([1.0, 2.0], 2);"
        "print('torch' in sys.modules, 'jax' in sys.modules, 'numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
