"""``uniform`` with non-finite bounds: the bytes of real ``jax.random.uniform`` on every backend.

Infinite and NaN bounds (and a range ``maxval - minval`` that overflows) make NaNs whose bits
come from XLA:CPU: x86's default NaN ``0xFFC00000`` for ``inf - inf`` and ``0 * inf``, a NaN
bound's own bits propagated, XLA's ``max`` (a NaN ``minval`` itself, else the sign of a NaN
result and-ed with ``minval``'s), and its 16-bit conversions (bfloat16 ``sign | 0x7FC0``,
float16 the top payload bits quieted).  torch's kernels canonicalize 16-bit NaNs their own way
and the FMA emulation overflowed; these were the strict xfails ``_OTHER_NANS`` of
``tests/test_fuzz_api.py``.  The expected bytes are computed here by real ``jax.random``
(never by unirand), on this host: the default NaN is x86's, so other CPUs are skipped.
"""

from __future__ import annotations

import math
import platform
import subprocess
import sys

import numpy as np
import pytest
from _backends import to_numpy

import unirand

pytestmark = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"),
    reason="XLA:CPU's NaNs are x86's here (its default NaN is negative); other CPUs differ",
)

NAN, INF = math.nan, math.inf
#: (minval, maxval): NaN of either sign, infinities, and ranges that overflow the dtype
PAIRS = [
    (NAN, 1.0),
    (-NAN, 1.0),
    (1.0, NAN),
    (0.0, -NAN),
    (NAN, -NAN),
    (0.0, INF),
    (INF, 1.0),
    (-INF, 1.0),
    (0.0, -INF),
    (-INF, INF),
    (INF, INF),
    (-INF, -INF),
    (INF, -INF),
    (-0.0, INF),
    (-3e38, 3e38),
    (1e30, -1e30),
    (-65504.0, 65504.0),
]
#: (no huge finite values: a finite range above ~8.3e34 overflows the FMA emulation of the
#: portable JAX engine, a documented deviation of docs/streams.md, "Domain")
SPECIALS = np.array([NAN, -NAN, INF, -INF, 0.0, -0.0, 1.0, -1.5, 65504.0, -65504.0])
DTYPES = ["float32", "bfloat16", "float16"]
BACKENDS = ["numpy", "torch", "jax", "jax:portable"]


def _bits(x) -> tuple:
    a = np.asarray(to_numpy(x))
    return str(a.dtype), a.shape, a.view(f"u{a.dtype.itemsize}").tolist()


def _jax_uniform(seed: int, shape, dtype: str, lo, hi):
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    data = np.asarray(to_numpy(unirand.key_data(unirand.key(seed))))
    k = jax.random.wrap_key_data(jnp.asarray(data), impl="threefry2x32")
    with jax.threefry_partitionable(True):
        return jax.random.uniform(k, shape, getattr(jnp, dtype), lo, hi)


def _backend(name: str) -> str:
    pytest.importorskip(name.split(":")[0])
    return name


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_scalar_non_finite_bounds_are_jax_bytes(backend, dtype):
    xp = _backend(backend)
    n = N16 if dtype == "float16" else 64
    for lo, hi in PAIRS:
        for seed in (0, 7):
            want = _bits(_jax_uniform(seed, (n,), dtype, lo, hi))
            got = _bits(unirand.uniform(unirand.key(seed), (n,), dtype, lo, hi, xp=xp))
            assert got == want, (backend, dtype, lo, hi, seed)


#: XLA's float16 NaN signs depend on the lane of its vectorized loop from 32 elements on
#: (unirand/samplers/uniform.py, ``_finite``): the scalar rule is compared below that
N16 = 17


@pytest.mark.parametrize("backend", BACKENDS)
def test_float16_non_finite_bounds_agree_across_backends(backend):
    """From 32 elements XLA's vector lanes give ``+nan`` where its scalar code gives ``-nan``;
    unirand's backends all give the scalar rule's bytes (NumPy's here)."""
    xp = _backend(backend)
    for lo, hi in PAIRS:
        want = _bits(unirand.uniform(unirand.key(1), (100,), "float16", lo, hi))
        got = _bits(unirand.uniform(unirand.key(1), (100,), "float16", lo, hi, xp=xp))
        assert got == want, (backend, lo, hi)
    lo = SPECIALS.astype(np.float32).reshape(-1, 1)
    hi = SPECIALS.astype(np.float32).reshape(1, -1)
    with np.errstate(all="ignore"):
        want = _bits(unirand.uniform(unirand.key(3), (10, 10), "float16", lo, hi))
        got = _bits(unirand.uniform(unirand.key(3), (10, 10), "float16", lo, hi, xp=xp))
    assert got == want


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_array_non_finite_bounds_are_jax_bytes(backend, dtype):
    """Every pair of special values at once, as (n, 1) and (1, n) float32 arrays (float16:
    XLA's vector lanes, below)."""
    xp = _backend(backend)
    lo = SPECIALS.astype(np.float32).reshape(-1, 1)
    hi = SPECIALS.astype(np.float32).reshape(1, -1)
    shape = (len(SPECIALS), len(SPECIALS))
    with np.errstate(all="ignore"):
        want = _bits(_jax_uniform(3, shape, dtype, lo, hi))
        got = _bits(unirand.uniform(unirand.key(3), shape, dtype, lo, hi, xp=xp))
    assert got == want


_FLOAT64_CHILD = r"""
import math, sys
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
import unirand
sys.path.insert(0, sys.argv[1])
from _backends import to_numpy

NAN, INF = math.nan, math.inf
pairs = [(NAN, 1.0), (-NAN, 1.0), (1.0, NAN), (0.0, INF), (INF, 1.0), (-INF, 1.0),
         (-INF, INF), (INF, INF), (0.0, -INF), (-1.7e308, 1.7e308)]
specials = np.array([NAN, -NAN, INF, -INF, 0.0, -0.0, 1.0, -1.5, 1e300])
cases = [((64,), lo, hi) for lo, hi in pairs]
cases.append(((9, 9), specials.reshape(-1, 1), specials.reshape(1, -1)))
bad = 0
for backend in sys.argv[2].split(","):
    for shape, lo, hi in cases:
        data = np.asarray(to_numpy(unirand.key_data(unirand.key(5))))
        k = jax.random.wrap_key_data(jnp.asarray(data), impl="threefry2x32")
        with jax.threefry_partitionable(True):
            want = np.asarray(jax.random.uniform(k, shape, jnp.float64, lo, hi))
        got = np.asarray(to_numpy(unirand.uniform(unirand.key(5), shape, "float64", lo, hi,
                                                  xp=backend)))
        if got.view(np.uint64).tolist() != want.view(np.uint64).tolist():
            bad += 1
            print("differs:", backend, np.ravel(lo)[:3], np.ravel(hi)[:3])
print("cases differing:", bad)
"""


def test_float64_non_finite_bounds_are_jax_bytes():
    """float64 needs ``jax_enable_x64`` (process-wide): in a subprocess."""
    pytest.importorskip("jax")
    names = [b for b in BACKENDS if b.split(":")[0] != "torch" or _has("torch")]
    here = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    r = subprocess.run(
        [sys.executable, "-c", _FLOAT64_CHILD, here, ",".join(names)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().endswith("cases differing: 0"), r.stdout


def _has(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True
