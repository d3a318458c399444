"""PyTorch: the reference engine with 32-bit words carried in int64, and a fast hash in int32.

torch has no add or shift kernels for ``torch.uint32`` (2.13), so the reference engine carries
each word in an int64 tensor in [0, 2**32), masked after every add and left shift.  The hash
itself, the hot loop, runs in place on int32 tensors instead: two's-complement adds, xors and
left shifts give the same bits as uint32 ones, and the logical right shift is an arithmetic
shift masked to its low bits.  On the CPU it works on cache-sized chunks.  The golden vectors
test this path; nothing here assumes the CPU.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat.torch as compat_torch
import numpy as np
import torch

from ...engine import compiled
from ...engine.affine import affine_bounds, apply_affine, host_bounds
from ...engine.backend import Backend
from ...engine.dtypes import MANTISSA, WIDTH, numpy_dtype
from ...engine.float_ops import WideFloat32Ops
from ...engine.host_log import host_log_f64
from ...engine.normal_transform import from_uniform_f32, normal_low
from ...engine.threefry import MASK32, PARITY, ROTATIONS, Words
from ...math.round16 import nan_to_16
from ...math.xla_erf_inv import erf_inv_f32_by_branch
from . import triton_path

#: hash chunk: large, since each in-place op is a parallel region and short ones stall under load
CHUNK = 1 << 20
#: normal: pieces whose float64 temporaries stay in cache
NORMAL_CHUNK = 1 << 16

_DTYPES = {
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
    "int16": torch.int16,
    "int8": torch.int8,
}


class TorchBackend(Backend):
    name = "torch"
    masked_words = True

    def __init__(self) -> None:
        super().__init__(compat_torch)

    def dtype(self, name: str) -> Any:
        return _DTYPES[name]

    def device_of(self, x: Any) -> Any:
        return x.device

    def resolve_device(self, device: Any) -> Any:
        if device is None:
            return _default_device()
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError) as e:
            raise ValueError(
                f"device must be a torch device (e.g. 'cpu', 'cuda:0'); got {device!r}"
            ) from e
        _check_available(dev, device)
        return dev

    def from_numpy(self, a: np.ndarray, device: Any = None) -> Any:
        if a.dtype == np.uint32:  # torch.from_numpy has no uint32 before 2.3: a view as int32
            own = np.array(a, np.uint32, order="C", copy=True)  # never the caller's memory
            return torch.from_numpy(own.view(np.int32)).view(torch.uint32).to(device)
        if a.dtype.name == "bfloat16":  # ml_dtypes' bfloat16 is unknown to torch.from_numpy
            return (
                torch.from_numpy(np.ascontiguousarray(a).reshape(a.shape).view(np.int16))
                .view(torch.bfloat16)
                .to(device)
            )
        return torch.from_numpy(np.ascontiguousarray(a).reshape(a.shape)).to(device)

    def to_numpy(self, x: Any) -> np.ndarray:
        x = x.detach().cpu()
        if x.dtype == torch.bfloat16:
            import ml_dtypes

            return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
        return x.numpy()

    def to_device(self, x: Any, device: Any) -> Any:
        return x if device is None else x.to(device)

    def own(self, data: Any) -> Any:
        return data.clone()

    def expose(self, data: Any) -> Any:
        return data.clone()

    def bitcast(self, x: Any, name: str) -> Any:
        return x.view(_DTYPES[name])

    # 16-bit NaNs: torch's CPU kernels convert every float32 NaN to bfloat16 0xFFFF and every
    # float16 NaN to float32 0x7FFFFFFF; XLA keeps the sign (and float16's payload, quieted:
    # math/round16.py), so those lanes are set from the bits
    def round16(self, x: Any, dtype: str) -> Any:
        return nan_to_16(self.xp, x, dtype, self.bitcast, super().round16(x, dtype))

    def from16(self, x: Any) -> Any:
        # torch's CPU kernels widen every float16 NaN to 0x7FFFFFFF; the NaN lanes are set
        # from the bits (sign, payload shifted into place; bfloat16: the top half)
        wide = x.to(torch.float32)
        bits = x.view(torch.int16).to(torch.int64) & 0xFFFF
        if x.dtype == torch.bfloat16:
            nan = bits << 16
        else:
            nan = ((bits & 0x8000) << 16) | 0x7F800000 | ((bits & 0x3FF) << 13)
        nan = torch.where(nan >= 2**31, nan - 2**32, nan).to(torch.int32).view(torch.float32)
        return torch.where(torch.isnan(wide), nan, wide)

    def to16(self, x: Any, dtype: str) -> Any:
        r = self.round16(x, dtype)
        if dtype != "bfloat16":
            return r.to(_DTYPES[dtype])
        top = (r.view(torch.int32) >> 16).to(torch.int16).view(torch.bfloat16)  # exact: r is
        return torch.where(torch.isnan(r), top, r.to(torch.bfloat16))  # a bfloat16 value

    def host_out(
        self, shape: tuple[int, ...], dtype: str, device: Any
    ) -> tuple[Any, np.ndarray] | None:
        # the compiled engine writes a CPU tensor's own memory through a NumPy view.  The memory
        # is NumPy's (torch.from_numpy): NumPy asks the kernel for huge pages, so filling a
        # 40 MB output costs 4 ms instead of torch.empty's 18 ms of page faults (measured)
        if (
            device.type if isinstance(device, torch.device) else torch.device(device).type
        ) != "cpu":
            return None
        host = np.empty(shape, np.int16 if dtype == "bfloat16" else numpy_dtype(dtype))
        out = torch.from_numpy(host)
        return (out.view(torch.bfloat16) if dtype == "bfloat16" else out), host.reshape(-1)

    def fused_cuda(
        self,
        stream: str,
        data: Any,
        shape: tuple[int, ...],
        dtype: str,
        device: Any,
        bounds: tuple[float, float] | None = None,
    ) -> Any | None:
        """``stream`` from one fused Triton kernel on a CUDA device (:mod:`.triton_path`: only
        where a probe proved it equals this engine there), else ``None``."""
        dev = torch.device(data.device if device is None else device)
        if dev.type != "cuda" or triton_path.bypassed():
            return None
        probe_data = torch.tensor(triton_path.probe_key(), dtype=torch.int64, device=dev)
        size = (triton_path.probe_size(),)
        args = (0.25, 0.75) if stream == "uniform" else ()
        draw = getattr(self, stream)

        def reference() -> Any:
            return draw(probe_data.to(torch.uint32), size, dtype, *args, dev)

        if not triton_path.usable(stream, dtype, dev, reference):
            return None
        out = torch.empty(
            _numel(shape), dtype=torch.int32 if stream == "bits" else torch.float32, device=dev
        )
        triton_path.launch(stream, *self.host_key(data), out, bounds)
        return (out.view(torch.uint32) if stream == "bits" else out).reshape(shape)

    def host_key(self, data: Any) -> tuple[int, int]:
        k0, k1 = data.tolist()
        return int(k0), int(k1)

    def fold_in(self, data: Any, value: Any) -> Any:
        engine = compiled.active()
        if engine is None or data.device.type != "cpu" or not isinstance(value, int):
            return super().fold_in(data, value)
        k0, k1 = self.host_key(data)
        return torch.tensor(engine.fold_in(k0, k1, value), dtype=torch.int64).to(torch.uint32)

    def float32_ops(self) -> Any:
        # the float64 route is fastest where the device has float64 (not MPS)
        return WideFloat32Ops(self)

    def normal(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        # a block (counters) skips the Triton kernels: they hash counters 0..n-1
        fast = self.compiled_normal(data, shape, dtype, device, counters)
        if fast is None and dtype == "float32" and counters is None:
            fast = self.fused_cuda("normal", data, shape, dtype, device)
        if fast is not None:
            return fast
        if dtype == "float64":
            dev = torch.device(data.device if device is None else device)
            out64 = torch.empty(_numel(shape), dtype=torch.float64, device=dev)
            step = CHUNK if dev.type == "cpu" else max(_numel(shape), 1)
            return self.normal_f64_chunked(data, shape, device, step, out64, counters)
        n = _numel(shape)
        u = self.uniform(data, (n,), dtype, normal_low(dtype), 1.0, device, counters)
        target = _DTYPES[dtype]
        out = torch.empty(n, dtype=target, device=u.device)
        ops = self.float32_ops()
        step = NORMAL_CHUNK if u.device.type == "cpu" else max(n, 1)  # CPU: cache-sized pieces
        for start in range(0, n, step):
            uc = u[start : start + step].to(torch.float32)
            z = from_uniform_f32(ops, uc, dtype, lambda v: v.to(target), erf_inv_f32_by_branch)
            out[start : start + step] = z
        return out.reshape(shape)

    def sqrt_f32(self, x: Any) -> Any:
        # torch's CPU float32 sqrt is not correctly rounded; a correctly rounded float64 sqrt
        # then one rounding is (53 >= 2*24 + 2 bits makes the double rounding innocuous)
        return self.sqrt_f64(x.to(torch.float64)).to(torch.float32)

    def log_f64(self, x: Any) -> Any:
        # glibc's log (the specification's), never torch.log.  On the CPU the tensor's memory
        # is shared with NumPy, whose host path calls the C library where a probe proved it
        # glibc's (0.08 us per element; the emulation on torch ops costs 0.8 us); elsewhere the
        # emulation runs on the device
        if x.device.type == "cpu":
            return torch.from_numpy(host_log_f64(x.detach().contiguous().numpy()))
        return super().log_f64(x)

    def sqrt_f64(self, x: Any) -> Any:
        # torch's CPU float64 sqrt is not correctly rounded either (sqrt(2.0) is 1 ulp low);
        # NumPy's is IEEE's, and on the CPU the tensor is shared with it, not copied.  CUDA's
        # double sqrt is correctly rounded by default (nvcc -prec-sqrt=true).
        if x.device.type == "cpu":
            return torch.from_numpy(np.sqrt(x.detach().contiguous().numpy()))
        return torch.sqrt(x)

    def words_to_u32(self, x: Any) -> Any:
        return x.to(torch.uint32)

    def _hash(self, data: Any, n: int, device: Any, counters: Any = None) -> tuple[Any, Any, Any]:
        device = torch.device(data.device if device is None else device)
        k0, k1 = (int(v) for v in data.to(torch.int64).tolist())
        return (device, *_hash_int32(k0, k1, n, device, counters))

    def bits(
        self, data: Any, shape: tuple[int, ...], dtype: str, device: Any, counters: Any = None
    ) -> Any:
        # written chunk by chunk into the output: peak memory is the output plus one chunk's
        # words (a 2 GiB uint8 draw needs 2 GiB, not the 16 GiB of an int64 counter array)
        fast = self.compiled("bits", data, shape, dtype, device, counters=counters)
        if fast is None and dtype == "uint32" and counters is None:
            fast = self.fused_cuda("bits", data, shape, dtype, device)
        if fast is not None:
            return fast
        device = torch.device(data.device if device is None else device)
        k0, k1 = (int(v) for v in data.to(torch.int64).tolist())
        n = _numel(shape)
        wide = dtype == "uint64"
        out = torch.empty(n, dtype=torch.int64 if wide else _STORE[dtype], device=device)
        mask = torch.tensor(MASK32, dtype=torch.int64, device=device)
        for start, a, b in _hash_chunks(k0, k1, n, device, counters):
            piece = out[start : start + a.shape[0]]
            if wide:
                piece.copy_(a.to(torch.int64) << 32).bitwise_or_(b.to(torch.int64) & mask)
            else:
                # int32 -> uint8/uint16 conversion is modular: it keeps the low bits
                piece.copy_(a.bitwise_xor_(b))
        if wide:
            out = out.view(torch.uint64)
        elif dtype == "uint32":
            out = out.view(torch.uint32)
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
        # scalar bounds on the CPU: the affine map chunk by chunk, in place for float32, so the
        # peak is the output plus the float32 floats (16-bit) and one chunk's temporaries
        fast = self.compiled_uniform(data, shape, dtype, minval, maxval, device, counters)
        host = host_bounds(dtype, minval, maxval) if dtype == "float32" else None
        if fast is None and host is not None and all(math.isfinite(v) for v in host):
            if counters is None:  # the Triton kernels hash counters 0..n-1 only
                fast = self.fused_cuda("uniform", data, shape, dtype, device, host)
        if fast is not None:
            return fast
        bounds = affine_bounds(self, dtype, minval, maxval, device)
        if bounds.m.ndim or bounds.r.ndim:  # array bounds broadcast against the whole shape
            return Backend.uniform(self, data, shape, dtype, minval, maxval, device, counters)
        f = self.mantissa_floats(data, _numel(shape), dtype, device, counters)
        if f.device.type != "cpu":  # one kernel per operation over the whole draw
            return apply_affine(self, f.reshape(shape), dtype, bounds)
        in_place = dtype in ("float32", "float64")
        out = f if in_place else torch.empty(f.shape[0], dtype=_DTYPES[dtype])
        for start in range(0, f.shape[0], CHUNK):
            out[start : start + CHUNK] = apply_affine(self, f[start : start + CHUNK], dtype, bounds)
        return out.reshape(shape)

    def mantissa_floats(
        self, data: Any, n: int, dtype: str, device: Any, counters: Any = None
    ) -> Any:
        # the engine's floats (Backend.mantissa_floats), chunk by chunk into float32: 4 bytes
        # per element instead of two int64 word arrays
        device = torch.device(data.device if device is None else device)
        k0, k1 = (int(v) for v in data.to(torch.int64).tolist())
        if dtype == "float64":  # k = top 52 bits of (b1 << 32) | b2
            out64 = torch.empty(n, dtype=torch.float64, device=device)
            mask = torch.tensor(MASK32, dtype=torch.int64, device=device)
            for start, a, b in _hash_chunks(k0, k1, n, device, counters):
                k = (a.to(torch.int64) & mask) << 20
                k.bitwise_or_((b.to(torch.int64) & mask) >> 12)
                out64[start : start + a.shape[0]].copy_(k).mul_(2.0**-52)  # exact
            return out64
        nmant = MANTISSA[dtype]
        rng_bits = 8 if nmant < 8 else WIDTH[dtype]
        out = torch.empty(n, dtype=torch.float32, device=device)
        for start, a, b in _hash_chunks(k0, k1, n, device, counters):
            a.bitwise_xor_(b)
            if rng_bits < 32:
                a.bitwise_and_((1 << rng_bits) - 1)
            # an arithmetic shift, then the mask: the logical shift of the uint32 word
            a.bitwise_right_shift_(rng_bits - nmant).bitwise_and_((1 << nmant) - 1)
            out[start : start + a.shape[0]].copy_(a).mul_(2.0**-nmant)  # exact
        return out

    def raw_words(
        self, data: Any, n: int, device: Any, counters: Any = None
    ) -> tuple[Words, Any, Any]:
        device, x0, x1 = self._hash(data, n, device, counters)
        mask = torch.tensor(MASK32, dtype=torch.int64, device=device)
        return self.words(device), x0.to(torch.int64) & mask, x1.to(torch.int64) & mask


BACKEND = TorchBackend()


_CPU = torch.device("cpu")


def _default_device() -> Any:
    """``torch.get_default_device()``, without its 4 us where no device context is active (no
    torch function mode on the stack, no ``torch.set_default_device``): a small draw's budget."""
    stack_len = getattr(torch._C, "_len_torch_function_stack", None)
    context = getattr(getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None), "device_context", None)
    if stack_len is not None and stack_len() == 0 and context is None:
        return _CPU
    return torch.get_default_device()


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _s32(v: int) -> int:
    """The int32 with the bits of the uint32 ``v``."""
    v &= MASK32
    return v - (1 << 32) if v >= 1 << 31 else v


#: where bits of each width are stored while computed (uint32 as int32, viewed at the end)
_STORE = {"uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.int32}


def _hash_int32(
    k0: int, k1: int, n: int, device: Any, counters: np.ndarray | None = None
) -> tuple[Any, Any]:
    """Threefry-2x32 (20 rounds) of counters 0..n-1 (or of a block's ``counters``), as two
    int32 tensors of the hash words."""
    if device.type != "cpu" or n <= CHUNK:  # one chunk: its words are the result
        for _, a, b in _hash_chunks(k0, k1, n, device, counters):
            return a, b
    x0 = torch.empty(n, dtype=torch.int32, device=device)
    x1 = torch.empty(n, dtype=torch.int32, device=device)
    for start, a, b in _hash_chunks(k0, k1, n, device, counters):
        x0[start : start + a.shape[0]] = a
        x1[start : start + b.shape[0]] = b
    return x0, x1


def _hash_chunks(
    k0: int, k1: int, n: int, device: Any, counters: np.ndarray | range | None = None
) -> Any:
    """``(start, a, b)``: the two hash words (int32) of counters ``start ..`` chunk by chunk
    (one chunk on a GPU); the buffers are reused, so each chunk is consumed before the next.
    ``counters``: a block's flat indices (host int64) hashed in their place."""
    ks = (k0, k1, k0 ^ k1 ^ PARITY)
    step = CHUNK if device.type == "cpu" else max(n, 1)
    t = torch.empty(min(step, n), dtype=torch.int32, device=device)
    for start in range(0, n, step):
        m = min(step, n - start)
        if counters is None or isinstance(counters, range):  # counted (a contiguous block)
            first = start if counters is None else counters.start + start
            idx = torch.arange(first, first + m, dtype=torch.int64, device=device)
        else:
            idx = torch.from_numpy(np.ascontiguousarray(counters[start : start + m])).to(device)
        a = (idx >> 32).to(torch.int32)
        b = (idx & MASK32).to(torch.int32)  # wraps into the int32 with the same bits
        del idx
        tmp = t[:m]
        a.add_(_s32(ks[0]))
        b.add_(_s32(ks[1]))
        for r in range(20):
            rot = ROTATIONS[r % 8]
            a.add_(b)
            torch.bitwise_left_shift(b, rot, out=tmp)
            b.bitwise_right_shift_(32 - rot).bitwise_and_((1 << rot) - 1)
            b.bitwise_or_(tmp).bitwise_xor_(a)
            if r % 4 == 3:
                i = r // 4
                a.add_(_s32(ks[(i + 1) % 3]))
                b.add_(_s32(ks[(i + 2) % 3] + i + 1))
        yield start, a, b


def _check_available(dev: Any, given: Any) -> None:
    """A device this torch can use, else ``ValueError`` (torch itself raises AssertionError
    for CUDA in a CPU-only build, or fails only at the first kernel)."""
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"device {given!r}: this torch has no CUDA device")
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"device {given!r}: this torch has {count} CUDA device(s)")
    elif dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(f"device {given!r}: MPS is not available here")
    elif dev.type == "meta":
        raise ValueError(f"device {given!r}: a meta tensor holds no numbers")
