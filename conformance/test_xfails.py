"""The xfail lists say what unirand/report/claims.py says, the report's source of truth."""

from __future__ import annotations

from typing import Any

from unirand.report import golden as _golden, plan as _plan
from unirand.report.claims import claim
from unirand.report.targets import KNOWN, Target

COLUMNS = list(_plan.plan(_golden.load_all()[1]))
#: every kind of row the report can have, on a CPU and on a GPU, installed or not
ROWS = [
    Target("numpy"),
    *(Target("torch", d) for d in ("cpu", "cuda:0", "mps")),
    *(
        Target("jax", d, p, x)
        for d in ("cpu:0", "gpu:0")
        for p in ("native", "portable")
        for x in (False, True)
    ),
    Target("array_api_strict"),
    Target("cupy"),
]


def test_every_file_is_a_backend(xfail_lines):
    assert {e.backend for e in xfail_lines} <= set(KNOWN)
    assert all(e.reason.strip() for e in xfail_lines)


def test_unsupported_dtypes_agree(expectation_of: Any):
    """A dtype the report calls unsupported is a TypeError xfail, and only such a dtype."""
    for target in ROWS:
        for column in COLUMNS:
            e = expectation_of(target, column)
            said = claim(target, column).kind == "unsupported"
            assert said == (e is not None and e.raises is TypeError), (target.id, column, e)


def test_error_bounds_agree(expectation_of: Any):
    """Where the docs claim a ULP or error bound (measured devices), the xfail line has it."""
    for target in ROWS:
        for column in COLUMNS:
            c, e = claim(target, column), expectation_of(target, column)
            if c.kind == "ulp":
                assert e is not None and e.max_ulp == c.ulp, (target.id, column, e)
            elif c.kind == "err":
                assert e is not None and e.max_err == c.err, (target.id, column, e)
            elif c.kind == "bitwise":
                assert e is None, (target.id, column, e)


def test_every_line_is_used(xfail_lines, expectation_of: Any):
    used = {expectation_of(t, c) for t in ROWS for c in COLUMNS}
    assert [e.where for e in xfail_lines if e not in used] == []
