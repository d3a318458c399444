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

from . import by_name
from ._native import (
    IndexedKey,
    categorical_plan,
    check_bounds,
    check_mode,
    convert,
    float_name,
    restore_index,
    uint_name,
)

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
        name = p["impl"].split(":", 1)[1]
        if name not in BIT_GENERATORS:
            raise ValueError(f"unknown NumPy bit generator {name!r} in key impl {p['impl']!r}")
        entropy = p["entropy"]
        entropy = int(entropy) if isinstance(entropy, int) else tuple(int(v) for v in entropy)
        material = (
            name,
            entropy,
            tuple(int(v) for v in p["spawn_key"]),
            int(p["pool_size"]),
            int(p["offset"]),
        )
        return cls._make(material, restore_index(p["batch"]))

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

    # -- samplers: the Generator's own methods ----------------------------------------------------
    def bits(
        self, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``Generator.integers(0, 2**w, shape, dtype=uintw)``."""
        self._single("bits")
        shape, name = _shape(shape), uint_name(dtype)
        w = np.dtype(name).itemsize * 8
        out = self._generator().integers(0, 2**w, size=shape, dtype=name)
        return convert(out, "numpy", xp, device)

    def uniform(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        minval: Any = 0.0,
        maxval: Any = 1.0,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.uniform`` (float64), ``minval + (maxval - minval) * random(dtype)``."""
        self._single("uniform")
        shape, name = _shape(shape), float_name(dtype)
        dt = _np_dtype(name)
        lo, hi = np.asarray(minval, dt), np.asarray(maxval, dt)
        check_bounds(shape, lo, hi)
        gen = self._generator()
        if name == "float64":
            out = gen.uniform(lo, hi, size=shape)
        else:
            u = gen.random(shape, np.float32) if name == "float32" else _unit(gen, shape, dt)
            out = u if (lo == 0).all() and (hi == 1).all() else lo + (hi - lo) * u
        return convert(np.asarray(out, dt), "numpy", xp, device)

    def normal(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``Generator.standard_normal`` (16-bit floats: float32 normals rounded)."""
        self._single("normal")
        shape, name = _shape(shape), float_name(dtype)
        out = _native_float(self._generator().standard_normal, shape, name)
        return convert(out, "numpy", xp, device)

    def exponential(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``Generator.standard_exponential`` (16-bit floats: float32 values rounded)."""
        self._single("exponential")
        shape, name = _shape(shape), float_name(dtype)
        out = _native_float(self._generator().standard_exponential, shape, name)
        return convert(out, "numpy", xp, device)

    def gumbel(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.gumbel`` (float64, rounded to ``dtype``); ``mode`` is JAX's, unused."""
        self._single("gumbel")
        shape, name = _shape(shape), float_name(dtype)
        check_mode(mode, "gumbel")
        out = self._generator().gumbel(size=shape).astype(_np_dtype(name))
        return convert(out, "numpy", xp, device)

    def bernoulli(
        self,
        p: Any = 0.5,
        shape: Any = None,
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.random(shape) < p`` (float64 uniforms); ``mode`` is JAX's, unused."""
        self._single("bernoulli")
        check_mode(mode, "bernoulli")
        parr = _float_param(p, "p")
        shape = tuple(parr.shape) if shape is None else _shape(shape)
        check_bounds(shape, parr)
        out = self._generator().random(shape) < parr
        return convert(np.asarray(out), "numpy", xp, device)

    def categorical(
        self,
        logits: Any,
        axis: int = -1,
        shape: Any = None,
        *,
        replace: bool = True,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Gumbel-max over ``Generator.gumbel`` noise, JAX's shape rules; int64 indices."""
        self._single("categorical")
        check_mode(mode, "gumbel")
        arr = _float_param(logits, "logits").astype(np.float64)
        axis, prefix, noise_shape, k = categorical_plan(tuple(arr.shape), axis, shape, replace)
        gen = self._generator()
        if replace:
            noisy = gen.gumbel(size=noise_shape) + arr[(None,) * len(prefix)]
            out = np.argmax(noisy, axis=len(prefix) + axis)
        else:
            noisy = np.moveaxis(arr + gen.gumbel(size=noise_shape), axis, -1)
            top = np.argsort(-noisy, axis=-1, kind="stable")[..., :k]
            out = np.moveaxis(top, -1, 0).reshape((*prefix, *top.shape[:-1]))
        return convert(out.astype(np.int64), "numpy", xp, device)


def _shape(shape: Any) -> tuple[int, ...]:
    from .._validation import as_shape

    return as_shape(shape)


def _np_dtype(name: str) -> Any:
    return by_name("numpy").dtype(name)


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
    from . import to_numpy

    arr = np.asarray(to_numpy(value))
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{argument} must be a real number or array; got dtype {arr.dtype}")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)
