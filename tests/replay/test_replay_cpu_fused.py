"""``unirand.replay._cpu_fused``: the kernels' multiply-adds, fused and not, for every input.

The fused float64 operation is Dekker's emulation where that is valid and exact rationals
elsewhere (huge, tiny and non-finite operands); both must equal ``RN(a*b + c)``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from unirand.replay._cpu_fused import madd32, madd64


def _exact(a: float, b: float, c: float) -> float:
    """``RN(a*b + c)`` for finite operands, through exact rationals."""
    s = Fraction(a) * Fraction(b) + Fraction(c)
    try:
        return float(s) if s != 0 else a * b + c
    except OverflowError:
        return math.inf if s > 0 else -math.inf


def test_madd64_fused_equals_exact_rounding_everywhere():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(4000) * 2.0 ** rng.integers(-1060, 1020, 4000)
    b = rng.standard_normal(4000) * 2.0 ** rng.integers(-600, 600, 4000)
    c = rng.standard_normal(4000) * 2.0 ** rng.integers(-1070, 1020, 4000)
    a[:50], b[:50], c[:50] = 1.0 + 2.0**-30, 1.0 - 2.0**-30, -1.0  # cancellation
    with np.errstate(all="ignore"):
        got = madd64(a, b, c, True)
    want = [_exact(x, y, z) for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)]
    np.testing.assert_array_equal(got, np.array(want))


def test_madd64_special_values():
    inf, nan = math.inf, math.nan
    a = np.array([1e308, inf, 0.0, 2.0, -0.0, 1.0])
    b = np.array([10.0, 0.0, 5.0, 3.0, 1.0, 1.0])
    c = np.array([-inf, 1.0, -0.0, nan, -0.0, -1.0])
    with np.errstate(all="ignore"):
        got = madd64(a, b, c, True)
    want = np.array([-inf, nan, 0.0, nan, -0.0, 0.0])
    np.testing.assert_array_equal(got, want)
    assert math.copysign(1, got[2]) == 1 and math.copysign(1, got[4]) == -1


def test_unfused_rounds_the_product_first():
    a, b, c = np.array([1.0 + 2.0**-30]), 1.0 - 2.0**-30, -1.0
    assert madd64(a, b, c, False)[0] == 0.0 and madd64(a, b, c, True)[0] == -(2.0**-60)
    x32 = np.array([1 + 2**-13], np.float32)
    s32 = np.float32(1 - 2**-13)  # the product 1 - 2**-26 rounds to 1 in float32
    assert madd32(x32, s32, np.float32(-1), False)[0] == 0
    assert madd32(x32, s32, np.float32(-1), True)[0] == np.float32(-(2.0**-26))
