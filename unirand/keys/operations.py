"""The functional key API: ``key``, ``key_data``, ``wrap_key_data``, ``split``, ``fold_in``, and
``jax.random``'s other key functions under their JAX names: ``PRNGKey``, ``key_impl``, ``clone``.

Keys in, keys or key data out, nothing stateful.  Each function takes every kind of key: a
portable key is handled here (or by its own method), any other :class:`~unirand.Key` gets the
call as its method.  :func:`other` is that rule, shared with the samplers.  The JAX names exist
so that code written against ``jax.random`` ports by changing the module it calls; where
unirand's answer differs from JAX's (``PRNGKey`` returns a typed key), the docstring says how.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .. import backends
from .native.base import NativeKey
from .native.indexed import IndexedKey
from .portable import PortableKey, is_uint32, new_key
from .protocol import Key
from .validation import as_seed

if TYPE_CHECKING:
    from ..threefry_key import ThreefryKey

__all__ = [
    "PRNGKey",
    "check_key",
    "clone",
    "fold_in",
    "key",
    "key_data",
    "key_impl",
    "other",
    "split",
    "wrap_key_data",
]

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


# -- jax.random's other key functions, under their JAX names -------------------------------------
def PRNGKey(seed: Any, *, impl: str | None = None) -> ThreefryKey:
    """``unirand.key(seed)``: the key whose data is ``jax.random.PRNGKey(seed)`` (x64 on).

    JAX's ``PRNGKey`` is the legacy *raw* key, a ``uint32[2]`` array that carries no impl;
    unirand has no raw keys (a bare array would not say which stream it is), so this returns
    the typed :class:`~unirand.ThreefryKey` of :func:`key`, with the same seed rules and errors.
    ``key_data(PRNGKey(seed))`` holds the bytes of ``jax.random.PRNGKey(seed)`` (with
    ``jax_enable_x64`` on; docs/keys.md has the seeds where JAX's modes differ) and every
    sampler gives ``jax.random``'s numbers for it.  ``impl`` may be None or
    ``"threefry2x32"``: None is threefry2x32 always (JAX's ``jax_default_prng_impl`` is not
    read, so importing unirand never imports JAX); other impls are JAX keys, ``as_key``.
    """
    return key(seed, impl="threefry2x32" if impl is None else impl)


def key_impl(key: Any) -> str:
    """The impl name of any unirand key (or key batch), as ``jax.random.key_impl``.

    ``key.impl``: ``"threefry2x32"`` for portable keys (what JAX answers for the same key),
    ``"jax:<impl>"`` for native JAX keys, ``"numpy:<BitGenerator>"``, ``"torch"``.  Works on
    keys traced by ``jax.jit`` too.  Anything that is not a unirand ``Key`` raises ``TypeError``.
    """
    if isinstance(key, PortableKey):
        return key.impl
    if isinstance(key, type) or not isinstance(key, Key):
        raise TypeError(_not_a_key("key_impl", key))
    impl = key.impl
    if not isinstance(impl, str):
        raise TypeError(f"key: a Key's impl must be a str; got {type(impl).__name__}")
    return impl


def clone(key: KeyT) -> KeyT:
    """An equal key that key-reuse checking treats as fresh, as ``jax.random.clone``.

    ``debug_key_reuse`` tracks keys per object, and a clone is a new, unconsumed object with
    the same value: it equals ``key``, hashes alike, pickles alike and gives the same numbers.
    Cloning does not consume ``key`` and takes consumed keys too (JAX's checker rules, where
    ``clone``'s output is a fresh key and its input is left as it was).  Single keys and key
    batches of every unirand kind; portable keys under ``jax.jit``/``vmap`` too (the clone
    holds the same tracer).  Native keys are values (seed material, never a live generator),
    so a clone shares that material and only its consumption is its own; a native JAX key's
    array is cloned by ``jax.random.clone``, so JAX's own checker (``jax_debug_key_reuse``)
    sees it fresh as well.  Without checking, the clone is just an equal key.
    """
    if isinstance(key, PortableKey):
        return type(key)._from_parts(key._data, key._backend)
    if isinstance(key, NativeKey):
        return _clone_native(key)  # type: ignore[return-value]
    if isinstance(key, type) or not isinstance(key, Key):
        raise TypeError(_not_a_key("clone", key))
    raise TypeError(
        f"key: clone takes unirand keys (portable or native); {type(key).__name__} is a "
        "third-party Key, whose reuse unirand does not track: copy it with its own API"
    )


def _clone_native(key: NativeKey) -> NativeKey:
    if isinstance(key, IndexedKey):  # NumPy and torch keys: immutable material and index
        return type(key)._make(key._m, key._idx)
    if key.library == "jax":
        from .native.jax import JaxKey  # imports JAX, loaded already: the key holds a JAX array

        if isinstance(key, JaxKey):
            jax = sys.modules["jax"]
            return JaxKey._wrap(jax.random.clone(key.jax_key()))  # jax_key(): no consume
    raise TypeError(f"key: clone has no rule for {type(key).__name__} keys")


def _not_a_key(function: str, obj: Any) -> str:
    module = type(obj).__module__.split(".", 1)[0]
    hint = ""
    if module in ("jax", "jaxlib"):
        hint = (
            f"; for a JAX key use jax.random.{function}, or unirand.{function}(unirand.as_key(k))"
        )
    return (
        f"key must be a unirand key (from unirand.key, unirand.PRNGKey, unirand.as_key or "
        f"unirand.wrap_key_data); got {type(obj).__name__}{hint}"
    )
