"""``as_key``: any supported seed or generator object as a unirand key.

The object's type module (as found in ``sys.modules``) decides; asking never imports a library
the object does not come from (array-api-compat's rule).  The adapters are imported here,
lazily, and only for objects of their library.
"""

from __future__ import annotations

import sys
from typing import Any, cast

import numpy as np

from .native.base import NativeKey
from .operations import key, wrap_key_data
from .portable import PortableKey
from .protocol import Key
from .validation import is_integer

__all__ = ["as_key"]

_ACCEPTED = (
    "an int seed (the portable key), a unirand key, a JAX key (typed jax.random.key(...) or raw "
    "uint32 jax.random.PRNGKey(...)), a numpy.random SeedSequence, Generator or BitGenerator, "
    "or a torch.Generator"
)


def as_key(obj: Any) -> Key:
    """``obj`` as a unirand key.

    * int (or NumPy integer): ``unirand.key(obj)``; a unirand ``Key``: itself.
    * JAX threefry2x32 key, typed or raw: the portable key with that data, living on JAX (its
      streams are ``jax.random``'s).  JAX keys of other impls (rbg, unsafe_rbg, threefry4x32,
      philox2x32, philox4x32): a native :class:`~unirand.keys.native.jax.JaxKey`.  A raw
      uint32 array is read with ``jax_default_prng_impl``, as JAX reads it.
    * ``numpy.random.SeedSequence``: a NumPy key sampling as ``default_rng(seq)``; ``seq`` is
      not mutated.  ``Generator``/``BitGenerator``: a NumPy key spawned from it (as
      ``Generator.spawn(1)[0]``), with the bit generator class kept; the generator's numbers
      are untouched, its spawn counter advances.
    * ``torch.Generator``: a torch key drawing what the generator would draw next, on its
      device; the generator is then re-seeded (a derived seed), so its numbers and the key's
      never coincide.

    Anything else raises ``TypeError``.
    """
    if isinstance(obj, (PortableKey, NativeKey)):
        # every portable key is built as the public ThreefryKey (portable.py), which binds the
        # samplers the Key protocol names; PortableKey itself sits below them
        return cast(Key, obj)
    if is_integer(obj):
        return key(obj)
    module = type(obj).__module__.split(".", 1)[0]
    if module == "numpy":
        return _from_numpy(obj)
    if module in ("jax", "jaxlib") and "jax" in sys.modules:
        if isinstance(obj, sys.modules["jax"].Array):
            return _from_jax(obj)
    if module == "torch" and "torch" in sys.modules:
        if isinstance(obj, sys.modules["torch"].Generator):
            from .native.torch import TorchKey

            return TorchKey.from_generator(obj)
    if not isinstance(obj, type) and isinstance(obj, Key):
        return obj
    raise TypeError(f"as_key takes {_ACCEPTED}; got {type(obj).__module__}.{type(obj).__name__}")


def _from_numpy(obj: Any) -> Key:
    from .native.numpy import NumpyKey

    if isinstance(obj, np.random.SeedSequence):
        return NumpyKey.from_seed_sequence(obj)
    if isinstance(obj, (np.random.Generator, np.random.BitGenerator)):
        return NumpyKey.from_generator(obj)
    if isinstance(obj, np.random.RandomState):
        raise TypeError(
            "as_key does not take numpy.random.RandomState (legacy seeding has no "
            "SeedSequence); pass np.random.default_rng(seed) or a SeedSequence"
        )
    if isinstance(obj, np.ndarray):
        raise TypeError(
            f"as_key takes {_ACCEPTED}; got a NumPy array (raw key data: use unirand.wrap_key_data)"
        )
    raise TypeError(f"as_key takes {_ACCEPTED}; got numpy {type(obj).__name__}")


def _from_jax(arr: Any) -> Key:
    import jax
    import jax.numpy as jnp

    if jnp.issubdtype(arr.dtype, jax.dtypes.prng_key):
        if str(jax.random.key_impl(arr)) == "threefry2x32":
            return wrap_key_data(jax.random.key_data(arr))
        from .native.jax import JaxKey

        return JaxKey(arr)
    if arr.dtype == jnp.uint32 and arr.ndim >= 1:
        impl = str(cast(Any, jax.config).jax_default_prng_impl)  # a dynamic attribute
        if impl == "threefry2x32" and arr.shape[-1] == 2:
            return wrap_key_data(arr)
        from .native.jax import JaxKey

        try:
            return JaxKey(jax.random.wrap_key_data(arr, impl=impl))
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"obj: a raw uint32 JAX key of shape {arr.shape} does not fit the default impl "
                f"{impl!r}: {e}"
            ) from e
    raise TypeError(
        f"as_key takes {_ACCEPTED}; got a JAX array of dtype {arr.dtype} that is not a key"
    )
