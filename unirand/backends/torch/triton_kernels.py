"""Fused Triton kernels for torch on CUDA: ``bits``, ``uniform`` and ``normal`` in one pass.

On a GPU the vectorized engine runs about 600 small kernels per chunk, each a full pass over
memory; here one kernel hashes a block of counters and stores the finished values.  The
arithmetic is the specification's (:mod:`unirand.engine.compiled.elementary` is the same
computation for the CPU), with every rounding controlled explicitly:

* kernels are launched with ``enable_fp_fusion=False``, so the compiler contracts no
  multiply-add; ``tl.fma`` is used exactly where XLA:CPU fuses;
* division and square root are ``tl.div_rn``/``tl.sqrt_rn`` (correctly rounded; Triton's
  ``/`` and ``tl.sqrt`` are approximations on NVIDIA GPUs);
* both sides of every branch are computed and one is selected, as in the vectorized engine.

The logic runs on the CPU under Triton's interpreter (``TRITON_INTERPRET=1``, which has a true
FMA); on a GPU, :mod:`.triton_path` uses a kernel only after a probe has shown it equals the
vectorized engine on that device.  Imported only when Triton is installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import triton
import triton.language as tl

from ...engine.threefry import PARITY
from ...math.xla_erf_inv import ERFINV_GE5, ERFINV_LT5
from ...math.xla_log import LOG1P_D, LOG1P_N, LOG1P_SMALL, LOG_P, LOG_Q1, LOG_Q2, SQRT_HALF

__all__ = ["bits32_kernel", "uniform_f32_kernel", "normal_f32_kernel", "BLOCK"]

BLOCK = 1024

# -- constants: float32 values as Python floats (exact), read by the kernels as constexprs ------
_F = lambda v: tl.constexpr(float(v))  # noqa: E731
SQRT_HALF_C = _F(SQRT_HALF)
SMALL_C = _F(LOG1P_SMALL)
Q1_C = _F(LOG_Q1)
Q2_C = _F(LOG_Q2)
LOW_C = _F(np.float32(-(1.0 - 2.0**-24)))
SQRT2_C = _F(np.float32(np.sqrt(2.0)))
PARITY_C = tl.constexpr(int(PARITY))
P0, P1, P2, P3, P4, P5, P6, P7, P8 = (_F(v) for v in LOG_P)
D0, D1, D2, D3, D4, D5 = (_F(v) for v in LOG1P_D)
N0, N1, N2, N3, N4, N5, N6 = (_F(v) for v in LOG1P_N)
L0, L1, L2, L3, L4, L5, L6, L7, L8 = (_F(v) for v in ERFINV_LT5)
G0, G1, G2, G3, G4, G5, G6, G7, G8 = (_F(v) for v in ERFINV_GE5)


@triton.jit
def _mix(x0: Any, x1: Any, rot: tl.constexpr) -> Any:
    x0 = x0 + x1
    x1 = ((x1 << rot) | (x1 >> (32 - rot))) ^ x0
    return x0, x1


@triton.jit
def _hash(k0: Any, k1: Any, offs: Any) -> Any:
    """Threefry-2x32, 20 rounds, of counters ``offs`` (int64) under key ``(k0, k1)``."""
    k2 = k0 ^ k1 ^ PARITY_C
    x0 = (offs >> 32).to(tl.uint32) + k0
    x1 = (offs & 0xFFFFFFFF).to(tl.uint32) + k1
    x0, x1 = _mix(x0, x1, 13)
    x0, x1 = _mix(x0, x1, 15)
    x0, x1 = _mix(x0, x1, 26)
    x0, x1 = _mix(x0, x1, 6)
    x0 = x0 + k1
    x1 = x1 + k2 + 1
    x0, x1 = _mix(x0, x1, 17)
    x0, x1 = _mix(x0, x1, 29)
    x0, x1 = _mix(x0, x1, 16)
    x0, x1 = _mix(x0, x1, 24)
    x0 = x0 + k2
    x1 = x1 + k0 + 2
    x0, x1 = _mix(x0, x1, 13)
    x0, x1 = _mix(x0, x1, 15)
    x0, x1 = _mix(x0, x1, 26)
    x0, x1 = _mix(x0, x1, 6)
    x0 = x0 + k0
    x1 = x1 + k1 + 3
    x0, x1 = _mix(x0, x1, 17)
    x0, x1 = _mix(x0, x1, 29)
    x0, x1 = _mix(x0, x1, 16)
    x0, x1 = _mix(x0, x1, 24)
    x0 = x0 + k1
    x1 = x1 + k2 + 4
    x0, x1 = _mix(x0, x1, 13)
    x0, x1 = _mix(x0, x1, 15)
    x0, x1 = _mix(x0, x1, 26)
    x0, x1 = _mix(x0, x1, 6)
    x0 = x0 + k2
    x1 = x1 + k0 + 5
    return x0, x1


@triton.jit
def _block(k0_arg: Any, k1_arg: Any, n: Any, BLOCK_C: tl.constexpr) -> Any:
    pid = tl.program_id(0).to(tl.int64)
    offs = pid * BLOCK_C + tl.arange(0, BLOCK_C).to(tl.int64)
    k0 = k0_arg.to(tl.uint32)
    k1 = k1_arg.to(tl.uint32)
    y0, y1 = _hash(k0, k1, offs)
    return offs, offs < n, y0, y1


@triton.jit
def _mantissa_f32(y0: Any, y1: Any) -> Any:
    return (((y0 ^ y1) >> 9) | 0x3F800000).to(tl.float32, bitcast=True) - 1.0


@triton.jit
def bits32_kernel(out_ptr: Any, k0: Any, k1: Any, n: Any, BLOCK_C: tl.constexpr) -> None:
    offs, mask, y0, y1 = _block(k0, k1, n, BLOCK_C)
    tl.store(out_ptr + offs, (y0 ^ y1).to(tl.int32, bitcast=True), mask=mask)


@triton.jit
def _spec_max(m: Any, y: Any) -> Any:
    """``lax.max(m, y)``: ``+0`` above ``-0``."""
    sign = (y.to(tl.int32, bitcast=True) >> 31) != 0
    return tl.where((m > y) | ((m == y) & sign), m, y)


@triton.jit
def uniform_f32_kernel(
    out_ptr: Any, bounds_ptr: Any, k0: Any, k1: Any, n: Any, BLOCK_C: tl.constexpr
) -> None:
    """``bounds_ptr``: float32 ``[m, r]`` (``minval`` and the range, rounded as JAX does)."""
    offs, mask, y0, y1 = _block(k0, k1, n, BLOCK_C)
    m = tl.load(bounds_ptr)
    y = tl.fma(_mantissa_f32(y0, y1), tl.load(bounds_ptr + 1), m)
    tl.store(out_ptr + offs, _spec_max(m, y), mask=mask)


@triton.jit
def _log_f32(t: Any) -> Any:
    """Cephes/Eigen ``plog_float`` as XLA:CPU inlines it, for finite ``t > 0``."""
    v = tl.maximum(t, 1.1754943508222875e-38)
    bits = v.to(tl.int32, bitcast=True)
    e = ((bits >> 23) - 127).to(tl.float32) + 1.0
    m = ((bits & -2139095041) | 0x3F000000).to(tl.float32, bitcast=True)
    small = m < SQRT_HALF_C
    x = (m - 1.0) + tl.where(small, m, 0.0)
    e = e - tl.where(small, 1.0, 0.0)
    x2 = x * x
    x3 = x2 * x
    y = tl.fma(x, P0, P1)
    y1 = tl.fma(x, P3, P4)
    y2 = tl.fma(x, P6, P7)
    y = tl.fma(y, x, P2)
    y1 = tl.fma(y1, x, P5)
    y2 = tl.fma(y2, x, P8)
    y = tl.fma(y, x3, y1)
    y = tl.fma(y, x3, y2)
    y = tl.fma(y, x3, e * Q1_C)
    r = tl.fma(x2, -0.5, x) + y
    return tl.fma(e, Q2_C, r)


@triton.jit
def _log1p_small_f32(a: Any) -> Any:
    a2 = a * a
    d = tl.fma(a, 1.0, D0)
    d = tl.fma(d, a, D1)
    d = tl.fma(d, a, D2)
    d = tl.fma(d, a, D3)
    d = tl.fma(d, a, D4)
    d = tl.fma(d, a, D5)
    nn = tl.fma(a, N0, N1)
    nn = tl.fma(nn, a, N2)
    nn = tl.fma(nn, a, N3)
    nn = tl.fma(nn, a, N4)
    nn = tl.fma(nn, a, N5)
    nn = tl.fma(nn, a, N6)
    tail = (a * a2) * tl.div_rn(nn, d)
    return a + tl.fma(a2, -0.5, tail)


@triton.jit
def _erf_inv_f32(x: Any) -> Any:
    a = x * -x
    lp = tl.where(tl.abs(a) < SMALL_C, _log1p_small_f32(a), _log_f32(a + 1.0))
    big = ~(lp > -5.0)
    w = tl.where(big, tl.sqrt_rn(-lp) + -3.0, -2.5 - lp)
    p = tl.fma(tl.where(big, G0, L0), w, tl.where(big, G1, L1))
    p = tl.fma(w, p, tl.where(big, G2, L2))
    p = tl.fma(w, p, tl.where(big, G3, L3))
    p = tl.fma(w, p, tl.where(big, G4, L4))
    p = tl.fma(w, p, tl.where(big, G5, L5))
    p = tl.fma(w, p, tl.where(big, G6, L6))
    p = tl.fma(w, p, tl.where(big, G7, L7))
    p = tl.fma(w, p, tl.where(big, G8, L8))
    return x * tl.where(tl.abs(x) == 1.0, float("inf"), p)


@triton.jit
def normal_f32_kernel(out_ptr: Any, k0: Any, k1: Any, n: Any, BLOCK_C: tl.constexpr) -> None:
    offs, mask, y0, y1 = _block(k0, k1, n, BLOCK_C)
    u = _mantissa_f32(y0, y1) * 2.0 + LOW_C  # exact: a multiple of 2**-24 in (-1, 1)
    tl.store(out_ptr + offs, _erf_inv_f32(u) * SQRT2_C, mask=mask)
