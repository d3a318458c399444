"""The functional key API: ``key``, ``key_data``, ``wrap_key_data``, ``split``, ``fold_in``.

Keys in, keys or key data out, nothing stateful.  Each function takes every kind of key: a
portable key is handled here (or by its own method), any other :class:`~unirand.Key` gets the
call as its method.  :func:`other` is that rule, shared with the samplers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .. import backends
from .portable import PortableKey, is_uint32, new_key
from .protocol import Key
from .validation import as_seed

if TYPE_CHECKING:
    from ..threefry_key import ThreefryKey

__all__ = ["check_key", "fold_in", "key", "key_data", "other", "split", "wrap_key_data"]

#: any key kind: split and fold_in give keys of the kind they are given
KeyT = TypeVar("KeyT")

_IMPLS = ("threefry2x32",)


def _check_impl(impl: Any) -> None:
    if impl not in _IMPLS:
        raise ValueError(
            f"impl must be one of {', '.join(map(repr, _IMPLS))} for portable keys; got {impl!r}"
        )


def check_key(key: Any, argument: str = "key") -> PortableKey:
    """``key`` as a portable key, or ``TypeError`` naming what was expected."""
    if not isinstance(key, PortableKey):
        if isinstance(key, Key):
            raise TypeError(
                f"{argument}: this function takes portable keys only; a {key.impl} key has the "
                "operation as a method (key.<name>(...))"
            )
        raise TypeError(
            f"{argument} must be a unirand key (from unirand.key, unirand.as_key or "
            f"unirand.wrap_key_data); got {type(key).__name__}"
        )
    return key


def other(key: Any) -> Any:
    """A key that is not portable (a native adapter or a third-party ``Key``), else TypeError."""
    if isinstance(key, Key):
        return key
    return check_key(key)


def key(seed: Any, *, impl: str = "threefry2x32") -> ThreefryKey:
    """A portable key from an integer seed in ``[-2**63, 2**64)``.

    The key data is ``[hi32, lo32]`` of the seed's 64-bit two's-complement value: exactly
    ``jax.random.key(seed)`` with ``jax_enable_x64`` on.  (With x64 off JAX keeps only the low
    32 bits, ``[0, seed mod 2**32]``; see docs/keys.md.)  The key lives on NumPy.
    """
    _check_impl(impl)
    value = as_seed(seed) % 2**64
    numpy = backends.by_name("numpy")
    return new_key(numpy.own([value >> 32, value & 0xFFFFFFFF]), numpy)


def key_data(key: Any) -> Any:
    """The key's uint32 data, shape ``key.shape + (2,)``, in the key's own array library.

    Keys are immutable: NumPy data comes back read-only, torch and array-API data as a copy.
    Native JAX keys give ``jax.random.key_data``; NumPy and torch keys have no key data.
    """
    if not isinstance(key, PortableKey):
        return other(key).key_data()
    return key._backend.expose(key._data)


def wrap_key_data(data: Any, *, impl: str = "threefry2x32") -> ThreefryKey:
    """The key whose data is ``data`` (uint32, last axis 2), kept in ``data``'s array library.

    Lists and integer arrays of other dtypes are accepted when every value is in ``[0, 2**32)``;
    a key is never truncated or wrapped.
    """
    _check_impl(impl)
    backend = backends.backend_of(data)
    if backend is None:
        if hasattr(data, "__array_namespace__"):
            raise TypeError(f"data: arrays of {type(data).__module__} are not supported")
        data, backend = _host_words(data), backends.by_name("numpy")
    elif not is_uint32(data):
        if backend.is_traced(data):
            raise TypeError(f"data must have dtype uint32 under tracing; got {data.dtype}")
        host = _host_words(backend.to_numpy(data))
        data = backend.from_numpy(host, backend.device_of(data))
    if len(data.shape) == 0 or data.shape[-1] != 2:
        raise ValueError(
            f"data must have a last axis of size 2 (threefry2x32); got shape {tuple(data.shape)}"
        )
    return new_key(backend.own(data), backend)


def _host_words(data: Any) -> np.ndarray:
    try:
        a = np.asarray(data)
    except Exception as e:
        raise TypeError(
            f"data must be an array of uint32 key words; got {type(data).__name__}"
        ) from e
    if a.size == 0 and a.dtype == np.float64:
        a = a.astype(np.uint32)
    if a.dtype == object and all(
        isinstance(v, int) and not isinstance(v, bool) for v in a.reshape(-1).tolist()
    ):  # Python ints too large for int64: out of range, not of the wrong type
        raise ValueError("data values must be in [0, 2**32) (uint32 key words)")
    if a.dtype.kind not in "ui":
        raise TypeError(f"data must be an integer array of key words; got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
        raise ValueError("data values must be in [0, 2**32) (uint32 key words)")
    return a.astype(np.uint32)


def split(key: KeyT, num: Any = 2) -> KeyT:
    """``num`` new keys (an int, or a shape tuple), as ``jax.random.split`` (partitionable).

    Key ``i`` is the Threefry hash of counter ``(i >> 32, i & 0xFFFFFFFF)`` under ``key``, so
    ``split(key, n)[i] == fold_in(key, i)`` for every ``n``.  Other key kinds: ``key.split``.
    """
    if isinstance(key, PortableKey):
        return key.split(num)
    return other(key).split(num)


def fold_in(key: KeyT, data: Any) -> KeyT:
    """A new key from ``key`` and an integer in ``[0, 2**32)``, as ``jax.random.fold_in``."""
    if isinstance(key, PortableKey):
        return key.fold_in(data)
    return other(key).fold_in(data)
