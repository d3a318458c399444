"""Error-bound claims (``err``) and JAX's 32-bit integers without x64, in the report's code."""

from __future__ import annotations

import numpy as np

from unirand.report import cell as _cell
from unirand.report.claims import Claim, claim
from unirand.report.conformance import _verdict
from unirand.report.targets import Target
from unirand.report.ulp import compare, mixed_error


def test_mixed_error_is_absolute_below_one_and_relative_above():
    want = np.array([1e-20, 0.5, 4.0, -8.0])
    got = np.array([1e-20 + 2.0**-60, 0.5, 4.0 * (1 + 2.0**-50), -8.0])
    assert mixed_error(got, want) == 2.0**-50
    got = np.array([1e-20 + 2.0**-49, 0.5, 4.0, -8.0])
    assert mixed_error(got, want) == 2.0**-49
    assert mixed_error(np.array([np.nan, np.inf]), np.array([np.nan, np.inf])) == 0.0
    assert mixed_error(np.array([np.inf]), np.array([1.0])) is None
    assert mixed_error(np.array([3], np.int32), np.array([4], np.int32)) is None


def test_diff_within_an_error_bound():
    want = np.array([1e-17, 1.0, 2.0])
    got = np.array([1e-17 + 2.0**-52, 1.0, 2.0])
    d = compare(got, want)
    assert not d.is_bitwise and d.max_ulp > 1000 and d.max_err == 2.0**-52
    assert not d.within(4)
    assert d.within(0, 2.0**-51) and d.within(0, 2.0**-52) and not d.within(0, 2.0**-53)
    a, b = compare(got, want), compare(want, want)
    b.add(a)
    assert b.max_err == 2.0**-52
    assert "max error" in d.explain()


def test_torch_float64_claims():
    """torch's float64 samplers are bitwise since their log is glibc's, emulated (issue 10)."""
    torch_cpu = Target("torch", "cpu")
    for col in ("normal", "exponential", "gumbel", "truncated_normal"):
        assert claim(torch_cpu, f"{col}/float64").kind == "bitwise"
    assert claim(Target("numpy"), "gumbel/float64").kind == "bitwise"


def _cell_with(max_ulp: int, max_err: float | None) -> dict:
    golden = {
        "cases": 1,
        "cases_bitwise": 0,
        "elements": 10,
        "elements_bitwise": 9,
        "max_ulp": max_ulp,
        "max_err": max_err,
    }
    return {"error": None, "golden": golden, "cross_check": None}


def test_err_claim_verdict():
    c = Claim("err", reason="a documented bound", err=2.0**-51)
    assert _verdict(_cell_with(5000, 2.0**-52), c, strict=False) == ("differs", True)
    assert _verdict(_cell_with(5000, 2.0**-50), c, strict=False) == ("differs", False)
    assert _verdict(_cell_with(5000, None), c, strict=False) == ("differs", False)
    bitwise = claim(Target("numpy"), "gumbel/float64")
    assert _verdict(_cell_with(1, 2.0**-60), bitwise, strict=False) == ("differs", False)


def test_jax_without_x64_int32_compared_as_int64():
    off, on = Target("jax", "cpu:0", "native", False), Target("jax", "cpu:0", "native", True)
    got = np.array([1, 2, 3], np.int32)
    assert _cell.widened(off, got).dtype == np.int64
    assert _cell.widened(on, got).dtype == np.int32
    assert _cell.widened(Target("numpy"), got).dtype == np.int32
    assert _cell.widened(off, np.array([1.0], np.float32)).dtype == np.float32
