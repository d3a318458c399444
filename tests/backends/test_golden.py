"""Every golden case from JAX, bytes compared, on every installed backend and JAX path.

The vectors were generated from jax.random by conformance/generate_jax_vectors.py (jax 0.10.2,
x64 on, partitionable threefry, XLA:CPU with FMA); nothing here was produced by unirand.
"""

from __future__ import annotations

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, cases, run

import unirand

CASES = cases()
IDS = [c["name"] for c in CASES]
WIDE = ("uint64", "float64")


def _wide(case) -> bool:
    return case.get("dtype") in WIDE


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("backend", ["numpy", "torch", "array_api_strict"])
def test_array_backends(case, backend):
    xp = load(backend)
    key = apply_ops(unirand.key(case["seed"]).to(xp), case["ops"])
    if backend == "array_api_strict" and case.get("dtype") in ("float16", "bfloat16"):
        with pytest.raises(TypeError, match=f"no dtype {case['dtype']}"):
            run(case, key)
        return
    assert_matches(case, to_numpy(run(case, key)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy_key_computed_elsewhere(case):
    """A NumPy key asked for another library's output (``xp=``) gives the same bytes."""
    torch = load("torch")
    key = apply_ops(unirand.key(case["seed"]), case["ops"])
    assert_matches(case, to_numpy(run(case, key, xp=torch)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("x64", [False, True], ids=["x64-off", "x64-on"])
def test_jax_native(case, x64):
    with jax_x64(x64) as jax:
        key = apply_ops(unirand.key(case["seed"]).to(jax), case["ops"])
        if _wide(case) and not x64:
            with pytest.raises(TypeError, match="jax_enable_x64"):
                run(case, key)
            return
        assert_matches(case, to_numpy(run(case, key)))


def _sample(step: int):
    return [c for i, c in enumerate(CASES) if i % step == 0]


@pytest.mark.parametrize("case", _sample(4), ids=[c["name"] for c in _sample(4)])
def test_jax_native_under_jit(case):
    with jax_x64(True) as jax:
        key = unirand.key(case["seed"]).to(jax)
        out = jax.jit(lambda k: run(case, apply_ops(k, case["ops"])))(key)
        assert_matches(case, to_numpy(out))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jax_reference_engine(case):
    """The array-API engine itself (not jax.random) on jax.numpy."""
    with jax_x64(True) as jax:
        from unirand.backends.jax import REFERENCE

        key = apply_ops(unirand.key(case["seed"]).to(REFERENCE), case["ops"])
        assert_matches(case, to_numpy(run(case, key)))
        del jax


def _jit_cases():
    """Every float case (the FMA emulation must survive XLA's optimizer), a sample of the rest."""
    return [c for i, c in enumerate(CASES) if c["fn"] in ("uniform", "normal") or i % 6 == 0]


@pytest.mark.parametrize("case", _jit_cases(), ids=[c["name"] for c in _jit_cases()])
def test_jax_reference_engine_under_jit(case):
    with jax_x64(True) as jax:
        from unirand.backends.jax import REFERENCE

        key = unirand.key(case["seed"]).to(REFERENCE)
        out = jax.jit(lambda k: run(case, apply_ops(k, case["ops"])))(key)
        assert_matches(case, to_numpy(out))


def test_vmap_over_split_keys():
    jax = load("jax") and pytest.importorskip("jax")
    keys = unirand.split(unirand.key(3), 4).to(jax)
    batched = jax.vmap(lambda k: unirand.uniform(k, (5,), minval=0.1, maxval=0.7))(keys)
    one_by_one = np.stack(
        [
            np.asarray(unirand.uniform(k, (5,), minval=0.1, maxval=0.7))
            for k in unirand.split(unirand.key(3), 4)
        ]
    )
    assert np.asarray(batched).tobytes() == one_by_one.tobytes()
