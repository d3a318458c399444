"""The base of the native key kinds (NumPy, torch, JAX keys); imports no optional library.

A native key wraps a library's own generator the way unirand wraps Threefry: it is an
immutable value holding *seed material* (never a live generator), and every sampling call
builds a fresh native generator from that material.  So sampling twice from one key gives the
same numbers, as in JAX.  The kinds (:mod:`.numpy`, :mod:`.torch`, :mod:`.jax`) are final
classes over :class:`NativeKey`; each imports its library at module top and is itself
imported only by :func:`unirand.as_key` or when a key is unpickled / read from JSON.
Bridges to the other libraries are derived from the key's bits (:mod:`unirand.keys.bridges`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...backends import by_name, resolve
from .. import reuse
from ..bridges import derived_jax_key, derived_numpy_generator, derived_torch_generator
from ..payload import payload, to_json
from .methods import NativeMethods
from .methods_discrete import DiscreteMethods
from .methods_gamma import GammaMethods
from .methods_gamma_family import GammaFamilyMethods
from .methods_generalized_normal import GeneralizedNormalMethods
from .methods_linalg import LinalgMethods
from .methods_transforms import TransformMethods
from .methods_xla_transforms import XlaTransformMethods

__all__ = ["NativeKey", "convert"]


def convert(x: Any, own: str, xp: Any, device: Any) -> Any:
    """Move a native result to library ``xp`` / ``device`` (the numbers stay the native ones)."""
    if xp is None and device is None:
        return x
    src = by_name(own)
    target = src if xp is None else resolve(xp)
    if target.xp is src.xp:
        return x if device is None else target.to_device(x, target.resolve_device(device))
    return target.from_numpy(src.to_numpy(x), target.resolve_device(device))


class NativeKey(
    NativeMethods,
    XlaTransformMethods,
    GammaMethods,
    DiscreteMethods,
    TransformMethods,
    GammaFamilyMethods,
    GeneralizedNormalMethods,
    LinalgMethods,
):
    """Abstract base of the native adapters: a ``unirand.Key`` over a library's own generator.

    Subclasses are final and define ``shape``, ``impl``, ``library``, ``split``, ``fold_in``,
    ``_source`` and the sampler hooks of :class:`.methods.NativeMethods` (their library's own
    draws; the samplers themselves are defined once there), ``_words`` (uint32 words of the
    key's stream, without consuming; used by the derived bridges) and ``_payload`` (the
    plain-data form used by pickle and JSON).
    """

    __slots__ = ("_consumed",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # split and the bridges of every kind: one reuse transaction each (validate first,
        # consume after), as the samplers of NativeMethods
        super().__init_subclass__(**kwargs)
        _transactional(cls)

    #: the library whose generator this key wraps ("numpy", "torch", "jax")
    library: str = ""

    @property
    def shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    @property
    def impl(self) -> str:
        raise NotImplementedError

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    # -- helpers for the subclasses ------------------------------------------------------------
    def _single(self, what: str, consume: bool = True) -> None:
        if self.shape != ():
            raise ValueError(
                f"{what} takes a single key (shape ()); got keys of shape {self.shape}. Use "
                "key[i] or iterate"
            )
        if consume and reuse.ENABLED:
            reuse.consume(self, what)

    def _deliver(self, x: Any, xp: Any, device: Any) -> Any:
        return convert(x, self.library, xp, device)

    def _words(self, n: int) -> np.ndarray:
        raise NotImplementedError

    def _payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> Any:
        """The key of a payload (``_payload()``'s dict): each kind reads its own."""
        raise NotImplementedError

    # -- bridges ----------------------------------------------------------------------------------
    def numpy_generator(self) -> Any:
        """A ``numpy.random.Generator`` deterministic in the key (consumes the key)."""
        self._single("numpy_generator")
        return derived_numpy_generator(self._words(4))

    def torch_generator(self, device: Any = None) -> Any:
        """A ``torch.Generator`` deterministic in the key (consumes the key)."""
        self._single("torch_generator")
        return derived_torch_generator(self._words(2), device)

    def jax_key(self) -> Any:
        """A JAX typed key deterministic in the key (consumes the key: a derived stream)."""
        self._single("jax_key")
        return derived_jax_key(self._words(2))

    def key_data(self) -> Any:
        raise TypeError(
            f"{self.impl} keys have no key data array; use pickle or key.to_json() to store them"
        )

    def to_json(self) -> str:
        """The key as JSON text with its impl tag and format version (``key_from_json``)."""
        return to_json(self)

    # -- value semantics --------------------------------------------------------------------------
    def _identity(self) -> Any:
        return _freeze(self._payload())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NativeKey):
            return NotImplemented
        return type(self) is type(other) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __reduce__(self) -> Any:
        return (type(self).from_payload, (payload(self),))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a single key (shape ()); only split keys have a length")
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError


def _transactional(cls: type) -> None:
    """Wrap the consuming methods ``cls`` itself defines in one reuse transaction each."""
    for name in ("split", "numpy_generator", "torch_generator", "jax_key"):
        if name in vars(cls):
            setattr(cls, name, reuse.transactional(vars(cls)[name]))


# NativeKey's own bridges too (``__init_subclass__`` sees only the subclasses' methods): a
# NumPy or JAX key's ``torch_generator("meta")`` refused its device after marking the key
# consumed, so the corrected retry raised ``KeyReuseError``
_transactional(NativeKey)


def _freeze(x: Any) -> Any:
    if isinstance(x, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in x.items()))
    if isinstance(x, list):
        return tuple(_freeze(v) for v in x)
    return x
