"""``TorchCPUGenerator``: a replica of a CPU ``torch.Generator`` (mt19937), bit for bit.

A sequence of calls on one replica returns what the same sequence returns after
``torch.manual_seed(seed)`` on PyTorch 2.x CPU, byte for byte, without importing torch.  The
streams are specified in ``docs/replay.md``; each kernel lives in a ``_cpu_*`` module.  The
replica computes on the host with NumPy (MT19937 is one sequential state); with ``xp=jax`` the
finished array is handed to JAX.

This module is the generator itself: argument checks, and the state.  Like a
``torch.Generator`` (whose kernels hold ``generator->mutex_``), one replica may be shared by
threads: each call draws under the replica's lock and publishes the new state in one
assignment, so concurrent calls run in some serial order and lose no update.  After
``os.fork()`` the child gets fresh locks, so a lock held by another thread at the fork cannot
deadlock it.

Kernel choice follows PyTorch's CPU capability (``cpu_capability``): on x86-64 PyTorch runs its
AVX2 kernels (also on AVX-512 hosts, for ``normal``) unless ``ATEN_CPU_CAPABILITY=default``;
the two differ in float32 normals of 16 or more elements (``avx_mathfun`` polynomials vs libm)
and in whether the kernels' multiply-adds are fused (``_cpu_fused``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..keys.validation import as_seed, as_shape, size_of
from . import _cpu_continuous, _cpu_integers, _cpu_multinomial, _cpu_normal, _cpu_uniform
from ._cpu_args import (
    BOOL,
    FLOAT_MAX,
    FLOATS,
    INTS,
    as_xp,
    check_target,
    dtype_of,
    emit,
    int64_to_dtype,
    integer,
    real,
    to_dtype,
)
from ._cpu_randperm import SMALL_N_LIMIT, randperm
from ._cpu_state import (
    CAPABILITIES,
    DEFAULT_SEED,
    STATE_SIZE,
    CPUState,
    detect_capability,
    pack as _pack,
    unpack as _unpack,
)
from ._locks import StateLock
from ._mt19937 import MT19937

__all__ = ["DEFAULT_SEED", "RANDPERM_SMALL_N_LIMIT", "STATE_SIZE", "TorchCPUGenerator"]

#: ``randperm_cpu`` shuffles with 32-bit draws below this ``n``, with 64-bit ones from it on
RANDPERM_SMALL_N_LIMIT = SMALL_N_LIMIT

_U64 = 2**64
#: a kernel: (engine copy to draw from, cached normal) -> (result, cached normal after)
_Kernel = Callable[[MT19937, "float | None"], "tuple[np.ndarray, float | None]"]


class TorchCPUGenerator:
    """A stateful replica of a CPU ``torch.Generator`` (``torch.manual_seed(seed)``).

    ``cpu_capability`` is ``"auto"`` (what PyTorch picks on this host: ``ATEN_CPU_CAPABILITY``,
    else the CPU's flags), ``"avx2"``, ``"avx512"`` (the same kernels as ``"avx2"`` for every
    method here) or ``"default"``.  Set it to replay a host other than this one.
    """

    def __init__(self, seed: int = DEFAULT_SEED, *, cpu_capability: str = "auto") -> None:
        if cpu_capability == "auto":
            cpu_capability = detect_capability()
        if cpu_capability not in CAPABILITIES:
            raise ValueError(
                f"cpu_capability must be 'auto' or one of {', '.join(CAPABILITIES)}; "
                f"got {cpu_capability!r}"
            )
        self.cpu_capability = cpu_capability
        self._lock = StateLock()
        self.manual_seed(seed)

    # -- state ---------------------------------------------------------------------------------

    def manual_seed(self, seed: int) -> TorchCPUGenerator:
        """``Generator.manual_seed``: the low 32 bits seed mt19937; the caches are cleared."""
        state = CPUState.seeded(as_seed(seed) % _U64)  # negative seeds wrap, as unpack_uint64
        with self._lock:
            self._state = state
        return self

    def initial_seed(self) -> int:
        """The seed given to :meth:`manual_seed` as an unsigned 64-bit int (all 64 bits)."""
        return self._state.seed

    def get_state(self) -> bytes:
        """``torch.Generator.get_state()`` as bytes (``CPUGeneratorImplState``, 5056 bytes)."""
        return _pack(self._state)

    def set_state(self, state: Any) -> TorchCPUGenerator:
        """``torch.Generator.set_state``: bytes or a uint8 array (a torch ByteTensor works)."""
        if isinstance(state, (bytes, bytearray, memoryview)):
            raw = bytes(state)
        else:
            try:
                raw = np.ascontiguousarray(np.asarray(state, dtype=np.uint8)).tobytes()
            except (TypeError, ValueError):
                raise TypeError(
                    f"state must be bytes or a uint8 array; got {type(state).__name__}"
                ) from None
        new = _unpack(raw)
        with self._lock:
            self._state = new
        return self

    @property
    def _fused(self) -> bool:
        # The AVX2/AVX-512 kernels are compiled with -mfma and GCC contracts a*b + c.
        return self.cpu_capability != "default"

    def _run(self, kernel: _Kernel) -> np.ndarray:
        """Run ``kernel`` on a copy of the engine under the lock; publish the state after it.

        A kernel that raises leaves the state as it was (nothing is published).
        """
        with self._lock:
            state = self._state
            engine = state.engine.copy()
            out, normal = kernel(engine, state.normal)
            self._state = CPUState(state.seed, engine, normal, state.float_normal)
        return out

    def _draws(self, fn: Callable[[MT19937], np.ndarray]) -> np.ndarray:
        """:meth:`_run` for kernels that leave the cached normal alone."""
        return self._run(lambda engine, normal: (fn(engine), normal))

    def __repr__(self) -> str:
        return (
            f"TorchCPUGenerator(initial_seed={self._state.seed}, "
            f"cpu_capability={self.cpu_capability!r})"
        )

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
        name = dtype_of(dtype, FLOATS, method)
        target = as_xp(xp)
        lo, hi = real(low, "low"), real(high, "high")
        if not lo <= hi:
            raise ValueError(f"{method}: low must be <= high; got low={lo}, high={hi}")
        limit = FLOAT_MAX[name]
        if hi - lo > limit or max(abs(lo), abs(hi)) > limit:
            raise ValueError(f"{method}: [low, high) = [{lo}, {hi}) does not fit {name}")
        check_target(target, name)
        n, fused = size_of(shape), self._fused
        out = self._draws(lambda eng: _cpu_uniform.uniform(eng, n, lo, hi, name, fused))
        return emit(out.reshape(shape), target)

    def bernoulli(
        self, p: Any, shape: Any = None, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.bernoulli(torch.full(shape, p, dtype=dtype))`` (or of the array ``p``).

        1 where ``uniform < p``: a float64 ``p`` compares a 53-bit uniform (two words), other
        dtypes a 24-bit one (one word), with ``p`` rounded to ``dtype`` first, as torch.
        """
        name = dtype_of(dtype, FLOATS, "bernoulli")
        target = as_xp(xp)
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
        check_target(target, name)
        out = self._draws(lambda eng: _cpu_uniform.bernoulli(eng, probs, name))
        return emit(out, target)

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
        name = dtype_of(dtype, FLOATS, method)
        target = as_xp(xp)
        mu, sigma = real(mean, "mean"), real(std, "std")
        if sigma < 0:
            raise ValueError(f"{method}: std must be >= 0; got {sigma}")
        check_target(target, name)
        n, fused = size_of(shape), self._fused

        def kernel(eng: MT19937, cache: float | None) -> tuple[np.ndarray, float | None]:
            if n >= 16:
                return _cpu_normal.normal_fill(eng, n, mu, sigma, name, fused), cache
            z, cache = _cpu_normal.scalar_normals(eng, n, cache, mu, sigma, fused)
            return to_dtype(z, name), cache

        return emit(self._run(kernel).reshape(shape), target)

    def log_normal(
        self, mean: float, std: float, shape: Any, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.empty(shape, dtype=dtype).log_normal_(mean, std)``: ``exp`` of a double
        normal per element (it shares the cached normal with ``randn`` of < 16 elements)."""
        shape = as_shape(shape)
        name = dtype_of(dtype, FLOATS, "log_normal")
        target = as_xp(xp)
        mu, sigma = real(mean, "mean"), real(std, "std")
        if not sigma > 0:
            raise ValueError(f"log_normal: std must be > 0; got {sigma}")
        check_target(target, name)
        n, fused = size_of(shape), self._fused
        out = self._run(
            lambda eng, cache: _cpu_continuous.log_normal(eng, n, cache, mu, sigma, name, fused)
        )
        return emit(out.reshape(shape), target)

    # -- other continuous distributions ----------------------------------------------------

    def exponential(
        self, lambd: float, shape: Any, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.empty(shape, dtype=dtype).exponential_(lambd)``."""
        shape = as_shape(shape)
        name = dtype_of(dtype, FLOATS, "exponential")
        target = as_xp(xp)
        rate = real(lambd, "lambd", finite=False)
        if not rate > 0:
            raise ValueError(f"exponential: lambd must be > 0; got {rate}")
        check_target(target, name)
        n = size_of(shape)
        out = self._draws(lambda eng: _cpu_continuous.exponential(eng, n, rate, name))
        return emit(out.reshape(shape), target)

    def geometric(self, p: float, shape: Any, dtype: Any = "float32", *, xp: Any = None) -> Any:
        """``torch.empty(shape, dtype=dtype).geometric_(p)`` (float or integer dtypes)."""
        shape = as_shape(shape)
        name = dtype_of(dtype, FLOATS + INTS, "geometric")
        target = as_xp(xp)
        prob = real(p, "p")
        if not 0 < prob < 1:
            raise ValueError(f"geometric: p must be in (0, 1); got {prob}")
        check_target(target, name)
        n = size_of(shape)
        out = self._draws(lambda eng: _cpu_continuous.geometric(eng, n, prob, name))
        return emit(out.reshape(shape), target)

    def cauchy(
        self, median: float, sigma: float, shape: Any, dtype: Any = "float32", *, xp: Any = None
    ) -> Any:
        """``torch.empty(shape, dtype=dtype).cauchy_(median, sigma)``."""
        shape = as_shape(shape)
        name = dtype_of(dtype, FLOATS, "cauchy")
        target = as_xp(xp)
        loc, scale = real(median, "median"), real(sigma, "sigma")
        if not scale > 0:
            raise ValueError(f"cauchy: sigma must be > 0; got {scale}")
        check_target(target, name)
        n, fused = size_of(shape), self._fused
        out = self._draws(lambda eng: _cpu_continuous.cauchy(eng, n, loc, scale, name, fused))
        return emit(out.reshape(shape), target)

    # -- integers --------------------------------------------------------------------------

    def randint(
        self, low: int, high: int, shape: Any, dtype: Any = "int64", *, xp: Any = None
    ) -> Any:
        """``torch.randint(low, high, shape, dtype=dtype)``: ``draw % (high - low) + low``."""
        shape = as_shape(shape)
        name = dtype_of(dtype, INTS, "randint")
        target = as_xp(xp)
        lo, hi = integer(low, "low"), integer(high, "high")
        if lo >= hi:
            raise ValueError(f"randint: low must be < high; got low={lo}, high={hi}")
        info = np.iinfo(name)
        if lo < info.min or hi - 1 > info.max or hi >= 2**63:  # torch's high is an int64
            raise ValueError(f"randint: [low, high) = [{lo}, {hi}) does not fit {name}")
        check_target(target, name)
        n = size_of(shape)
        out = self._draws(lambda eng: _cpu_integers.from_to(eng, n, hi - lo, lo, name))
        return emit(out.reshape(shape), target)

    def random(
        self,
        shape: Any,
        dtype: Any = "int64",
        low: int | None = None,
        high: int | None = None,
        *,
        xp: Any = None,
    ) -> Any:
        """``torch.empty(shape, dtype=dtype).random_(...)``, every form of it:

        * ``random(shape, dtype)`` is ``random_()``: ``[0, 2**63)`` for int64 (64-bit draws),
          ``[0, max]`` for other ints, ``[0, 2**digits]`` for floats, ``{0, 1}`` for bool;
        * ``high=t`` is ``random_(t)``; ``low=f, high=t`` is ``random_(f, t)``: ``[f, t)``;
        * ``low=f`` alone is ``random_(f, None)``: ``[f, max]``, and with ``f = -2**63`` the
          full 64-bit range (int64, float64, float32, bfloat16).

        ``int(g.random((), "int64"))`` is what ``torch.utils.data.RandomSampler`` draws to
        seed itself (docs/replay.md has the recipe).
        """
        shape = as_shape(shape)
        name = dtype_of(dtype, INTS + FLOATS + BOOL, "random")
        target = as_xp(xp)
        lo = None if low is None else integer(low, "low")
        hi = None if high is None else integer(high, "high")
        check_target(target, name)
        n = size_of(shape)
        if lo is None and hi is None:
            out = self._draws(lambda eng: _cpu_integers.no_bounds(eng, n, name))
        else:
            spec = _cpu_integers.bounds(lo, hi, name)
            if spec is None:
                out = self._draws(lambda eng: _cpu_integers.full_range(eng, n, name))
            else:
                span, base = spec
                out = self._draws(lambda eng: _cpu_integers.from_to(eng, n, span, base, name))
        return emit(out.reshape(shape), target)

    def randperm(self, n: int, dtype: Any = "int64", *, xp: Any = None) -> Any:
        """``torch.randperm(n, dtype=dtype)``: Fisher-Yates with ``random() % (n - i)``, or,
        from ``RANDPERM_SMALL_N_LIMIT`` on, the inside-out shuffle with ``random64()``."""
        n = integer(n, "n")
        name = dtype_of(dtype, INTS + FLOATS, "randperm")
        target = as_xp(xp)
        if n < 0:
            raise ValueError(f"randperm: n must be >= 0; got {n}")
        if name in INTS and n - 1 > np.iinfo(name).max:
            raise ValueError(f"randperm: n={n} does not fit {name}")
        limit = {"float16": 2**11 + 1, "float32": 2**24 + 1, "float64": 2**53 + 1}.get(name)
        if limit is not None and n > limit:
            raise ValueError(f"randperm: n={n} > {limit} is not exact in {name}")
        if n >= 2**63:
            raise ValueError(f"randperm: n must fit int64; got {n}")
        check_target(target, name)
        out = self._draws(lambda eng: randperm(eng, n))
        return emit(out if name == "int64" else int64_to_dtype(out, name), target)

    def multinomial(
        self,
        p: Any,
        num_samples: int,
        replacement: bool = False,
        *,
        dtype: Any = None,
        xp: Any = None,
    ) -> Any:
        """``torch.multinomial(p, num_samples, replacement)`` (int64 indices).

        ``p`` is a 1-d or 2-d array of weights; ``dtype`` is the float dtype of the tensor
        torch is given (default: ``p``'s own float dtype, else float32 as ``torch.tensor``).
        """
        probs, name = _cpu_multinomial.weights(p, dtype)
        target = as_xp(xp)
        count = integer(num_samples, "num_samples")
        if not isinstance(replacement, (bool, np.bool_)):
            raise TypeError(f"replacement must be a bool; got {replacement!r}")
        _cpu_multinomial.check_probs(probs, count, bool(replacement))
        check_target(target, "int64")
        repl = bool(replacement)
        out = self._draws(lambda eng: _cpu_multinomial.sample(eng, probs, count, repl, name))
        return emit(out, target)
