"""One cell of the conformance report: a target and a column, measured.

The golden cases of the column are replayed on the target (the key made there, every op run
there) and compared with the vectors' bytes; then ``size`` elements from a key no vector uses
are drawn on the target and on NumPy and compared (the cross-check).  ``run_cell`` returns a
plain dict, so it can run in a worker process.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import golden as _golden
from .targets import Target
from .ulp import Diff, compare

__all__ = [
    "BASELINE",
    "cross_checked",
    "cross_diff",
    "failed_cell",
    "golden_diff",
    "replay",
    "run_cell",
    "template",
]

#: the cross-check's key: a seed no vector uses, split and folded on the target itself
CROSS_SEED = 0x5EED_C0DE_2024
FOLD_DATA = (0, 1, 7, 123456789, 2**31, 2**32 - 1)
#: what every cross-check compares with (NumPy is itself checked against the vectors)
BASELINE = Target("numpy")


def _host(x: Any) -> np.ndarray:
    from ..backends import to_numpy

    return np.asarray(to_numpy(x))


def widened(target: Target, got: np.ndarray) -> np.ndarray:
    """JAX without x64 gives 32-bit integers where the vectors (x64 on) have 64-bit ones
    (``categorical``'s indices), as JAX itself does: compare their values as 64-bit."""
    if target.backend == "jax" and target.x64 is False and got.dtype.kind in "iu":
        if got.dtype.itemsize == 4:
            return got.astype(np.dtype(f"{got.dtype.kind}8"))
    return got


def golden_diff(case: dict[str, Any], got: np.ndarray, target: Target | None = None) -> Diff:
    """``got`` (computed on ``target``) against the case's expected bytes (ULPs measured
    against NumPy's when the vectors store only a hash and NumPy's bytes have that hash)."""
    if target is not None and case["expected"]["dtype"] in ("int64", "uint64"):
        got = widened(target, got)
    want = _golden.expected_array(case)
    if want is not None:
        return compare(got, want)
    if _golden.matches(case, got):
        return Diff(got.size, got.size, 0)
    base = replay(BASELINE, case)
    if _golden.matches(case, base):
        return compare(got, base)
    return Diff(got.size, 0, None, "sha256 differs (no reference bytes to measure ULPs)")


def replay(target: Target, case: dict[str, Any]) -> np.ndarray:
    """The case's result computed on ``target`` (key made there), as a host array."""
    return _host(_golden.run_case(case, target.key(case["seed"])))


def template(cases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The column's case whose function and arguments the cross-check draws at scale: the
    largest (for uniform, a range whose width is no power of two: the FMA matters).  In the
    ``params`` layout only cases whose array parameters are numbers qualify (any shape
    broadcasts with them) and that can draw any number of values (not ``replace=False``,
    whose sample is bounded by the population); None: no case does."""
    usable = [
        c
        for c in cases
        if "params" not in c
        or (
            c["shape"] is not None
            and _golden.scalar_params(c)
            and c["params"].get("replace", True) is not False
        )
    ]
    # parameters of dtypes every library and JAX mode has first (no bfloat16 or float64 p)
    return max(usable, key=lambda c: (_common_dtypes(c), _golden.elements(c))) if usable else None


def _common_dtypes(case: dict[str, Any]) -> bool:
    return _golden.param_dtypes(case) <= {"float32", "int32", "uint32"}


def _cross_compute(
    column: str, template: dict[str, Any] | None, size: int
) -> Callable[[Any], Any] | None:
    """What the cross-check draws for a column, as a function of a key; None: nothing."""
    import unirand

    if template is None:
        return None
    fn, dtype, kwargs = template["fn"], template.get("dtype"), _golden.params(template)
    if "params" in template:
        return lambda key: _host(_golden.call_params(key, fn, [size], dtype, kwargs))
    if fn not in _golden.KEY_FNS:
        return lambda key: _host(_golden.call(key, fn, (size,), dtype, kwargs))
    if column == "split":
        return lambda key: _host(unirand.key_data(unirand.split(key, size)))
    if column == "fold_in":
        return lambda key: np.stack(
            [_host(unirand.key_data(unirand.fold_in(key, d))) for d in FOLD_DATA]
        )
    return None


def _cross_key(target: Target) -> Any:
    import unirand

    return unirand.fold_in(unirand.split(target.key(CROSS_SEED), 3)[1], 7)


#: NumPy's side of each cross-check, computed once per process: every other row of the column
#: compares with the same bytes (a loop sampler's 131073 values take NumPy seconds)
_BASELINES: dict[tuple[str, str | None, int], np.ndarray] = {}


def cross_checked(target: Target, column: str, template: dict[str, Any] | None) -> bool:
    """Whether the column has a cross-check on ``target`` (not on NumPy, the baseline)."""
    return target != BASELINE and _cross_compute(column, template, 1) is not None


def cross_diff(
    target: Target, column: str, template: dict[str, Any] | None, size: int
) -> Diff | None:
    """``size`` elements of the column's function on ``target`` against NumPy's, from a key
    that no vector uses (split and folded on the target).  None: nothing to cross-check."""
    compute = _cross_compute(column, template, size)
    if compute is None or not cross_checked(target, column, template) or size <= 0:
        return None
    key = (column, None if template is None else template["name"], size)
    want = _BASELINES.get(key)
    if want is None:
        want = _BASELINES[key] = compute(_cross_key(BASELINE))
    got = compute(_cross_key(target))
    return compare(widened(target, got) if want.dtype.itemsize == 8 else got, want)


def _first(where: str, d: Diff) -> dict[str, Any]:
    return {"case": where, "mismatch": d.mismatch, **(d.first or {})}


def run_cell(
    target: Target,
    column: str,
    cases: list[dict[str, Any]],
    tmpl: dict[str, Any] | None,
    size: int,
) -> dict[str, Any]:
    """Replay ``cases`` on ``target`` and cross-check ``size`` elements against NumPy."""
    start, cpu = time.perf_counter(), time.process_time()
    golden, bitwise_cases, first, error = Diff(), 0, None, None
    cross: Diff | None = None
    # invalid parameters (NaN, negative) are cases too: NumPy's warnings about them are noise
    with target.active(), np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            for case in cases:
                d = golden_diff(case, replay(target, case), target)
                golden.add(d)
                bitwise_cases += d.is_bitwise
                if first is None and not d.is_bitwise:
                    first = _first(case["name"], d)
            cross = cross_diff(target, column, tmpl, size)
            if first is None and cross is not None and not cross.is_bitwise:
                first = _first("cross-check", cross)
        except Exception as e:
            error = {"type": type(e).__name__, "message": str(e)}
    return {
        "error": error,
        "golden": {
            "cases": len(cases),
            "cases_bitwise": bitwise_cases,
            "elements": golden.elements,
            "elements_bitwise": golden.bitwise,
            "max_ulp": golden.max_ulp,
            "max_err": golden.max_err,
        },
        "cross_check": None
        if cross is None
        else {
            "against": BASELINE.id,
            "elements": cross.elements,
            "elements_bitwise": cross.bitwise,
            "max_ulp": cross.max_ulp,
            "max_err": cross.max_err,
        },
        "first_difference": first,
        "jax_path": jax_path(target, column),
        "seconds": round(time.perf_counter() - start, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
    }


def jax_path(target: Target, column: str) -> str | None:
    """On a JAX row, the path the cell's sampler took: "native" (``jax.random``, proven by the
    probe or an integer stream), "portable" (the engine on ``jax.numpy``: the probe failed, or
    the row is the portable one).  None on other libraries."""
    if target.backend != "jax":
        return None
    if target.path != "native":
        return "portable"
    from ..samplers.jax_native import decisions

    family, _, dtype = column.partition("/")
    # the verdicts of this row's x64 setting only (a worker may have run the other one first)
    if target.x64 is None:
        import jax

        x32 = not getattr(jax.config, "jax_enable_x64", False)
    else:
        x32 = not target.x64
    verdicts = [
        v
        for (_, f, d, variant), v in decisions().items()
        if f == family and d == dtype and variant.endswith("/x32") == x32
    ]
    return "native" if all(verdicts) else "portable"


def failed_cell(cases: list[dict[str, Any]], error: BaseException) -> dict[str, Any]:
    """The dict of a cell that could not run at all (its worker process died)."""
    return {
        "error": {"type": type(error).__name__, "message": str(error)},
        "golden": {
            "cases": len(cases),
            "cases_bitwise": 0,
            "elements": 0,
            "elements_bitwise": 0,
            "max_ulp": None,
            "max_err": None,
        },
        "cross_check": None,
        "first_difference": None,
        "jax_path": None,
        "seconds": 0.0,
        "cpu_seconds": 0.0,
    }
