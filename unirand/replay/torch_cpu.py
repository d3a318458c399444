"""``TorchCPUGenerator``: a replica of a CPU ``torch.Generator`` (mt19937), bit for bit.

A sequence of calls on one replica returns what the same sequence returns after
``torch.manual_seed(seed)`` on PyTorch 2.x CPU, byte for byte, without importing torch.  The
streams are specified in ``docs/replay.md``.  The replica computes on the host with NumPy
(MT19937 is one sequential state); with ``xp=jax`` the finished array is handed to JAX.

Kernel choice follows PyTorch's CPU capability (``cpu_capability``): on x86-64 PyTorch runs its
AVX2 kernels (also on AVX-512 hosts, for ``normal``) unless ``ATEN_CPU_CAPABILITY=default``;
the two differ in float32 normals of 16 or more elements (``avx_mathfun`` polynomials vs libm)
and in whether ``x * (high - low) + low`` and ``z * std + mean`` are fused multiply-adds.
"""

from __future__ import annotations

import math
import operator
import os
import platform
import struct
from typing import Any

import numpy as np

from ..engine.dtypes import dtype_name
from ..keys.validation import as_seed, as_shape, size_of
from ..math.fma import fma_f32, fma_f64
from . import _torch_avx2, _torch_libm
from ._mt19937 import MT19937

__all__ = ["DEFAULT_SEED", "RANDPERM_SMALL_N_LIMIT", "STATE_SIZE", "TorchCPUGenerator"]

#: ``c10::detail::default_rng_seed_val``: a fresh ``torch.Generator()``'s seed
DEFAULT_SEED = 67280421310721
#: ``len(torch.Generator().get_state())``: ``CPUGeneratorImplState`` in bytes
STATE_SIZE = 5056
#: ``randperm_cpu`` shuffles with 32-bit draws for ``n`` below this (uint32 max / 20)
RANDPERM_SMALL_N_LIMIT = 0xFFFFFFFF // 20

FLOATS = ("float16", "bfloat16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
CAPABILITIES = ("default", "avx2", "avx512")

_STATE_HEAD = struct.Struct("<QiiQ")  # the_initial_seed, left, seeded, next
_STATE_TAIL = struct.Struct("<dddi4xf?3x")  # normal_x/y/rho, normal_is_valid, float sample
_U64 = 2**64
_FLOAT_MAX = {
    "float16": 65504.0,
    "bfloat16": 3.3895313892515355e38,
    "float32": 3.4028234663852886e38,
}
_FLOAT_MAX["float64"] = float(np.finfo(np.float64).max)


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _bits(x: np.ndarray, name: str) -> np.ndarray:
    return x.view(name)


def _detect_capability() -> str:
    """PyTorch's choice (``ATen/native/DispatchStub.cpp``): ``ATEN_CPU_CAPABILITY`` or CPU flags."""
    env = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if env in CAPABILITIES:
        return env
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "default"
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return "avx2"  # not Linux: an x86-64 CPU that runs PyTorch 2.x almost surely has AVX2
    if not flags:
        return "avx2"
    if {"avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"} <= set(flags):
        return "avx512"
    return "avx2" if {"avx2", "fma"} <= set(flags) else "default"


def _as_xp(xp: Any) -> str:
    if xp is None:
        return "numpy"
    name = xp if isinstance(xp, str) else getattr(xp, "__name__", None)
    if name in ("numpy", "jax", "jax.numpy"):
        return "jax" if name.startswith("jax") else "numpy"
    raise TypeError(f"xp must be None, 'numpy', numpy, 'jax', jax or jax.numpy; got {xp!r}")


def _check_target(xp: str, dtype: str) -> None:
    """Refuse before drawing: JAX without x64 would silently narrow 64-bit results."""
    if xp == "jax" and dtype in ("float64", "int64"):
        import jax

        if not jax.config.jax_enable_x64:
            raise ValueError(f"dtype {dtype} with xp=jax needs jax_enable_x64 on")


def _emit(arr: np.ndarray, xp: str) -> Any:
    if xp == "numpy":
        return arr
    import jax.numpy as jnp

    return jnp.asarray(arr)


def _real(value: Any, argument: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{argument} must be a real number; got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{argument} must be finite; got {value!r}")
    return out


def _integer(value: Any, argument: str) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be an integer; got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{argument} must be an integer; got {value!r}") from None


def _float_dtype(dtype: Any, method: str) -> str:
    name = _dtype(dtype)
    if name not in FLOATS:
        raise TypeError(f"{method}: dtype must be one of {', '.join(FLOATS)}; got {dtype!r}")
    return name


def _int_dtype(dtype: Any, method: str) -> str:
    name = _dtype(dtype)
    if name not in INTS:
        raise TypeError(f"{method}: dtype must be one of {', '.join(INTS)}; got {dtype!r}")
    return name


def _dtype(dtype: Any) -> str:
    try:
        return dtype_name(dtype)
    except Exception:
        return repr(dtype)


def _to_dtype(x64: np.ndarray, name: str) -> np.ndarray:
    """C++ ``static_cast<scalar_t>(double)``: Half and BFloat16 go through float first."""
    if name == "float64":
        return x64
    x32 = x64.astype(np.float32)
    return x32 if name == "float32" else x32.astype(_np_dtype(name))


def _uniform24(words: np.ndarray) -> np.ndarray:
    """``uniform_real<float>``: the low 24 bits of one word, times 2**-24."""
    return (words & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)


def _uniform53(words: np.ndarray) -> np.ndarray:
    """``uniform_real<double>``: the low 53 bits of ``random64() = (w0 << 32) | w1``."""
    hi = (words[0::2] & np.uint32(0x1FFFFF)).astype(np.float64)
    return (hi * 2.0**32 + words[1::2]) * 2.0**-53


class TorchCPUGenerator:
    """A stateful replica of a CPU ``torch.Generator`` (``torch.manual_seed(seed)``).

    ``cpu_capability`` is ``"auto"`` (what PyTorch picks on this host: ``ATEN_CPU_CAPABILITY``,
    else the CPU's flags), ``"avx2"``, ``"avx512"`` (the same kernels as ``"avx2"`` for every
    method here) or ``"default"``.  Set it to replay a host other than this one.
    """

    def __init__(self, seed: int = DEFAULT_SEED, *, cpu_capability: str = "auto") -> None:
        if cpu_capability == "auto":
            cpu_capability = _detect_capability()
        if cpu_capability not in CAPABILITIES:
            raise ValueError(
                f"cpu_capability must be 'auto' or one of {', '.join(CAPABILITIES)}; "
                f"got {cpu_capability!r}"
            )
        self.cpu_capability = cpu_capability
        self.manual_seed(seed)

    # -- state ---------------------------------------------------------------------------------

    def manual_seed(self, seed: int) -> TorchCPUGenerator:
        """``Generator.manual_seed``: the low 32 bits seed mt19937; the caches are cleared."""
        value = as_seed(seed) % _U64  # negative seeds wrap, as torch's unpack_uint64
        self._seed = value
        self._engine = MT19937.seeded(value)
        self._normal: float | None = None  # next_double_normal_sample_
        self._float_normal: tuple[bool, float] = (False, 0.0)  # unused by CPU kernels; kept
        return self

    def initial_seed(self) -> int:
        """The seed given to :meth:`manual_seed` as an unsigned 64-bit int (all 64 bits)."""
        return self._seed

    @property
    def _fused(self) -> bool:
        # The AVX2/AVX-512 kernels are compiled with -mfma and GCC contracts a*b + c.
        return self.cpu_capability != "default"

    def get_state(self) -> bytes:
        """``torch.Generator.get_state()`` as bytes (``CPUGeneratorImplState``, 5056 bytes)."""
        eng = self._engine
        head = _STATE_HEAD.pack(self._seed, eng.left, 1, eng.next)
        words = eng.state.astype("<u8").tobytes()
        valid, value = self._float_normal
        tail = _STATE_TAIL.pack(
            0.0, self._normal if self._normal is not None else 0.0, 0.0,
            int(self._normal is not None), value, valid,
        )  # fmt: skip
        return head + words + tail

    def set_state(self, state: Any) -> TorchCPUGenerator:
        """``torch.Generator.set_state``: bytes or a uint8 array (a torch ByteTensor works)."""
        try:
            raw = bytes(memoryview(np.ascontiguousarray(np.asarray(state, dtype=np.uint8))))
        except (TypeError, ValueError):
            raw = None
        if isinstance(state, (bytes, bytearray, memoryview)):
            raw = bytes(state)
        if raw is None:
            raise TypeError(f"state must be bytes or a uint8 array; got {type(state).__name__}")
        if len(raw) != STATE_SIZE:
            raise ValueError(f"state must be {STATE_SIZE} bytes long; got {len(raw)}")
        seed, left, seeded, next_ = _STATE_HEAD.unpack_from(raw, 0)
        words = np.frombuffer(raw, "<u8", 624, _STATE_HEAD.size).astype(np.uint32)
        _, normal_y, _, normal_valid, fvalue, fvalid = _STATE_TAIL.unpack_from(
            raw, _STATE_HEAD.size + 624 * 8
        )
        # at::mt19937::is_valid, plus: the draws before the next twist must stay in the array
        if not (seeded and 0 < left <= 624 and next_ <= 624 and next_ + left - 1 <= 624):
            raise ValueError(
                f"state: invalid mt19937 position (seeded={seeded}, left={left}, next={next_})"
            )
        self._seed = seed
        self._engine = MT19937(words, left, next_)
        self._normal = normal_y if normal_valid else None
        self._float_normal = (bool(fvalid), fvalue)
        return self

    # -- uniform ---------------------------------------------------------------------------

    def rand(self, shape: Any, dtype: Any = "float32", *, xp: Any = None) -> Any:
        """``torch.rand(shape, dtype=dtype)``."""
        return self._uniform(0.0, 1.0, shape, dtype, xp, "rand")

    def uniform(
        self, low: float, high: float, shape: Any, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.empty(shape, dtype=dtype).uniform_(low, high)``."""
        return self._uniform(low, high, shape, dtype, xp, "uniform")

    def _uniform(self, low: Any, high: Any, shape: Any, dtype: Any, xp: Any, method: str) -> Any:
        shape = as_shape(shape)
        name = _float_dtype(dtype, method)
        target = _as_xp(xp)
        lo, hi = _real(low, "low"), _real(high, "high")
        if not lo <= hi:
            raise ValueError(f"{method}: low must be <= high; got low={lo}, high={hi}")
        limit = _FLOAT_MAX[name]
        if hi - lo > limit or max(abs(lo), abs(hi)) > limit:
            raise ValueError(f"{method}: [low, high) = [{lo}, {hi}) does not fit {name}")
        _check_target(target, name)
        n = size_of(shape)
        eng = self._engine.copy()
        if name == "float64":
            x = _uniform53(eng.words(2 * n))
            if lo == 0.0 and hi == 1.0:
                v = x
            elif self._fused:
                v = fma_f64(np, x, np.full_like(x, hi - lo), np.full_like(x, lo), _bits)
            else:
                v = x * (hi - lo) + lo
            out = np.where(v == hi, lo, v)
        else:
            x = _uniform24(eng.words(n))
            lo32, hi32 = np.float32(lo), np.float32(hi)
            width = np.float32(hi32 - lo32)
            if lo32 == 0 and hi32 == 1:
                v = x
            elif self._fused:
                v = fma_f32(np, x, np.full_like(x, width), np.full_like(x, lo32), _bits)
            else:
                v = x * width + lo32
            v = v if name == "float32" else v.astype(_np_dtype(name))
            to, frm = _to_dtype(np.array(hi), name), _to_dtype(np.array(lo), name)
            out = np.where(v == to, frm, v).astype(v.dtype)
        self._engine = eng
        return _emit(out.reshape(shape), target)

    # -- normal ----------------------------------------------------------------------------

    def randn(self, shape: Any, dtype: Any = "float32", *, xp: Any = None) -> Any:
        """``torch.randn(shape, dtype=dtype)``."""
        return self._normal_call(0.0, 1.0, shape, dtype, xp, "randn")

    def normal(
        self, mean: float, std: float, shape: Any, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.normal(mean, std, shape, dtype=dtype)`` (float ``mean`` and ``std``)."""
        return self._normal_call(mean, std, shape, dtype, xp, "normal")

    def _normal_call(
        self, mean: Any, std: Any, shape: Any, dtype: Any, xp: Any, method: str
    ) -> Any:
        shape = as_shape(shape)
        name = _float_dtype(dtype, method)
        target = _as_xp(xp)
        mu, sigma = _real(mean, "mean"), _real(std, "std")
        if sigma < 0:
            raise ValueError(f"{method}: std must be >= 0; got {sigma}")
        _check_target(target, name)
        n = size_of(shape)
        eng = self._engine.copy()
        if n >= 16:
            out, cache = self._normal_fill(eng, n, mu, sigma, name), self._normal
        else:
            out, cache = self._normal_scalar(eng, n, mu, sigma, name)
        self._engine, self._normal = eng, cache
        return _emit(out.reshape(shape), target)

    def _normal_scalar(
        self, eng: MT19937, n: int, mean: float, std: float, name: str
    ) -> tuple[np.ndarray, float | None]:
        """``at::normal_distribution<double>`` per element, with the generator's cached sample."""
        cache = self._normal
        values = []
        for _ in range(n):
            if cache is not None:
                z, cache = cache, None
            else:
                u1, u2 = _uniform53(eng.words(4)).tolist()
                r = math.sqrt(-2.0 * math.log1p(-u2))
                theta = 2.0 * math.pi * u1
                cache = r * math.sin(theta)
                z = r * math.cos(theta)
            values.append(z)
        z = np.array(values, dtype=np.float64)
        if mean == 0.0 and std == 1.0:
            v = z * 1.0 + 0.0
        elif self._fused:
            v = fma_f64(np, z, np.full_like(z, std), np.full_like(z, mean), _bits)
        else:
            v = z * std + mean
        return _to_dtype(v, name), cache

    def _normal_fill(self, eng: MT19937, n: int, mean: float, std: float, name: str) -> np.ndarray:
        """``normal_fill``: Box-Muller on blocks of 16 uniforms, the tail block redrawn."""
        nb, tail = divmod(n, 16)
        if name == "float64":
            u = _uniform53(eng.words(2 * (n + (16 if tail else 0))))
            blocks = u[: 16 * nb].reshape(nb, 16)
            last = u[n:].reshape(-1, 16)
            fill = _fill64
        else:
            # float keeps the n uniforms in the output (the tail redraw starts after n);
            # half and bfloat16 use a 16-float buffer per block (it starts after 16 * nb).
            start = n if name == "float32" else 16 * nb
            u = _uniform24(eng.words(start + (16 if tail else 0)))
            blocks = u[: 16 * nb].reshape(nb, 16)
            last = u[start:].reshape(-1, 16)
            fill = _torch_avx2.normal_fill16 if self._fused else _fill32_libm
        out = np.empty(n, dtype=np.float64 if name == "float64" else np.float32)
        out[: 16 * nb] = fill(blocks, mean, std).reshape(-1)
        if tail:
            out[n - 16 :] = fill(last, mean, std).reshape(-1)
        return out if name in ("float32", "float64") else out.astype(_np_dtype(name))

    # -- integers --------------------------------------------------------------------------

    def randint(
        self, low: int, high: int, shape: Any, dtype: Any = "int64", *, xp: Any = None
    ) -> Any:
        """``torch.randint(low, high, shape, dtype=dtype)``: ``draw % (high - low) + low``."""
        shape = as_shape(shape)
        name = _int_dtype(dtype, "randint")
        target = _as_xp(xp)
        lo, hi = _integer(low, "low"), _integer(high, "high")
        if lo >= hi:
            raise ValueError(f"randint: low must be < high; got low={lo}, high={hi}")
        info = np.iinfo(name)
        if lo < info.min or hi - 1 > info.max or hi >= 2**63:  # torch's high is an int64
            raise ValueError(f"randint: [low, high) = [{lo}, {hi}) does not fit {name}")
        _check_target(target, name)
        n = size_of(shape)
        span = hi - lo
        eng = self._engine.copy()
        if span >= 1 << 28:  # uniform_int_from_to_distribution: random64() from 2**28 on
            w = eng.words(2 * n).astype(np.uint64)
            draws = (w[0::2] << np.uint64(32)) | w[1::2]
        else:
            draws = eng.words(n).astype(np.uint64)
        v = (draws % np.uint64(span)) + np.uint64(lo % _U64)
        out = v.view(np.int64).astype(name)
        self._engine = eng
        return _emit(out.reshape(shape), target)

    def randperm(self, n: int, dtype: Any = "int64", *, xp: Any = None) -> Any:
        """``torch.randperm(n, dtype=dtype)``: Fisher-Yates with ``random() % (n - i)``."""
        n = _integer(n, "n")
        name = _int_dtype(dtype, "randperm")
        target = _as_xp(xp)
        if n < 0:
            raise ValueError(f"randperm: n must be >= 0; got {n}")
        if n - 1 > np.iinfo(name).max:
            raise ValueError(f"randperm: n={n} does not fit {name}")
        if n >= RANDPERM_SMALL_N_LIMIT:
            raise ValueError(
                f"randperm: n={n} >= {RANDPERM_SMALL_N_LIMIT} takes PyTorch's 64-bit shuffle, "
                "which this replica does not implement"
            )
        _check_target(target, name)
        eng = self._engine.copy()
        m = max(n - 1, 0)
        steps = np.arange(m, dtype=np.int64)
        swap = (eng.words(m).astype(np.int64) % (n - steps)) + steps
        perm = list(range(n))
        for i, j in enumerate(swap.tolist()):
            perm[i], perm[j] = perm[j], perm[i]
        out = np.array(perm, dtype=name)
        self._engine = eng
        return _emit(out, target)

    # -- bernoulli -------------------------------------------------------------------------

    def bernoulli(
        self, p: Any, shape: Any = None, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.bernoulli(torch.full(shape, p, dtype=dtype))`` (or of the array ``p``).

        1 where ``uniform < p``: a float64 ``p`` compares a 53-bit uniform (two words), other
        dtypes a 24-bit one (one word), with ``p`` rounded to ``dtype`` first, as torch.
        """
        name = _float_dtype(dtype, "bernoulli")
        target = _as_xp(xp)
        if isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool):
            probs = np.full(as_shape(() if shape is None else shape), p, dtype=np.float64)
        else:
            try:
                probs = np.asarray(p, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"p must be a number or an array of numbers; got {p!r}") from None
            if shape is not None and as_shape(shape) != probs.shape:
                raise ValueError(f"shape {shape!r} differs from p's shape {probs.shape}")
        if not np.all((probs >= 0) & (probs <= 1)):
            raise ValueError("bernoulli: p must be in [0, 1]")
        _check_target(target, name)
        pd = _to_dtype(probs, name)
        eng = self._engine.copy()
        if name == "float64":
            u = _uniform53(eng.words(2 * pd.size))
            hit = u < pd.reshape(-1)
        else:
            u = _uniform24(eng.words(pd.size))
            hit = u < pd.reshape(-1).astype(np.float32)
        out = hit.astype(_np_dtype(name)).reshape(probs.shape)
        self._engine = eng
        return _emit(out, target)

    def __repr__(self) -> str:
        return (
            f"TorchCPUGenerator(initial_seed={self._seed}, cpu_capability={self.cpu_capability!r})"
        )


def _fill64(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``NormalFill16<double>``: glibc ``log``, ``cos``, ``sin`` and ``std::fma``."""
    u1 = 1.0 - blocks[:, :8]
    radius = np.sqrt(-2.0 * _torch_libm.apply64(_torch_libm.log, u1))
    theta = (2.0 * math.pi) * blocks[:, 8:]
    n = np.concatenate(
        [
            radius * _torch_libm.apply64(_torch_libm.cos, theta),
            radius * _torch_libm.apply64(_torch_libm.sin, theta),
        ],
        axis=1,
    )
    if mean == 0.0 and std == 1.0:
        return n + 0.0
    return fma_f64(np, n, np.full_like(n, std), np.full_like(n, mean), _bits)


def _fill32_libm(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``NormalFill16<float>`` without AVX2: ``logf``, ``cosf``, ``sinf`` and ``fmaf``."""
    u1 = np.float32(1.0) - blocks[:, :8]
    radius = np.sqrt(np.float32(-2.0) * _torch_libm.apply32("logf", u1))
    theta = ((2.0 * math.pi) * blocks[:, 8:].astype(np.float64)).astype(np.float32)
    n = np.concatenate(
        [
            radius * _torch_libm.apply32("cosf", theta),
            radius * _torch_libm.apply32("sinf", theta),
        ],
        axis=1,
    )
    m32, s32 = np.float32(mean), np.float32(std)
    if m32 == 0 and s32 == 1:
        return n + np.float32(0.0)
    return fma_f32(np, n, np.full_like(n, s32), np.full_like(n, m32), _bits)
