"""``gamma`` and ``loggamma``: ``jax.random.gamma``/``loggamma`` (Marsaglia-Tsang) as XLA:CPU
computes them.

JAX (jax 0.10.2, ``_gamma_impl``/``_gamma_one``): ``alpha`` is converted to the dtype and
broadcast to ``shape``; element ``i`` (flat, C order) is sampled from its own key
``split(key, n)[i]`` (the hash of counter ``i``, so it depends on ``(key, i, alpha_i)`` only:
blocks are exact slices).  Per element, with ``a = alpha`` (``alpha + 1`` below 1),
``d = a - 1/3``, ``c = (1/3) / sqrt(d)`` and ``key, sub = split(key)``, a ``while_loop`` runs
``key, xk, uk = split(key, 3)``; an inner ``while_loop`` draws ``xk, s = split(xk)``,
``x = normal(s, ())``, ``v = 1 + x*c`` until ``v > 0``; then ``X = x*x``, ``V = v*v*v``,
``U = uniform(uk, ())``, and stops once ``U < 1 - 0.0331*X`` or
``log U < X/2 + d*((1 - V) + log V)`` (both always evaluated).  The result is
``d*V*pow(1 - uniform(sub, ()), 1/alpha)`` (the power only below 1), or in log space
``log d + log V + (-exponential(sub, ()))/alpha``.

Here the loops run vectorized over the still-active elements only: every element carries its
key as two 32-bit words, each round hashes the active elements' keys (one Threefry block each,
counter 0 for a scalar draw) and merges the new state back by one gather.  The arithmetic is
XLA:CPU's in the dtype (:class:`~unirand.samplers.dtype_arith.DtypeArith`): 16-bit values are
computed in float32 and rounded after every operation, ``1 + x*c`` is one fused multiply-add.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.affine import affine_bounds, apply_affine
from ..engine.backend import Backend
from ..engine.dtypes import FLOAT_DTYPES, MANTISSA, WIDTH, canonical, numpy_dtype
from ..engine.normal_transform import SQRT2_64, from_uniform_f32, normal_low
from ..engine.threefry import Words, counters, hash_pair
from ..keys.native.arguments import float_bounds
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from ..math.xla_erf_inv import erf_inv_f64
from ._gamma_rsqrt import rsqrt_f32_xla, rsqrt_f64_xla
from .arguments import broadcast_to_shape
from .blocks import Block, parse_block
from .dtype_arith import DtypeArith
from .hosted import host_loops, on_device
from .sampler import sampler

__all__ = [
    "KeyWords",
    "gamma",
    "gamma_core",
    "gamma_values",
    "host_alpha",
    "loggamma",
    "merge",
    "split_words",
]

#: the key of every element: its two words (arrays of ``Words``)
KeyWords = tuple[Any, Any]


def split_words(w: Words, key: KeyWords, n: int) -> list[KeyWords]:
    """``split(key, n)`` of every element's key: the ``n`` keys hashed from counters ``0..n-1``."""
    out = []
    for j in range(n):
        zero = w.const(0)
        out.append(hash_pair(w, key[0], key[1], zero, w.const(j)))
    return out


def element_keys(backend: Backend, data: Any, n: int, device: Any, idx: Any = None) -> KeyWords:
    """``split(key, n)[i]`` for each element ``i`` of the draw (or of a block's ``idx``)."""
    w = backend.words(device)
    k0, k1 = Backend.key_words(backend, backend.to_device(data, device), w)
    hi, lo = counters(w, n, idx)
    return hash_pair(w, k0, k1, hi, lo)


def _scalar_floats(backend: Backend, w: Words, key: KeyWords, dtype: str) -> Any:
    """``jax.random._uniform``'s float in [0, 1) of each key's scalar draw (counter 0): the
    mantissa bits of ``bits(key, ())`` (float32 for 16-bit dtypes, as the engine's)."""
    xp = backend.xp
    zero = w.const(0)
    b1, b2 = hash_pair(w, key[0], key[1], zero, zero)
    nmant = MANTISSA[dtype]
    if dtype == "float64":
        f64 = xp.float64
        # the top 52 of the 64 bits b1 << 32 | b2, as an exact float64 sum, then scaled
        k = xp.astype(b1, f64) * 2.0**20 + xp.astype(b2 >> w.const(12), f64)
        return k * 2.0**-52
    rng_bits = 8 if nmant < 8 else WIDTH[dtype]
    x = b1 ^ b2
    if rng_bits < 32:
        x = x & w.const((1 << rng_bits) - 1)
    k = x >> w.const(rng_bits - nmant)
    return xp.astype(k, xp.float32) * (2.0**-nmant)


def uniform01(backend: Backend, m: DtypeArith, w: Words, key: KeyWords) -> Any:
    """``uniform(key, (), dtype)`` of every key, in the carry dtype (``f*1 + 0`` is ``f``)."""
    return m.load(_scalar_floats(backend, w, key, m.dtype))


def normal01(backend: Backend, m: DtypeArith, w: Words, key: KeyWords, device: Any) -> Any:
    """``normal(key, (), dtype)`` of every key, in the carry dtype: the engine's transform."""
    xp = backend.xp
    dtype = m.dtype
    f = _scalar_floats(backend, w, key, dtype)
    u = apply_affine(
        backend, f, dtype, affine_bounds(backend, dtype, normal_low(dtype), 1.0, device)
    )
    if dtype == "float64":
        ops = backend.float64_ops()
        z = erf_inv_f64(ops, u)
        return ops.mul(ops.const(SQRT2_64, z), z)
    z = from_uniform_f32(
        backend.float32_ops(), xp.astype(u, xp.float32), dtype, lambda v: backend.to_dtype(v, dtype)
    )
    return m.load(z)


def merge(backend: Backend, full: Any, where: np.ndarray, values: Any) -> Any:
    """``full`` with ``full[where] = values`` (``where``: host int64 positions), by one gather
    of the concatenation: the array API has no scatter."""
    xp = backend.xp
    n = full.shape[0]
    perm = np.arange(n, dtype=np.int64)
    perm[where] = n + np.arange(where.shape[0], dtype=np.int64)
    dev = backend.device_of(full)
    return xp.take(xp.concat([full, values]), backend.from_numpy(perm, dev), axis=0)


def _take(backend: Backend, x: Any, where: np.ndarray) -> Any:
    return backend.xp.take(x, backend.from_numpy(where, backend.device_of(x)), axis=0)


def _host_mask(backend: Backend, mask: Any) -> np.ndarray:
    return np.asarray(backend.to_numpy(mask), dtype=bool).reshape(-1)


def _rounds_v(
    backend: Backend, m: DtypeArith, w: Words, xkey: KeyWords, c: Any, device: Any
) -> tuple[Any, Any]:
    """The inner ``while_loop`` for the active elements: ``x`` and ``v = 1 + x*c`` once
    ``v > 0`` (redrawn from ``xkey, sub = split(xkey)`` while not)."""
    key, cc = xkey, c
    x: Any = None
    v: Any = None
    pos = np.arange(c.shape[0], dtype=np.int64)  # the elements still drawing, in the active set
    while pos.shape[0]:
        nxt, sub = split_words(w, key, 2)
        xn = normal01(backend, m, w, sub, device)
        one = m.const(1.0, xn)
        # one FMA in float32/float64; 16-bit types round the product first (XLA converts)
        vn = m.round(m.round(xn * cc) + one) if m.short else m.ops.fma(xn, cc, one)
        if x is None:
            x, v = xn, vn
        else:
            x, v = merge(backend, x, pos, xn), merge(backend, v, pos, vn)
        again = np.nonzero(_host_mask(backend, vn <= m.const(0.0, vn)))[0]
        pos = pos[again]
        if pos.shape[0]:
            key = (_take(backend, nxt[0], again), _take(backend, nxt[1], again))
            cc = _take(backend, cc, again)
    return x, v


def host_setup(alpha: np.ndarray, dtype: str) -> tuple[np.ndarray, ...]:
    """``(boost, d, c, 1/alpha)`` of every element, on the host (NumPy, the carry dtype):
    ``alpha`` holds the dtype's values.  ``c = (1/3) * rsqrt(d)`` with XLA:CPU's ``rsqrt``
    (:mod:`._gamma_rsqrt`), as XLA's simplifier rewrites ``(1/3) / sqrt(d)``; bfloat16 is
    normalized to float32 first and keeps the divide.  16-bit values are computed in float32
    and rounded after every operation."""
    npd = numpy_dtype(dtype)
    carry = np.float64 if dtype == "float64" else np.float32

    def rnd(v: np.ndarray) -> np.ndarray:
        return np.asarray(v).astype(npd).astype(carry)

    a0 = np.asarray(alpha, carry)
    with np.errstate(all="ignore"):
        third = carry(_in_dtype(1.0 / 3.0, dtype))
        boost = a0 >= carry(1.0)
        a = np.where(boost, a0, rnd(a0 + carry(1.0)))
        d = rnd(a - third)
        if dtype == "bfloat16":  # normalized to float32 before the rsqrt rewrite: a divide
            c = rnd(third / rnd(np.sqrt(d)))
        else:
            r = rsqrt_f64_xla(d) if dtype == "float64" else rnd(rsqrt_f32_xla(d))
            c = rnd(third * r)
        inv = rnd(carry(1.0) / a0)
    return boost, d, c, inv


def gamma_core(
    backend: Backend,
    m: DtypeArith,
    key: KeyWords,
    alpha: np.ndarray,
    log_space: bool,
    device: Any,
) -> Any:
    """``_gamma_one`` of every element: keys ``key`` (flat word arrays), ``alpha`` (flat host
    array of the dtype's values).  Returns the flat results in the carry dtype."""
    xp = backend.xp
    w = backend.words(device)
    boost_h, d_h, c_h, inv_h = host_setup(alpha, m.dtype)
    boost = backend.from_numpy(boost_h, device)
    d, c, inv = (backend.from_numpy(np.ascontiguousarray(v), device) for v in (d_h, c_h, inv_h))
    outer, sub = split_words(w, key, 2)
    n = d_h.shape[0]
    v_all = xp.ones_like(d)
    k0, k1 = outer
    act = np.arange(n, dtype=np.int64)
    squeeze = _in_dtype(0.0331, m.dtype)
    while act.shape[0]:
        whole = act.shape[0] == n
        ka = (k0, k1) if whole else (_take(backend, k0, act), _take(backend, k1, act))
        da = d if whole else _take(backend, d, act)
        ca = c if whole else _take(backend, c, act)
        nk, xk, uk = split_words(w, ka, 3)
        x, v = _rounds_v(backend, m, w, xk, ca, device)
        big_x = m.round(x * x)
        big_v = m.round(m.round(v * v) * v)
        u = uniform01(backend, m, w, uk)
        one = m.const(1.0, u)
        # JAX squares X (already x*x) again here: 0.0331 * x**4, as Marsaglia-Tsang has it
        t1 = u >= m.round(one - m.round(m.const(squeeze, u) * m.round(big_x * big_x)))
        inner = m.round(m.round(one - big_v) + _log(m, big_v))
        rhs = m.round(m.round(big_x * m.const(0.5, u)) + m.round(da * inner))
        again = _host_mask(backend, t1 & (_log(m, u) >= rhs))
        if whole:
            v_all, (k0, k1) = big_v, nk
        else:
            v_all = merge(backend, v_all, act, big_v)
            k0, k1 = merge(backend, k0, act, nk[0]), merge(backend, k1, act, nk[1])
        act = act[again]
    u = uniform01(backend, m, w, sub)
    zero, one = m.const(0.0, u), m.const(1.0, u)
    if log_space:
        log_samples = -m.log1p(-u)  # -exponential(sub, ())
        log_samples = -log_samples
        scaled = m.round(log_samples * inv)
        log_boost = xp.where(boost | (log_samples == zero), zero, scaled)
        # where both logs are NaN (alpha < -2/3) XLA's vector loop keeps log V's NaN for
        # float64 and log d's for the others (its scalar remainder may keep the other one)
        ld, lv = _log(m, d), _log(m, v_all)
        first, second = (lv, ld) if m.wide else (ld, lv)
        return m.round(m.round(first + second) + log_boost)
    samples = m.round(one - u)
    # the power only where JAX's select keeps it (a < 1): the C library's pow is the slow part
    low = np.nonzero(~boost_h)[0]
    boosted = xp.ones_like(samples)
    if low.shape[0]:
        powed = _ftz(m, m.pow(_take(backend, samples, low), _take(backend, inv, low)))
        boosted = merge(backend, boosted, low, powed)
    return _ftz(m, m.round(m.round(d * v_all) * boosted))


def _log(m: DtypeArith, x: Any) -> Any:
    """XLA's ``log``; float64 NaNs pass through with their sign and payload, as glibc's
    ``log`` returns them (the emulation gives one positive NaN)."""
    y = m.log(x)
    return m.xp.where(m.xp.isnan(x), x, y) if m.wide else y


def _ftz(m: DtypeArith, x: Any) -> Any:
    """Subnormal results flushed to zero (sign kept): XLA:CPU runs with FTZ/DAZ set, so a
    product that would be subnormal, or a subnormal ``pow`` entering one, gives zero."""
    xp = m.xp
    tiny = m.const(2.0**-1022 if m.wide else 2.0**-126, x)
    zero = xp.where(x < m.const(0.0, x), m.const(-0.0, x), m.const(0.0, x))
    return xp.where(xp.abs(x) < tiny, zero, x)


def _in_dtype(value: float, dtype: str) -> float:
    """A constant as ``lax._const(alpha, value)`` makes it: rounded to the dtype."""
    return float(np.asarray(value).astype(numpy_dtype(dtype)))


def host_alpha(a: Any, dtype: str) -> np.ndarray:
    """``a`` as a host array of ``dtype``'s values, converted as XLA converts it (16-bit types
    from float64 through float32, as LLVM's ``fptrunc`` does on x86-64); numbers and arrays of
    any library, integers included (bools refused, with the argument named)."""
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"a must be a number or an array of numbers; got {a!r}")
    host = float_bounds(a, "a")
    if dtype in ("float16", "bfloat16") and host.dtype == np.float64:
        host = host.astype(np.float32)
    return np.asarray(host).astype(numpy_dtype(dtype))


def gamma_values(
    backend: Backend,
    data: Any,
    alpha: np.ndarray,
    shape: tuple[int, ...],
    dtype: str,
    log_space: bool,
    device: Any,
    block: Block | None = None,
) -> Any:
    """``gamma``/``loggamma`` of shape ``shape`` (a block's elements when ``block`` is given)
    for host ``alpha`` of ``dtype``'s values broadcasting to ``shape``.  With a JAX key that is
    concrete, or torch on the CPU, the loops run on NumPy and the result is put on ``device``
    (:mod:`.hosted`)."""
    hosted = host_loops(backend, data, device)
    if hosted is not None:
        hb, hdata = hosted
        out = gamma_values(hb, hdata, alpha, shape, dtype, log_space, "cpu", block)
        return on_device(backend, out, device)
    xp = backend.xp
    full = np.broadcast_to(alpha, shape) if block is None else block.take(alpha)
    flat = np.ascontiguousarray(full).reshape(-1)
    out_shape = shape if block is None else block.shape
    m = DtypeArith(backend, dtype)
    if flat.shape[0] == 0:
        return xp.reshape(m.out(backend.from_numpy(flat.astype(np.float32), device)), out_shape)
    carry = np.float64 if dtype == "float64" else np.float32
    idx = None if block is None else block.counters
    keys = element_keys(backend, data, flat.shape[0], device, idx)
    with np.errstate(all="ignore"):
        out = gamma_core(backend, m, keys, flat.astype(carry), log_space, device)
    return xp.reshape(m.out(out), out_shape)


def _gamma_call(
    fn: str,
    key: PortableKey,
    a: Any,
    shape: Any,
    dtype: Any,
    xp: Any,
    device: Any,
    index: Any,
    offset: Any,
) -> Any:
    single(key, fn)
    name = canonical(dtype, FLOAT_DTYPES)
    alpha = host_alpha(a, name)
    if shape is None:
        shape = tuple(alpha.shape)
    else:
        shape = as_shape(shape)
        broadcast_to_shape(f"{fn} a", shape, tuple(alpha.shape))
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    if target.is_traced(data):
        raise TypeError(
            f"{fn}: the portable engine's rejection loops run eagerly; call it outside jax.jit "
            "(or use a native JAX key)"
        )
    return gamma_values(target, data, alpha, shape, name, fn == "loggamma", dev, block)


@sampler
def gamma(
    key: PortableKey,
    a: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Standard gamma values of shape parameter ``a``: ``jax.random.gamma`` as XLA:CPU computes
    it on the reference host (see the module docstring; ``rsqrt`` is the host CPU's).

    ``a``: a number or array broadcasting to ``shape`` (default: its shape).  Element ``i``
    depends only on the key, ``i`` and ``a[i]``, so ``index``/``offset`` give exact blocks of
    the draw (as :func:`unirand.bits`).  Concrete inputs only (the loops run on the host).
    """
    return _gamma_call("gamma", key, a, shape, dtype, xp, device, index, offset)


@sampler
def loggamma(
    key: PortableKey,
    a: Any,
    shape: Any = None,
    dtype: Any = "float32",
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Logarithms of standard gamma values: ``jax.random.loggamma`` as XLA:CPU computes it
    (``log d + log V - exponential / a`` below 1), with :func:`gamma`'s arguments."""
    return _gamma_call("loggamma", key, a, shape, dtype, xp, device, index, offset)
