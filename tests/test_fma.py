"""The emulated fused multiply-add is correctly rounded: checked against exact rationals."""

from __future__ import annotations

from fractions import Fraction

import array_api_compat.numpy as xp
import numpy as np
import pytest
from _backends import load, to_numpy

from unirand import _fma


def _bitcast(x, name):
    return x.view(np.dtype(name))


def _correct(a, b, c, dtype) -> np.ndarray:
    """RN(a*b + c) via exact rational arithmetic, ties to even."""
    out = []
    for ai, bi, ci in zip(a.tolist(), b.tolist(), c.tolist(), strict=False):
        exact = Fraction(ai) * Fraction(bi) + Fraction(ci)
        if dtype == np.float64:
            out.append(float(exact))  # Fraction -> float is correctly rounded
            continue
        near = np.float32(float(exact))
        cands = [
            np.nextafter(near, np.float32(-np.inf)),
            near,
            np.nextafter(near, np.float32(np.inf)),
        ]
        errs = [abs(Fraction(float(v)) - exact) for v in cands]
        best = [v for v, e in zip(cands, errs, strict=False) if e == min(errs)]
        out.append(
            best[0] if len(best) == 1 else next(v for v in best if int(v.view(np.uint32)) % 2 == 0)
        )
    return np.asarray(out, dtype)


def _inputs(dtype, kind: str, n: int = 3000):
    rng = np.random.default_rng(abs(hash((kind, np.dtype(dtype).name))) % 2**32)
    a = rng.uniform(0.5, 1, n).astype(dtype)
    b = rng.uniform(-10, 10, n).astype(dtype)
    if kind == "random":
        c = rng.uniform(-5, 5, n).astype(dtype)
    elif kind == "cancel":  # c close to -a*b: massive cancellation
        c = (-(a.astype(np.float64) * b)).astype(dtype)
    elif kind == "tiny":  # c far below the product's last bit: sticky-bit cases
        c = (rng.choice([-1.0, 1.0], n) * np.ldexp(1.0, rng.integers(-90, -20, n))).astype(dtype)
    elif kind == "grid":  # few-bit operands land products exactly on rounding midpoints
        nm = 24 if dtype == np.float32 else 53
        a = (rng.integers(1, 2**12, n) * 2.0**-12).astype(dtype)
        b = (rng.integers(2 ** (nm - 1), 2**nm, n, dtype=np.int64) * 2.0**-nm).astype(dtype)
        c = (rng.integers(1, 2**20, n) * 2.0**-20).astype(dtype)
    else:
        raise ValueError(kind)
    return a, b, c


@pytest.mark.parametrize("kind", ["random", "cancel", "tiny", "grid"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_fma_is_correctly_rounded(dtype, kind):
    a, b, c = _inputs(dtype, kind)
    fma = _fma.fma_f32 if dtype == np.float32 else _fma.fma_f64
    got = fma(xp, a, b, c, _bitcast)
    want = _correct(a, b, c, dtype)
    assert got.dtype == dtype
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fma_same_bytes_on_torch(dtype):
    torch = load("torch")
    from unirand.backends.torch import BACKEND

    a, b, c = _inputs(np.dtype(dtype).type, "grid")
    fma = _fma.fma_f32 if dtype == "float32" else _fma.fma_f64
    ref = fma(xp, a, b, c, _bitcast)
    got = fma(BACKEND.xp, *(torch.from_numpy(v) for v in (a, b, c)), BACKEND.bitcast)
    assert to_numpy(got).tobytes() == ref.tobytes()


def test_round_to_odd_sets_sticky_bit():
    s = np.array([1.0, 1.0, -1.0, 2.0])
    err = np.array([0.0, 1e-30, 1e-30, -1e-30])
    got = _fma.round_to_odd(xp, s, err, _bitcast)
    assert got[0] == 1.0  # exact stays
    assert got[1] == np.nextafter(1.0, 2.0)  # up, towards the error
    assert got[2] == np.nextafter(-1.0, 0.0)  # error against the sign: towards zero
    assert got[3] == np.nextafter(2.0, 0.0)


@pytest.mark.parametrize("kind", ["random", "cancel", "tiny", "grid"])
def test_float32_only_fma_is_correctly_rounded(kind):
    """The float32-only algorithm (for libraries without float64) gives the same bytes."""
    a, b, c = _inputs(np.float32, kind)
    got = _fma.fma_dekker(xp, a, b, c, _bitcast, "float32")
    assert got.dtype == np.float32
    assert got.tobytes() == _correct(a, b, c, np.float32).tobytes()


@pytest.mark.parametrize("kind", ["random", "cancel", "tiny", "grid"])
def test_numpy_fast_fma_is_correctly_rounded(kind):
    """NumPy's fast float32 FMA (float64 sum, exact fix-up of float32 ties)."""
    from unirand.backends.numpy import NumpyFloat32Ops

    a, b, c = _inputs(np.float32, kind)
    got = NumpyFloat32Ops().fma(a, b, c)
    assert got.tobytes() == _correct(a, b, c, np.float32).tobytes()


def test_numpy_fast_fma_hits_and_fixes_ties():
    """Operands built so that the float64 sum lies exactly halfway between float32 values with
    a nonzero remainder below float64 precision: plain double rounding gets these wrong."""
    from unirand.backends.numpy import NumpyFloat32Ops

    rng = np.random.default_rng(1)
    m = rng.integers(2**23, 2**24, 500).astype(np.float64)
    a = (m * 2.0**-23).astype(np.float32)  # in [1, 2)
    b = np.float32(1.0 + 2.0**-23)
    # a*b = a + a*2**-23 exactly; pick c so that a*b + c = (midpoint) + tiny
    p = a.astype(np.float64) * np.float64(b)
    mid = np.floor(p * 2**23) / 2**23 + 2.0**-24
    c = (mid - p).astype(np.float32)
    c = np.where(c == 0, np.float32(2.0**-24), c).astype(np.float32) + np.float32(2.0**-60)
    got = NumpyFloat32Ops().fma(a, np.full_like(a, b), c)
    s = a.astype(np.float64) * np.float64(b) + c.astype(np.float64)
    assert ((s.view(np.int64) & 0x1FFFFFFF) == 0x10000000).any()  # ties really happen
    assert got.tobytes() == _correct(a, np.full_like(a, b), c, np.float32).tobytes()
