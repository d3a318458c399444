"""NumPy: the default backend, with fast engines proven identical to the reference.

With Numba installed, every elementwise stream runs on the compiled engine
(:mod:`unirand.engine.compiled`: one fused loop per value, straight into the output).  Without
it, or for what the compiled engine does not cover (array bounds), the vectorized engine below:
The hash runs in place on cache-sized chunks over threads (:mod:`.chunks`).
float32/float16/bfloat16 ``normal`` runs :mod:`.normal`'s ``erf_inv`` on float64 chunk
buffers, fused with the hash for float32; each thread keeps its buffers (about 8 MB) between
calls.  The golden vectors test every path here.
"""

from __future__ import annotations

import math
from typing import Any, cast

import array_api_compat.numpy as compat_np
import numpy as np

from ...engine import compiled
from ...engine.affine import affine_bounds, apply_affine
from ...engine.backend import Backend
from ...engine.dtypes import MANTISSA, WIDTH, numpy_dtype
from ...engine.host_log import host_log_f64
from ...engine.normal_transform import normal_low, scale
from . import normal as _numpy_normal
from .chunks import CHUNK, block, parallel_map, run_chunks
from .float32_ops import OPS as _OPS, NumpyFloat32Ops

__all__ = ["BACKEND", "NumpyBackend"]

_U32 = np.uint32


class NumpyBackend(Backend):
    name = "numpy"

    def __init__(self) -> None:
        super().__init__(compat_np)

    def dtype(self, name: str) -> Any:
        return numpy_dtype(name)

    def device_of(self, x: Any) -> Any:
        return "cpu"

    def resolve_device(self, device: Any) -> Any:
        if device is None or str(device) == "cpu":
            return "cpu"
        raise ValueError(f"device for numpy must be 'cpu' or None; got {device!r}")

    def from_numpy(self, a: np.ndarray, device: Any = None) -> Any:
        return np.asarray(a)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def to_device(self, x: Any, device: Any) -> Any:
        return x

    def own(self, data: Any) -> Any:
        out = np.array(data, dtype=np.uint32, copy=True)
        out.flags.writeable = False
        return out

    def expose(self, data: Any) -> Any:
        return data if not data.flags.writeable else self.own(data)

    def bitcast(self, x: Any, name: str) -> Any:
        return x.view(np.dtype(name))

    def host_out(self, shape: tuple[int, ...], dtype: str, device: Any) -> tuple[Any, np.ndarray]:
        out = np.empty(shape, np.bool_ if dtype == "bool" else numpy_dtype(dtype))
        return out, out.reshape(-1)

    def host_key(self, data: Any) -> tuple[int, int]:
        return int(data[0]), int(data[1])

    def float32_ops(self) -> NumpyFloat32Ops:  # type: ignore[override]  # same interface, NumPy's ufuncs
        return _OPS

    def log_f64(self, x: Any) -> Any:
        # NumPy's own SIMD log differs from glibc's in ~0.3 % of inputs; the C library's log
        # is used where a probe proved it glibc's, else the emulation
        return host_log_f64(x)

    def normal(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        fast = self.compiled_normal(data, shape, dtype, device, counters)
        if fast is not None:
            return fast
        if dtype == "float64":  # erf_inv's temporaries one chunk at a time
            out64 = np.empty(int(np.prod(shape, dtype=np.int64)), np.float64)
            return self.normal_f64_chunked(data, shape, device, CHUNK, out64, counters)
        n = int(np.prod(shape, dtype=np.int64))
        out = np.empty(n, numpy_dtype(dtype))
        size = min(n, CHUNK)
        if dtype == "float32":  # hash, uniform and erf_inv fused chunk by chunk
            k0, k1 = (int(v) for v in data)

            def fill(start: int, stop: int, x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> None:
                ws = _numpy_normal.workspace(size, checked=False)  # exact on these uniforms
                u = ws.f[11][: stop - start]
                _normal_uniform_f32(x0, x1, u)
                ws.normal_f32(u, out[start:stop])

            run_chunks(k0, k1, n, fill, counters)
            return out.reshape(shape)
        u = self.uniform(data, (n,), dtype, normal_low(dtype), 1.0, device, counters)
        target = out.dtype

        def work(start: int) -> None:
            ws = _numpy_normal.workspace(size, checked=False)  # exact on these uniforms
            uc = u[start : start + CHUNK]
            z64 = ws.f[12][: uc.shape[0]]
            ws.erf_inv(uc.astype(np.float64), z64)
            z = z64.astype(np.float32)
            out[start : start + CHUNK] = scale(
                cast(Any, _OPS), z, dtype, lambda v: v.astype(target)
            )

        parallel_map(work, range(0, n, CHUNK))
        return out.reshape(shape)

    # -- fast paths ----------------------------------------------------------------------------
    def split(self, data: Any, shape: tuple[int, ...]) -> Any:
        engine = compiled.active()
        if engine is not None:  # the compiled engine, called directly: split is on hot paths
            m = math.prod(shape)
            if m <= engine.SERIAL and data.dtype == _U32 and data.flags.c_contiguous:
                return engine.split_key(data, m).reshape(*shape, 2)
            out2 = np.empty((m, 2), _U32)
            engine.split(int(data[0]), int(data[1]), out2)
            return out2.reshape(*shape, 2)
        k0, k1 = (int(v) for v in data)
        n = int(np.prod(shape, dtype=np.int64))
        out = np.empty((n, 2), _U32)

        def fill(start: int, stop: int, x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> None:
            out[start:stop, 0] = x0
            out[start:stop, 1] = x1

        run_chunks(k0, k1, n, fill)
        return out.reshape(*shape, 2)

    def fold_in(self, data: Any, value: Any) -> Any:
        k0, k1 = int(data[0]), int(data[1])
        engine = compiled.active()
        if engine is not None:
            return np.array(engine.fold_in(k0, k1, int(value)), _U32)
        x0 = np.zeros(1, _U32)
        x1 = np.array([int(value)], _U32)
        block(k0, k1, x0, x1, np.empty(1, _U32))
        return np.array([x0[0], x1[0]], _U32)

    def bits(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        fast = self.compiled("bits", data, shape, dtype, device, counters=counters)
        if fast is not None:
            return fast
        k0, k1 = (int(v) for v in data)
        n = int(np.prod(shape, dtype=np.int64))
        width = WIDTH[dtype]
        out = np.empty(n, np.dtype(dtype))

        def fill(start: int, stop: int, x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> None:
            if width == 64:
                o = out[start:stop]
                np.left_shift(x0, 32, out=o, dtype=np.uint64, casting="unsafe")
                o |= x1
            elif width == 32:
                np.bitwise_xor(x0, x1, out=out[start:stop])
            else:
                np.bitwise_xor(x0, x1, out=x0)
                np.copyto(out[start:stop], x0, casting="unsafe")  # keeps the low bits

        run_chunks(k0, k1, n, fill, counters)
        return out.reshape(shape)

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
        fast = self.compiled_uniform(data, shape, dtype, minval, maxval, device, counters)
        if fast is not None:
            return fast
        bounds = affine_bounds(self, dtype, minval, maxval, device)
        n = int(np.prod(shape, dtype=np.int64))
        if bounds.m.ndim or bounds.r.ndim:  # array bounds broadcast against the whole shape
            f = self.mantissa_floats(data, n, dtype, device, counters)
            return apply_affine(self, f.reshape(shape), dtype, bounds)
        k0, k1 = (int(v) for v in data)
        out = np.empty(n, numpy_dtype(dtype))
        nmant = MANTISSA[dtype]
        trivial = bounds.exact_product and float(bounds.r) == 1.0 and _is_plus_zero(bounds.m)

        def fill(start: int, stop: int, x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> None:
            o = out[start:stop]
            if dtype == "float32":  # JAX's own construction: mantissa bits under 1.0, minus 1
                np.bitwise_xor(x0, x1, out=x0)
                x0 >>= _U32(32 - nmant)
                x0 |= _ONE_F32
                np.subtract(x0.view(np.float32), np.float32(1.0), out=o)
            elif dtype == "float64":
                ob = o.view(np.uint64)
                np.left_shift(x0, 20, out=ob, dtype=np.uint64, casting="unsafe")
                x1 >>= _U32(12)
                ob |= x1
                ob |= _ONE_F64
                o -= 1.0
            else:  # 16-bit floats: the float32 value k * 2**-nmant, then the 16-bit affine map
                rng_bits = 8 if nmant < 8 else 16
                np.bitwise_xor(x0, x1, out=x0)
                x0 &= _U32((1 << rng_bits) - 1)
                x0 >>= _U32(rng_bits - nmant)
                f = x0.astype(np.float32)
                f *= np.float32(2.0**-nmant)
                o[...] = apply_affine(self, f, dtype, bounds)
                return
            if not trivial:
                o[...] = apply_affine(self, o, dtype, bounds)

        run_chunks(k0, k1, n, fill, counters)
        return out.reshape(shape)


_ONE_F32 = np.float32(1.0).view(np.uint32)
_ONE_F64 = np.float64(1.0).view(np.uint64)


#: ``normal``'s float32 uniforms ``2*f + lo`` from ``g = 1 + f`` in [1, 2): ``2*g + (lo - 2)``
_NORMAL_SHIFT = normal_low("float32") - 2.0


def _normal_uniform_f32(x0: np.ndarray, x1: np.ndarray, u: np.ndarray) -> None:
    """``uniform(key, lo, 1)`` of ``normal`` as float64 (exact: every value is a float32 and
    a multiple of 2**-24 in (-1, 1)); JAX's ``f*(1 - lo) + lo`` is exact too (``1 - lo`` = 2)."""
    np.bitwise_xor(x0, x1, out=x0)
    x0 >>= _U32(32 - MANTISSA["float32"])
    x0 |= _ONE_F32
    np.multiply(x0.view(np.float32), np.float32(2.0), out=u, casting="same_kind")
    u += _NORMAL_SHIFT


def _is_plus_zero(m: Any) -> bool:
    return float(m) == 0.0 and not np.signbit(m)


BACKEND = NumpyBackend()
