"""The portable key's data and value semantics: the Threefry-2x32 key every sampler is written for.

A portable key is a value: its data is a ``uint32`` array of shape ``batch + (2,)`` in some
array library, and nothing about it ever changes.  Splitting or folding in makes a new key.
Keys are hashable and comparable by value, pickle to their data, and are JAX pytrees (the
data is the leaf), so they pass through ``jax.jit`` and ``jax.vmap``.  They are not JAX keys:
``jax.random`` (and flax, equinox) take ``key.jax_key()``, and the error says so
(``pytree.py``).

:class:`PortableKey` holds all of that; the samplers (:mod:`unirand.samplers`) are written
against it.  The class users see, :class:`unirand.ThreefryKey` (``unirand/threefry_key.py``), is
this class plus one method per sampler, bound from the samplers' single definitions; it sits
above the samplers, so nothing here imports them.  Every key made here (``split``,
``fold_in``, indexing, ``to``, unpickling, ``unirand.key``) is built as that class, which
registers itself with :func:`public_class` when it is defined.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import numpy as np

from .. import backends
from ..backends import Backend
from . import reuse
from .bridges import derived_jax_key, derived_numpy_generator, derived_torch_generator
from .payload import field_error, to_json
from .pytree import ensure_registered, not_a_jax_key, register_when_jax_loads
from .validation import as_batch_shape, as_fold_in_data, check_index, is_integer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..threefry_key import ThreefryKey

__all__ = ["PortableKey", "destination", "new_key", "public_class", "single"]

K = TypeVar("K", bound="PortableKey")


class PortableKey:
    """A JAX-compatible Threefry-2x32 key: its data, batch shape and value semantics."""

    __slots__ = ("_backend", "_consumed", "_data")  # _consumed: unirand.debug_key_reuse

    impl = "threefry2x32"

    def __init__(self, data: Any, backend: Backend) -> None:
        self._data = data
        self._backend = backend
        ensure_registered()

    @classmethod
    def _from_parts(cls: type[K], data: Any, backend: Backend) -> K:
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

    def __getitem__(self: K, index: Any) -> K:
        """Keys of the batch, NumPy's indexing on the batch axes, on every library.

        A concrete integer index out of range (beyond ``-len`` too) raises ``IndexError``,
        also where the data lives on JAX, which would clamp it and return a duplicated key.
        An index traced by ``jax.jit``/``vmap`` cannot be checked: it keeps JAX's semantics
        (clamped to the batch).
        """
        if not self.shape:
            raise TypeError("a single key (shape ()) cannot be indexed")
        idx = index if isinstance(index, tuple) else (index,)
        if sum(i is not None and i is not Ellipsis for i in idx) > self.ndim:
            raise IndexError(
                f"index {index!r} reaches into the key data of keys of shape {self.shape}"
            )
        check_index(index, self.shape)  # JAX would clamp: a duplicated key
        try:
            where = (*idx, slice(None))  # a tuple display: valid on 3.10 (mypy misreads it inline)
            data = self._data[where]
        except IndexError as e:
            raise IndexError(f"index {index!r} out of range for keys of shape {self.shape}") from e
        if data.ndim == 0 or data.shape[-1] != 2:
            raise IndexError(f"index {index!r} reaches into the key data of shape {self.shape}")
        return type(self)._from_parts(data, self._backend)

    def __iter__(self: K) -> Iterator[K]:
        for i in range(len(self)):
            yield self[i]

    # -- new keys ----------------------------------------------------------------------------
    def split(self: K, num: int | Sequence[int] = 2) -> K:
        """``num`` new keys (an int, or a shape tuple), as ``jax.random.split`` (partitionable).

        Key ``i`` is the Threefry hash of counter ``(i >> 32, i & 0xFFFFFFFF)`` under this key,
        so ``split(n)[i] == fold_in(i)`` for every ``n``.  Consumes the key.
        """
        shape = as_batch_shape(num)  # validate first: a rejected call leaves the key fresh
        single(self, "split")
        return type(self)._from_parts(self._backend.split(self._data, shape), self._backend)

    def fold_in(self: K, data: Any) -> K:
        """A new key from this key and an integer in ``[0, 2**32)``, as ``jax.random.fold_in``
        (a uint32 scalar array of the key's library too, e.g. a loop index inside ``jax.jit``)."""
        single(self, "fold_in", consume=False)
        backend = self._backend
        if is_integer(data):
            value: Any = as_fold_in_data(data)
        elif backends.backend_of(data) is backend and tuple(data.shape) == () and is_uint32(data):
            value = data
        else:
            raise TypeError(
                f"data must be an integer in [0, 2**32) or a uint32 scalar array of the key's "
                f"library; got {type(data).__name__}"
            )
        return type(self)._from_parts(backend.fold_in(self._data, value), backend)

    def to(self: K, xp: Any, device: Any = None) -> K:
        """The same key with its data in another array library and/or on another device."""
        target = backends.resolve(xp)
        if target is self._backend:
            # no device given: the key stays where it is
            dev = target.resolve_device(device) if device is not None else None
            data = target.to_device(self._data, dev)
        else:
            dev = target.resolve_device(device)
            data = target.from_numpy(self._backend.to_numpy(self._data), dev)
        return type(self)._from_parts(data, target)

    # -- bridges (derivations: unirand/keys/bridges.py; docs/adapters.md) ---------------------
    def numpy_generator(self) -> Any:
        """``Generator(PCG64(SeedSequence(bits((4,), "uint32"))))``; consumes the key."""
        return derived_numpy_generator(self._bridge_words(4, "numpy_generator"))

    @reuse.transactional
    def torch_generator(self, device: Any = None) -> Any:
        """``torch.Generator(device).manual_seed(w0 << 32 | w1)``, ``w = bits((2,))``; consumes."""
        return derived_torch_generator(self._bridge_words(2, "torch_generator"), device)

    def jax_key(self) -> Any:
        """The JAX typed threefry2x32 key with this key's data: the same stream (no consume).

        The key to hand to ``jax.random``, flax and equinox, which take no portable key (a
        batch gives a JAX key array of the batch shape; a traced key gives a traced one)."""
        return derived_jax_key(self._data if "jax" in self._backend.name else self._host())

    @property
    def __jax_array__(self) -> NoReturn:
        """Never a JAX array: the ``TypeError`` that names ``key.jax_key()``.

        JAX looks this attribute up (``getattr(key, "__jax_array__", None)``) wherever it is
        given an object in place of an array or a key: every ``jax.random`` function (and so
        equinox's ``key=``), ``jnp.asarray``, ``lax``.  No JAX extension point makes a foreign
        object a key (``pytree.py``), so the lookup raises the error that says what to
        pass; a ``TypeError``, which ``getattr``'s default does not swallow.
        """
        raise not_a_jax_key(self)

    def to_json(self) -> str:
        """The key as JSON (impl tag, format version); ``unirand.key_from_json`` reads it."""
        return to_json(self)

    def _bridge_words(self, n: int, what: str) -> Any:
        single(self, what)
        numpy = backends.by_name("numpy")
        return numpy.bits(numpy.own(self._host()), (n,), "uint32", numpy.resolve_device(None))

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

    # -- value semantics ------------------------------------------------------------------------
    def _host(self) -> np.ndarray:
        if self._backend.is_traced(self._data):
            raise TypeError("a key traced by jax.jit/vmap has no concrete value to hash or compare")
        return self._backend.to_numpy(self._data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PortableKey):
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
        name = type(self).__name__
        if self._backend.is_traced(self._data):
            return f"{name}(shape={self.shape}, traced, xp={self.xp})"
        data = self._host()
        body = data.tolist() if data.size <= 8 else f"<{data.size // 2} keys>"
        return f"{name}(shape={self.shape}, data={body}, xp={self.xp})"


# -- the checks every portable operation starts with -----------------------------------------------
def single(key: PortableKey, what: str, consume: bool = True) -> None:
    """``key`` must be a single key; ``what`` consumes it (checked under debug_key_reuse)."""
    if key.shape != ():
        raise ValueError(
            f"{what} takes a single key (shape ()); got keys of shape {key.shape}. Use key[i], "
            "iterate, or jax.vmap over the keys"
        )
    if consume and reuse.ENABLED:
        reuse.consume(key, what)


def destination(key: PortableKey, xp: Any, device: Any) -> tuple[Backend, Any, Any]:
    """The backend and device to compute on (``xp=``, ``device=``; default: where the key
    lives), and the key data moved there."""
    target = key._backend if xp is None else backends.resolve(xp)
    if target.xp is key._backend.xp:  # the same library (e.g. JAX native and jax:portable)
        # default: where the key lives (not the library's default device)
        dev = target.resolve_device(device) if device is not None else target.device_of(key._data)
        return target, dev, key._data
    dev = target.resolve_device(device)
    return target, dev, target.from_numpy(key._backend.to_numpy(key._data), dev)


def is_uint32(data: Any) -> bool:
    """Whether an array of any library has dtype uint32."""
    return str(data.dtype).rsplit(".", 1)[-1] == "uint32"


# -- the public class ------------------------------------------------------------------------------
_PUBLIC: list[type[PortableKey]] = []


def public_class(cls: type[K]) -> type[K]:
    """Class decorator: ``cls`` is the class new portable keys are built as (once, for
    :class:`unirand.ThreefryKey`), and a JAX pytree as soon as JAX is loaded."""
    if _PUBLIC:
        raise RuntimeError(f"the public portable key class is {_PUBLIC[0].__name__} already")
    _PUBLIC.append(cls)
    register_when_jax_loads(cls)
    return cls


def new_key(data: Any, backend: Backend) -> ThreefryKey:
    """A key of the public class with ``data`` (owned by the caller) in ``backend``."""
    return _PUBLIC[0]._from_parts(data, backend)  # type: ignore[return-value]


def _unpickle(impl: str, data: np.ndarray, backend: str, device: str | None) -> ThreefryKey:
    """Restore a key in the library it was pickled from; NumPy if that library is missing here.

    A device that does not exist here (a GPU key unpickled on a CPU machine) falls back to the
    library's default device: key data is 8 bytes per key and its streams do not depend on it.
    """
    if impl != PortableKey.impl:
        raise ValueError(f"unknown key impl {impl!r} in pickle")
    host = _pickled_data(data)
    if not isinstance(backend, str):
        raise field_error("xp", "the name of an array library", backend)
    if device is not None and not isinstance(device, str):
        raise field_error("device", "a device name or null", device)
    try:
        target = backends.by_name(backend)
    except ImportError:
        target = backends.by_name("numpy")
    except ValueError:
        raise field_error("xp", f"one of {', '.join(backends.KNOWN)}", backend) from None
    try:
        return new_key(target.from_numpy(host, target.resolve_device(device)), target)
    except Exception:
        return new_key(target.from_numpy(host, None), target)


def _pickled_data(data: Any) -> np.ndarray:
    """Pickled key data as uint32, checked: an integer array of shape ``S + (2,)``, every value
    in ``[0, 2**32)`` (never wrapped or truncated)."""
    expected = "an integer array of shape (..., 2) with values in [0, 2**32)"
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "iu":
        raise field_error("data", expected, data)
    if data.ndim < 1 or data.shape[-1] != 2:
        raise field_error("data", f"{expected} (got shape {data.shape})", data)
    if data.dtype != np.uint32 and data.size and (data.min() < 0 or data.max() >= 2**32):
        raise field_error("data", expected, data)
    return data.astype(np.uint32)
