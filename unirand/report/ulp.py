"""How far apart two arrays are: bitwise equality per element and distance in ULPs.

Floats are compared as ordered integers: the bits of a float mapped to an unsigned integer
that grows with the float's value, so the difference of two such integers is the number of
representable values between them (+0 and -0 map to the same integer).  This works for every
sign-magnitude float, 16-bit ones (float16, bfloat16) included, through their raw bits.
Integers are compared by absolute difference.  Everything is computed in uint64 without overflow.

Where a library function (torch's float64 ``log``) is off by an ulp of a value that a later
subtraction cancels, the ULP distance of the result is unbounded near zero; such results are
measured by ``max_err``, the error relative to ``max(1, |want|)`` (absolute below 1, relative
above), which is what such a difference is bounded by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Diff",
    "as_real",
    "bitwise_equal",
    "compare",
    "describe",
    "mixed_error",
    "ordered",
    "ulp_distance",
]

_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _is_float(dtype: np.dtype) -> bool:
    """IEEE-like floats: numpy's own, and ml_dtypes' (bfloat16 has kind 'V')."""
    return dtype.kind == "f" or (dtype.kind == "V" and dtype.itemsize in _UINT)


def as_real(a: np.ndarray) -> np.ndarray:
    """Complex numbers as pairs of floats, booleans as uint8: one ordering rule per kind."""
    if a.dtype.kind == "c":
        return np.ascontiguousarray(a).view(a.real.dtype).reshape((*a.shape, 2))
    if a.dtype.kind == "b":
        return a.astype(np.uint8)
    return a


def ordered(a: np.ndarray) -> np.ndarray:
    """uint64 keys, monotone in the values of ``a`` (floats by their bits, integers by value)."""
    a = np.ascontiguousarray(as_real(a))
    if a.dtype.kind == "u":
        return a.astype(np.uint64)
    if a.dtype.kind == "i":  # flipping the sign bit of int64 is adding 2**63
        return a.astype(np.int64).view(np.uint64) ^ np.uint64(1 << 63)
    if not _is_float(a.dtype):
        raise TypeError(f"cannot compute ULP distances for dtype {a.dtype}")
    width = a.dtype.itemsize * 8
    u = a.view(_UINT[a.dtype.itemsize]).astype(np.uint64)
    half = np.uint64(1 << (width - 1))
    magnitude = u & (half - np.uint64(1))
    return np.where(u >= half, half - magnitude, half + magnitude)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise distance between ``a`` and ``b`` (same dtype and shape) in ULPs, as uint64."""
    x, y = ordered(a), ordered(b)
    return np.where(x >= y, x - y, y - x)


def mixed_error(got: np.ndarray, want: np.ndarray) -> float | None:
    """The largest ``|got - want| / max(1, |want|)`` (float64); None for non-floats or where
    one side is not finite and the other differs."""
    a, b = as_real(got), as_real(want)
    if not _is_float(a.dtype):
        return None
    x, y = a.astype(np.float64), b.astype(np.float64)
    same = (x == y) | (np.isnan(x) & np.isnan(y))
    if not (np.isfinite(x) | same).all() or not (np.isfinite(y) | same).all():
        return None
    with np.errstate(invalid="ignore"):
        err = np.where(same, 0.0, np.abs(x - y) / np.maximum(1.0, np.abs(y)))
    return float(err.max()) if err.size else 0.0


def bitwise_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equality of the bytes (NaN payloads and the sign of zero count)."""
    a, b = np.ascontiguousarray(as_real(a)), np.ascontiguousarray(as_real(b))
    view = _UINT.get(a.dtype.itemsize)
    if view is None:
        raise TypeError(f"cannot compare elements of dtype {a.dtype}")
    return a.view(view) == b.view(view)


@dataclass
class Diff:
    """The comparison of one result with what it should be."""

    elements: int = 0
    bitwise: int = 0
    max_ulp: int | None = 0
    #: why the arrays could not be compared element by element (shape or dtype), else None
    mismatch: str | None = None
    #: first differing element: multi-index, got, want (as text, with bits), its ULP distance
    first: dict[str, Any] | None = None
    #: largest error relative to max(1, |want|) (:func:`mixed_error`); None: not measurable
    max_err: float | None = 0.0

    @property
    def is_bitwise(self) -> bool:
        return self.mismatch is None and self.bitwise == self.elements

    def within(self, ulp: int = 0, err: float = 0.0) -> bool:
        """Bitwise, or (``ulp > 0``) no element more than ``ulp`` apart, or (``err > 0``) no
        error beyond ``err`` relative to ``max(1, |want|)``."""
        if self.is_bitwise:
            return True
        if self.mismatch is not None:
            return False
        if ulp > 0 and self.max_ulp is not None and self.max_ulp <= ulp:
            return True
        return err > 0 and self.max_err is not None and self.max_err <= err

    def explain(self) -> str:
        """How many elements differ, by how much, and the first of them, values with bits."""
        if self.mismatch:
            return self.mismatch
        if self.is_bitwise:
            return f"all {self.elements} elements bitwise equal"
        f = self.first or {}
        err = "" if not self.max_err else f" (max error {self.max_err:.3g} of max(1, |x|))"
        return (
            f"{self.elements - self.bitwise} of {self.elements} elements differ, max "
            f"{self.max_ulp} ulp{err}; first at index {tuple(f.get('index', ()))}: got "
            f"{f.get('got')}, want {f.get('want')} ({f.get('ulp')} ulp)"
        )

    def add(self, other: Diff) -> None:
        """Accumulate ``other`` (a further case of the same cell) into this one."""
        self.elements += other.elements
        self.bitwise += other.bitwise
        if self.max_ulp is not None:
            self.max_ulp = None if other.max_ulp is None else max(self.max_ulp, other.max_ulp)
        if self.max_err is not None:
            self.max_err = None if other.max_err is None else max(self.max_err, other.max_err)
        self.mismatch = self.mismatch or other.mismatch
        self.first = self.first or other.first


def compare(got: np.ndarray, want: np.ndarray) -> Diff:
    """Bitwise share, maximum ULP distance and the first difference of ``got`` vs ``want``."""
    if got.dtype != want.dtype:
        return Diff(got.size, 0, None, f"dtype {got.dtype}, want {want.dtype}")
    if got.shape != want.shape:
        return Diff(got.size, 0, None, f"shape {got.shape}, want {want.shape}")
    same = bitwise_equal(got, want)
    if same.all():
        return Diff(got.size, got.size, 0)
    dist = ulp_distance(got, want)
    real = as_real(got)
    flat = int(np.flatnonzero(~same.reshape(-1))[0])
    index = tuple(int(i) for i in np.unravel_index(flat, real.shape))
    first = {
        "index": list(index),
        "got": describe(real[index]),
        "want": describe(as_real(want)[index]),
        "ulp": int(dist[index]),
    }
    err = mixed_error(got, want)
    return Diff(int(same.size), int(same.sum()), int(dist.max()), None, first, err)


def describe(x: Any) -> str:
    """A value with its bits, e.g. ``0.5 (0x3f000000)``: floats that print alike can differ."""
    a = np.asarray(x)
    view = _UINT.get(a.dtype.itemsize)
    value = a.item() if a.dtype.kind in "uifb" else float(a.astype(np.float64))
    if view is None or a.dtype.kind in "uib":
        return repr(value)
    return f"{value!r} (0x{int(a.view(view)):0{2 * a.dtype.itemsize}x})"
