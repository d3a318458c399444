"""``log_f64_glibc`` is glibc 2.36's ``log``, bit for bit, on NumPy, PyTorch and JAX.

The oracle is ``conformance/vectors/glibc_log.v1.json`` (the real C library's results, NaN bits
included); no tolerance anywhere.  On a glibc host the function is also checked against
``math.log`` itself on fresh random inputs.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from _backends import jax_x64

from unirand import backends
from unirand.math.glibc_log import log_f64_glibc

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors" / "glibc_log.v1.json"


def _load() -> tuple[np.ndarray, np.ndarray]:
    cases = json.loads(VECTORS.read_text())["cases"]
    x = [int(h, 16) for c in cases for h in c["x"]]
    y = [int(h, 16) for c in cases for h in c["log"]]
    return np.array(x, np.uint64).view(np.float64), np.array(y, np.uint64)


X, WANT = _load()


def _bits(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def _assert_same(got: np.ndarray, x: np.ndarray, want: np.ndarray) -> None:
    bad = _bits(got) != want
    if bad.any():
        i = np.flatnonzero(bad)[:5]
        rows = [f"x={x[j].hex()} got={np.float64(got[j]).hex()} want={want[j]:016x}" for j in i]
        pytest.fail(f"{int(bad.sum())} of {len(x)} differ:\n" + "\n".join(rows))


def test_numpy_vectors():
    ops = backends.by_name("numpy").float64_ops()
    with np.errstate(all="ignore"):
        got = log_f64_glibc(ops, X.copy())
    _assert_same(got, X, WANT)


def test_numpy_shapes():
    """Any shape works (the table lookup flattens and restores it), and 0-d arrays too."""
    ops = backends.by_name("numpy").float64_ops()
    x = X[:24].reshape(2, 3, 4)
    got = log_f64_glibc(ops, x)
    assert got.shape == (2, 3, 4)
    _assert_same(got.reshape(-1), X[:24], WANT[:24])
    one = log_f64_glibc(ops, np.asarray(3.0))
    assert one.shape == () and float(one) == math.log(3.0)


def test_torch_vectors():
    torch = pytest.importorskip("torch")
    ops = backends.by_name("torch").float64_ops()
    got = log_f64_glibc(ops, torch.from_numpy(X.copy()))
    assert got.dtype == torch.float64
    _assert_same(got.numpy(), X, WANT)


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_jax_vectors(jit):
    with jax_x64() as jax:
        ops = backends.by_name("jax:portable").float64_ops()

        def f(x):
            return log_f64_glibc(ops, x)

        fn = jax.jit(f) if jit else f
        got = np.asarray(fn(jax.numpy.asarray(X)))
    _assert_same(got, X, WANT)


def _is_glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):
        return False


@pytest.mark.skipif(not _is_glibc(), reason="math.log is glibc's only on a glibc host")
def test_equals_math_log_on_fresh_inputs():
    """10**5 fresh inputs, log-uniform over all positive finite doubles and dense near 1."""
    rng = np.random.default_rng()
    lo, hi = 1.0 - 2.0**-4, 1.0 + float.fromhex("0x1.09p-4")
    x = np.concatenate([
        rng.integers(1, 0x7FF0000000000000, 60_000, dtype=np.int64).view(np.float64),
        rng.uniform(lo, hi, 40_000),
    ])  # fmt: skip
    want = np.frompyfunc(math.log, 1, 1)(x).astype(np.float64)
    got = log_f64_glibc(backends.by_name("numpy").float64_ops(), x)
    _assert_same(got, x, _bits(want))
