"""The functional API: keys in, keys or arrays out, nothing stateful."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backends
from ._key import Key, ThreefryKey
from .backends import Backend
from .engine.dtypes import FLOAT_DTYPES, UINT_DTYPES, canonical
from .keys import reuse
from .keys.validation import as_batch_shape, as_fold_in_data, as_seed, as_shape, is_integer

__all__ = ["key", "key_data", "wrap_key_data", "split", "fold_in", "bits", "uniform", "normal"]

_IMPLS = ("threefry2x32",)


def _check_impl(impl: Any) -> None:
    if impl not in _IMPLS:
        raise ValueError(
            f"impl must be one of {', '.join(map(repr, _IMPLS))} for portable keys; got {impl!r}"
        )


def _check_key(key: Any, argument: str = "key") -> ThreefryKey:
    if not isinstance(key, ThreefryKey):
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


def _other(key: Any) -> Any:
    """A key that is not portable (a native adapter or a third-party ``Key``), else TypeError."""
    if isinstance(key, Key):
        return key
    return _check_key(key)


def _single(key: ThreefryKey, what: str, consume: bool = True) -> None:
    """``key`` must be a single key; ``what`` consumes it (checked under debug_key_reuse)."""
    if key.shape != ():
        raise ValueError(
            f"{what} takes a single key (shape ()); got keys of shape {key.shape}. Use key[i], "
            "iterate, or jax.vmap over the keys"
        )
    if consume and reuse.ENABLED:
        reuse.consume(key, what)


def key(seed: Any, *, impl: str = "threefry2x32") -> ThreefryKey:
    """A portable key from an integer seed in ``[-2**63, 2**64)``.

    The key data is ``[hi32, lo32]`` of the seed's 64-bit two's-complement value: exactly
    ``jax.random.key(seed)`` with ``jax_enable_x64`` on.  (With x64 off JAX keeps only the low
    32 bits, ``[0, seed mod 2**32]``; see docs/keys.md.)  The key lives on NumPy.
    """
    _check_impl(impl)
    value = as_seed(seed) % 2**64
    numpy = backends.by_name("numpy")
    return ThreefryKey(numpy.own([value >> 32, value & 0xFFFFFFFF]), numpy)


def key_data(key: ThreefryKey) -> Any:
    """The key's uint32 data, shape ``key.shape + (2,)``, in the key's own array library.

    Keys are immutable: NumPy data comes back read-only, torch and array-API data as a copy.
    Native JAX keys give ``jax.random.key_data``; NumPy and torch keys have no key data.
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).key_data()
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
    elif not _is_uint32(backend, data):
        if backend.is_traced(data):
            raise TypeError(f"data must have dtype uint32 under tracing; got {data.dtype}")
        host = _host_words(backend.to_numpy(data))
        data = backend.from_numpy(host, backend.device_of(data))
    if len(data.shape) == 0 or data.shape[-1] != 2:
        raise ValueError(
            f"data must have a last axis of size 2 (threefry2x32); got shape {tuple(data.shape)}"
        )
    return ThreefryKey(backend.own(data), backend)


def _is_uint32(backend: Backend, data: Any) -> bool:
    return str(data.dtype).rsplit(".", 1)[-1] == "uint32"


def _host_words(data: Any) -> np.ndarray:
    try:
        a = np.asarray(data)
    except Exception as e:
        raise TypeError(
            f"data must be an array of uint32 key words; got {type(data).__name__}"
        ) from e
    if a.size == 0 and a.dtype == np.float64:
        a = a.astype(np.uint32)
    if a.dtype.kind not in "ui":
        raise TypeError(f"data must be an integer array of key words; got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
        raise ValueError("data values must be in [0, 2**32) (uint32 key words)")
    return a.astype(np.uint32)


def split(key: ThreefryKey, num: Any = 2) -> ThreefryKey:
    """``num`` new keys (an int, or a shape tuple), as ``jax.random.split`` (partitionable).

    Key ``i`` is the Threefry hash of counter ``(i >> 32, i & 0xFFFFFFFF)`` under ``key``, so
    ``split(key, n)[i] == fold_in(key, i)`` for every ``n``.  Other key kinds: ``key.split``.
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).split(num)
    _single(key, "split")
    shape = as_batch_shape(num)
    return ThreefryKey._from_parts(key._backend.split(key._data, shape), key._backend)


def fold_in(key: ThreefryKey, data: Any) -> ThreefryKey:
    """A new key from ``key`` and an integer in ``[0, 2**32)``, as ``jax.random.fold_in``."""
    if not isinstance(key, ThreefryKey):
        return _other(key).fold_in(data)
    _single(key, "fold_in", consume=False)
    backend = key._backend
    if is_integer(data):
        value: Any = as_fold_in_data(data)
    elif (
        backends.backend_of(data) is backend
        and tuple(data.shape) == ()
        and _is_uint32(backend, data)
    ):
        value = data  # a uint32 scalar array, e.g. a loop index inside jax.jit
    else:
        raise TypeError(
            f"data must be an integer in [0, 2**32) or a uint32 scalar array of the key's library; "
            f"got {type(data).__name__}"
        )
    return ThreefryKey._from_parts(backend.fold_in(key._data, value), backend)


def _target(key: ThreefryKey, xp: Any, device: Any) -> tuple[Backend, Any, Any]:
    """The backend and device to compute on, and the key data moved there."""
    target = key._backend if xp is None else backends.resolve(xp)
    if target.xp is key._backend.xp:  # the same library (e.g. JAX native and jax:portable)
        # default: where the key lives (not the library's default device)
        dev = target.resolve_device(device) if device is not None else target.device_of(key._data)
        return target, dev, key._data
    dev = target.resolve_device(device)
    return target, dev, target.from_numpy(key._backend.to_numpy(key._data), dev)


def bits(
    key: ThreefryKey, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
) -> Any:
    """Random bits of ``dtype`` (uint8/16/32/64), ``jax.random.bits`` bit for bit."""
    if not isinstance(key, ThreefryKey):
        return _other(key).bits(shape, dtype, xp=xp, device=device)
    _single(key, "bits")
    shape = as_shape(shape)
    name = canonical(dtype, UINT_DTYPES)
    target, dev, data = _target(key, xp, device)
    target.dtype(name)  # raises early for a dtype the library lacks (uint64 on JAX without x64)
    return target.bits(data, shape, name, dev)


def uniform(
    key: ThreefryKey,
    shape: Any = (),
    dtype: Any = "float32",
    minval: Any = 0.0,
    maxval: Any = 1.0,
    *,
    xp: Any = None,
    device: Any = None,
) -> Any:
    """Floats in ``[minval, maxval)``: ``jax.random.uniform`` bit for bit, XLA:CPU FMA included."""
    if not isinstance(key, ThreefryKey):
        return _other(key).uniform(shape, dtype, minval, maxval, xp=xp, device=device)
    _single(key, "uniform")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = _target(key, xp, device)
    target.dtype(name)
    return target.uniform(data, shape, name, minval, maxval, dev)


def normal(
    key: ThreefryKey, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
) -> Any:
    """Standard normals: ``jax.random.normal`` as XLA:CPU on x86-64 with FMA computes it.

    ``sqrt(2) * erf_inv(u)`` with ``u`` uniform in ``[nextafter(-1, 0), 1)``, every operation of
    XLA's ``erf_inv`` reproduced with exact rounding, so the bytes are the same on every
    backend and device (float64: see docs/streams.md).
    """
    if not isinstance(key, ThreefryKey):
        return _other(key).normal(shape, dtype, xp=xp, device=device)
    _single(key, "normal")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    target, dev, data = _target(key, xp, device)
    target.dtype(name)
    return target.normal(data, shape, name, dev)
