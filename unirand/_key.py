"""Keys: the ``Key`` protocol and the portable Threefry-2x32 key.

A portable key is a value: its data is a ``uint32`` array of shape ``batch + (2,)`` in some
array library, and nothing about it ever changes.  Splitting or folding in makes a new key.
Keys are hashable and comparable by value, pickle to their data, and are JAX pytrees (the
data is the leaf), so they pass through ``jax.jit`` and ``jax.vmap``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from . import backends
from .backends import Backend
from .keys.pytree import ensure_registered, register_when_jax_loads

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Key", "ThreefryKey"]


@runtime_checkable
class Key(Protocol):
    """What every unirand key offers; ``isinstance(k, unirand.Key)`` holds for every kind.

    The contract (docs/adapters.md has the per-kind details):

    * A key is an immutable **value**: no method changes it, and sampling twice from one key
      gives the same numbers (as in JAX).  Native keys hold seed material, never a live
      generator, and build a fresh generator per call.
    * ``shape``: the batch shape (``()`` for a single key); ``impl``: a name, ``"threefry2x32"``
      (portable), ``"jax:<impl>"``, ``"numpy:<BitGenerator>"`` or ``"torch"``.
    * ``split(num)``: keys of shape ``(num,)`` (or the shape ``num``); ``fold_in(data)``: a key
      from an integer in ``[0, 2**32)``.  Both take single keys; children of ``split`` and of
      ``fold_in`` never coincide.
    * Samplers ``bits``, ``uniform``, ``normal``, ``exponential``, ``gumbel``, ``bernoulli``,
      ``categorical``, ``randint``, ``permutation``, ``shuffle``, ``choice``,
      ``truncated_normal`` take single keys and the keywords ``xp=``/``device=`` (where the
      result goes).  Each kind uses its library's own sampler where there is one and derives the
      others from its bits.  Portable keys give ``jax.random``'s numbers on every library;
      native keys give their library's numbers.
    * Sampling and ``split`` consume a key (see ``unirand.debug_key_reuse``); ``fold_in`` does
      not.
    * Every unirand key kind also has the bridges ``numpy_generator()``,
      ``torch_generator(device=None)``, ``jax_key()`` and ``to_json()``, and pickles exactly;
      they are not required of third-party keys.

    The functional forms (``unirand.normal(key, ...)``) accept any ``Key`` and call its methods
    for keys that are not portable, so a third-party key's methods must not call them back.
    Adding a sampler here obliges every adapter in ``unirand/backends/native_*.py`` to have it.
    """

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def impl(self) -> str: ...

    def split(self, num: int | Sequence[int] = 2) -> Key: ...

    def fold_in(self, data: int) -> Key: ...

    def bits(self, shape: Any = (), dtype: Any = "uint32", **kw: Any) -> Any: ...

    def uniform(self, shape: Any = (), dtype: Any = "float32", **kw: Any) -> Any: ...

    def normal(self, shape: Any = (), dtype: Any = "float32", **kw: Any) -> Any: ...

    def exponential(self, shape: Any = (), dtype: Any = "float32", **kw: Any) -> Any: ...

    def gumbel(self, shape: Any = (), dtype: Any = "float32", **kw: Any) -> Any: ...

    def bernoulli(self, p: Any = 0.5, shape: Any = None, **kw: Any) -> Any: ...

    def categorical(self, logits: Any, axis: int = -1, shape: Any = None, **kw: Any) -> Any: ...

    def randint(
        self, shape: Any, minval: Any, maxval: Any, dtype: Any = "int32", **kw: Any
    ) -> Any: ...

    def permutation(self, x: Any, axis: int = 0, independent: bool = False, **kw: Any) -> Any: ...

    def shuffle(self, x: Any, axis: int = 0, **kw: Any) -> Any: ...

    def choice(
        self,
        a: Any,
        shape: Any = (),
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        **kw: Any,
    ) -> Any: ...

    def truncated_normal(
        self, lower: Any, upper: Any, shape: Any = None, dtype: Any = "float32", **kw: Any
    ) -> Any: ...


class ThreefryKey:
    """A JAX-compatible Threefry-2x32 key whose streams are ``jax.random``'s on every backend."""

    __slots__ = ("_backend", "_consumed", "_data")  # _consumed: unirand.debug_key_reuse

    impl = "threefry2x32"

    def __init__(self, data: Any, backend: Backend) -> None:
        self._data = data
        self._backend = backend
        ensure_registered()

    @classmethod
    def _from_parts(cls, data: Any, backend: Backend) -> ThreefryKey:
        ensure_registered()
        key = object.__new__(cls)
        key._data = data
        key._backend = backend
        return key

    # -- shape and indexing ------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape[:-1])

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def xp(self) -> str:
        """Name of the array library the key lives in."""
        return self._backend.name

    @property
    def device(self) -> Any:
        return self._backend.device_of(self._data)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a single key (shape ()); only split keys have a length")
        return self.shape[0]

    def __getitem__(self, index: Any) -> ThreefryKey:
        if not self.shape:
            raise TypeError("a single key (shape ()) cannot be indexed")
        idx = index if isinstance(index, tuple) else (index,)
        if sum(i is not None and i is not Ellipsis for i in idx) > self.ndim:
            raise IndexError(
                f"index {index!r} reaches into the key data of keys of shape {self.shape}"
            )
        try:
            data = self._data[(*idx, slice(None))]
        except IndexError as e:
            raise IndexError(f"index {index!r} out of range for keys of shape {self.shape}") from e
        if data.ndim == 0 or data.shape[-1] != 2:
            raise IndexError(f"index {index!r} reaches into the key data of shape {self.shape}")
        return ThreefryKey._from_parts(data, self._backend)

    def __iter__(self) -> Iterator[ThreefryKey]:
        for i in range(len(self)):
            yield self[i]

    # -- operations (the functions in unirand are the documented forms) ------------------------
    def split(self, num: int | Sequence[int] = 2) -> ThreefryKey:
        from ._api import split

        return split(self, num)

    def fold_in(self, data: Any) -> ThreefryKey:
        from ._api import fold_in

        return fold_in(self, data)

    def bits(
        self, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
    ) -> Any:
        from ._api import bits

        return bits(self, shape, dtype, xp=xp, device=device)

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
        from ._api import uniform

        return uniform(self, shape, dtype, minval, maxval, xp=xp, device=device)

    def normal(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        from ._api import normal

        return normal(self, shape, dtype, xp=xp, device=device)

    def bernoulli(
        self,
        p: Any = 0.5,
        shape: Any = None,
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        from ._distributions import bernoulli

        return bernoulli(self, p, shape, mode=mode, xp=xp, device=device)

    def exponential(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        from ._distributions import exponential

        return exponential(self, shape, dtype, xp=xp, device=device)

    def gumbel(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        from ._distributions import gumbel

        return gumbel(self, shape, dtype, mode=mode, xp=xp, device=device)

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
        from ._distributions import categorical

        return categorical(
            self, logits, axis, shape, replace=replace, mode=mode, xp=xp, device=device
        )

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
        from ._randint import randint

        return randint(self, shape, minval, maxval, dtype, xp=xp, device=device)

    def permutation(
        self,
        x: Any,
        axis: int = 0,
        independent: bool = False,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        from ._permutation import permutation

        return permutation(self, x, axis, independent, xp=xp, device=device)

    def shuffle(self, x: Any, axis: int = 0, *, xp: Any = None, device: Any = None) -> Any:
        from ._permutation import shuffle

        return shuffle(self, x, axis, xp=xp, device=device)

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
        from ._permutation import choice

        return choice(self, a, shape, replace, p, axis, mode=mode, xp=xp, device=device)

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
        from ._truncated_normal import truncated_normal

        return truncated_normal(self, lower, upper, shape, dtype, xp=xp, device=device)

    # -- bridges (derivations: unirand/backends/_native.py; docs/adapters.md) -------------------
    def numpy_generator(self) -> Any:
        """``Generator(PCG64(SeedSequence(bits((4,), "uint32"))))``; consumes the key."""
        from .keys.bridges import derived_numpy_generator

        return derived_numpy_generator(self._bridge_words(4, "numpy_generator"))

    def torch_generator(self, device: Any = None) -> Any:
        """``torch.Generator(device).manual_seed(w0 << 32 | w1)``, ``w = bits((2,))``; consumes."""
        from .keys.bridges import derived_torch_generator

        return derived_torch_generator(self._bridge_words(2, "torch_generator"), device)

    def jax_key(self) -> Any:
        """The JAX typed threefry2x32 key with this key's data: the same stream (no consume)."""
        from .keys.bridges import derived_jax_key

        return derived_jax_key(self._data if "jax" in self._backend.name else self._host())

    def to_json(self) -> str:
        """The key as JSON (impl tag, format version); ``unirand.key_from_json`` reads it."""
        from .keys.payload import to_json

        return to_json(self)

    def _payload(self) -> dict[str, Any]:
        data = self._host()
        device = self.device
        return {
            "impl": self.impl,
            "shape": list(data.shape),
            "data": data.ravel().tolist(),
            "xp": self.xp,
            "device": None if device is None else str(device),
        }

    def _bridge_words(self, n: int, what: str) -> Any:
        from ._api import _single

        _single(self, what)
        numpy = backends.by_name("numpy")
        return numpy.bits(numpy.own(self._host()), (n,), "uint32", numpy.resolve_device(None))

    def to(self, xp: Any, device: Any = None) -> ThreefryKey:
        """The same key with its data in another array library and/or on another device."""
        target = backends.resolve(xp)
        if target is self._backend:
            # no device given: the key stays where it is
            dev = target.resolve_device(device) if device is not None else None
            data = target.to_device(self._data, dev)
        else:
            dev = target.resolve_device(device)
            data = target.from_numpy(self._backend.to_numpy(self._data), dev)
        return ThreefryKey._from_parts(data, target)

    # -- value semantics ------------------------------------------------------------------------
    def _host(self) -> np.ndarray:
        if self._backend.is_traced(self._data):
            raise TypeError("a key traced by jax.jit/vmap has no concrete value to hash or compare")
        return self._backend.to_numpy(self._data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ThreefryKey):
            return NotImplemented
        a, b = self._host(), other._host()
        return a.shape == b.shape and bool(np.array_equal(a, b))

    def __hash__(self) -> int:
        a = self._host()
        return hash((self.impl, a.shape, a.tobytes()))

    def __reduce__(self) -> Any:
        device = self.device
        return (
            _unpickle,
            (self.impl, self._host(), self._backend.name, str(device) if device else None),
        )

    def __repr__(self) -> str:
        if self._backend.is_traced(self._data):
            return f"ThreefryKey(shape={self.shape}, traced, xp={self.xp})"
        data = self._host()
        body = data.tolist() if data.size <= 8 else f"<{data.size // 2} keys>"
        return f"ThreefryKey(shape={self.shape}, data={body}, xp={self.xp})"


def _unpickle(impl: str, data: np.ndarray, backend: str, device: str | None) -> ThreefryKey:
    """Restore a key in the library it was pickled from; NumPy if that library is missing here.

    A device that does not exist here (a GPU key unpickled on a CPU machine) falls back to the
    library's default device: key data is 8 bytes per key and its streams do not depend on it.
    """
    if impl != ThreefryKey.impl:
        raise ValueError(f"unknown key impl {impl!r} in pickle")
    try:
        target = backends.by_name(backend)
    except ImportError:
        target = backends.by_name("numpy")
    host = np.asarray(data, np.uint32)
    try:
        return ThreefryKey(target.from_numpy(host, target.resolve_device(device)), target)
    except Exception:
        return ThreefryKey(target.from_numpy(host, None), target)


register_when_jax_loads(ThreefryKey)
