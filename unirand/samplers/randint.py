"""``randint``: ``jax.random.randint``, bit for bit, on every backend.

JAX (jax 0.10.2, ``jax/_src/random/core.py``): the bounds are clipped to the dtype's range
(8- and 16-bit dtypes are sampled as int32, their bounds first wrapped to int32 and clipped to
``[min, max]`` and ``[min, max + 1]``), ``k1, k2 = split(key)``, two ``nbits``-bit draws
``hi = bits(k1)``, ``lo = bits(k2)``, and in ``nbits``-bit unsigned arithmetic (wrapping)::

    span = maxval - minval            (1 where maxval <= minval; +1 when maxval > dtype max)
    mult = ((2**(nbits/2) % span) ** 2) % span
    out  = minval + ((hi % span) * mult + lo % span) % span

with XLA's ``x % 0 = x``.  Pure integer arithmetic: the same bits on every backend.

The bound rules are evaluated on the host (exact Python integers); the per-element arithmetic
runs on the target backend: 32-bit words as the backend carries them (uint32, or int64 masked
to 32 bits on PyTorch), 64-bit values as int64 two's complement (every library has int64
arithmetic that wraps; PyTorch has no uint64 arithmetic), with the unsigned remainder built
from signed operations.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from .. import backends
from ..engine.backend import Backend
from ..engine.dtypes import dtype_name
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, from_host
from .blocks import parse_block
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["randint", "randint_values", "INT_DTYPES", "int_dtype"]

INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_INFO = {name: np.iinfo(name) for name in INT_DTYPES}
_I64_MIN = -(2**63)


def int_dtype(backend: Backend, name: str) -> Any:
    """The backend's integer dtype ``name`` (backends map only the dtypes they use)."""
    try:
        return backend.dtype(name)
    except (KeyError, AttributeError):
        try:
            return getattr(backend.xp, name)
        except AttributeError:
            raise TypeError(f"{backend.name} has no dtype {name}") from None


def canonical_int(dtype: Any, argument: str = "dtype") -> str:
    try:
        name = dtype_name(dtype)
    except Exception:
        name = repr(dtype)
    if name not in INT_DTYPES:
        raise TypeError(
            f"{argument} must be an integer dtype ({', '.join(INT_DTYPES)}); got {dtype!r}"
        )
    return name


# -- the bound rules of jax.random.randint, exactly, on the host -------------------------------
class Plan:
    """Per-element constants of one ``randint`` call (object arrays of Python ints, broadcast
    to each other but not to ``shape``): ``base`` = clipped minval mod 2**nbits, ``span``,
    ``mult``; ``nbits`` is 32 or 64."""

    def __init__(self, base: np.ndarray, span: np.ndarray, mult: np.ndarray, nbits: int) -> None:
        self.base, self.span, self.mult, self.nbits = base, span, mult, nbits


def _obj(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=object)


def _where(c: Any, x: Any, y: Any) -> np.ndarray:
    """``np.where`` on exact Python ints (object arrays: no int64/uint64 wrap-around)."""
    return _obj(np.where(c, _obj(x), _obj(y)))


def _clip(v: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return _where(v < lo, lo, _where(v > hi, hi, v))


def _rem(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """XLA's unsigned remainder: ``x % 0 = x``."""
    safe = _where(s == 0, 1, s)
    return _where(s == 0, x, _obj(x) % safe)


def plan(vmin: np.ndarray, vmax: np.ndarray, dtype: str) -> Plan:
    """``jax.random.randint``'s bound handling for integer values ``vmin``/``vmax``."""
    info = _INFO[dtype]
    vmin, vmax = (_obj(v) for v in np.broadcast_arrays(_obj(vmin), _obj(vmax)))
    lo_, hi_ = int(info.min), int(info.max)
    if info.bits < 32:
        # jnp.asarray(v).astype('int32').clip(min, max) (and max + 1 for maxval): wraps first
        vmin = _clip(_obj((vmin + 2**31) % 2**32 - 2**31), lo_, hi_)
        vmax = _clip(_obj((vmax + 2**31) % 2**32 - 2**31), lo_, hi_ + 1)
        nbits = 32
        out_of_range = np.zeros(vmax.shape, bool)
    else:
        nbits = info.bits
        out_of_range = np.asarray(vmax > hi_, dtype=bool)
        vmin, vmax = _clip(vmin, lo_, hi_), _clip(vmax, lo_, hi_)
    mod = 2**nbits
    empty = np.asarray(vmax <= vmin, dtype=bool)
    span = _where(empty, 1, _obj(vmax - vmin) % mod)
    span = _where(out_of_range & ~empty, _obj(span + 1) % mod, span)
    mult = _rem(_obj(np.full(span.shape, 2 ** (nbits // 2), dtype=object)), span)
    mult = _rem(_obj(mult * mult) % mod, span)
    return Plan(_obj(vmin % mod), span, mult, nbits)


class BoundOverflowError(OverflowError, ValueError):
    """A bound that does not fit in int64: an ``OverflowError`` as JAX raises for such a
    Python int, and a ``ValueError`` as unirand raises for every bad value (code catching
    either gets it)."""


def _host_ints(value: Any, argument: str) -> np.ndarray:
    """An integer bound as an object array of Python ints (JAX's int64 for Python ints)."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise TypeError(f"{argument} must be an integer or an integer array; got bool")
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise BoundOverflowError(
                f"{argument}={value} does not fit in int64 (JAX's type for Python ints)"
            )
        return np.asarray(value, dtype=object)
    source = backends.backend_of(value)
    if source is not None and source.name != "numpy":
        if source.is_traced(value):
            raise TypeError(
                f"{argument}: the portable randint needs concrete bounds (not traced); compute "
                "it on JAX on the reference platform, or pass the bounds from outside jit"
            )
        value = source.to_numpy(value)
    try:
        host = np.asarray(value)
    except Exception as e:
        raise TypeError(f"{argument} must be an integer or an integer array") from e
    if host.dtype.kind not in "iu":
        raise TypeError(
            f"{argument} must have an integer dtype; got {host.dtype} (JAX would truncate "
            "floats: unirand asks for integers)"
        )
    return host.astype(object)


# -- the per-element arithmetic on the backend -------------------------------------------------
def _words_const(backend: Backend, host: np.ndarray, masked: bool, device: Any) -> Any:
    dt = np.int64 if masked else np.uint32
    return from_host(backend, np.asarray(host).astype(dt), device)


def _i64_const(backend: Backend, host: np.ndarray, device: Any) -> Any:
    """Unsigned 64-bit values as int64 two's complement."""
    host = _obj(host)
    signed = _obj(np.where(host >= 2**63, _obj(host - 2**64), host)).astype(np.int64)
    return from_host(backend, signed, device)


def _split2(backend: Backend, data: Any) -> tuple[Any, Any]:
    keys = backend.split(data, (2,))
    return keys[0, ...], keys[1, ...]


def _offsets32(
    backend: Backend, p: Plan, shape: tuple[int, ...], data: Any, device: Any, counters: Any
) -> Any:
    """``(minval + offset) mod 2**32`` as words of ``shape``."""
    xp = backend.xp
    n = math.prod(shape)
    k1, k2 = _split2(backend, data)
    w, a1, a2 = backend.raw_words(k1, n, device, counters)
    _, c1, c2 = backend.raw_words(k2, n, device, counters)
    hi = xp.reshape(a1 ^ a2, shape)
    lo = xp.reshape(c1 ^ c2, shape)
    masked = w.masked
    span = _words_const(backend, p.span, masked, device)
    mult = _words_const(backend, p.mult, masked, device)
    base = _words_const(backend, p.base, masked, device)
    zero, one = w.const(0), w.const(1)
    safe = xp.where(span == zero, one, span)
    is0 = span == zero

    def rem(x: Any) -> Any:
        return xp.where(is0, x, x % safe)

    h, low = rem(hi), rem(lo)
    if masked:  # int64 carriers: keep every product below 2**63
        m_hi, m_lo = mult >> w.const(16), mult & w.const(0xFFFF)
        prod = (((h * m_hi) & w.const(0xFFFF)) << w.const(16)) + h * m_lo
        s = (prod + low) & w.const(0xFFFFFFFF)
        return (base + rem(s)) & w.const(0xFFFFFFFF)
    return base + rem(h * mult + low)  # uint32 wraps


def _ult64(xp: Any, a: Any, b: Any, sign: Any) -> Any:
    return (a ^ sign) < (b ^ sign)


def _addmod(xp: Any, x: Any, y: Any, d: Any) -> Any:
    """``(x + y) mod d`` for ``x, y`` in ``[0, d)``, ``0 < d < 2**63``, without overflow."""
    gap = d - y
    return xp.where(x >= gap, x - gap, x + y)


def _urem64(xp: Any, a: Any, d: Any, c: Any) -> Any:
    """Unsigned 64-bit ``a % d`` (``a % 0 = a``) on int64 two's-complement carriers."""
    zero, one = c(0), c(1)
    pos = d > zero
    dpos = xp.where(pos, d, one)
    # 2**64 mod d = 2 * (2**63 mod d) mod d, with 2**63 mod d = ((2**63 - 1) % d + 1) % d
    m63 = _addmod(xp, c(2**63 - 1) % dpos, one % dpos, dpos)
    m64 = _addmod(xp, m63, m63, dpos)
    small = xp.where(a >= zero, a % dpos, _addmod(xp, a % dpos, m64, dpos))
    big = xp.where(_ult64(xp, a, d, c(_I64_MIN)), a, a - d)  # d >= 2**63: a < 2d
    return xp.where(d == zero, a, xp.where(pos, small, big))


def _offsets64(
    backend: Backend, p: Plan, shape: tuple[int, ...], data: Any, device: Any, counters: Any
) -> Any:
    """``(minval + offset) mod 2**64`` as int64 two's complement of ``shape``."""
    xp = backend.xp
    i64 = int_dtype(backend, "int64")
    n = math.prod(shape)

    def c(v: int) -> Any:
        return xp.asarray(v, dtype=i64, device=device)

    def bits64(key: Any) -> Any:
        _w, b1, b2 = backend.raw_words(key, n, device, counters)
        hi, lo = xp.astype(b1, i64), xp.astype(b2, i64)
        return xp.reshape((hi << c(32)) | lo, shape)

    k1, k2 = _split2(backend, data)
    hi, lo = bits64(k1), bits64(k2)
    span = _i64_const(backend, p.span, device)
    mult = _i64_const(backend, p.mult, device)
    base = _i64_const(backend, p.base, device)
    # int64 products and sums wrap modulo 2**64 (two's complement), as uint64 ones do
    s = _urem64(xp, hi, span, c) * mult + _urem64(xp, lo, span, c)
    return base + _urem64(xp, s, span, c)


def randint_values(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    p: Plan,
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """``jax.random.randint`` of ``shape`` and ``dtype`` for the bound plan ``p``;
    ``counters``: a block's (``shape`` is its, the plan its elements')."""
    xp = backend.xp
    target = int_dtype(backend, dtype)
    fast = _compiled(backend, data, shape, p, dtype, device, counters)
    if fast is not None:
        return fast
    if p.nbits == 64:
        v = _offsets64(backend, p, shape, data, device, counters)
        return v if dtype == "int64" else backend.bitcast(v, "uint64")
    v = _offsets32(backend, p, shape, data, device, counters)
    masked = backend.masked_words
    if dtype == "uint32":
        return xp.astype(v, target)
    if masked:  # int64 in [0, 2**32): the int32 with the same bits
        signed = xp.where(v >= xp.asarray(2**31, dtype=v.dtype, device=device), v - 2**32, v)
        return xp.astype(signed, target)
    signed = backend.bitcast(v, "int32")
    return signed if dtype == "int32" else xp.astype(signed, target)


def _compiled(
    backend: Backend,
    data: Any,
    shape: tuple[int, ...],
    p: Plan,
    dtype: str,
    device: Any,
    counters: Any = None,
) -> Any:
    """The plan on the compiled engine, or ``None`` where it does not run.  Its values are
    passed one per draw, or broadcast to one per element."""
    if not backend.compiled_available(data, device):
        return None
    keys = backend.split(data, (2,))
    l0, l1 = backend.host_key(keys[1, ...])
    word = np.uint64 if p.nbits == 64 else np.uint32

    def host(v: np.ndarray) -> Any:
        if v.size == 1:
            return int(v.reshape(-1)[0])
        return np.ascontiguousarray(np.broadcast_to(v.astype(word), shape)).reshape(-1)

    plan = (host(p.span), host(p.mult), host(p.base))
    return backend.compiled(
        "randint", keys[0, ...], shape, dtype, device, l0, l1, *plan, counters=counters
    )


# -- the public function -----------------------------------------------------------------------
@sampler
def randint(
    key: PortableKey,
    shape: Any,
    minval: Any,
    maxval: Any,
    dtype: Any = "int32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Integers in ``[minval, maxval)``: ``jax.random.randint`` bit for bit.

    ``minval``/``maxval`` are integers or integer arrays broadcasting to ``shape``.  JAX's
    rules are kept exactly: bounds are clipped to the dtype's range, ``maxval <= minval`` gives
    ``minval``, and a ``maxval`` above the dtype's maximum includes the maximum (e.g.
    ``randint(k, s, 0, 256, "uint8")`` covers 0..255).  Python ints are int64, as in JAX with
    x64.  The default dtype is int32 (JAX's default is int64 with x64, int32 without; the
    streams of the two differ).  Floats are rejected (JAX truncates them).  ``index``/``offset``:
    one block of the draw (as :func:`unirand.bits`).
    """
    single(key, "randint")
    shape = as_shape(shape)
    name = canonical_int(dtype)
    vmin = _host_or_traced(minval, "minval")
    vmax = _host_or_traced(maxval, "maxval")
    for arg, v in (("minval", vmin), ("maxval", vmax)):
        broadcast_to_shape(f"randint {arg}", shape, tuple(np.shape(v)))
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    int_dtype(target, name)
    jb = native_jax(target, dev, "randint") if block is None else None
    concrete = isinstance(vmin, np.ndarray) and isinstance(vmax, np.ndarray)
    if jb is not None and (not concrete or _jax_takes(vmin, vmax)):
        return jax_call(
            jb, target, data, dev, "randint", shape, minval, maxval, int_dtype(target, name)
        )
    if not isinstance(vmin, np.ndarray) or not isinstance(vmax, np.ndarray):
        raise TypeError(
            "randint: traced bounds need JAX's native engine (XLA:CPU); the portable engine "
            "needs concrete bounds"
        )
    if block is None:
        return randint_values(target, data, shape, plan(vmin, vmax, name), name, dev)
    vmin, vmax = (block.take(v) if v.ndim else v for v in (vmin, vmax))  # the block's bounds
    p = plan(vmin, vmax, name)
    out = randint_values(target, data, block.full, p, name, dev, block.counters)
    return target.xp.reshape(out, block.shape)


def _jax_takes(vmin: np.ndarray, vmax: np.ndarray) -> bool:
    """Whether ``jax.random.randint`` accepts these bounds as they are: without x64 it parses
    them as int32 and overflows beyond (the portable engine, exact for integers, takes over)."""
    import jax

    if cast(Any, jax.config).jax_enable_x64:
        return True
    lo, hi = -(2**31), 2**31 - 1
    return all(v.size == 0 or (lo <= int(v.min()) and int(v.max()) <= hi) for v in (vmin, vmax))


def _host_or_traced(value: Any, argument: str) -> Any:
    """The bound's integers on the host, or the traced JAX array itself (checked for an
    integer dtype)."""
    source = backends.backend_of(value)
    if source is not None and source.is_traced(value):
        if "int" not in str(value.dtype):
            raise TypeError(f"{argument} must have an integer dtype; got {value.dtype}")
        return value
    return _host_ints(value, argument)
