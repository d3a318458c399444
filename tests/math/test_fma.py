"""The emulated fused multiply-add is correctly rounded: checked against exact rationals."""

from __future__ import annotations

from fractions import Fraction

import array_api_compat.numpy as xp
import numpy as np
import pytest
from _backends import load, to_numpy

from unirand.math import fma as _fma


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
    from unirand.backends.numpy.float32_ops import NumpyFloat32Ops

    a, b, c = _inputs(np.float32, kind)
    got = NumpyFloat32Ops().fma(a, b, c)
    assert got.tobytes() == _correct(a, b, c, np.float32).tobytes()


def test_numpy_fast_fma_hits_and_fixes_ties():
    """Operands built so that the float64 sum lies exactly halfway between float32 values with
    a nonzero remainder below float64 precision: plain double rounding gets these wrong."""
    from unirand.backends.numpy.float32_ops import NumpyFloat32Ops

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


def _midpoint_operands(n: int, seed: int, kind: str):
    """float32 operands whose float64 sum ``RN64(a*b + c)`` is a float32 midpoint.

    ``exact``: the float64 sum is exact (its double rounding is innocuous).  ``below`` and
    ``above``: ``a*b = +-2**(k-24) * (1 - m**2 * 2**-46)`` (``a = 1 + m*2**-23``,
    ``b ~ 1 - m*2**-23``) next to ``c`` in ``[2**k, 2**(k+1))``, so the exact sum lies a hair
    below (same signs) or above (opposite signs) the midpoint next to ``c`` and float64 rounds it
    onto the midpoint: the double rounding goes wrong for about half of them.
    """
    rng = np.random.default_rng(seed)
    if kind == "exact":
        m = rng.integers(2**23, 2**24, n).astype(np.float64)
        a = (m * 2.0**-23).astype(np.float32)  # in [1, 2)
        b = np.full(n, 1.0 + 2.0**-23, np.float32)
        p = a.astype(np.float64) * np.float64(b[0])
        mid = np.floor(p * 2**23) / 2**23 + 2.0**-24
        c = (mid - p).astype(np.float32)
        return a, b, np.where(c == 0, np.float32(2.0**-24), c).astype(np.float32)
    m = rng.integers(1, 300, n).astype(np.float64)
    k = rng.integers(-20, 20, n).astype(np.float64)
    sign = rng.choice([-1.0, 1.0], n)
    a = (1.0 + m * 2.0**-23).astype(np.float32)
    b = (sign * (1.0 - m * 2.0**-23) * 2.0 ** (k - 24)).astype(np.float32)
    c_sign = sign if kind == "below" else -sign
    c = (c_sign * rng.integers(2**23 + 1, 2**24, n) * 2.0 ** (k - 23)).astype(np.float32)
    return a, b, c


def test_shared_tie_fix_is_correctly_rounded():
    """``fix_float32_ties`` (NumPy's and PyTorch's float32 FMA) on exact and inexact ties."""
    for kind in ("exact", "below", "above"):
        a, b, c = _midpoint_operands(400, 2, kind)
        s = a.astype(np.float64) * b + c
        out = s.astype(np.float32)
        tie = _fma.float32_ties(s, _bitcast)
        assert tie.all()
        want = _correct(a, b, c, np.float32)
        assert (out.tobytes() == want.tobytes()) == (kind == "exact")  # double rounding fails
        got = _fma.fix_float32_ties(xp, out, tie, a, b, c, _bitcast)
        assert got.tobytes() == want.tobytes()


def test_wide_float32_fma_on_torch_fixes_ties():
    torch = load("torch")
    from unirand.backends.torch import BACKEND

    a, b, c = _midpoint_operands(300, 3, "above")
    ops = BACKEND.float32_ops()
    got = ops.fma(*(torch.from_numpy(v) for v in (a, b, c)))
    assert to_numpy(got).tobytes() == _correct(a, b, c, np.float32).tobytes()


def _workspace_fma(a, b, c, checked: bool):
    from unirand.backends.numpy.normal import Workspace

    ws = Workspace(len(a), checked=checked)
    out = np.empty(len(a))
    ws.fma(a.astype(np.float64), b.astype(np.float64), c.astype(np.float64), out, None)
    bad = np.unique(np.concatenate(ws.bad)) if ws.bad else np.array([], np.int64)
    return out.astype(np.float32), bad


@pytest.mark.parametrize("kind", ["exact", "below", "above"])
def test_fast_erf_inv_fma_flags_exactly_the_inexact_ties(kind):
    """The float64-buffer FMA of the fast NumPy ``erf_inv`` rounds twice; its check must flag
    every inexact float32 tie of the float64 sum (a superset of the wrong double roundings)
    and no exact one (exact sums are harmless), so that only real suspects are recomputed."""
    a, b, c = _midpoint_operands(500, 4, kind)
    extra = _inputs(np.float32, "random")
    a, b, c = (np.concatenate([v, w]) for v, w in zip((a, b, c), extra, strict=True))
    want = _correct(a, b, c, np.float32)
    got, bad = _workspace_fma(a, b, c, checked=True)
    s = a.astype(np.float64) * b + c
    inexact_ties = [
        i
        for i in np.flatnonzero(_fma.float32_ties(s, _bitcast))
        if Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])) != s[i]
    ]
    assert np.array_equal(bad, inexact_ties)
    wrong = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
    assert np.isin(wrong, bad).all()
    assert (len(wrong) > 0) == (kind != "exact")
    fast, none = _workspace_fma(a, b, c, checked=False)
    assert fast.tobytes() == got.tobytes() and len(none) == 0


def _normal_uniforms(nmant: int) -> np.ndarray:
    """Every value ``normal``'s uniform takes for a dtype with ``nmant`` mantissa bits:
    ``k * 2**-(nmant-1) + nextafter(-1, 0)`` (exact in float32)."""
    k = np.arange(2**nmant, dtype=np.float64)
    return k * 2.0 ** -(nmant - 1) - (1.0 - 2.0 ** -(nmant + 1))


@pytest.mark.parametrize("nmant", [23, 10, 7], ids=["float32", "float16", "bfloat16"])
def test_fast_erf_inv_has_no_inexact_tie_on_normals_domain(nmant):
    """Exhaustive: on every uniform ``normal`` can draw, no FMA of the fast NumPy ``erf_inv``
    meets an inexact float32 tie, so its unchecked mode is exact there (proof by enumeration:
    2**23 inputs for float32, each FMA's float64 sum checked by TwoSum)."""
    from unirand.backends.numpy.normal import Workspace

    u = _normal_uniforms(nmant)
    size = 1 << 16
    ws = Workspace(size, checked=True)
    out = np.empty(size)
    for start in range(0, len(u), size):
        x = u[start : start + size]
        ws.erf_inv(x, out[: len(x)])
        assert not ws.bad, x[np.concatenate(ws.bad)]


def test_fast_erf_inv_equals_reference():
    """The fast NumPy ``erf_inv`` against :func:`_xla_math.erf_inv_f32_by_branch`: on
    ``normal``'s uniforms (unchecked mode) and on any float32 (checked mode, edge values)."""
    from unirand.backends.numpy.float32_ops import NumpyFloat32Ops
    from unirand.backends.numpy.normal import Workspace, erf_inv_f32
    from unirand.math import xla_erf_inv as _xla_math

    ops = NumpyFloat32Ops()
    rng = np.random.default_rng(7)
    u = rng.choice(_normal_uniforms(23), 1 << 15)
    ws = Workspace(len(u), checked=False)
    out = np.empty(len(u))
    ws.erf_inv(u, out)
    ref = _xla_math.erf_inv_f32_by_branch(ops, u.astype(np.float32))
    assert out.astype(np.float32).tobytes() == ref.tobytes()

    bits = rng.integers(0, 2**32, 1 << 14, dtype=np.uint64).astype(np.uint32)
    edge = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.0, np.inf, -np.inf, np.nan, 1e-45, -1e-30]
    x = np.concatenate([bits.view(np.float32), np.float32(edge)])
    x = x[np.isnan(x) | (np.abs(x) <= 1)]  # |x| > 1 is NaN in XLA: no claim beyond
    with np.errstate(invalid="ignore"):  # signalling NaNs among the random bits
        want = _xla_math.erf_inv_f32_by_branch(ops, x)
        assert erf_inv_f32(ops, x).tobytes() == want.tobytes()
        assert erf_inv_f32(ops, x, chunk=1000).tobytes() == want.tobytes()


def test_fast_erf_inv_maps_flags_to_input_positions(monkeypatch):
    """Flags raised inside a branch (on gathered elements) land on the input's positions: with
    every float64 sum counted as a tie, an element is flagged in a batch exactly when it is
    flagged alone (where it has an inexact FMA sum)."""
    from unirand.backends.numpy.normal import Workspace

    monkeypatch.setattr(_fma, "TIE_MASK", 0)
    monkeypatch.setattr(_fma, "TIE_BITS", 0)
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.uniform(-1, 1, 300), rng.choice(_normal_uniforms(23), 100)])
    x = x.astype(np.float32).astype(np.float64)
    ws = Workspace(len(x), checked=True)
    ws.erf_inv(x, np.empty(len(x)))
    batch = np.zeros(len(x), bool)
    batch[np.concatenate(ws.bad)] = True
    alone = np.zeros(len(x), bool)
    for i in range(len(x)):
        ws.erf_inv(x[i : i + 1], np.empty(1))
        alone[i] = bool(ws.bad)
    assert 0 < batch.sum() < len(x)
    assert np.array_equal(batch, alone)


@pytest.mark.parametrize("name", ["numpy", "torch", "jax", "array_api_strict"])
def test_every_backend_fma_keeps_ieee_sign_of_zero(name):
    """fma(0, -b, -0) = -0 and fma(0, b, -0) = +0: XLA's log1p(-0.0) is -0.0 through one."""
    load(name)
    from unirand import backends

    backend = backends.resolve(name)
    combos = [
        (a, b, c) for a in (0.0, -0.0, 1.0) for b in (0.0, -0.0, 2.0, -2.0) for c in (0.0, -0.0)
    ]
    a, b, c = (np.array(v) for v in zip(*combos, strict=True))
    want = a * b + c  # every rounding exact: IEEE's sign rules
    for dtype, ops in (("float32", backend.float32_ops), ("float64", backend.float64_ops)):
        if name == "jax" and dtype == "float64":
            continue  # needs x64; float64 Dekker is the same code as float32 there
        args = (backend.from_numpy(v.astype(dtype), None) for v in (a, b, c))
        got = to_numpy(ops().fma(*args)).astype(np.float64)
        assert np.array_equal(np.signbit(got), np.signbit(want)) and np.array_equal(got, want)
