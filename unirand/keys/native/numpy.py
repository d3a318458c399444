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

import math
from typing import Any

import numpy as np

from ...backends import by_name
from ...math.xla_erf_inv import erf_inv_f64
from .arguments import (
    categorical_plan,
    check_axis,
    check_bool,
    check_bounds,
    check_int_range,
    check_mode,
    check_p,
    choice_plan,
    float_bounds,
    float_name,
    host_array,
    int_bounds,
    int_name,
    population,
    trunc_plan,
    uint_name,
)
from .base import convert
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

    def randint(
        self,
        shape: Any,
        minval: Any,
        maxval: Any,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.integers(minval, maxval, size=shape, dtype=dtype)``: ``maxval`` excluded.

        NumPy's rule, not JAX's clipping: bounds outside the dtype, or ``minval >= maxval``
        anywhere, raise ``ValueError`` (checked first, with the argument named).
        """
        self._single("randint")
        shape, name = _shape(shape), int_name(dtype)
        vmin, vmax = int_bounds(minval, "minval"), int_bounds(maxval, "maxval")
        check_bounds(shape, vmin, vmax)
        check_int_range(vmin, vmax, name)
        out = self._generator().integers(_exact(vmin), _exact(vmax), size=shape, dtype=name)
        return convert(np.asarray(out), "numpy", xp, device)

    def permutation(
        self,
        x: Any,
        axis: int = 0,
        independent: bool = False,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.permutation(x, axis=axis)`` (``x`` an int: of ``arange(x)``, int64);
        ``independent=True`` on an array: ``Generator.permuted(x, axis=axis)``."""
        self._single("permutation")
        return convert(self._permute(x, axis, independent), "numpy", xp, device)

    def shuffle(self, x: Any, axis: int = 0, *, xp: Any = None, device: Any = None) -> Any:
        """``permutation(x, axis, independent=True)``: ``Generator.permuted(x, axis=axis)``."""
        self._single("shuffle")
        if population(x, "x") is not None:
            raise TypeError("shuffle takes an array; use permutation(n) for arange(n)")
        return convert(self._permute(x, axis, True), "numpy", xp, device)

    def _permute(self, x: Any, axis: Any, independent: Any) -> np.ndarray:
        independent = check_bool(independent, "independent")
        n = population(x, "x")
        if n is not None:
            check_axis(axis, 1)
            return self._generator().permutation(n)
        arr = host_array(x)
        if arr.ndim == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        axis = check_axis(axis, arr.ndim)
        gen = self._generator()
        return gen.permuted(arr, axis=axis) if independent else gen.permutation(arr, axis=axis)

    def choice(
        self,
        a: Any,
        shape: Any = (),
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        *,
        mode: str | None = None,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Generator.choice(a, size=shape, replace=replace, p=p, axis=axis)``.

        ``p`` is checked first (unirand's wording, NumPy's tolerance); bfloat16 ``p`` is read
        as float32.  ``mode`` (JAX's Gumbel mode) is checked but not used.
        """
        self._single("choice")
        check_mode(mode, "choice")
        n = population(a, "a")
        arr = None if n is not None else host_array(a)
        axis, shape, n_inputs, n_draws = choice_plan(
            None if arr is None else arr.shape, n, shape, replace, axis
        )
        parr = None
        if p is not None:
            parr = host_array(p)
            if parr.dtype.name == "bfloat16":
                parr = parr.astype(np.float32)
            check_p(parr, n_inputs, n_draws, bool(replace))
        out = self._generator().choice(
            n if arr is None else arr, size=shape, replace=bool(replace), p=parr, axis=axis
        )
        return convert(np.asarray(out), "numpy", xp, device)

    def truncated_normal(
        self,
        lower: Any,
        upper: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Derived (NumPy has no truncated normal): ``sqrt(2) * erf_inv(u)`` for float64
        ``u = Generator.uniform(erf(lower / sqrt(2)), erf(upper / sqrt(2)), shape)``, rounded
        to ``dtype`` and clipped into the open interval ``(lower, upper)`` of ``dtype``.

        One uniform per value (no rejection loop); ``erf`` is ``math.erf`` on the bounds,
        ``erf_inv`` XLA's float64 polynomial (``unirand._xla_math.erf_inv_f64``).
        """
        self._single("truncated_normal")
        name = float_name(dtype)
        lo, up = float_bounds(lower, "lower"), float_bounds(upper, "upper")
        shape = trunc_plan(lo, up, shape, name)
        dt = _np_dtype(name)
        lo_d, up_d = lo.astype(dt), up.astype(dt)
        a, b = (np.asarray(_erf(v.astype(np.float64) / _SQRT2), np.float64) for v in (lo_d, up_d))
        u = np.asarray(self._generator().uniform(a, b, size=shape), np.float64)
        z = np.where(u > 0, np.inf, -np.inf)  # erf_inv(+-1); the polynomial needs |u| < 1
        inner = np.abs(u) < 1
        z[inner] = erf_inv_f64(by_name("numpy").float64_ops(), u[inner])
        out = (_SQRT2 * z).astype(dt)
        low = np.nextafter(lo_d, np.asarray(np.inf, dt))
        high = np.nextafter(up_d, np.asarray(-np.inf, dt))
        out = np.minimum(np.maximum(out, low), high).astype(dt)
        return convert(out, "numpy", xp, device)


_SQRT2 = math.sqrt(2.0)
_erf = np.frompyfunc(math.erf, 1, 1)


def _exact(v: np.ndarray) -> Any:
    """A bound for ``Generator.integers``: a Python int, or an object array of exact ints."""
    return int(v) if v.ndim == 0 else v


def _shape(shape: Any) -> tuple[int, ...]:
    from ..validation import as_shape

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
    from ...backends import to_numpy

    arr = np.asarray(to_numpy(value))
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{argument} must be a real number or array; got dtype {arr.dtype}")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)
