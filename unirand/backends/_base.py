"""What every backend provides, and the generic engine written once against the array API.

A backend is one array library.  The generic methods here compute every stream from the
reference Threefry in :mod:`unirand.threefry`; a backend overrides a method only with a path
that is proven identical by the golden vectors (NumPy's chunked in-place engine, JAX's native
``jax.random``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtypes import MANTISSA, WIDTH
from .._normal import from_uniform_f32, normal_low
from ..math import fma as _fma
from ..math.xla_erf_inv import erf_inv_f64
from ..threefry import MASK32, Words, counters, hash_pair

SQRT2_64 = float(np.sqrt(2.0))


class Backend:
    """One array library: its namespace, devices, dtypes and word representation."""

    #: canonical name: "numpy", "torch", "jax", "array_api_strict", "cupy", or a module name
    name: str = ""
    #: words carried as int64 masked to 32 bits (True) or as uint32 with wrap-around (False)
    masked_words: bool = False

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    # -- dtypes, devices, transfers --------------------------------------------------------
    def dtype(self, name: str) -> Any:
        try:
            return getattr(self.xp, name)
        except AttributeError:
            raise TypeError(f"{self.name} has no dtype {name}") from None

    def device_of(self, x: Any) -> Any:
        return getattr(x, "device", None)

    def resolve_device(self, device: Any) -> Any:
        """The library's device object for ``device`` (None: the library's default)."""
        return device

    def from_numpy(self, a: np.ndarray, device: Any = None) -> Any:
        return self.xp.asarray(a, device=device) if device is not None else self.xp.asarray(a)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.from_dlpack(x) if hasattr(x, "__dlpack__") else np.asarray(x)

    def bitcast(self, x: Any, name: str) -> Any:
        """Reinterpret the bits of ``x`` as dtype ``name`` (same width)."""
        out = self.to_numpy(x).view(np.dtype(name))
        return self.from_numpy(out, self.device_of(x))

    def is_traced(self, x: Any) -> bool:
        return False

    def barrier(self, x: Any) -> Any:
        """Keep ``x`` rounded as computed: a compiler must not fuse the product that made it
        into a later add (only JAX needs it; eager libraries never contract)."""
        return x

    def sqrt_f32(self, x: Any) -> Any:
        """Correctly rounded float32 square root."""
        return self.xp.sqrt(x)

    def log_f64(self, x: Any) -> Any:
        """float64 ``log`` as the host C library computes it (what XLA:CPU calls); a backend
        whose ``log`` is another implementation documents its ULP distance."""
        return self.xp.log(x)

    def float32_ops(self) -> ArrayFloatOps:
        return ArrayFloatOps(self, "float32")

    def float64_ops(self) -> ArrayFloatOps:
        return ArrayFloatOps(self, "float64")

    def own(self, data: Any) -> Any:
        """A private copy of key data from outside (keys never share writable memory)."""
        return self.xp.asarray(data, copy=True)

    def expose(self, data: Any) -> Any:
        """Key data handed to a caller: a copy where the library's arrays are writable."""
        return self.xp.asarray(data, copy=True)

    # -- the engine --------------------------------------------------------------------------
    def words(self, device: Any) -> Words:
        dtype = self.xp.int64 if self.masked_words else self.xp.uint32
        return Words(self.xp, dtype, masked=self.masked_words, device=device)

    def key_words(self, data: Any, w: Words) -> tuple[Any, Any]:
        d = self.xp.astype(data, w.dtype)
        return d[..., 0], d[..., 1]

    def words_to_u32(self, x: Any) -> Any:
        return self.xp.astype(x, self.xp.uint32)

    def split(self, data: Any, shape: tuple[int, ...]) -> Any:
        n = _prod(shape)
        w = self.words(self.device_of(data))
        k0, k1 = self.key_words(data, w)
        hi, lo = counters(w, n)
        y0, y1 = hash_pair(w, k0, k1, hi, lo)
        out = self.xp.stack([self.words_to_u32(y0), self.words_to_u32(y1)], axis=-1)
        return self.xp.reshape(out, (*shape, 2))

    def fold_in(self, data: Any, value: Any) -> Any:
        w = self.words(self.device_of(data))
        k0, k1 = self.key_words(data, w)
        d = value if not isinstance(value, int) else w.const(value)
        if not isinstance(value, int):
            d = self.xp.astype(d, w.dtype)
        y0, y1 = hash_pair(w, k0, k1, w.const(0), d)
        return self.xp.stack([self.words_to_u32(y0), self.words_to_u32(y1)], axis=-1)

    def raw_words(self, data: Any, n: int, device: Any) -> tuple[Words, Any, Any]:
        """The two hash words of elements 0..n-1 of the partitionable stream."""
        w = self.words(device)
        k0, k1 = self.key_words(self.to_device(data, device), w)
        hi, lo = counters(w, n)
        b1, b2 = hash_pair(w, k0, k1, hi, lo)
        return w, b1, b2

    def to_device(self, x: Any, device: Any) -> Any:
        return x if device is None else self.xp.asarray(x, device=device)

    def bits(self, data: Any, shape: tuple[int, ...], dtype: str, device: Any) -> Any:
        xp = self.xp
        n = _prod(shape)
        w, b1, b2 = self.raw_words(data, n, device)
        width = WIDTH[dtype]
        if width == 64:
            out = self._bits64(w, b1, b2)
        else:
            x = b1 ^ b2
            if width < 32:
                x = x & w.const((1 << width) - 1)
            out = xp.astype(x, self.dtype(dtype))
        return xp.reshape(out, shape)

    def _bits64(self, w: Words, b1: Any, b2: Any) -> Any:
        xp = self.xp
        if self.masked_words:  # int64 words: shift into the sign bit wraps, then reinterpret
            return self.bitcast((b1 << w.const(32)) | b2, "uint64")
        u64 = xp.uint64
        return (xp.astype(b1, u64) << xp.asarray(32, dtype=u64, device=w.device)) | xp.astype(
            b2, u64
        )

    def mantissa_floats(self, data: Any, n: int, dtype: str, device: Any) -> Any:
        """``jax.random._uniform``'s floats in [0, 1): mantissa bits scaled by 2**-nmant.

        Computed as ``float(k) * 2**-nmant``, exactly equal to JAX's
        ``bitcast(k | bits(1.0)) - 1.0``.  Returned in float32 for 16-bit dtypes.
        """
        xp = self.xp
        w, b1, b2 = self.raw_words(data, n, device)
        nmant = MANTISSA[dtype]
        if dtype == "float64":
            if self.masked_words:
                k = ((b1 << w.const(20)) | (b2 >> w.const(12))) & self.xp.asarray(
                    (1 << 52) - 1, dtype=w.dtype, device=device
                )
            else:
                u64 = xp.uint64
                k = (xp.astype(b1, u64) << xp.asarray(20, dtype=u64, device=device)) | xp.astype(
                    b2 >> w.const(12), u64
                )
            return xp.astype(k, xp.float64) * (2.0**-52)
        rng_bits = 8 if nmant < 8 else WIDTH[dtype]
        x = b1 ^ b2
        if rng_bits < 32:
            x = x & w.const((1 << rng_bits) - 1)
        k = x >> w.const(rng_bits - nmant)
        return xp.astype(k, xp.float32) * (2.0**-nmant)

    def uniform(
        self, data: Any, shape: tuple[int, ...], dtype: str, minval: Any, maxval: Any, device: Any
    ) -> Any:
        xp = self.xp
        f = xp.reshape(self.mantissa_floats(data, _prod(shape), dtype, device), shape)
        bounds = affine_bounds(self, dtype, minval, maxval, device)
        return apply_affine(self, f, dtype, bounds)

    def normal(self, data: Any, shape: tuple[int, ...], dtype: str, device: Any) -> Any:
        xp = self.xp
        n = _prod(shape)
        u = self.uniform(data, (n,), dtype, normal_low(dtype), 1.0, device)
        if dtype == "float64":
            ops = self.float64_ops()
            z = erf_inv_f64(ops, u)
            return xp.reshape(ops.mul(ops.const(SQRT2_64, z), z), shape)
        target = self.dtype(dtype)
        z = from_uniform_f32(
            self.float32_ops(), xp.astype(u, xp.float32), dtype, lambda v: xp.astype(v, target)
        )
        return xp.reshape(z, shape)


class WideFloat32Ops:
    """float32 arithmetic with a fast FMA through float64 (libraries that have float64).

    ``a*b`` is exact in float64 and ``a*b + c`` is rounded once there; rounding that to float32
    is correct unless the float64 sum lies exactly halfway between two float32 values (the only
    place a double rounding can go wrong, rounding being monotone).  Those rare elements are
    recomputed with the exact round-to-odd FMA.  No float32 subnormal results occur in the
    samplers that use it.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.xp = backend.xp

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def mul(self, a: Any, b: Any) -> Any:
        return a * b

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        xp = self.xp
        f64 = xp.float64
        s = xp.astype(a, f64) * xp.astype(b, f64) + xp.astype(c, f64)
        out = xp.astype(s, xp.float32)
        bitcast = self.backend.bitcast
        return _fma.fix_float32_ties(xp, out, _fma.float32_ties(s, bitcast), a, b, c, bitcast)

    def sqrt(self, a: Any) -> Any:
        return self.backend.sqrt_f32(a)

    def bitcast(self, a: Any, name: str) -> Any:
        return self.backend.bitcast(a, name)


class ArrayFloatOps:
    """Exactly rounded arithmetic in one float dtype on any array-API backend.

    The FMA is Dekker/Boldo-Melquiond in that dtype alone (float32 needs no float64: JAX
    without x64, MPS).
    """

    def __init__(self, backend: Backend, dtype: str) -> None:
        self.backend = backend
        self.xp = backend.xp
        self.dtype = dtype

    def const(self, value: Any, like: Any) -> Any:
        return self.xp.asarray(value, dtype=like.dtype, device=self.backend.device_of(like))

    def mul(self, a: Any, b: Any) -> Any:
        return self.backend.barrier(a * b)

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        b_ = self.backend
        return _fma.fma_dekker(self.xp, a, b, c, b_.bitcast, self.dtype, b_.barrier)

    def sqrt(self, a: Any) -> Any:
        return self.backend.sqrt_f32(a) if self.dtype == "float32" else self.xp.sqrt(a)

    def log(self, a: Any) -> Any:
        return self.backend.log_f64(a)

    def bitcast(self, a: Any, name: str) -> Any:
        return self.backend.bitcast(a, name)


def _prod(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


class Bounds:
    """minval and the range ``maxval - minval``, each rounded to the output dtype as JAX does.

    ``m``/``r`` are arrays of the compute dtype (float32 for 16-bit outputs); ``exact_product``
    says that ``f * r`` is exact for every float ``f`` of the stream (``r`` a power of two
    known on the host), so ``f*r + m`` needs no FMA emulation.
    """

    def __init__(self, m: Any, r: Any, exact_product: bool) -> None:
        self.m, self.r, self.exact_product = m, r, exact_product


def host_bounds(dtype: str, minval: Any, maxval: Any) -> tuple[float, float] | None:
    """(m, r) as Python floats when both bounds are host scalars, rounded like JAX."""
    if not all(_is_host_scalar(v) for v in (minval, maxval)):
        return None
    npd = numpy_dtype(dtype)
    lo = np.asarray(minval).astype(npd)
    hi = np.asarray(maxval).astype(npd)
    return float(lo), float(hi - lo)


def affine_bounds(backend: Backend, dtype: str, minval: Any, maxval: Any, device: Any) -> Bounds:
    xp = backend.xp
    compute = xp.float64 if dtype == "float64" else xp.float32
    host = host_bounds(dtype, minval, maxval)
    if host is not None:
        m, r = host
        exact = r > 0 and np.isfinite(r) and np.frexp(r)[0] == 0.5
        mk = xp.asarray(m, dtype=compute, device=device)
        rk = xp.asarray(r, dtype=compute, device=device)
        return Bounds(mk, rk, exact)
    lo, hi = (_bound_array(backend, v, dtype, device) for v in (minval, maxval))
    r = hi - lo  # rounded in the output dtype, as in JAX
    return Bounds(xp.astype(lo, compute), xp.astype(r, compute), False)


def apply_affine(backend: Backend, f: Any, dtype: str, b: Bounds) -> Any:
    """``max(m, f*(maxval-minval) + m)`` with XLA:CPU's rounding.

    float32/float64: one fused multiply-add (emulated exactly).  float16/bfloat16: XLA:CPU does
    not fuse; the product and the sum are each rounded to the output dtype.
    """
    xp = backend.xp
    target = backend.dtype(dtype)
    if dtype in ("float16", "bfloat16"):

        def rnd(x: Any) -> Any:
            return xp.astype(xp.astype(x, target), xp.float32)

        y = rnd(rnd(f * b.r) + b.m)
        return xp.astype(xp.maximum(y, xp.broadcast_to(b.m, y.shape)), target)
    if b.exact_product:
        y = f * b.r + b.m
    else:
        shape = xp.broadcast_shapes(f.shape, b.r.shape, b.m.shape)
        args = [xp.broadcast_to(v, shape) for v in (f, b.r, b.m)]
        if dtype == "float64":
            y = _fma.fma_dekker(xp, *args, backend.bitcast, "float64", backend.barrier)
        else:
            y = backend.float32_ops().fma(*args)
    return xp.maximum(y, xp.broadcast_to(b.m, y.shape))


def _is_host_scalar(v: Any) -> bool:
    return isinstance(v, (int, float)) or (isinstance(v, (np.generic, np.ndarray)) and v.ndim == 0)


def _bound_array(backend: Backend, v: Any, dtype: str, device: Any) -> Any:
    """A bound as an array of the output dtype; host scalars are rounded once, from their value
    (a library's default float dtype must not round them first)."""
    if _is_host_scalar(v):
        return backend.from_numpy(np.asarray(np.asarray(v).astype(numpy_dtype(dtype))), device)
    xp = backend.xp
    try:
        arr = xp.asarray(v, device=device) if device is not None else xp.asarray(v)
        return xp.astype(arr, backend.dtype(dtype))
    except Exception as e:
        raise TypeError(
            f"minval/maxval must be numbers or arrays of {backend.name}; got {type(v).__name__}"
        ) from e


def numpy_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


__all__ = ["Backend", "Bounds", "affine_bounds", "apply_affine", "numpy_dtype", "MASK32"]
