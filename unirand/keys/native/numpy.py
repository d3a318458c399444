"""NumPy keys: ``numpy.random`` behind the ``unirand.Key`` protocol.

A :class:`NumpyKey` is a ``SeedSequence`` frozen into a value (entropy, spawn key, pool size)
plus the name of the bit generator class (PCG64, PCG64DXSM, Philox, SFC64, MT19937).  Every
sampling call builds ``np.random.Generator(BitGen(SeedSequence(...)))`` afresh and calls the
Generator's own method, so ``as_key(SeedSequence(s))`` samples what
``np.random.default_rng(SeedSequence(s))`` does.

* ``split(n)[i]`` is ``SeedSequence.spawn``'s child ``i``: spawn key ``+ (offset + i,)``,
  where ``offset`` is the ``n_children_spawned`` of the sequence given to ``as_key`` (0 for
  keys made by split/fold_in).  Computed purely: no SeedSequence is ever mutated.
* ``fold_in(d)`` appends the two words ``(0xFFFFFFFF, d)`` to the spawn key.  SeedSequence
  hashes the spawn key as a flat list of uint32 words; split indices are single words below
  ``0xFFFFFFFF``, so a path of splits and fold_ins reads back unambiguously and a fold_in
  child never equals a split descendant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.dtypes import numpy_dtype
from ..payload import (
    MAX_POOL_SIZE,
    check_header,
    field,
    field_error,
    field_int,
    field_ints,
)
from .arguments import (
    check_axis,
    check_bool,
    check_bounds,
    check_int_range,
    check_p,
    choice_plan,
    host_array,
    int_bounds,
    population,
    real_param,
)
from .indexed import IndexedKey, restore_index

__all__ = ["NumpyKey", "BIT_GENERATORS", "FOLD_TAG"]

#: bit generator classes by name (names, not classes, go into pickles and JSON)
BIT_GENERATORS = {
    name: getattr(np.random, name)
    for name in ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
    if hasattr(np.random, name)
}
#: the spawn-key word that marks a fold_in (split indices are always below it)
FOLD_TAG = 0xFFFFFFFF

_NATIVE_FLOATS = ("float32", "float64")


class NumpyKey(IndexedKey):
    """A NumPy key (final): ``(bit generator, entropy, spawn_key, pool_size, offset)``."""

    __slots__ = ()
    library = "numpy"

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_seed_sequence(cls, seq: Any, bit_generator: str = "PCG64") -> NumpyKey:
        """The key of ``seq`` (not mutated): samples as ``Generator(BitGen(seq))``."""
        if not isinstance(seq, np.random.SeedSequence):
            raise TypeError(
                f"seed sequence must be a numpy.random.SeedSequence; got {type(seq).__name__}"
            )
        if bit_generator not in BIT_GENERATORS:
            raise ValueError(
                f"bit generator {bit_generator!r} is not one of {', '.join(BIT_GENERATORS)}"
            )
        entropy = seq.entropy
        if not isinstance(entropy, int):
            entropy = tuple(int(v) for v in np.asarray(entropy).ravel())
        spawn_key = tuple(int(v) for v in seq.spawn_key)
        if not 4 <= seq.pool_size <= MAX_POOL_SIZE:
            raise ValueError(
                f"SeedSequence pool_size must be at most {MAX_POOL_SIZE}; got {seq.pool_size}"
            )
        if seq.n_children_spawned > FOLD_TAG:
            raise ValueError(
                "SeedSequence n_children_spawned must be at most 2**32 - 1; got "
                f"{seq.n_children_spawned}"
            )
        material = (bit_generator, entropy, spawn_key, int(seq.pool_size), seq.n_children_spawned)
        key = cls._make(material)
        rebuilt = key.seed_sequence().generate_state(seq.pool_size)
        if not np.array_equal(rebuilt, seq.generate_state(seq.pool_size)):
            raise ValueError("this SeedSequence's entropy cannot be stored exactly")
        return key

    @classmethod
    def from_generator(cls, gen: Any) -> NumpyKey:
        """A key spawned from a Generator or BitGenerator (as ``Generator.spawn(1)[0]``).

        The generator's own numbers are untouched; its SeedSequence's spawn counter advances,
        so two ``as_key`` calls give two independent keys and the generator's later spawns
        never repeat this key.
        """
        bitgen = gen.bit_generator if isinstance(gen, np.random.Generator) else gen
        name = type(bitgen).__name__
        if BIT_GENERATORS.get(name) is not type(bitgen):
            raise TypeError(
                f"bit generator {type(bitgen).__module__}.{name} is not supported; supported: "
                f"{', '.join(BIT_GENERATORS)}"
            )
        seq = getattr(bitgen, "_seed_seq", None)
        if not isinstance(seq, np.random.SeedSequence):
            raise ValueError(
                f"this {name} has no SeedSequence (legacy seeding, e.g. RandomState); seed it "
                "with a SeedSequence or an int, or pass a SeedSequence"
            )
        return cls.from_seed_sequence(seq.spawn(1)[0], name)

    # -- the seed material ------------------------------------------------------------------------
    @property
    def impl(self) -> str:
        return f"numpy:{self._m[0]}"

    @property
    def bit_generator(self) -> str:
        return self._m[0]

    def seed_sequence(self) -> np.random.SeedSequence:
        """A fresh ``SeedSequence`` equal to this (single) key's."""
        self._single("seed_sequence", consume=False)
        _, entropy, spawn_key, pool_size, offset = self._m
        # n_children_spawned keeps spawn() on the returned sequence consistent with split()
        return np.random.SeedSequence(
            entropy, spawn_key=spawn_key, pool_size=pool_size, n_children_spawned=offset
        )

    def _generator(self) -> np.random.Generator:
        return np.random.Generator(BIT_GENERATORS[self._m[0]](self.seed_sequence()))

    def _child(self, i: int) -> Any:
        name, entropy, spawn_key, pool_size, offset = self._m
        word = offset + i
        if word >= FOLD_TAG:
            raise ValueError(f"split index {word} must be below 2**32 - 1")
        return (name, entropy, (*spawn_key, word), pool_size, 0)

    def _fold(self, d: int) -> Any:
        name, entropy, spawn_key, pool_size, _ = self._m
        return (name, entropy, (*spawn_key, FOLD_TAG, d), pool_size, 0)

    def split(self, num: Any = 2) -> NumpyKey:
        out = super().split(num)
        if out.size and self._m[4] + out.size - 1 >= FOLD_TAG:
            raise ValueError("split: child indices must stay below 2**32 - 1")
        return out

    def _payload(self) -> dict[str, Any]:
        _, entropy, spawn_key, pool_size, offset = self._m
        return {
            "impl": self.impl,
            "entropy": entropy if isinstance(entropy, int) else list(entropy),
            "spawn_key": list(spawn_key),
            "pool_size": pool_size,
            "offset": offset,
            "batch": self._batch_payload(),
        }

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> NumpyKey:
        """The key of a payload; every field is checked (``ValueError`` naming it)."""
        name = check_header(p, "numpy:")["impl"].split(":", 1)[1]
        if name not in BIT_GENERATORS:
            raise ValueError(f"unknown NumPy bit generator {name!r} in key impl {p['impl']!r}")
        entropy: Any = field(p, "entropy")
        if isinstance(entropy, (list, tuple)):
            entropy = field_ints(entropy, "entropy", 0)
        elif isinstance(entropy, (int, np.integer)) and not isinstance(entropy, bool):
            entropy = int(entropy)
            if entropy < 0:
                raise field_error("entropy", "a non-negative integer or a list of them", entropy)
        else:
            raise field_error("entropy", "a non-negative integer or a list of them", entropy)
        spawn_key = field_ints(field(p, "spawn_key"), "spawn_key", 0)
        pool_size = field_int(field(p, "pool_size"), "pool_size", 4, MAX_POOL_SIZE + 1)
        offset = field_int(field(p, "offset"), "offset", 0, FOLD_TAG + 1)
        idx = restore_index(field(p, "batch"), FOLD_TAG - offset)
        return cls._make((name, entropy, spawn_key, pool_size, offset), idx)

    def _words(self, n: int) -> np.ndarray:
        return self._generator().integers(0, 2**32, size=n, dtype=np.uint32)

    def __repr__(self) -> str:
        name, entropy, spawn_key = self._m[:3]
        where = f"shape={self.shape}, " if self.shape else ""
        return f"NumpyKey({where}{name}, entropy={entropy}, spawn_key={spawn_key})"

    # -- bridges --------------------------------------------------------------------------------
    def numpy_generator(self) -> np.random.Generator:
        """``Generator(BitGen(self.seed_sequence()))``: the key's own stream (consumes it)."""
        self._single("numpy_generator")
        return self._generator()

    # -- the library's draws (NativeMethods defines the samplers over them) ------------------
    def _source(self) -> np.random.Generator:
        return self._generator()

    def _bits(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``Generator.integers(0, 2**w, shape, dtype=uintw)``."""
        w = np.dtype(name).itemsize * 8
        return gen.integers(0, 2**w, size=shape, dtype=name)

    def _uniform(self, gen: Any, shape: tuple[int, ...], name: str, lo: Any, hi: Any) -> Any:
        """``Generator.uniform`` (float64), ``minval + (maxval - minval) * random(dtype)``."""
        dt = _np_dtype(name)
        lo, hi = (real_param(v, a, shape).astype(dt) for v, a in ((lo, "minval"), (hi, "maxval")))
        if name == "float64":
            out = gen.uniform(lo, hi, size=shape)
        else:
            u = gen.random(shape, np.float32) if name == "float32" else _unit(gen, shape, dt)
            out = u if (lo == 0).all() and (hi == 1).all() else lo + (hi - lo) * u
        return np.asarray(out, dt)

    def _normal(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``Generator.standard_normal`` (16-bit floats: float32 normals rounded)."""
        return _native_float(gen.standard_normal, shape, name)

    def _exponential(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``Generator.standard_exponential`` (16-bit floats: float32 values rounded)."""
        return _native_float(gen.standard_exponential, shape, name)

    def _gumbel(self, gen: Any, shape: tuple[int, ...], name: str, mode: str) -> Any:
        """``Generator.gumbel`` (float64, rounded to ``dtype``); ``mode`` is JAX's, unused."""
        return gen.gumbel(size=shape).astype(_np_dtype(name))

    # bernoulli: derived, ``Generator.random(shape) < p`` (float64 uniforms)
    # categorical: derived, Gumbel-max over float64 ``Generator.gumbel`` noise

    def _randint(
        self, gen: Any, shape: tuple[int, ...], minval: Any, maxval: Any, name: str
    ) -> Any:
        """``Generator.integers(minval, maxval, size=shape, dtype=dtype)``: ``maxval`` excluded.

        NumPy's rule, not JAX's clipping: bounds outside the dtype, or ``minval >= maxval``
        anywhere, raise ``ValueError`` (checked first, with the argument named).
        """
        vmin, vmax = int_bounds(minval, "minval"), int_bounds(maxval, "maxval")
        check_bounds(shape, vmin, vmax, names=("minval", "maxval"))
        check_int_range(vmin, vmax, name)
        return np.asarray(gen.integers(_exact(vmin), _exact(vmax), size=shape, dtype=name))

    def _permute(self, gen: Any, x: Any, axis: Any, independent: Any) -> np.ndarray:
        """``Generator.permutation(x, axis=axis)`` (``x`` an int: of ``arange(x)``, int64);
        ``independent=True`` on an array: ``Generator.permuted(x, axis=axis)``."""
        independent = check_bool(independent, "independent")
        n = population(x, "x")
        if n is not None:
            check_axis(axis, 1)
            return gen.permutation(n)
        arr = host_array(x, "x")
        if arr.ndim == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        axis = check_axis(axis, arr.ndim)
        return gen.permuted(arr, axis=axis) if independent else gen.permutation(arr, axis=axis)

    def _choice(
        self, gen: Any, a: Any, shape: Any, replace: Any, p: Any, axis: Any, mode: Any
    ) -> Any:
        """``Generator.choice(a, size=shape, replace=replace, p=p, axis=axis)``.

        ``p`` is checked first (unirand's wording, NumPy's tolerance); bfloat16 ``p`` is read
        as float32.  ``mode`` (JAX's Gumbel mode) is checked but not used.
        """
        n = population(a, "a")
        arr = None if n is not None else host_array(a, "a")
        axis, shape, n_inputs, n_draws = choice_plan(
            None if arr is None else arr.shape, n, shape, replace, axis
        )
        parr = None
        if p is not None:
            parr = host_array(p, "p")
            if parr.dtype.name == "bfloat16":
                parr = parr.astype(np.float32)
            check_p(parr, n_inputs, n_draws, bool(replace))
        out = gen.choice(
            n if arr is None else arr, size=shape, replace=bool(replace), p=parr, axis=axis
        )
        return np.asarray(out)

    # truncated_normal: derived (NumPy has none), the inverse of a float64 ``Generator.uniform``

    # -- what the derivations need -------------------------------------------------------------
    def _param(self, value: Any, argument: str) -> np.ndarray:
        return _float_param(value, argument)

    def _logits(self, logits: Any) -> np.ndarray:
        return _float_param(logits, "logits").astype(np.float64)

    def _top_k(self, x: Any, k: int) -> np.ndarray:
        return np.argsort(-x, axis=-1, kind="stable")[..., :k]


def _exact(v: np.ndarray) -> Any:
    """A bound for ``Generator.integers``: a Python int, or an object array of exact ints."""
    return int(v) if v.ndim == 0 else v


def _np_dtype(name: str) -> Any:
    return numpy_dtype(name)


def _native_float(draw: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    if name in _NATIVE_FLOATS:
        return draw(shape, dtype=name)
    return draw(shape, dtype=np.float32).astype(_np_dtype(name))


def _unit(gen: np.random.Generator, shape: tuple[int, ...], dt: Any) -> np.ndarray:
    """16-bit floats in [0, 1) from 16 random bits: the top mantissa bits under exponent 0."""
    nmant = 10 if np.dtype(dt).name == "float16" else 7
    bits = gen.integers(0, 2**16, size=shape, dtype=np.uint16)
    one = np.array(1.0, dt).view(np.uint16)
    return (((bits >> (16 - nmant)) | one).view(dt) - np.array(1.0, dt)).astype(dt)


def _float_param(value: Any, argument: str) -> np.ndarray:
    arr = real_param(value, argument)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)
