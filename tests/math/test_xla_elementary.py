"""XLA:CPU's ``exp``, ``tan``, ``pow`` and ``lgamma``, bit for bit, on every backend's ops.

The oracle is ``conformance/vectors/xla_math.v1.json``: ``jax.jit(lax.exp)`` (and ``tan``,
``pow``, ``lgamma``) on fixed inputs, every 16-bit pattern for the unary functions, NaN bits
included; nothing here was produced by unirand.  The functions run through
:class:`unirand.samplers.dtype_arith.DtypeArith`, as the samplers call them (16-bit values
carried in float32 and rounded once).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy

from unirand import backends
from unirand.math import xla_libm
from unirand.samplers.dtype_arith import DtypeArith

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors" / "xla_math.v1.json"


@cache
def _file() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _decode(text: str, dt: np.dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dt.newbyteorder("<")).astype(dt)


def _case_inputs(case: dict[str, Any]) -> list[np.ndarray]:
    dt = _np_dtype(case["dtype"])
    if case["inputs"] == "all":
        return [np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dt)]
    return [_decode(case["inputs"][k], dt) for k in ("x", "y") if k in case["inputs"]]


CASES = _file()["cases"]
IDS = [c["name"] for c in CASES]


def _compute(backend_name: str, fn: str, dtype: str, args: list[np.ndarray]) -> np.ndarray:
    backend = backends.by_name(backend_name)
    m = DtypeArith(backend, dtype)
    arrays = [m.load(backend.from_numpy(np.ascontiguousarray(a))) for a in args]
    with np.errstate(all="ignore"):
        out = getattr(m, fn)(*arrays)
    if backend_name == "torch" and dtype == "bfloat16":
        # torch's vectorized float32 -> bfloat16 cast makes every NaN 0xFFFF; the function's
        # result (already rounded, carried in float32) is converted on the host instead
        return to_numpy(out).astype(_np_dtype(dtype))
    return to_numpy(m.out(out))


def _check(case: dict[str, Any], got: np.ndarray, args: list[np.ndarray]) -> None:
    dt = _np_dtype(case["dtype"])
    assert got.dtype == dt and got.shape == (case["count"],)
    raw = np.ascontiguousarray(got).astype(dt.newbyteorder("<")).tobytes()
    want = case["expected"]
    if "sha256" in want:
        assert hashlib.sha256(raw).hexdigest() == want["sha256"], f"{case['name']}: sha256"
        return
    expected = _decode(want["b64"], dt)
    ints = np.dtype(f"uint{dt.itemsize * 8}")
    bad = np.flatnonzero(got.view(ints) != expected.view(ints))
    if bad.size:
        rows = [f"x={[a[i] for a in args]} got={got[i]!r} want={expected[i]!r}" for i in bad[:5]]
        pytest.fail(f"{case['name']}: {bad.size} of {got.size} differ:\n" + "\n".join(rows))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_numpy_ops(case):
    args = _case_inputs(case)
    _check(case, _compute("numpy", case["fn"], case["dtype"], args), args)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_torch_ops(case):
    load("torch")
    args = _case_inputs(case)
    _check(case, _compute("torch", case["fn"], case["dtype"], args), args)


_WIDE_CASES = [c for c in CASES if c["dtype"] in ("float32", "float64")]


@pytest.mark.parametrize("case", _WIDE_CASES, ids=[c["name"] for c in _WIDE_CASES])
def test_array_api_strict_ops(case):
    load("array_api_strict")
    args = _case_inputs(case)
    _check(case, _compute("array_api_strict", case["fn"], case["dtype"], args), args)


@pytest.mark.parametrize("case", _WIDE_CASES, ids=[c["name"] for c in _WIDE_CASES])
def test_jax_reference_ops_under_jit(case):
    """The engine on ``jax.numpy`` inside ``jax.jit`` (FMA emulation behind barriers, the C
    library through ``pure_callback``)."""
    with jax_x64(True) as jax:
        from unirand.backends.jax import REFERENCE

        m = DtypeArith(REFERENCE, case["dtype"])
        args = _case_inputs(case)
        fn = jax.jit(lambda *a: getattr(m, case["fn"])(*a))
        got = np.asarray(fn(*(jax.numpy.asarray(a) for a in args)))
        _check(case, got, args)


def test_vectors_cover_every_function_and_dtype():
    header = _file()["header"]
    assert header["schema"] == "unirand.xla_math.v1"
    names = {(c["fn"], c["dtype"]) for c in CASES}
    fns, dtypes = ("exp", "tan", "pow", "lgamma"), ("float16", "bfloat16", "float32", "float64")
    assert names == {(f, d) for f in fns for d in dtypes}
    sampled = [c for c in CASES if c["inputs"] != "all"]
    assert all(c["count"] >= 5000 for c in sampled)


def test_lgamma_without_reflection_is_the_same():
    """``lgamma`` skips the reflection (and its ``sin`` calls) when no element is below 0.5:
    the values it selects do not change."""
    m = DtypeArith(backends.by_name("numpy"), "float32")
    x = np.arange(1, 3000, dtype=np.float32) * np.float32(0.37) + np.float32(0.5)
    from unirand.math.xla_lgamma import lgamma_xla
    from unirand.math.xla_libm import c_sin

    with np.errstate(all="ignore"):
        full = lgamma_xla(m.ops, x, False, c_sin)
    assert m.lgamma(x).tobytes() == full.tobytes()


def test_libm_rejects_mixed_dtypes():
    with pytest.raises(TypeError, match="one dtype"):
        xla_libm.c_pow(np.ones(3, np.float32), np.ones(3, np.float64))


def test_mxcsr_restored():
    """The flush-to-zero block restores the thread's state: subnormals survive after it."""
    tiny = np.float64(5e-324)
    with xla_libm.xla_mxcsr():
        pass
    assert tiny * 1.0 == tiny and np.float32(1e-40) * np.float32(1.0) != 0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", ["pow", "tan", "sin"])
def test_compiled_libm_loop_is_the_per_element_c_call(fn, dtype):
    """The Numba loop over the C function's pointer gives the bytes of one ctypes call per
    element (the definition), on the probe's 6,000 inputs and on subnormals, under XLA's MXCSR."""
    pytest.importorskip("numba")
    dt = np.dtype(dtype)
    tiny = np.array(
        [1e-40, -1e-40, 1e-45, 2.0**-149] if dtype == "float32" else [5e-324, -1e-310], dt
    )
    inputs = [xla_libm._probe_inputs(dt, fn == "pow")]
    inputs.append((np.abs(tiny), np.full(tiny.shape, 0.5, dt)) if fn == "pow" else (tiny,))
    if fn == "pow":
        inputs.append((np.full(tiny.shape, 0.75, dt), tiny))
    if dtype == "float32":  # signalling NaNs keep their bits on both paths
        snan = np.array([0x7F800001, 0xFFA00000], np.uint32).view(np.float32)
        inputs.append((snan, np.zeros(2, dt)) if fn == "pow" else (snan,))
    for args in inputs:
        got = xla_libm._by_loop(fn, args)
        if got is None:
            pytest.skip("the compiled loop is off (UNIRAND_NUMBA=0): the ctypes path runs alone")
        assert got.tobytes() == xla_libm._by_ctypes(fn, args).tobytes()
