"""The contract of a backend, and the generic engine written once against the array API.

A backend is one array library.  The generic methods here compute every stream from the
reference Threefry in :mod:`unirand.engine.threefry`; a backend (:mod:`unirand.backends`)
overrides a method only with a path that is proven identical by the golden vectors (NumPy's
chunked in-place engine, JAX's native ``jax.random``).  Samplers are written against this
interface: ``split``, ``fold_in``, ``raw_words``, ``bits``, ``uniform``, ``normal``, and the
exact arithmetic of ``float32_ops``/``float64_ops``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..math.glibc_log import log_f64_glibc
from ..math.xla_erf_inv import erf_inv_f64
from . import compiled
from .affine import affine_bounds, apply_affine, host_bounds
from .dtypes import MANTISSA, WIDTH
from .float_ops import ArrayFloatOps
from .normal_transform import SQRT2_64, from_uniform_f32, normal_low, root2_16
from .threefry import Words, counters as _counters, hash_pair

__all__ = ["Backend"]


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

    def round16(self, x: Any, dtype: str) -> Any:
        """float32 ``x`` rounded to the 16-bit ``dtype``, carried in float32: the one place the
        specification rounds a 16-bit sampler (a compiler must not move or drop it; JAX's
        backend rounds by integer operations, :mod:`unirand.math.round16`)."""
        xp = self.xp
        return xp.astype(xp.astype(x, self.dtype(dtype)), xp.float32)

    def to16(self, x: Any, dtype: str) -> Any:
        """float32 ``x`` rounded to the 16-bit ``dtype``, in that dtype."""
        return self.xp.astype(self.round16(x, dtype), self.dtype(dtype))

    def from16(self, x: Any) -> Any:
        """16-bit float ``x`` widened to float32, exactly (NaNs keep sign and payload, as
        XLA:CPU widens them)."""
        return self.xp.astype(x, self.xp.float32)

    def to_dtype(self, x: Any, dtype: str) -> Any:
        """float32 ``x`` in the float ``dtype``: rounded once (16-bit types by :meth:`to16`)."""
        if dtype in ("float16", "bfloat16"):
            return self.to16(x, dtype)
        return self.xp.astype(x, self.dtype(dtype))

    def sqrt_f32(self, x: Any) -> Any:
        """Correctly rounded float32 square root."""
        return self.xp.sqrt(x)

    def sqrt_f64(self, x: Any) -> Any:
        """Correctly rounded float64 square root."""
        return self.xp.sqrt(x)

    def log_f64(self, x: Any) -> Any:
        """float64 ``log`` as the specification has it: glibc's (what XLA:CPU calls on the
        reference platform), emulated operation by operation on this library
        (:mod:`unirand.math.glibc_log`); no library's own ``log`` is trusted."""
        return log_f64_glibc(self.float64_ops(), x)

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

    # -- the compiled engine ------------------------------------------------------------------
    def host_out(
        self, shape: tuple[int, ...], dtype: str, device: Any
    ) -> tuple[Any, np.ndarray] | None:
        """A new output of ``shape`` and ``dtype`` for the compiled engine, as (the library's
        array, a flat NumPy view of the same memory), or ``None`` where the library's memory is
        not host memory NumPy can write (the default: no compiled path).  Made in its final
        shape: a reshape afterwards costs a small torch draw more than a microsecond."""
        return None

    def host_key(self, data: Any) -> tuple[int, int]:
        """A single key's two words as Python ints."""
        k0, k1 = (int(v) for v in self.to_numpy(data).reshape(-1))
        return k0, k1

    def compiled_available(self, data: Any, device: Any) -> bool:
        """Whether :meth:`compiled` runs for a key ``data`` drawn on ``device``."""
        dev = self.device_of(data) if device is None else device
        return compiled.active() is not None and self.host_out((0,), "uint32", dev) is not None

    def host_param(self, x: Any, dtype: str, shape: tuple[int, ...]) -> Any:
        """A parameter array ``x`` of ``dtype`` (broadcastable to ``shape``) for the compiled
        engine, exactly: one Python float when it is one value, else a NumPy array of one value
        per element of ``shape`` (16-bit values widen to float32, exact)."""
        host = np.asarray(x if isinstance(x, (np.ndarray, np.generic)) else self.to_numpy(x))
        host = host.astype(np.float64 if dtype == "float64" else np.float32)
        if host.size == 1:
            return float(host.reshape(-1)[0])
        return np.ascontiguousarray(np.broadcast_to(host, shape)).reshape(-1)

    def compiled(
        self,
        stream: str,
        data: Any,
        shape: tuple[int, ...],
        dtype: str,
        device: Any,
        *params: Any,
        counters: Any = None,
        total: int | None = None,
    ) -> Any | None:
        """``stream`` (a function of :mod:`unirand.engine.compiled.driver`) drawn by the compiled
        engine straight into a new output, or ``None`` where it does not run (no Numba, or
        memory it cannot write): the caller then computes the same bytes itself.

        ``counters``: a block's flat indices (host int64, one per value of ``shape``) instead
        of ``0..n-1``; ``total``: the whole draw's size, where a stream's second uniforms
        follow it (``gumbel``/``bernoulli`` "high")."""
        engine = compiled.active()
        if engine is None:
            return None
        n = _prod(shape)
        out_dtype = _OUT_DTYPE.get(stream, dtype)
        dev = self.device_of(data) if device is None else device
        full = (*shape, 2) if stream == "split" else shape
        target = self.host_out(full, out_dtype, dev)
        if target is None:
            return None
        result, view = target
        k0, k1 = self.host_key(data)
        out = view.reshape(n, 2) if stream == "split" else view
        block: dict[str, Any] = {} if counters is None else {"idx": counters}
        if total is not None:
            block["total"] = total
        getattr(engine, stream)(k0, k1, out, dtype, *params, **block)
        return result

    def compiled_uniform(
        self,
        data: Any,
        shape: tuple[int, ...],
        dtype: str,
        minval: Any,
        maxval: Any,
        device: Any,
        counters: Any = None,
    ) -> Any | None:
        """``uniform`` on the compiled engine for finite bounds (host scalars, or arrays of
        one value per element), else ``None``."""
        if compiled.active() is None:
            return None
        host = host_bounds(dtype, minval, maxval)
        if host is None:  # arrays: the specification's m and r, computed by the library
            if not self.compiled_available(data, device):
                return None
            b = affine_bounds(self, dtype, minval, maxval, device)
            m, r = (self.host_param(v, dtype, shape) for v in (b.m, b.r))
            if not (np.isfinite(m).all() and np.isfinite(r).all()):
                return None
            return self.compiled("uniform", data, shape, dtype, device, m, r, counters=counters)
        if not (math.isfinite(host[0]) and math.isfinite(host[1])):
            return None
        return self.compiled("uniform", data, shape, dtype, device, *host, counters=counters)

    def compiled_normal(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        """``normal`` on the compiled engine, or ``None``."""
        low, root2 = normal_low(dtype), root2_16(dtype)
        return self.compiled("normal", data, shape, dtype, device, low, root2, counters=counters)

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
        fast = self.compiled("split", data, shape, "uint32", self.device_of(data))
        if fast is not None:
            return fast
        n = _prod(shape)
        w = self.words(self.device_of(data))
        k0, k1 = self.key_words(data, w)
        hi, lo = _counters(w, n)
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

    def raw_words(
        self, data: Any, n: int, device: Any, counters: Any = None
    ) -> tuple[Words, Any, Any]:
        """The two hash words of elements 0..n-1 of the partitionable stream, or of the
        elements ``counters`` (a block's flat indices, host int64) when given.

        Every stream method below takes ``counters`` the same way: the values of those
        elements of the whole draw, with ``shape`` (or ``n``) the block's."""
        w = self.words(device)
        k0, k1 = self.key_words(self.to_device(data, device), w)
        hi, lo = _counters(w, n, counters)
        b1, b2 = hash_pair(w, k0, k1, hi, lo)
        return w, b1, b2

    def to_device(self, x: Any, device: Any) -> Any:
        return x if device is None else self.xp.asarray(x, device=device)

    def bits(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        xp = self.xp
        n = _prod(shape)
        w, b1, b2 = self.raw_words(data, n, device, counters)
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

    def mantissa_floats(
        self, data: Any, n: int, dtype: str, device: Any, counters: Any = None
    ) -> Any:
        """``jax.random._uniform``'s floats in [0, 1): mantissa bits scaled by 2**-nmant.

        Computed as ``float(k) * 2**-nmant``, exactly equal to JAX's
        ``bitcast(k | bits(1.0)) - 1.0``.  Returned in float32 for 16-bit dtypes.
        """
        xp = self.xp
        w, b1, b2 = self.raw_words(data, n, device, counters)
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
        self,
        data: Any,
        shape: tuple[int, ...],
        dtype: str,
        minval: Any,
        maxval: Any,
        device: Any,
        counters: Any = None,
    ) -> Any:
        xp = self.xp
        f = xp.reshape(self.mantissa_floats(data, _prod(shape), dtype, device, counters), shape)
        bounds = affine_bounds(self, dtype, minval, maxval, device)
        return apply_affine(self, f, dtype, bounds)

    def normal_f64_chunked(
        self,
        data: Any,
        shape: tuple[int, ...],
        device: Any,
        chunk: int,
        out: Any,
        counters: Any = None,
    ) -> Any:
        """float64 normals written into ``out`` (flat, float64) ``chunk`` values at a time: the
        same bytes as :meth:`normal` with ``erf_inv``'s temporaries of one chunk only (eager
        libraries; the uniforms themselves are drawn whole)."""
        xp = self.xp
        n = _prod(shape)
        low = normal_low("float64")
        u = xp.reshape(self.uniform(data, (n,), "float64", low, 1.0, device, counters), (n,))
        ops = self.float64_ops()
        for start in range(0, n, chunk):
            z = erf_inv_f64(ops, u[start : start + chunk])
            out[start : start + chunk] = ops.mul(ops.const(SQRT2_64, z), z)
        return xp.reshape(out, shape)

    def normal(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        xp = self.xp
        n = _prod(shape)
        u = self.uniform(data, (n,), dtype, normal_low(dtype), 1.0, device, counters)
        if dtype == "float64":
            ops = self.float64_ops()
            z = erf_inv_f64(ops, u)
            return xp.reshape(ops.mul(ops.const(SQRT2_64, z), z), shape)
        z = from_uniform_f32(
            self.float32_ops(), xp.astype(u, xp.float32), dtype, lambda v: self.to_dtype(v, dtype)
        )
        return xp.reshape(z, shape)


#: the output dtype of a compiled stream, where it is not the sampler's dtype
_OUT_DTYPE = {"split": "uint32", "bernoulli": "bool"}


def _prod(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
