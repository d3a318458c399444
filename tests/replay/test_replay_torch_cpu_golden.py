"""``TorchCPUGenerator`` against the bytes recorded from real torch (no torch needed here).

Every call of every recorded program (``conformance/vectors/torch_cpu*.v1.json``, both the
host's AVX-512/AVX2 kernels and ``ATEN_CPU_CAPABILITY=default``) and the generator state after
each program, replayed on NumPy; the distributions file is replayed on JAX too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os

import numpy as np
import pytest
from replay_golden import FILES, GLIBC, GOLDEN, cases, needs_libm, raw, replay

from unirand.replay import TorchCPUGenerator
from unirand.replay.torch_cpu import DEFAULT_SEED


def _params(name: str, *, large: bool = False) -> list:
    return [
        pytest.param(cap, case, id=f"{cap}-{case['name']}")
        for cap, case in cases(name, large=large)
    ]


def _check(name: str, capability: str, case: dict, xp=None) -> None:
    if needs_libm(capability, case) and not GLIBC:
        pytest.skip("these values call the host libm; the goldens come from glibc x86-64")
    table = GOLDEN[name].get("weights")
    g = TorchCPUGenerator(case["seed"], cpu_capability=capability)
    for i, call in enumerate(case["calls"]):
        got = raw(replay(g, call, table, xp))
        exp = call["expected"]
        assert len(got) == exp["nbytes"], (i, call["op"])
        if "hex" in exp:
            assert got.hex() == exp["hex"], (i, call)
        assert hashlib.sha256(got).hexdigest() == exp["sha256"], (i, call)
    assert hashlib.sha256(g.get_state()).hexdigest() == case["final_state_sha256"]


@pytest.mark.parametrize("capability,case", _params(FILES[0]))
def test_golden_programs(capability, case):
    """rand/randn/randint/normal/uniform/bernoulli/randperm programs, call by call."""
    _check(FILES[0], capability, case)


@pytest.mark.parametrize("capability,case", _params(FILES[1]))
def test_golden_distribution_programs(capability, case):
    """random_/exponential_/geometric_/cauchy_/log_normal_/multinomial/RandomSampler/randperm."""
    _check(FILES[1], capability, case)


@contextlib.contextmanager
def _x64():
    import jax

    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", old)


def _on_jax(param) -> bool:
    capability, case = param.values
    return capability != "default" and all(c["op"] != "random_sampler" for c in case["calls"])


@pytest.mark.parametrize("capability,case", [p for p in _params(FILES[1]) if _on_jax(p)])
def test_golden_distribution_programs_on_jax(capability, case):
    """The same bytes with ``xp=jax`` (x64 on, for the int64/float64 results); the sampler
    recipe builds its order on NumPy, so its programs are left out."""
    pytest.importorskip("jax")
    with _x64():
        _check(FILES[1], capability, case, xp="jax")


@pytest.mark.skipif(not os.environ.get("UNIRAND_EXHAUSTIVE"), reason="UNIRAND_EXHAUSTIVE=1")
@pytest.mark.parametrize("capability,case", _params(FILES[1], large=True) or [("none", None)])
def test_golden_large_randperm(capability, case):
    """``randperm(214748364)``: torch's inside-out shuffle (about a minute, 2 GB)."""
    if case is None:
        pytest.skip("the file was written without --large")
    _check(FILES[1], capability, case)


def test_golden_headers_and_coverage():
    for name in FILES:
        h = GOLDEN[name]["header"]
        assert h["torch"].startswith("2.") and h["machine"] and h["host_cpu_capability"]
    calls = [c for g in GOLDEN[FILES[0]]["groups"] for case in g["cases"] for c in case["calls"]]
    assert len(calls) > 2000
    assert {c["dtype"] for c in calls if c["op"] == "randn"} == {
        "float16", "bfloat16", "float32", "float64",
    }  # fmt: skip
    new = [c for g in GOLDEN[FILES[1]]["groups"] for case in g["cases"] for c in case["calls"]]
    ops = {c["op"] for c in new}
    assert {"random", "exponential", "geometric", "cauchy", "log_normal", "multinomial"} <= ops
    assert {"random_sampler", "randperm"} <= ops
    random_dtypes = {c["dtype"] for c in new if c["op"] == "random"}
    assert random_dtypes == {
        "bool", "uint8", "int8", "int16", "int32", "int64",
        "float16", "bfloat16", "float32", "float64",
    }  # fmt: skip
    assert {c["replacement"] for c in new if c["op"] == "multinomial"} == {False, True}
    assert any(c["op"] == "randperm" and c["n"] >= 10**7 for c in new)
    assert {g["cpu_capability"] for g in GOLDEN[FILES[1]]["groups"]} >= {"default"}


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
    assert raw(a) == raw(b)
    assert raw(TorchCPUGenerator(-1).rand(9)) == raw(TorchCPUGenerator(2**32 - 1).rand(9))
