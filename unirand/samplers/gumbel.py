"""``gumbel``: ``jax.random.gumbel``, bit for bit, in its three modes.

``"low"``: ``-log(-log(u))`` with ``u`` uniform in ``[tiny, 1)``; ``"high"``: two uniforms per
value for more range near 0; ``"highest"`` (float32): 64 random bits per value read as a
fixed-point fraction, converted as ``jax.random._safe_int_to_float`` does.  XLA:CPU's ``log``
and ``log1p`` (:mod:`unirand.math.xla_log`).
"""

from __future__ import annotations

import math
from typing import Any

from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, MANTISSA, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_log import log1p_f32_xla, log_f32_xla
from .arguments import check_mode
from .blocks import parse_block, second_half
from .dtype_arith import DtypeArith
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["GUMBEL_MODES", "TINY", "gumbel", "gumbel_values"]


#: ``finfo(dtype).tiny``: the smallest positive normal number
TINY = {"float16": 2.0**-14, "bfloat16": 2.0**-126, "float32": 2.0**-126, "float64": 2.0**-1022}


GUMBEL_MODES = ("low", "high", "highest")


def gumbel_values(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    dtype: str,
    mode: str,
    device: Any,
    counters: Any = None,
    total: int | None = None,
) -> Any:
    """``jax.random.gumbel``: see :func:`gumbel` for the three modes.  ``counters``: a block's
    (``shape`` is its), ``total`` the whole draw's size (the second uniforms follow it)."""
    xp = backend.xp
    jb = native_jax(backend, device, "gumbel", dtype, mode) if counters is None else None
    if jb is not None:
        return jax_call(jb, backend, data, device, "gumbel", shape, backend.dtype(dtype), mode)
    tiny = TINY[dtype]
    block = {} if counters is None else {"counters": counters, "total": total}
    fast = backend.compiled("gumbel", data, shape, dtype, device, tiny, mode, **block)
    if fast is not None:
        return fast
    n = math.prod(shape)
    m = DtypeArith(backend, dtype)
    both = None if counters is None else second_half(counters, total)
    if mode == "highest" and dtype == "float32":
        g = _gumbel_highest_f32(backend, m, data, n, device, both)
    elif mode in ("high", "highest"):
        u = m.load(backend.uniform(data, (2, n), dtype, 0.0, 1.0, device, both))
        high, low = u[0, ...], u[1, ...]
        low = low * m.const(2.0 ** -MANTISSA[dtype], low)  # exact: a power of two
        x = m.round(m.round(high + low) + m.const(TINY[dtype], high))
        x = xp.where(high >= m.const(0.5, high), high, x)
        g = -m.log(-m.log1p(-x))
    else:
        # JAX: uniform(key, shape, dtype, tiny, 1) = max(tiny, f * (1 - tiny) + tiny), and
        # 1 - tiny rounds to 1.  XLA folds (bitcast - 1) + tiny into bitcast + (-1 + tiny) =
        # bitcast - 1 (constants reassociated), so it computes max(tiny, f): for float16
        # (tiny = 2**-14) that differs from f + tiny; for the other dtypes f + tiny == f.
        u = m.load(backend.uniform(data, (n,), dtype, 0.0, 1.0, device, counters))
        g = -m.log(-m.log(xp.maximum(u, m.const(TINY[dtype], u))))
    return xp.reshape(m.out(g), shape)


def _gumbel_highest_f32(
    backend: Backend, m: DtypeArith, data: Any, n: int, device: Any, counters: Any = None
) -> Any:
    """``jax.random.gumbel(mode="highest")`` for float32: 64 random bits per value, read as a
    fixed-point fraction in (0, 1) and converted to float32 by truncation
    (``_safe_int_to_float``), with ``1 - u`` formed in 64-bit fixed point for the low half.
    ``counters``: a block's ``2 * n`` counters (:func:`.blocks.second_half`)."""
    xp = backend.xp
    w, b1, b2 = backend.raw_words(data, 2 * n, device, counters)
    word = b1 ^ b2
    hi_bits, lo_bits = word[:n], word[n:]
    mask = w.const(0xFFFFFFFF)

    def masked(v: Any) -> Any:
        return v & mask if w.masked else v

    one, zero = w.const(1), w.const(0)
    # 1 - bits in u64 fixed point: ~(hi:lo) + 1
    neg_hi, neg_lo = masked(~hi_bits), masked(~lo_bits)
    carry = xp.where(neg_lo == mask, one, zero)
    neg_hi = masked(neg_hi + carry)
    neg_lo = masked(neg_lo + one)
    flip = hi_bits < w.const(1 << 31)
    hi = xp.where(flip, hi_bits, neg_hi)
    lo = xp.where(flip, lo_bits, neg_lo)
    x = _safe_int_to_float(backend, w, hi, lo)
    ops = m.ops
    a = -log_f32_xla(ops, -log1p_f32_xla(ops, -x))
    b = -log_f32_xla(ops, -log_f32_xla(ops, x))
    return xp.where(flip, a, b)


def _clz32(w: Any, x: Any) -> Any:
    """Leading zeros of 32-bit words (32 for 0), by binary search."""
    xp = w.xp
    n = xp.zeros_like(x)
    y = x
    for s in (16, 8, 4, 2, 1):
        top_zero = y < w.const(1 << (32 - s))
        n = xp.where(top_zero, n + w.const(s), n)
        shifted = y << w.const(s)
        y = xp.where(top_zero, shifted & w.const(0xFFFFFFFF) if w.masked else shifted, y)
    return xp.where(x == w.const(0), w.const(32), n)


def _shl(w: Any, v: Any, s: Any) -> Any:
    """``v << s`` with XLA's semantics for 32-bit words: 0 when ``s >= 32``."""
    xp = w.xp
    big = s >= w.const(32)
    out = v << xp.where(big, w.const(0), s)
    if w.masked:
        out = out & w.const(0xFFFFFFFF)
    return xp.where(big, w.const(0), out)


def _shr(w: Any, v: Any, s: Any) -> Any:
    """``v >> s`` (logical) with XLA's semantics for 32-bit words: 0 when ``s >= 32``."""
    xp = w.xp
    big = s >= w.const(32)
    return xp.where(big, w.const(0), v >> xp.where(big, w.const(0), s))


def _safe_int_to_float(backend: Backend, w: Any, hi: Any, lo: Any) -> Any:
    """``jax.random._safe_int_to_float`` for float32: the 64-bit fraction ``hi:lo`` as float32."""
    xp = w.xp
    hiclz, loclz = _clz32(w, hi), _clz32(w, lo)
    all_hi = hiclz == w.const(32)
    mant = _shl(w, hi, hiclz) | xp.where(
        all_hi, _shl(w, lo, loclz), _shr(w, lo, w.const(32) - hiclz)
    )
    mant = (mant >> w.const(8)) & w.const((1 << 23) - 1)
    lz = xp.where(all_hi, w.const(32) + loclz, hiclz)
    exp = _shl(w, w.const(126) - lz, w.const(23)) & w.const((1 << 30) - (1 << 22))
    bits = exp | mant  # < 2**30: fits int32
    return backend.bitcast(xp.astype(bits, backend.dtype("int32")), "float32")


@sampler
def gumbel(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard Gumbel values: ``jax.random.gumbel`` bit for bit.

    ``mode="low"`` (JAX's default): ``-log(-log(u))``, ``u`` uniform in ``[tiny, 1)``.
    ``"high"``: two uniforms per value for more range near 0.  ``"highest"``: float32 from 64
    random bits (other dtypes: as ``"high"``).  ``index``/``offset``: one block of the draw
    (as :func:`unirand.bits`).
    """
    single(key, "gumbel")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    mode = check_mode(mode, GUMBEL_MODES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if block is None:
        return gumbel_values(target, data, shape, name, mode, dev)
    size = (block.size,)
    out = gumbel_values(target, data, size, name, mode, dev, block.counters, block.total)
    return target.xp.reshape(out, block.shape)
