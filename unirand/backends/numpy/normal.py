"""NumPy's fast float32 ``erf_inv``: XLA:CPU's operations kept in float64 work buffers.

Why: :func:`unirand.math.xla_erf_inv.erf_inv_f32_by_branch` over :class:`NumpyFloat32Ops` allocates,
upcasts and downcasts around every one of its ~20 emulated FMAs.  Here every float32 value lives
in a float64 buffer (exactly), so each step is a few same-dtype passes over a cache-sized chunk:

* ``a*b``, ``a + b``, ``a / b``, ``sqrt(a)`` of float32 values: one float64 operation rounded to
  float32 is the correctly rounded float32 result (53 >= 2*24 + 2: double rounding innocuous).
  So is an FMA whose product is itself a float32 value (``x2 * -0.5``, ``e * 0.693359375``).
* ``fma(a, b, c)``: ``s = a*b + c`` in float64 (the product of two float32 values is exact, the
  sum rounded once), then rounded to float32.  That double rounding equals the FMA's single
  rounding unless the float64 sum is inexact *and* lies exactly halfway between two float32
  values (:func:`unirand.math.fma.float32_ties`).

Two modes. *checked* (any input): every FMA's sum is tested for such a tie (TwoSum on the rare
midpoints tells inexact from exact), and elements that met one are recomputed with the reference
:func:`unirand.math.xla_erf_inv.erf_inv_f32_by_branch`. *fast* (no test): only for the uniforms
that ``normal`` draws, ``k * 2**-(m-1) + nextafter(-1, 0)`` for the dtype's ``m`` mantissa bits:
2**23 values for float32, 1024 and 128 for float16 and bfloat16; running the checked mode on
every one of them finds no inexact tie in any FMA (``tests/math/test_fma.py``, exhaustive, 0.5
s), so the fast mode is exact there. Branches (``log1p``'s two, ``erf_inv``'s tail) are
evaluated only on the elements that take them, gathered by index (faster than boolean masks).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ...math import fma as _fma
from ...math.ops import Float32Ops
from ...math.xla_erf_inv import ERFINV_GE5, ERFINV_LT5, SQRT2, erf_inv_f32_by_branch
from ...math.xla_log import (
    LOG1P_D,
    LOG1P_N,
    LOG1P_SMALL,
    LOG_P,
    LOG_Q1,
    LOG_Q2,
    SQRT_HALF,
)

_F64 = np.float64
_D = [float(v) for v in LOG1P_D]
_N = [float(v) for v in LOG1P_N]
_P = [float(v) for v in LOG_P]
_LT5 = [float(v) for v in ERFINV_LT5]
_GE5 = [float(v) for v in ERFINV_GE5]
_TINY = float(np.finfo(np.float32).tiny)


class Workspace:
    """float64 work buffers of one thread, and the positions where a tie was seen."""

    def __init__(self, size: int, checked: bool = True) -> None:
        self.size = size
        self.checked = checked
        # f[0]: FMA sums; f[1:8]: branch temporaries; f[8]: x*x; f[9], f[10]: a branch's input and
        # output; f[11], f[12]: the caller's (normal's uniforms and erf_inv)
        self.f = [np.empty(size, _F64) for _ in range(13)]
        self.r32 = np.empty(size, np.float32)
        self.i64 = np.empty(size, np.int64)
        self.i32 = np.empty(size, np.int32)
        self.mask = np.empty(size, bool)
        self.bad: list[np.ndarray] = []

    # -- exactly rounded float32 steps on float64 buffers ------------------------------------
    def round(self, s: np.ndarray, out: np.ndarray) -> None:
        """``out = float32(s)``, widened back to float64 (``out`` may be ``s``)."""
        r = self.r32[: s.shape[0]]
        np.copyto(r, s, casting="same_kind")
        np.copyto(out, r)

    def fma(self, a: Any, b: Any, c: Any, out: np.ndarray, idx: np.ndarray | None) -> None:
        """``out = RN32(a*b + c)`` for float32 values ``a, b, c`` (arrays or scalars)."""
        s = self.f[0][: out.shape[0]]
        np.multiply(a, b, out=s)
        np.add(s, c, out=s)
        if self.checked:
            self.check(a, b, c, s, idx)
        self.round(s, out)

    def check(self, a: Any, b: Any, c: Any, s: np.ndarray, idx: np.ndarray | None) -> None:
        """Record where ``s = RN64(a*b + c)`` is an inexact float32 tie (see module doc)."""
        n = s.shape[0]
        low = self.i64[:n]
        np.bitwise_and(s.view(np.int64), _fma.TIE_MASK, out=low)
        tie = self.mask[:n]
        np.equal(low, _fma.TIE_BITS, out=tie)
        if not tie.any():
            return
        where = np.flatnonzero(tie)  # rare: keep those where the float64 sum was inexact
        a_, b_, c_ = (np.broadcast_to(v, s.shape)[where] for v in (a, b, c))
        inexact = _fma.two_sum_error(a_ * b_, c_, s[where]) != 0
        if inexact.any():
            where = where[inexact]
            self.bad.append(where if idx is None else idx[where])

    def horner(self, x: np.ndarray, coefs: list[float], out: np.ndarray, idx: Any) -> None:
        """``p = fma(c0, x, c1); p = fma(x, p, ci)`` for the remaining coefficients."""
        self.fma(x, coefs[0], coefs[1], out, idx)
        for c in coefs[2:]:
            self.fma(x, out, c, out, idx)

    # -- XLA's log1p, erf_inv ------------------------------------------------------------------
    def log1p_small(self, a: np.ndarray, out: np.ndarray, idx: np.ndarray) -> None:
        """XLA's ``log1p`` for ``|a| < sqrt(2) - 1`` (:func:`unirand.math.xla_log.log1p_small`)."""
        n = a.shape[0]
        a2, d, num = (b[:n] for b in self.f[1:4])
        np.multiply(a, a, out=a2)
        self.round(a2, a2)
        np.add(a, _D[0], out=d)  # fma(1, a, D0): a float32 sum (innocuous double rounding)
        self.round(d, d)
        for c in _D[1:]:
            self.fma(d, a, c, d, idx)
        self.horner(a, _N, num, idx)
        np.divide(num, d, out=num)
        self.round(num, num)  # n / d
        np.multiply(a, a2, out=d)
        self.round(d, d)  # a * a2
        np.multiply(d, num, out=d)
        self.round(d, d)  # (a * a2) * (n / d)
        np.multiply(a2, -0.5, out=a2)  # exact: a float32 value; the sum is a float32 sum
        np.add(a2, d, out=d)
        self.round(d, d)
        np.add(a, d, out=out)
        self.round(out, out)

    def log_f32(self, t: np.ndarray, out: np.ndarray, idx: np.ndarray) -> None:
        """XLA:CPU's float32 ``log`` (Cephes/Eigen ``plog_float``;
        :func:`unirand.math.xla_log.log_f32`)."""
        n = t.shape[0]
        e, x, x2, x3, y, y1, y2 = (b[:n] for b in self.f[1:8])
        np.maximum(t, _TINY, out=t)
        r = self.r32[:n]
        np.copyto(r, t, casting="same_kind")  # exact: t holds float32 values
        bits = r.view(np.int32)
        b = self.i32[:n]
        np.right_shift(bits, 23, out=b)
        np.copyto(e, b)
        e -= 126.0  # float((bits >> 23) - 127) + 1, exact
        bits &= np.int32(-2139095041)
        bits |= np.int32(0x3F000000)
        np.copyto(x, r)  # m in [0.5, 1)
        small = self.mask[:n]
        np.less(x, float(SQRT_HALF), out=small)
        # x = (m - 1) + (small ? m : 0) and e -= small, both exact
        np.subtract(e, small, out=e)
        np.multiply(x, small, out=y)
        x -= 1.0
        x += y
        np.multiply(x, x, out=x2)
        self.round(x2, x2)
        np.multiply(x2, x, out=x3)
        self.round(x3, x3)
        p = _P
        self.fma(x, p[0], p[1], y, idx)
        self.fma(x, p[3], p[4], y1, idx)
        self.fma(x, p[6], p[7], y2, idx)
        self.fma(y, x, p[2], y, idx)
        self.fma(y1, x, p[5], y1, idx)
        self.fma(y2, x, p[8], y2, idx)
        self.fma(y, x3, y1, y, idx)
        self.fma(y, x3, y2, y, idx)
        np.multiply(e, float(LOG_Q1), out=y1)
        self.round(y1, y1)  # e * q1
        self.fma(y, x3, y1, y, idx)
        np.multiply(x2, -0.5, out=x2)  # fma(x2, -0.5, x): the product is a float32 value
        np.add(x2, x, out=y1)
        self.round(y1, y1)
        np.add(y1, y, out=y1)
        self.round(y1, y1)
        # fma(e, q2, r): e is an integer under 2**8 and q2 = 355/512, so e*q2 is a float32 value
        np.multiply(e, float(LOG_Q2), out=e)
        np.add(e, y1, out=out)
        self.round(out, out)

    def _log1p_small_of_q(self, q: np.ndarray, out: np.ndarray, idx: np.ndarray) -> None:
        np.negative(q, out=q)  # a = x * -x
        self.log1p_small(q, out, idx)

    def _log1p_large_of_q(self, q: np.ndarray, out: np.ndarray, idx: np.ndarray) -> None:
        np.subtract(1.0, q, out=q)
        self.round(q, q)  # a + 1
        self.log_f32(q, out, idx)

    def erf_inv(self, x: np.ndarray, out: np.ndarray) -> None:
        """``erf_inv(x)`` for float32 values ``x`` (float64 buffer), into ``out`` (float64)."""
        n = x.shape[0]
        self.bad.clear()
        q = self.f[8][:n]
        np.multiply(x, x, out=q)
        self.round(q, q)  # -a, where a = x * -x
        small = self.mask[:n]
        np.less(q, float(LOG1P_SMALL), out=small)
        i_small = np.flatnonzero(small)
        np.logical_not(small, out=small)
        i_large = np.flatnonzero(small)
        lp = out  # log1p(a), scattered into out
        for where, branch in ((i_small, self._log1p_small_of_q), (i_large, self._log1p_large_of_q)):
            if where.size:
                k = where.size
                a, res = self.f[9][:k], self.f[10][:k]
                np.take(q, where, out=a)
                branch(a, res, where)
                lp[where] = res
        # erf_inv's polynomial: the central branch everywhere, the tail where w >= 5
        w = self.f[1][:n]
        np.subtract(-2.5, lp, out=w)
        self.round(w, w)
        big = self.mask[:n]
        np.greater(lp, -5.0, out=big)
        np.logical_not(big, out=big)  # w >= 5: !(lp > -5), NaN included
        i_big = np.flatnonzero(big) if big.any() else None
        p = self.f[2][:n]
        self.horner(w, _LT5, p, None)
        if i_big is not None:
            k = i_big.size
            wt, pt = self.f[3][:k], self.f[4][:k]
            np.take(lp, i_big, out=wt)
            np.negative(wt, out=wt)
            np.sqrt(wt, out=wt)
            self.round(wt, wt)
            wt -= 3.0
            self.round(wt, wt)
            self.horner(wt, _GE5, pt, i_big)
            p[i_big] = pt
        if self.checked:  # erf_inv(+-1) = +-inf; normal's uniforms never reach +-1
            edge = self.mask[:n]
            np.abs(x, out=w)
            np.equal(w, 1.0, out=edge)
            if edge.any():
                p[edge] = np.inf
        np.multiply(x, p, out=out)
        self.round(out, out)

    def normal_f32(self, x: np.ndarray, out: np.ndarray) -> None:
        """``out`` (float32) ``= RN32(sqrt2 * erf_inv(x))``: float32 ``normal`` from uniforms."""
        z = self.f[12][: x.shape[0]]
        self.erf_inv(x, z)
        np.multiply(z, float(SQRT2), out=out, casting="same_kind")  # exact product, one rounding


_LOCAL = threading.local()


def workspace(size: int, checked: bool) -> Workspace:
    """This thread's workspace of one mode, with buffers of at least ``size`` elements."""
    name = "checked" if checked else "fast"
    ws = getattr(_LOCAL, name, None)
    if ws is None or ws.size < size:
        ws = Workspace(size, checked)
        setattr(_LOCAL, name, ws)
    return ws


def erf_inv_f32(ops: Float32Ops, x: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """``erf_inv`` of any float32 ``x`` (1-D) as float32, equal to
    :func:`unirand.math.xla_erf_inv.erf_inv_f32_by_branch` over ``ops`` (ties recomputed by it)."""
    n = x.shape[0]
    ws = workspace(min(n, chunk), checked=True)
    x64 = np.asarray(x, _F64)
    out = np.empty(n, _F64)
    for start in range(0, n, chunk):
        xc, oc = x64[start : start + chunk], out[start : start + chunk]
        ws.erf_inv(xc, oc)
        if ws.bad:
            where = np.unique(np.concatenate(ws.bad))
            oc[where] = erf_inv_f32_by_branch(ops, xc[where].astype(np.float32))
    return out.astype(np.float32)
