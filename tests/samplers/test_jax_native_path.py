"""Both sides of the JAX native-path decision, on any CI host (issue 10).

On JAX a float sampler uses ``jax.random`` only where a probe shows that XLA computes the
specification on this host (:mod:`unirand.samplers.jax_native`); elsewhere the portable engine
runs, exact under ``jax.jit``.  These tests force each side: in this process with
:func:`unirand.samplers.jax_native.forced`, and in subprocesses whose XLA is capped at AVX (no
FMA: XLA rounds twice where the specification fuses, so the float32 probe must fail) or at
AVX2 (the reference platform's code: the probe passes on an x86-64 host with FMA).  Every path
must give the golden vectors' bytes.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.report.golden import call_params
from unirand.report.host import cpu_flags

ROOT = Path(__file__).resolve().parents[2]
jax = pytest.importorskip("jax")
from unirand.samplers import jax_native  # noqa: E402

CASES = {c["name"]: c for c in load_vectors()["cases"]}
#: the issue's example: float16 uniforms on a range that is not a power of two
LARGE_F16 = CASES["uniform/float16/seed=1234/[0.1,0.7)/100000"]
SAMPLERS = {c["name"]: c for c in load_vectors("jax_samplers.v1.json")["cases"]}
F16_TRUNCATED = [
    c
    for name, c in SAMPLERS.items()
    if c["fn"] == "truncated_normal"
    and c["dtype"] in ("float16", "bfloat16")
    and not isinstance(c["params"]["lower"], list)  # scalar bounds (arrays: test_samplers)
]


def _uniform(xp, **kw):
    return unirand.uniform(unirand.key(1234), (10**5,), "float16", 0.1, 0.7, xp=xp, **kw)


def test_float16_uniform_same_bytes_everywhere():
    """The issue's "done when": numpy, torch, JAX eager and jitted, native or portable."""
    assert_matches(LARGE_F16, to_numpy(_uniform("numpy")))
    torch = load("torch")
    assert_matches(LARGE_F16, to_numpy(_uniform(torch)))
    assert_matches(LARGE_F16, to_numpy(_uniform("jax")))
    assert_matches(LARGE_F16, to_numpy(jax.jit(lambda: _uniform("jax"))()))
    assert_matches(LARGE_F16, to_numpy(_uniform("jax:portable")))
    for native in (False, True):
        if native and not jax_native.probe("uniform", "float16"):
            continue  # jax.random itself differs on this host: only the portable path is exact
        with jax_native.forced(native):
            assert_matches(LARGE_F16, to_numpy(_uniform("jax")))
            assert_matches(LARGE_F16, to_numpy(jax.jit(lambda: _uniform("jax"))()))


@pytest.mark.parametrize("case", F16_TRUNCATED, ids=[c["name"] for c in F16_TRUNCATED])
def test_16bit_truncated_normal_portable_path_under_jit(case):
    params = case["params"]
    lower, upper = (float(params[b]) for b in ("lower", "upper"))

    def draw():
        key = apply_ops(unirand.key(case["seed"]), case["ops"])
        return unirand.truncated_normal(
            key, lower, upper, tuple(case["shape"]), case["dtype"], xp="jax"
        )

    with jax_native.forced(False):
        assert_matches(case, to_numpy(draw()))
        assert_matches(case, to_numpy(jax.jit(draw)()))


def test_probe_is_cached_and_listed():
    for x64, variant in ((False, "/x32"), (True, "")):  # jax.random's dtypes differ
        with jax_x64(x64):
            verdict = jax_native.probe("uniform", "float32")
            assert jax_native.probe("uniform", "float32") is verdict
            assert jax_native.decisions()[("cpu", "uniform", "float32", variant)] is verdict


def test_probe_decision_inside_jit_is_concrete():
    """A first use from inside a traced function probes with concrete values, no error."""
    f = jax.jit(lambda: unirand.normal(unirand.key(5), (4,), "bfloat16", xp="jax"))
    want = unirand.normal(unirand.key(5), (4,), "bfloat16")
    assert to_numpy(f()).tobytes() == np.asarray(want).tobytes()


_CHILD = r"""
import json, sys
import numpy as np
import jax
import unirand
from unirand.samplers import jax_native

out = {}
for dtype in ("float16", "bfloat16", "float32"):
    k = unirand.key(1234)
    want = np.asarray(unirand.uniform(k, (4096,), dtype, -3.3, 5.1)).tobytes()
    eager = np.asarray(unirand.uniform(k, (4096,), dtype, -3.3, 5.1, xp="jax")).tobytes()
    f = jax.jit(lambda: unirand.uniform(k, (4096,), dtype, -3.3, 5.1, xp="jax"))
    jit = np.asarray(f()).tobytes()
    t = np.asarray(unirand.truncated_normal(k, -1.7, 2.3, (4096,), dtype)).tobytes()
    tj = np.asarray(unirand.truncated_normal(k, -1.7, 2.3, (4096,), dtype, xp="jax")).tobytes()
    out[dtype] = {
        "native": jax_native.probe("uniform", dtype),
        "same": want == eager == jit and t == tj,
    }
json.dump(out, sys.stdout)
"""


def _child(isa: str) -> dict:
    env = {**os.environ, "XLA_FLAGS": f"--xla_cpu_max_isa={isa}", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


x86_fma = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or "fma" not in (cpu_flags() or ()),
    reason="XLA's ISA cap names x86-64 features; the reference platform has FMA",
)


@x86_fma
def test_fallback_side_xla_without_fma():
    """XLA capped at AVX (no FMA): the float32 probe fails, the portable engine is exact."""
    out = _child("AVX")
    assert out["float32"]["native"] is False
    assert all(v["same"] for v in out.values()), out


@x86_fma
def test_native_side_reference_code():
    """XLA capped at AVX2 computes as the reference platform: native everywhere, exact."""
    out = _child("AVX2")
    assert all(v["native"] for v in out.values()), out
    assert all(v["same"] for v in out.values()), out


# -- loop samplers on JAX: the host's loops, the result on the device --------------------------
#: small golden cases of every loop sampler (gamma, loggamma, poisson, binomial, multinomial)
LOOP_CASES = [
    c
    for name in ("jax_gamma.v1.json", "jax_discrete.v1.json")
    for c in load_vectors(name)["cases"]
    if int(np.prod(c["expected"]["shape"])) <= 300
][::6]


def _loop_run(case, key):
    key = apply_ops(key, case["ops"])
    return call_params(key, case["fn"], case["shape"], case["dtype"], case["params"])


@pytest.mark.parametrize("case", LOOP_CASES, ids=[c["name"] for c in LOOP_CASES])
@pytest.mark.parametrize("engine", ["jax", "jax:portable"])
def test_loop_samplers_on_concrete_jax_keys(case, engine):
    """Both JAX engines give the golden bytes, as a JAX array on the key's device."""
    with jax_x64(True):
        key = unirand.key(case["seed"]).to(engine, "cpu:0")
        got = _loop_run(case, key)
        assert isinstance(got, jax.Array)
        assert got.devices() == {jax.devices("cpu")[0]}
        assert_matches(case, to_numpy(got))


@pytest.mark.parametrize(
    ("module", "loops", "draw"),
    [
        ("gamma", "gamma_core", lambda k: unirand.gamma(k, 0.7, (9,))),
        ("gamma", "gamma_core", lambda k: unirand.loggamma(k, 2.5, (9,), "bfloat16")),
        ("discrete", "poisson_loops", lambda k: unirand.poisson(k, 13.0, (9,))),
        ("discrete", "binomial_loops", lambda k: unirand.binomial(k, 40.0, 0.3, (9,))),
        (
            "discrete",
            "binomial_loops",
            lambda k: unirand.multinomial(k, 20.0, np.array([0.2, 0.3, 0.5], np.float32)),
        ),
    ],
)
@pytest.mark.parametrize("engine", ["jax", "jax:portable"])
def test_loops_run_on_numpy_for_concrete_jax_keys(monkeypatch, module, loops, draw, engine):
    """The host-driven loops run on the NumPy backend, not eagerly on ``jax.numpy`` (which
    took seconds per case): every loop call sees NumPy arrays, and the bytes are NumPy's."""
    import importlib

    mod = importlib.import_module(f"unirand.samplers.{module}")
    real, seen = getattr(mod, loops), []

    def spy(backend, *args, **kwargs):
        seen.append(backend.name)
        return real(backend, *args, **kwargs)

    monkeypatch.setattr(mod, loops, spy)
    want = np.asarray(draw(unirand.key(21)))
    got = draw(unirand.key(21).to(engine))
    assert isinstance(got, jax.Array)
    assert to_numpy(got).tobytes() == want.tobytes()
    assert seen and set(seen) == {"numpy"}


def test_traced_loop_samplers_keep_their_path():
    """Under ``jax.jit`` the host cannot drive a loop: gamma refuses with a clear message;
    poisson calls ``jax.random`` itself (a traced key or parameter), as before."""
    key = unirand.key(3).to("jax")
    with pytest.raises(TypeError, match=r"outside jax\.jit"):
        jax.jit(lambda k: unirand.gamma(k, 0.7, (4,)))(key)
    lam = jax.numpy.float32(4.0)
    got = jax.jit(lambda k, lam: unirand.poisson(k, lam, (5,)))(key, lam)
    native = jax.random.wrap_key_data(unirand.key_data(key), impl="threefry2x32")
    with jax.threefry_partitionable(True):
        want = jax.random.poisson(native, lam, (5,))
    np.testing.assert_array_equal(to_numpy(got), np.asarray(want))
