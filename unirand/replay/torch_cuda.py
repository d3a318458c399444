"""A NumPy model of PyTorch's CUDA random streams (Philox4x32-10 through cuRAND).

``torch.cuda.manual_seed(s); torch.rand(shape, device="cuda")`` is a pure function of the seed,
the generator's Philox offset, the tensor's size and two properties of the GPU: its SM count and
its maximum threads per SM.  The last two matter because PyTorch launches a grid-stride kernel
whose grid is capped by the SM count, and each thread draws from its own Philox subsequence; once
a tensor has more elements than one wave of threads, which element gets which Philox word depends
on the GPU.  This module replays that mapping on the host, without torch or a GPU.

Exact (bit for bit, by construction from integer and correctly rounded IEEE operations): the
offset bookkeeping, every Philox word, ``rand`` in all four float dtypes and ``randint``.
Approximate: ``randn``.  cuRAND's float Box-Muller calls ``__sincosf``, the GPU's hardware
sine/cosine approximation, and its float64 Box-Muller calls CUDA's ``log`` and ``sincospi``; the
model uses correctly rounded host math instead, within the bounds in ``RANDN_ABS_ERROR`` /
``RANDN_REL_ERROR_FLOAT64`` (docs/replay_cuda.md derives them).

Sources: ``aten/src/ATen/native/cuda/DistributionTemplates.h`` (``calc_execution_policy``,
``distribution_elementwise_grid_stride_kernel``, ``uniform_kernel``, ``normal_kernel``,
``random_from_to_kernel``), ``aten/src/ATen/cuda/CUDAGeneratorImpl.cpp`` (seed, offset,
``get_state``) and cuRAND's ``curand_kernel.h``, ``curand_philox4x32_x.h``,
``curand_uniform.h`` and ``curand_normal.h``.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..engine.dtypes import canonical
from ..keys.validation import as_seed, as_shape, size_of
from ._curand import KINDS
from ._locks import StateLock
from ._philox import philox4x32

__all__ = [
    "RANDN_ABS_ERROR",
    "RANDN_REL_ERROR_FLOAT64",
    "TorchCUDAGenerator",
]

_U64 = 2**64

#: threads per block of PyTorch's distribution kernels (``block_size_bound``)
BLOCK_SIZE = 256

#: Documented bound on |model - GPU| for float32 ``randn`` (absolute).  The GPU's ``__sincosf``
#: is accurate to 2**-21.41 absolute on [-pi, pi] and its argument reduction adds up to
#: |v| * 2**-24 <= 2**-21.35 on (pi, 2pi]; times the Box-Muller radius (at most
#: sqrt(-2 ln 2**-33) < 6.77), plus one ulp of ``logf`` and the final roundings, this stays
#: under 1e-5.  float16/bfloat16 ``randn`` may additionally differ by one ulp of the dtype
#: where that float32 difference straddles a rounding boundary.
RANDN_ABS_ERROR = 1e-5

#: Documented bound on |model - GPU| / max(|GPU|, 1e-300) for float64 ``randn``: CUDA's ``log``
#: (1 ulp) and ``sincospi`` (2 ulp) against the model's host ``log`` and a reduced
#: ``sin``/``cos``; 16 ulp of float64 leaves a margin for the roundings in between.
RANDN_REL_ERROR_FLOAT64 = 16 * 2.0**-52

_FLOATS = ("float16", "bfloat16", "float32", "float64")
_INTS = ("int8", "int16", "int32", "int64", "uint8")
_X64 = ("float64", "int64")

_ITEMSIZE = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}
_ITEMSIZE.update({"int8": 1, "uint8": 1, "int16": 2, "int32": 4, "int64": 8})


def _positive_int(value: Any, argument: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{argument} must be an int >= {minimum}; got {value!r}")
    value = operator.index(value)
    if value < minimum:
        raise ValueError(f"{argument} must be an int >= {minimum}; got {value}")
    return value


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


def _check_xp(xp: Any, dtype: str) -> str:
    """The target library's name; refuses, before any draw, what it cannot hold."""
    name = xp if isinstance(xp, str) or xp is None else getattr(xp, "__name__", None)
    if name in (None, "numpy"):
        return "numpy"
    if name in ("jax", "jax.numpy"):
        import jax

        if dtype in _X64 and not jax.config.read("jax_enable_x64"):
            raise ValueError(f"dtype {dtype} needs jax_enable_x64 when xp='jax'")
        return "jax"
    raise ValueError(f"xp must be None, 'numpy' or 'jax'; got {xp!r}")


def _deliver(out: np.ndarray, library: str) -> Any:
    if library == "jax":
        import jax.numpy as jnp

        return jnp.asarray(out)
    return out


class TorchCUDAGenerator:
    """A model of one CUDA ``torch.Generator``: seed, Philox offset and the GPU's launch shape.

    ``sm_count`` and ``max_threads_per_sm`` are ``torch.cuda.get_device_properties(d)``'s
    ``multi_processor_count`` and ``max_threads_per_multi_processor`` (e.g. 132 and 2048 for an
    H100 SXM, 108 and 2048 for an A100).  Tensors of at most ``threads_per_wave`` elements draw
    the same values on every GPU; larger ones only match the GPU whose numbers you give.
    """

    def __init__(self, seed: int, *, sm_count: int, max_threads_per_sm: int = 2048) -> None:
        self._sm_count = _positive_int(sm_count, "sm_count")
        self._max_threads = _positive_int(max_threads_per_sm, "max_threads_per_sm", BLOCK_SIZE)
        # (seed, offset), replaced as one value under the lock: as CUDAGeneratorImpl's mutex
        # around philox_cuda_state, a launch reserves its offsets atomically (thread-safe)
        self._lock = StateLock()
        self._state = (0, 0)
        self.manual_seed(seed)

    # -- state ------------------------------------------------------------------------------

    @property
    def sm_count(self) -> int:
        return self._sm_count

    @property
    def max_threads_per_sm(self) -> int:
        return self._max_threads

    @property
    def threads_per_wave(self) -> int:
        """Most threads one launch uses: ``256 * sm_count * (max_threads_per_sm // 256)``."""
        return BLOCK_SIZE * self._sm_count * (self._max_threads // BLOCK_SIZE)

    def manual_seed(self, seed: int) -> TorchCUDAGenerator:
        """Seed as ``torch.cuda.manual_seed``: negative seeds wrap to ``2**64 + seed``; offset 0."""
        value = as_seed(seed) % _U64
        with self._lock:
            self._state = (value, 0)
        return self

    def initial_seed(self) -> int:
        return self._state[0]

    def get_offset(self) -> int:
        """The Philox offset (``torch.Generator.get_offset``): 32-bit draws used per thread."""
        return self._state[1]

    def set_offset(self, offset: int) -> TorchCUDAGenerator:
        """Set the Philox offset; like PyTorch, it must be a multiple of 4 in [0, 2**64)."""
        if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)):
            raise TypeError(f"offset must be an int; got {offset!r}")
        offset = operator.index(offset)
        if not 0 <= offset < _U64 or offset % 4:
            raise ValueError(f"offset must be a multiple of 4 in [0, 2**64); got {offset}")
        with self._lock:
            self._state = (self._state[0], offset)
        return self

    def get_state(self) -> np.ndarray:
        """``torch.cuda.get_rng_state()``'s 16 bytes: seed (uint64), then offset (int64), LE."""
        seed, offset = self._state
        return np.frombuffer(
            seed.to_bytes(8, "little") + offset.to_bytes(8, "little"), np.uint8
        ).copy()

    def set_state(self, state: Any) -> TorchCUDAGenerator:
        """Restore a state from :meth:`get_state` or from ``torch.cuda.get_rng_state()``."""
        try:
            if isinstance(state, (bytes, bytearray, memoryview)):
                raw = bytes(state)
            else:  # a uint8 NumPy array or torch ByteTensor (via __array__)
                raw = np.asarray(state, dtype=np.uint8).reshape(-1).tobytes()
        except (TypeError, ValueError):
            raise TypeError(f"state must be 16 bytes (uint8); got {state!r}") from None
        if len(raw) != 16:
            raise ValueError(f"state must be 16 bytes (seed, offset); got {len(raw)}")
        offset = int.from_bytes(raw[8:], "little")
        if offset % 4:
            raise ValueError(f"state's offset must be a multiple of 4; got {offset}")
        with self._lock:
            self._state = (int.from_bytes(raw[:8], "little"), offset)
        return self

    def __repr__(self) -> str:
        seed, offset = self._state
        return (
            f"TorchCUDAGenerator(seed={seed}, offset={offset}, "
            f"sm_count={self._sm_count}, max_threads_per_sm={self._max_threads})"
        )

    # -- launch model -----------------------------------------------------------------------

    def launch(self, numel: int, unroll: int) -> tuple[int, int]:
        """``calc_execution_policy``: (threads in the grid, Philox offset increment).

        grid = min(ceil(numel / 256), sm_count * (max_threads_per_sm // 256)) blocks of 256;
        each thread makes ``(numel - 1) // (threads * unroll) + 1`` curand calls of 4 words.
        """
        numel = _positive_int(numel, "numel")
        if unroll not in (2, 4):
            raise ValueError(f"unroll must be 2 or 4; got {unroll!r}")
        blocks = min(-(-numel // BLOCK_SIZE), self._sm_count * (self._max_threads // BLOCK_SIZE))
        threads = BLOCK_SIZE * blocks
        return threads, ((numel - 1) // (threads * unroll) + 1) * 4

    def _advance(self, numel: int, unroll: int, itemsize: int) -> tuple[int, int, int]:
        """Reserve a launch's offsets; returns (threads, seed, offset the launch starts from)."""
        if (numel - 1) * itemsize + 1 > 2**31 - 1:
            # TensorIterator splits such tensors into 32-bit-indexable pieces, each with a
            # launch (and offset increment) of its own; the model does not cover that.
            raise ValueError(
                f"a tensor of {numel} elements of {itemsize} bytes needs 64-bit indexing, "
                "which PyTorch splits into several launches; the model covers one launch"
            )
        threads, increment = self.launch(numel, unroll)
        with self._lock:
            seed, start = self._state
            if start + increment >= _U64:
                raise OverflowError("the Philox offset would pass 2**64")
            self._state = (seed, start + increment)
        return threads, seed, start

    def _blocks(
        self, offset: int, r: np.ndarray, t: np.ndarray, seed: int | None = None
    ) -> tuple[np.ndarray, ...]:
        """curand_init(seed, subsequence=t, offset) then r curand4 calls: the block used.

        The counter is (offset / 4 + r) in words 0-1 and the thread index t in words 2-3; the
        key is the seed (low word first).
        """
        lo = np.uint64(offset // 4) + r.astype(np.uint64)
        hi = t.astype(np.uint64)
        mask = np.uint64(0xFFFFFFFF)
        ctr = (lo & mask, lo >> np.uint64(32), hi & mask, hi >> np.uint64(32))
        key = self._state[0] if seed is None else seed
        return philox4x32(ctr, (key & 0xFFFFFFFF, key >> 32))

    def _draw(self, kind: str, numel: int, itemsize: int) -> np.ndarray:
        """One launch of ``distribution_nullary_kernel``: the values in element order."""
        unroll, lanes = KINDS[kind]
        threads, seed, offset = self._advance(numel, unroll, itemsize)
        rounds = (numel - 1) // (threads * unroll) + 1
        # element li = t + threads * (r * unroll + lane) gets lane `lane` of thread t's r-th block
        r = np.arange(rounds, dtype=np.uint64)[:, None]
        t = np.arange(threads, dtype=np.uint64)[None, :]
        values = lanes(self._blocks(offset, r, t, seed))
        return np.stack(values, axis=1).reshape(-1)[:numel]

    def _draw_at(self, kind: str, numel: int, indices: Any, offset: int | None = None) -> Any:
        """Raw lane values at flat ``indices`` of a ``numel``-element launch, state unchanged.

        For checking single elements of huge tensors (published corner values) cheaply.
        """
        unroll, lanes = KINDS[kind]
        threads, _ = self.launch(numel, unroll)
        idx = np.asarray(indices, dtype=np.uint64)
        k = idx // np.uint64(threads)
        blocks = self._blocks(
            self._state[1] if offset is None else offset,
            k // np.uint64(unroll),
            idx % np.uint64(threads),
        )
        return np.choose((k % np.uint64(unroll)).astype(np.intp), lanes(blocks))

    # -- samplers ---------------------------------------------------------------------------

    def rand(self, shape: Any, dtype: Any = "float32", *, xp: Any = None) -> Any:
        """``torch.rand(shape, dtype=dtype, device="cuda")``: bit for bit, in [0, 1).

        curand's uniform is in (0, 1]; PyTorch maps a value that rounds to 1 in ``dtype`` to 0.
        """
        shape = as_shape(shape)
        name = canonical(dtype, _FLOATS)
        library = _check_xp(xp, name)
        numel = size_of(shape)
        if numel == 0:
            return _deliver(np.zeros(shape, _np_dtype(name)), library)
        if name == "float64":
            out = self._draw("uniform_f64", numel, 8)
        else:
            out = self._draw("uniform_f32", numel, _ITEMSIZE[name]).astype(_np_dtype(name))
        out[out == 1] = 0
        return _deliver(out.reshape(shape), library)

    def randn(self, shape: Any, dtype: Any = "float32", *, xp: Any = None) -> Any:
        """``torch.randn(shape, dtype=dtype, device="cuda")`` within the documented error.

        float32 (and float16/bfloat16, rounded from float32) within ``RANDN_ABS_ERROR``
        absolute; float64 within ``RANDN_REL_ERROR_FLOAT64`` relative.  The Philox words, the
        element mapping and the offset advance are exact.
        """
        shape = as_shape(shape)
        name = canonical(dtype, _FLOATS)
        library = _check_xp(xp, name)
        numel = size_of(shape)
        if numel == 0:
            return _deliver(np.zeros(shape, _np_dtype(name)), library)
        if name == "float64":
            out = self._draw("normal_f64", numel, 8) + 0.0  # normal(): x * 1 + 0 turns -0 to +0
        else:
            out = self._draw("normal_f32", numel, _ITEMSIZE[name]) + np.float32(0)
            out = out.astype(_np_dtype(name))
        return _deliver(out.reshape(shape), library)

    def randint(
        self, low: int, high: int, shape: Any, dtype: Any = "int64", *, xp: Any = None
    ) -> Any:
        """``torch.randint(low, high, shape, dtype=dtype, device="cuda")``: bit for bit.

        ``random_from_to``: with ``range = high - low``, ``(word % range) + low`` where a word
        is one 32-bit Philox output (4 per block) if ``range < 2**28`` and otherwise the 64-bit
        ``(x << 32) | y`` (2 per block).
        """
        for value, argument in ((low, "low"), (high, "high")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{argument} must be an int; got {value!r}")
        low, high = operator.index(low), operator.index(high)
        for value, argument in ((low, "low"), (high, "high")):
            if not -(2**63) <= value < 2**63:
                raise ValueError(f"{argument} must fit in int64; got {value}")
        if low >= high:
            raise ValueError(f"randint needs low < high; got low={low}, high={high}")
        shape = as_shape(shape)
        name = canonical(dtype, _INTS)
        info = np.iinfo(name)
        if low < info.min or high - 1 > info.max:
            raise ValueError(
                f"randint's range [low, high) = [{low}, {high}) does not fit in {name}"
            )
        library = _check_xp(xp, name)
        numel = size_of(shape)
        if numel == 0:
            return _deliver(np.zeros(shape, name), library)
        span = high - low
        words = self._draw("u64" if span >= 2**28 else "u32", numel, _ITEMSIZE[name])
        with np.errstate(over="ignore"):
            out = words.astype(np.uint64) % np.uint64(span) + np.uint64(low % _U64)
        return _deliver(out.view(np.int64).astype(name).reshape(shape), library)
