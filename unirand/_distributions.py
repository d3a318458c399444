"""``bernoulli``, ``exponential``, ``gumbel`` and ``categorical``: ``jax.random``'s, bit for bit.

Each sampler is ``jax.random``'s formula (jax 0.10.2, ``jax/_src/random/core.py``) on top of
the portable ``uniform``/``bits`` streams, with XLA:CPU's ``log`` and ``log1p`` reproduced
operation by operation (:mod:`unirand._xla_math`; float64 ``log`` is the C library's, as
XLA:CPU calls it).  Read off the optimized LLVM IR of jaxlib 0.10.2 on x86-64 with FMA:

* float32: XLA's inlined ``log`` (with its special cases: ``log(0) = -inf``, ``log(inf) = inf``,
  ``log(x < 0 or NaN)`` = the NaN with all bits set) and ``log1p`` (Cephes rational below
  ``sqrt(2) - 1``, else ``log(1 + x)``), FMA contractions as in :mod:`unirand._xla_math`;
* float64: the same ``log1p`` with float64 coefficients, ``log`` from the C library;
* float16/bfloat16: every operation is computed in float32 and rounded back to the 16-bit type
  (``log``, ``log1p``, ``+``), negations are exact.

The functions taking ``(backend, data, ...)`` are traceable (no data-dependent Python control
flow) and written against the array API, so they run on every backend.  On JAX on the reference
platform they call ``jax.random`` itself.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import backends
from ._api import _other, _single, _target
from ._key import ThreefryKey
from .backends import Backend
from .engine.dtypes import FLOAT_DTYPES, MANTISSA, canonical, dtype_name, numpy_dtype
from .keys.validation import as_shape, is_integer
from .math.xla_log import log1p_f32_xla, log1p_f64_xla, log_f32_xla, log_f64_xla

__all__ = [
    "bernoulli",
    "exponential",
    "gumbel",
    "categorical",
    "bernoulli_values",
    "exponential_values",
    "gumbel_values",
    "categorical_values",
]

#: ``finfo(dtype).tiny``: the smallest positive normal number
TINY = {"float16": 2.0**-14, "bfloat16": 2.0**-126, "float32": 2.0**-126, "float64": 2.0**-1022}
BERNOULLI_MODES = ("low", "high")
GUMBEL_MODES = ("low", "high", "highest")


class _Math:
    """Arithmetic in ``dtype`` as XLA:CPU does it.  Values are carried in float64 for float64,
    in float32 otherwise (a 16-bit value is exact in float32); ``round`` rounds a float32
    result to the 16-bit type."""

    def __init__(self, backend: Backend, dtype: str) -> None:
        xp = backend.xp
        self.backend, self.dtype, self.xp = backend, dtype, xp
        self.target = backend.dtype(dtype)
        self.wide = dtype == "float64"
        self.ops = backend.float64_ops() if self.wide else backend.float32_ops()
        self.carry = xp.float64 if self.wide else xp.float32
        self.short = dtype in ("float16", "bfloat16")

    def load(self, x: Any) -> Any:
        return self.xp.astype(x, self.carry)

    def round(self, x: Any, *, nan: bool = False) -> Any:
        """``x`` (float32) rounded to the 16-bit type, carried in float32.  ``nan=True`` also
        gives NaNs XLA's bits (sign and leading payload kept, quiet bit set; PyTorch's
        vectorized bfloat16 conversion makes every NaN 0xFFFF), for the total order of
        ``top_k``."""
        if not self.short:
            return x
        xp = self.xp
        r = xp.astype(xp.astype(x, self.target), xp.float32)
        if not nan:
            return r
        bits = self.ops.bitcast(x, "int32")
        keep = -(1 << 16) if self.dtype == "bfloat16" else -(1 << 13)
        quiet = (bits & self.const(keep, bits)) | self.const(0x00400000, bits)
        return xp.where(xp.isnan(x), self.ops.bitcast(quiet, "float32"), r)

    def out(self, x: Any) -> Any:
        return self.xp.astype(x, self.target)

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def log(self, x: Any) -> Any:
        if self.wide:
            return log_f64_xla(self.ops, x)
        return self.round(log_f32_xla(self.ops, x))

    def log1p(self, x: Any) -> Any:
        if self.wide:
            return log1p_f64_xla(self.ops, x)
        return self.round(log1p_f32_xla(self.ops, x))


# -- the JAX native path -------------------------------------------------------------------------
def _native_jax(backend: Backend, device: Any) -> Any:
    """``unirand.backends.jax`` when ``jax.random`` itself is the specification here."""
    if backend.name != "jax":
        return None
    from .backends import jax as jax_backend

    if backend is jax_backend.BACKEND and jax_backend.native_is_reference(device):
        return jax_backend
    return None


def _jax_call(jb: Any, backend: Backend, data: Any, device: Any, fn: str, *args: Any) -> Any:
    import jax

    key = jb.BACKEND._key(backend.to_device(data, device))
    with jax.threefry_partitionable(True):
        return getattr(jax.random, fn)(key, *args)


def _index_dtype(backend: Backend) -> Any:
    """``jnp.argmax``'s index dtype: int64, int32 on JAX without x64."""
    try:
        return backend.dtype("int64")
    except TypeError:
        return backend.dtype("int32")


# -- samplers on raw key data (every backend) ---------------------------------------------------
def bernoulli_values(
    backend: Backend, data: Any, p: Any, shape: tuple[int, ...], dtype: str, mode: str, device: Any
) -> Any:
    """``uniform(key, shape, dtype) < p`` (mode "low"), or "high":
    ``u1, u2 = uniform(key, (2, *shape), dtype)``; ``u2 * 2**-nmant < p - u1``.

    ``p`` is an array of ``dtype`` in ``backend``, broadcastable to ``shape``.
    """
    jb = _native_jax(backend, device)
    if jb is not None:
        return _jax_call(jb, backend, data, device, "bernoulli", p, shape, mode)
    m = _Math(backend, dtype)
    pc = m.load(p)
    if mode == "low":
        u = m.load(backend.uniform(data, shape, dtype, 0.0, 1.0, device))
        return u < pc
    u = m.load(backend.uniform(data, (2, *shape), dtype, 0.0, 1.0, device))
    u1, u2 = u[0, ...], u[1, ...]
    u2 = u2 * m.const(2.0 ** -MANTISSA[dtype], u2)  # exact: a power of two
    return u2 < m.round(pc - u1)


def exponential_values(
    backend: Backend, data: Any, shape: tuple[int, ...], dtype: str, device: Any
) -> Any:
    """``-log1p(-uniform(key, shape, dtype))``."""
    xp = backend.xp
    jb = _native_jax(backend, device)
    if jb is not None:
        return _jax_call(jb, backend, data, device, "exponential", shape, backend.dtype(dtype))
    m = _Math(backend, dtype)
    u = m.load(backend.uniform(data, (math.prod(shape),), dtype, 0.0, 1.0, device))
    return xp.reshape(m.out(-m.log1p(-u)), shape)


def gumbel_values(
    backend: Backend, data: Any, shape: tuple[int, ...], dtype: str, mode: str, device: Any
) -> Any:
    """``jax.random.gumbel``: see :func:`gumbel` for the three modes."""
    xp = backend.xp
    jb = _native_jax(backend, device)
    if jb is not None:
        return _jax_call(jb, backend, data, device, "gumbel", shape, backend.dtype(dtype), mode)
    n = math.prod(shape)
    m = _Math(backend, dtype)
    if mode == "highest" and dtype == "float32":
        g = _gumbel_highest_f32(backend, m, data, n, device)
    elif mode in ("high", "highest"):
        u = m.load(backend.uniform(data, (2, n), dtype, 0.0, 1.0, device))
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
        u = m.load(backend.uniform(data, (n,), dtype, 0.0, 1.0, device))
        g = -m.log(-m.log(xp.maximum(u, m.const(TINY[dtype], u))))
    return xp.reshape(m.out(g), shape)


def _gumbel_highest_f32(backend: Backend, m: _Math, data: Any, n: int, device: Any) -> Any:
    """``jax.random.gumbel(mode="highest")`` for float32: 64 random bits per value, read as a
    fixed-point fraction in (0, 1) and converted to float32 by truncation
    (``_safe_int_to_float``), with ``1 - u`` formed in 64-bit fixed point for the low half."""
    xp = backend.xp
    w, b1, b2 = backend.raw_words(data, 2 * n, device)
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


def categorical_values(
    backend: Backend,
    data: Any,
    logits: Any,
    axis: int,
    shape: tuple[int, ...],
    dtype: str,
    replace: bool,
    mode: str,
    device: Any,
) -> Any:
    """``jax.random.categorical``: the Gumbel-max trick (``replace``) or Gumbel top-k.

    ``logits`` is an array of ``dtype`` in ``backend``; ``axis`` is in ``[0, logits.ndim)``;
    ``shape`` has been checked against the batch shape.
    """
    xp = backend.xp
    jb = _native_jax(backend, device)
    if jb is not None:
        return _jax_call(
            jb, backend, data, device, "categorical", logits, axis, shape, replace, mode
        )
    ndim = len(logits.shape)
    batch = tuple(d for i, d in enumerate(logits.shape) if i != axis)
    m = _Math(backend, dtype)
    lg = m.load(logits)
    if replace:
        prefix = shape[: len(shape) - len(batch)]
        noise_shape = list(shape[len(shape) - len(batch) :])
        noise_shape.insert(axis, logits.shape[axis])
        g = m.load(gumbel_values(backend, data, (*prefix, *noise_shape), dtype, mode, device))
        lg = xp.reshape(lg, (1,) * len(prefix) + tuple(logits.shape))
        v = m.round(g + lg)
        return _argmax_first(backend, _axis_last(xp, v, len(prefix) + axis))
    prefix = shape[: len(shape) - len(batch)]
    k = math.prod(prefix)
    if k > logits.shape[axis]:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of categories "
            f"({logits.shape[axis]})."
        )
    g = m.load(gumbel_values(backend, data, tuple(logits.shape), dtype, mode, device))
    v = _axis_last(xp, m.round(lg + g, nan=True), axis)
    top = _top_k_indices(backend, m, v, k)  # batch + (k,)
    perm = (ndim - 1, *range(ndim - 1))
    return xp.reshape(xp.permute_dims(top, perm), shape)


def _axis_last(xp: Any, v: Any, axis: int) -> Any:
    nd = len(v.shape)
    if axis == nd - 1:
        return v
    perm = (*(i for i in range(nd) if i != axis), axis)
    return xp.permute_dims(v, perm)


def _argmax_first(backend: Backend, v: Any) -> Any:
    """``jnp.argmax(v, axis=-1)`` as XLA reduces it: the first maximum, or the first NaN."""
    xp = backend.xp
    n = v.shape[-1]
    dev = backend.device_of(v)
    isnan = xp.isnan(v)
    anynan = xp.any(isnan, axis=-1, keepdims=True)
    y = xp.where(isnan, xp.asarray(-np.inf, dtype=v.dtype, device=dev), v)
    hit = xp.where(anynan, isnan, y == xp.max(y, axis=-1, keepdims=True))
    itype = _index_dtype(backend)
    idx = xp.arange(n, dtype=itype, device=dev)
    cand = xp.where(hit, idx, xp.asarray(n, dtype=itype, device=dev))
    return xp.min(cand, axis=-1)


def _top_k_indices(backend: Backend, m: _Math, v: Any, k: int) -> Any:
    """``lax.top_k(v, k)[1]``: XLA orders floats totally (-NaN < -inf < ... < -0.0 < +0.0 <
    ... < inf < NaN), ties by lower index; indices are int32."""
    xp = backend.xp
    iname = "int64" if m.wide else "int32"
    s = backend.bitcast(v, iname)
    dev = backend.device_of(s)
    low = xp.asarray((1 << (63 if m.wide else 31)) - 1, dtype=s.dtype, device=dev)
    key = xp.where(s < xp.zeros_like(s), s ^ low, s)
    order = xp.argsort(~key, axis=-1, stable=True)  # ~key ascending = key descending
    return xp.astype(order[..., :k], backend.dtype("int32"))


# -- argument handling ---------------------------------------------------------------------------
def _float_array(value: Any, target: Backend, device: Any, argument: str) -> tuple[Any, str]:
    """``value`` as an array of ``target`` and its float dtype's canonical name.

    Python floats and lists of them are float32 (JAX's weak types, as with x64 off); arrays
    keep their dtype, which must be a float dtype.
    """
    if isinstance(value, (bool, int, complex)) or is_integer(value):
        raise TypeError(
            f"{argument} must have a floating dtype (float16, bfloat16, float32, float64); got "
            f"{type(value).__name__} {value!r}"
        )
    source = backends.backend_of(value)
    if source is not None and source.name != "numpy":
        name = _float_name(value.dtype, argument)
        target.dtype(name)
        if source is target:
            return (value if device is None else target.to_device(value, device)), name
        return _from_host(target, source.to_numpy(value), device), name
    if source is None and hasattr(value, "__array_namespace__"):
        raise TypeError(f"{argument}: arrays of {type(value).__module__} are not supported")
    python = type(value) is float or isinstance(value, (list, tuple))  # not np.float64
    try:
        host = np.asarray(value)
    except Exception as e:
        raise TypeError(
            f"{argument} must be a float or an array of floats; got {type(value).__name__}"
        ) from e
    if python and host.dtype.kind == "f":
        host = host.astype(np.float32)
    name = _float_name(host.dtype, argument)
    target.dtype(name)
    return _from_host(target, host.astype(numpy_dtype(name)), device), name


def _from_host(target: Backend, host: np.ndarray, device: Any) -> Any:
    # reshaped: some backends' from_numpy turn a 0-d array into shape (1,)
    arr = target.from_numpy(np.array(host, order="C"), device)
    return target.xp.reshape(arr, host.shape) if tuple(arr.shape) != host.shape else arr


def _float_name(dtype: Any, argument: str) -> str:
    try:
        name = dtype_name(dtype)
    except Exception:
        name = repr(dtype)
    if name not in FLOAT_DTYPES:
        raise TypeError(
            f"{argument} must have a floating dtype (float16, bfloat16, float32, float64); got "
            f"dtype {dtype}"
        )
    return name


def _check_mode(mode: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(mode, str) or mode not in allowed:
        raise ValueError(f"mode must be one of {', '.join(map(repr, allowed))}; got {mode!r}")
    return mode


def _broadcast_to_shape(name: str, shape: tuple[int, ...], param: tuple[int, ...]) -> None:
    """JAX's ``_check_shape``: the parameter broadcasts to ``shape`` and not beyond."""
    try:
        result = tuple(np.broadcast_shapes(shape, param))
    except ValueError:
        result = None
    if result != shape:
        raise ValueError(
            f"{name}: parameter shape {param} must broadcast to the shape argument {shape} "
            f"(the result of broadcasting must equal shape)"
        )


# -- the public functions ------------------------------------------------------------------------
def bernoulli(
    key: ThreefryKey,
    p: Any = 0.5,
    shape: Any = None,
    *,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Booleans that are True with probability ``p``: ``jax.random.bernoulli`` bit for bit.

    ``uniform(key, shape, p.dtype) < p``; ``p`` may be any value (outside [0, 1] the result is
    all False or all True, NaN gives False, as in JAX).  The uniforms have ``p``'s dtype: a
    Python float (or list) is float32, an array keeps its float dtype.  ``shape`` defaults to
    ``p``'s shape; ``p`` must broadcast to it.  ``mode="high"`` draws two uniforms per value
    for small ``p`` (JAX's ``mode``).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).bernoulli(p, shape, mode=mode, xp=xp, device=device)
    _single(key, "bernoulli")
    mode = _check_mode(mode, BERNOULLI_MODES)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = _target(key, xp, device)
    parr, name = _float_array(p, target, dev, "p")
    if shape is None:
        shape = tuple(parr.shape)
    else:
        _broadcast_to_shape("bernoulli", shape, tuple(parr.shape))
    return bernoulli_values(target, data, parr, shape, name, mode, dev)


def exponential(
    key: ThreefryKey, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
) -> Any:
    """Standard exponentials: ``jax.random.exponential`` bit for bit, ``-log1p(-u)`` with ``u``
    uniform in [0, 1) and XLA:CPU's ``log1p``."""
    if not isinstance(key, ThreefryKey):
        return _other(key).exponential(shape, dtype, xp=xp, device=device)
    _single(key, "exponential")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = _target(key, xp, device)
    target.dtype(name)
    return exponential_values(target, data, shape, name, dev)


def gumbel(
    key: ThreefryKey,
    shape: Any = (),
    dtype: Any = "float32",
    *,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Standard Gumbel values: ``jax.random.gumbel`` bit for bit.

    ``mode="low"`` (JAX's default): ``-log(-log(u))``, ``u`` uniform in ``[tiny, 1)``.
    ``"high"``: two uniforms per value for more range near 0.  ``"highest"``: float32 from 64
    random bits (other dtypes: as ``"high"``).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).gumbel(shape, dtype, mode=mode, xp=xp, device=device)
    _single(key, "gumbel")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    mode = _check_mode(mode, GUMBEL_MODES)
    target, dev, data = _target(key, xp, device)
    target.dtype(name)
    return gumbel_values(target, data, shape, name, mode, dev)


def categorical(
    key: ThreefryKey,
    logits: Any,
    axis: int = -1,
    shape: Any = None,
    *,
    replace: bool = True,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Indices drawn with probabilities ``softmax(logits, axis)``: ``jax.random.categorical``.

    ``argmax(gumbel(key, shape', logits.dtype) + logits, axis)`` (the first maximum; the first
    NaN if any), or with ``replace=False`` the Gumbel top-k.  ``logits`` follows ``p`` of
    :func:`bernoulli` for its dtype.  Indices are int64 (int32 on JAX without x64, and int32
    for ``replace=False``, as in JAX).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).categorical(
            logits, axis, shape, replace=replace, mode=mode, xp=xp, device=device
        )
    _single(key, "categorical")
    mode = _check_mode(mode, GUMBEL_MODES)
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    target, dev, data = _target(key, xp, device)
    arr, name = _float_array(logits, target, dev, "logits")
    ndim = len(arr.shape)
    if ndim == 0:
        raise ValueError("logits must have at least one dimension (the categories)")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for logits of shape {tuple(arr.shape)}")
    axis %= ndim
    if arr.shape[axis] == 0:
        raise ValueError("logits must have at least one category along axis")
    batch = tuple(d for i, d in enumerate(arr.shape) if i != axis)
    if shape is None:
        shape = batch
    else:
        shape = as_shape(shape)
        _broadcast_to_shape("categorical", shape, batch)
        if not replace and shape[len(shape) - len(batch) :] != batch:
            raise ValueError(
                f"categorical with replace=False: shape {shape} must end with the batch shape "
                f"{batch} of logits"
            )
    return categorical_values(target, data, arr, axis, shape, name, bool(replace), mode, dev)
