"""ATen's AVX2 ``NormalFill16<float>``: Box-Muller on 16 float32 uniforms, emulated bit for bit.

PyTorch's x86-64 wheels compute float32 normals (16 or more elements) with ``log256_ps`` and
``sincos256_ps`` from ``ATen/native/cpu/avx_mathfun.h`` (Cephes polynomials after Pommier and
Garberoglio).  The AVX2 kernels are compiled by GCC with ``-mfma``; GCC implements
``_mm256_mul_ps``/``_mm256_add_ps`` as vector ``*``/``+`` and contracts a multiply feeding an
add into one fused multiply-add.  Found by comparing bytes with torch 2.13: the fused pairs are

* log: each Horner step ``y*x + p_k``; ``y*z + e*q1`` (the product ``y*z`` is fused, ``e*q1``
  rounded first); ``(x + y) + e*q2``;
* sincos: ``x + y*DP_i`` (three times); cos ``y*z - z*0.5``; sin ``y2*x + x``; the Horner steps
  of both polynomials;

and ``_mm256_fmadd_ps(n, std, mean)`` at the end is an explicit FMA.

Every value here is a float32 held in a float64 array.  A float32 product is exact in float64,
so ``RN32(a*b + c)`` is ``float32(a*b + c)`` computed in float64 whenever that float64 sum does
not land exactly halfway between two float32 values (the double-rounding case).  The inputs are
24-bit uniforms, so each function has only 2**24 possible inputs: :func:`mismatches` compares
the fast evaluation with the literal one using exact FMAs (round-to-odd) on any set of inputs;
run on all 2**24 of them (``UNIRAND_EXHAUSTIVE=1`` in ``tests/replay/test_replay_torch_avx2.py``) it
finds no difference, so the fast path is exact for every input (see docs/replay.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

f32 = np.float32
f64 = np.float64

Fma = Callable[[np.ndarray | float, np.ndarray | float, np.ndarray | float], np.ndarray]


def _c(v: float) -> float:
    """A float32 constant, as the float64 it equals."""
    return float(f32(v))


SQRTHF = _c(0.707106781186547524)
LOG_P = [
    _c(v)
    for v in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
LOG_Q1 = _c(-2.12194440e-4)
LOG_Q2 = _c(0.693359375)
DP1 = _c(-0.78515625)
DP2 = _c(-2.4187564849853515625e-4)
DP3 = _c(-3.77489497744594108e-8)
SIN_P = [_c(-1.9515295891e-4), _c(8.3321608736e-3), _c(-1.6666654611e-1)]
COS_P = [_c(2.443315711809948e-005), _c(-1.388731625493765e-003), _c(4.166664568298827e-002)]
FOPI = _c(1.27323954473516)
TWO_PI = _c(2.0 * np.pi)  # 2.0f * c10::pi<double>, stored into a float vector


def rn(x: np.ndarray) -> np.ndarray:
    """Round float64 values to float32 (and hold them in float64 again)."""
    return x.astype(f32).astype(f64)


def fma_fast(a: np.ndarray | float, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """``RN32(a*b + c)`` through one float64 sum (exact for the inputs here; see module doc)."""
    return rn(np.multiply(a, b) + c)


def fma_exact(a: np.ndarray | float, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """``RN32(a*b + c)`` exactly: float64 sum rounded to odd (Boldo & Melquiond), then RN32."""
    p = np.multiply(a, b, dtype=f64)  # exact: float32 * float32
    c = np.asarray(c, dtype=f64)
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    bits = s.view(np.int64).copy()
    inexact = (err != 0) & ((bits & 1) == 0)
    away = (err > 0) == (s > 0)
    bits += np.where(inexact, np.where(away, 1, -1), 0)
    return rn(bits.view(f64))


def log256(u: np.ndarray, fma: Fma = fma_fast) -> np.ndarray:
    """``log256_ps`` for float32 ``u`` in ``[2**-24, 1]`` (the Box-Muller radius input)."""
    m, e = np.frexp(u)  # u = m * 2**e, m in [0.5, 1): avx_mathfun's mantissa and exponent + 1
    e = e.astype(f64)
    small = m < SQRTHF
    x = (m - 1.0) + np.where(small, m, 0.0)  # exact in float32
    e -= small
    z = rn(x * x)
    y = np.full_like(x, LOG_P[0])
    for p in LOG_P[1:]:
        y = fma(y, x, p)
    y = rn(y * x)
    y = fma(y, z, rn(e * LOG_Q1))
    y = rn(y - z * 0.5)
    return fma(e, LOG_Q2, rn(x + y))


def sincos256(theta: np.ndarray, fma: Fma = fma_fast) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` for float32 ``theta`` in ``[0, 2*pi)`` (no sign handling needed)."""
    x = theta
    j = rn(x * FOPI).astype(np.int32)  # truncation, as _mm256_cvttps_epi32
    j = (j + 1) & ~1
    y = j.astype(f64)
    neg_sin = (j & 4) != 0
    poly = (j & 2) == 0
    neg_cos = (~(j - 2) & 4) != 0
    x = fma(y, DP1, x)
    x = fma(y, DP2, x)
    x = fma(y, DP3, x)
    z = rn(x * x)
    yc = np.full_like(x, COS_P[0])
    yc = fma(yc, z, COS_P[1])
    yc = fma(yc, z, COS_P[2])
    yc = rn(yc * z)
    yc = fma(yc, z, -(z * 0.5))
    yc = rn(yc + 1.0)
    ys = np.full_like(x, SIN_P[0])
    ys = fma(ys, z, SIN_P[1])
    ys = fma(ys, z, SIN_P[2])
    ys = rn(ys * z)
    ys = fma(ys, x, x)
    # The masked selection adds +0.0 to the chosen polynomial (so -0.0 becomes +0.0).
    s = np.where(poly, ys, yc) + 0.0
    c = np.where(poly, yc, ys) + 0.0
    return np.where(neg_sin, -s, s), np.where(neg_cos, -c, c)


def log256_fast(u: np.ndarray) -> np.ndarray:
    """:func:`log256` with fewer, cheaper NumPy passes; equal to it for every float32 input
    in ``[2**-24, 1]`` (checked exhaustively, see the module doc)."""
    m, e = np.frexp(u)
    small = m < SQRTHF
    x = m * (small + 1.0)  # 2m or m, exact
    x -= 1.0
    e = (e - small).astype(f64)
    z = rn(x * x)
    y = x * LOG_P[0]
    y += LOG_P[1]
    for p in LOG_P[2:]:
        y = rn(y)
        y *= x
        y += p
    y = rn(y)
    y *= x
    y = rn(y)
    y *= z
    y += rn(e * LOG_Q1)
    y = rn(y)
    z *= 0.5
    y -= z
    y = rn(y)
    y += x
    y = rn(y)
    e *= LOG_Q2  # exact: e * q2 has at most 14 significant bits
    y += e
    return y  # not yet rounded to float32: the caller's cast rounds it


def sincos256_fast(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sincos256` with fewer NumPy passes, returned as float32 arrays; equal to it for
    every float32 input in ``[0, 2*pi)`` (checked exhaustively)."""
    j = rn(theta * FOPI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(f64)
    x = y * DP1
    x += theta  # exact: |x| < 1 and x is a multiple of theta's last bit
    x += y * DP2
    x = rn(x)
    x += y * DP3
    x = rn(x)
    z = rn(x * x)
    yc = z * COS_P[0]
    yc += COS_P[1]
    yc = rn(yc)
    yc *= z
    yc += COS_P[2]
    yc = rn(yc)
    yc *= z
    yc = rn(yc)
    yc *= z
    yc -= z * 0.5
    yc = rn(yc)
    yc += 1.0
    ys = z * SIN_P[0]
    ys += SIN_P[1]
    ys = rn(ys)
    ys *= z
    ys += SIN_P[2]
    ys = rn(ys)
    ys *= z
    ys = rn(ys)
    ys *= x
    ys += x
    # Select and sign with integer operations on the float32 bits (np.where is slower).
    a = ys.astype(f32).view(np.int32)
    b = yc.astype(f32).view(np.int32)
    pick = j & 2
    pick >>= 1
    pick -= 1  # -1 where (j & 2) == 0: sin from the sine polynomial
    diff = a ^ b
    diff &= pick
    s = b ^ diff
    c = a ^ diff
    sign = j & 4
    sign <<= 29
    s ^= sign
    j -= 2
    np.invert(j, out=j)
    j &= 4
    j <<= 29
    c ^= j
    return s.view(f32), c.view(f32)


def normal_fill16(
    blocks: np.ndarray, mean: float, std: float, fma: Fma | None = None, chunk: int = 1024
) -> np.ndarray:
    """Box-Muller on rows of 16 float32 uniforms: ``(nb, 16)`` float32 in, float32 out.

    ``fma=None`` runs the fast evaluation; :func:`fma_fast` or :func:`fma_exact` run the
    literal transcription of the C code with that multiply-add (the references).
    """
    nb = blocks.shape[0]
    out = np.empty((nb, 16), dtype=f32)
    mean32, std32 = float(f32(mean)), float(f32(std))
    plain = mean32 == 0.0 and std32 == 1.0
    for start in range(0, nb, chunk):
        d = blocks[start : start + chunk]
        res = out[start : start + chunk]
        rows = d.shape[0]
        u1 = np.subtract(1.0, d[:, :8], dtype=f64).reshape(-1)  # exact: 1 - k * 2**-24
        theta = rn(np.multiply(d[:, 8:], TWO_PI, dtype=f64).reshape(-1))
        if fma is None:
            log = log256_fast(u1).astype(f32)
            sin, cos = sincos256_fast(theta)
        else:
            log = log256(u1, fma).astype(f32)
            sin, cos = (v.astype(f32) for v in sincos256(theta, fma))
        log *= f32(-2.0)
        radius = np.sqrt(log).reshape(rows, 8)
        np.multiply(radius, cos.reshape(rows, 8), out=res[:, :8])
        np.multiply(radius, sin.reshape(rows, 8), out=res[:, 8:])
        if plain:
            res += f32(0.0)  # fma(n, 1, 0) turns -0.0 into +0.0
        else:
            res[...] = fma_exact(res, std32, mean32)
    return out


def mismatches(k: np.ndarray) -> tuple[int, int]:
    """Inputs ``k`` (24-bit integers) where the fast path differs from the exact reference.

    ``u1 = 1 - k * 2**-24`` feeds :func:`log256`, ``theta = RN32(2*pi * k * 2**-24)`` feeds
    :func:`sincos256`; returns the number of differing log and sin/cos results.
    """
    d = k.astype(f64) * 2.0**-24
    u1 = 1.0 - d
    theta = rn(TWO_PI * d)
    fast_log = log256_fast(u1).astype(f32)
    ref_log = log256(u1, fma_exact).astype(f32)
    fast_s, fast_c = sincos256_fast(theta)
    ref_s, ref_c = sincos256(theta, fma_exact)
    bad_log = int(np.count_nonzero(fast_log.view(np.int32) != ref_log.view(np.int32)))
    bad_sc = int(
        np.count_nonzero(fast_s.view(np.int32) != ref_s.astype(f32).view(np.int32))
        + np.count_nonzero(fast_c.view(np.int32) != ref_c.astype(f32).view(np.int32))
    )
    return bad_log, bad_sc
