"""Rounding float32 to float16/bfloat16 by integer operations: a rounding no compiler can move.

The specification computes every 16-bit sampler in float32 and rounds to the 16-bit type at
fixed places (docs/streams.md, "16-bit floats").  Eager libraries round exactly where they are
told, but XLA does not: on a CPU with AVX512-FP16 it computes float16 arithmetic natively and
fuses a multiply and an add into one rounding, and with excess precision allowed it may drop a
``convert(convert(x, f16), f32)`` pair altogether.  An integer computation on the bits cannot be
rewritten into float arithmetic, so the JAX backend rounds with :func:`round_to_16` and the
portable engine keeps the specification's roundings under ``jax.jit`` on every host.

The result is the float32 value of the 16-bit number nearest to ``x`` (ties to even), so
converting it to the 16-bit type afterwards is exact; overflow gives infinity, as an IEEE
conversion does.  NaNs become the NaN XLA:CPU's conversion gives (:func:`nan_to_16`, measured
on jaxlib 0.10.2): bfloat16 ``sign | 0x7FC0`` (the payload dropped), float16 the top 10
payload bits with the quiet bit set (the hardware's ``vcvtps2ph``).  Libraries differ there:
torch's CPU kernels turn every bfloat16 NaN into ``0xFFFF``, NumPy keeps a float16 signalling
payload unquieted, so a NaN bound or an ``inf - inf`` gave other bytes than JAX.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["nan_to_16", "round_to_16"]

Bitcast = Callable[[Any, str], Any]

_SIGN = -(1 << 31)  # 0x80000000 as int32
_MAG = 0x7FFFFFFF
#: float16: |x| >= 65520 (halfway between the largest float16, 65504, and 2**16) rounds to inf
_F16_OVERFLOW = 0x477FF000
_F32_INF = 0x7F800000
#: float16: |x| >= 2**-14 is a normal float16
_F16_MIN_NORMAL = 0x38800000


def round_to_16(xp: Any, x: Any, dtype: str, bitcast: Bitcast) -> Any:
    """``x`` (float32) rounded to ``dtype`` ("float16" or "bfloat16"), returned in float32."""
    bits = bitcast(x, "int32")

    def c(v: int) -> Any:
        return xp.asarray(v, dtype=bits.dtype)

    sign = bits & c(_SIGN)
    mag = bits & c(_MAG)
    if dtype == "bfloat16":
        # round away the low 16 bits, ties to even; the carry may reach the exponent (and inf)
        r = (mag + c(0x7FFF) + ((mag >> c(16)) & c(1))) & c(-(1 << 16))
    elif dtype == "float16":
        normal = (mag + c(0xFFF) + ((mag >> c(13)) & c(1))) & c(-(1 << 13))
        # below 2**-14: a multiple of 2**-24, n = round(|x| * 2**24) from the significand
        e = mag >> c(23)
        m = (mag & c(0x7FFFFF)) | c(0x800000)
        s = xp.minimum(c(126) - e, c(30))
        s = xp.maximum(s, c(1))
        n = (m + (c(1) << (s - c(1))) - c(1) + ((m >> s) & c(1))) >> s
        sub = bitcast(xp.astype(n, xp.float32) * xp.asarray(2.0**-24, dtype=xp.float32), "int32")
        r = xp.where(mag < c(_F16_MIN_NORMAL), sub, normal)
        r = xp.where(mag >= c(_F16_OVERFLOW), c(_F32_INF), r)
    else:
        raise ValueError(f"dtype must be float16 or bfloat16; got {dtype!r}")
    out = bitcast(sign | r, "float32")
    return nan_to_16(xp, x, dtype, bitcast, out)


#: the float32 bits a 16-bit NaN keeps: bfloat16 its sign, float16 its sign and top 10 bits
_NAN_KEEP = {"bfloat16": _SIGN, "float16": -(1 << 13)}
_QUIET = 0x7FC00000


def nan_to_16(xp: Any, x: Any, dtype: str, bitcast: Bitcast, out: Any = None) -> Any:
    """``out`` (default ``x``) with every lane where float32 ``x`` is NaN replaced by the
    float32 value of the NaN XLA:CPU converts ``x`` to in ``dtype`` (module docstring)."""
    bits = bitcast(x, "int32")
    keep = xp.asarray(_NAN_KEEP[dtype], dtype=bits.dtype)
    nan = bitcast((bits & keep) | xp.asarray(_QUIET, dtype=bits.dtype), "float32")
    return xp.where(xp.isnan(x), nan, x if out is None else out)
