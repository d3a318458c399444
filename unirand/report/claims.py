"""What the documentation claims for each target and report column.

The report's exit status checks these claims and nothing else.  The pytest suite in
``conformance/`` keeps the same facts in its xfail lists (``conformance/xfails/*.txt``) and a
test there checks that both agree, so a change here needs a change there.

- ``bitwise``: every byte equals the golden vectors and the NumPy cross-check.
- ``ulp``: documented as not bitwise; the largest distance in ULPs is bounded by ``ulp``.
- ``err``: documented as not bitwise; every error relative to ``max(1, |x|)`` is at most
  ``err`` (for results whose ULP distance is unbounded near zero, docs/streams.md).
- ``unsupported``: the library lacks the dtype; the call must raise ``TypeError``.
- ``none``: measured and reported, not claimed (devices the docs have no measurement for).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from .targets import Target

__all__ = ["Claim", "claim"]

#: (backend, column glob, platform glob, max ULP, reason): documented bounded differences.
#: None today: torch's float64 samplers became bitwise when their ``log`` became glibc's,
#: emulated (unirand.math.glibc_log), and their ``sqrt`` correctly rounded.
ULP_BOUNDS: tuple[tuple[str, str, str, int, str], ...] = ()
#: (backend, column glob, platform glob, max error relative to max(1, |x|), reason)
ERR_BOUNDS: tuple[tuple[str, str, str, float, str], ...] = ()
#: (backend, dtype, reason): dtypes a library does not have
NO_DTYPE = (
    ("array_api_strict", "float16", "array-api-strict has no float16"),
    ("array_api_strict", "bfloat16", "array-api-strict has no bfloat16"),
)
#: dtypes JAX has only with jax_enable_x64 on
JAX_X64_DTYPES = ("uint64", "int64", "float64")
#: platforms the docs claim bitwise on (measured against the golden vectors)
CLAIMED_PLATFORMS = {"numpy": "cpu", "torch": "cpu", "jax": "cpu", "array_api_strict": "cpu"}


@dataclass(frozen=True)
class Claim:
    kind: str  # "bitwise", "ulp", "err", "unsupported" or "none"
    ulp: int = 0
    reason: str = ""
    err: float = 0.0

    @property
    def claimed(self) -> bool:
        return self.kind != "none"


def dtype_of(column: str) -> str | None:
    """The dtype in a column name (``uniform/float32`` -> ``float32``); key columns: uint32."""
    return column.rsplit("/", 1)[1] if "/" in column else "uint32"


def claim(target: Target, column: str) -> Claim:
    """The documented behaviour of ``column`` (e.g. ``uniform/float16``) on ``target``."""
    dtype = dtype_of(column)
    for backend, no_dtype, reason in NO_DTYPE:
        if target.backend == backend and dtype == no_dtype:
            return Claim("unsupported", reason=reason)
    if target.backend == "jax" and target.x64 is False and dtype in JAX_X64_DTYPES:
        return Claim("unsupported", reason=f"JAX without jax_enable_x64 has no {dtype}")
    if CLAIMED_PLATFORMS.get(target.backend) != target.platform:
        return Claim("none", reason="not measured on this device by the docs")
    for backend, col, platform, ulp, reason in ULP_BOUNDS:
        if (
            target.backend == backend
            and fnmatchcase(column, col)
            and fnmatchcase(target.platform, platform)
        ):
            return Claim("ulp", ulp, reason)
    for backend, col, platform, err, reason in ERR_BOUNDS:
        if (
            target.backend == backend
            and fnmatchcase(column, col)
            and fnmatchcase(target.platform, platform)
        ):
            return Claim("err", reason=reason, err=err)
    return Claim("bitwise")
