"""Keys as plain data, read back: ``key_from_json`` and the payload reader of every kind.

Writing is :mod:`unirand.keys.payload` (each key writes its own payload).  Reading must know
every kind, so it sits above them all: the portable key through
:func:`unirand.keys.portable._unpickle`, the native kinds through their ``from_payload``, each
imported only when a payload of its kind is read.  Pickles store the same payload: native keys
as ``(Kind.from_payload, (payload,))``, portable keys as ``(_unpickle, (impl, data, library,
device))``.  An unknown ``impl``, ``format`` or ``version`` raises ``ValueError`` naming what
is known.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .payload import FORMAT, KINDS, READABLE

__all__ = ["from_payload", "key_from_json"]


def key_from_json(text: str | bytes) -> Any:
    """The key written by ``key.to_json()`` (in its library when that is installed)."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"text must be a JSON str or bytes; got {type(text).__name__}")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"text is not valid JSON: {e}") from e
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ValueError(
            f'text is not a unirand key: expected a JSON object with "format": {FORMAT!r}'
        )
    return from_payload(obj)


def from_payload(p: dict[str, Any]) -> Any:
    """The key of a payload (from JSON or a pickle)."""
    version = p.get("version")
    if version not in READABLE:
        raise ValueError(
            f"unsupported unirand key format version {version!r}; this unirand reads version "
            f"{', '.join(map(str, READABLE))}"
        )
    impl = p.get("impl")
    if not isinstance(impl, str):
        raise ValueError(f"key payload has no impl tag; known impls: {', '.join(KINDS)}")
    try:
        if impl == "threefry2x32":
            from .portable import _unpickle

            data = np.array(p["data"], dtype=np.uint32).reshape(tuple(p["shape"]))
            return _unpickle(impl, data, p["xp"], p["device"])
        if impl.startswith("numpy:"):
            from .native.numpy import NumpyKey

            return NumpyKey.from_payload(p)
        if impl == "torch":
            from .native.torch import TorchKey

            return TorchKey.from_payload(p)
        if impl.startswith("jax:"):
            from .native.jax import JaxKey

            return JaxKey.from_payload(p)
    except KeyError as e:
        raise ValueError(f"key payload of impl {impl!r} lacks the field {e.args[0]!r}") from None
    raise ValueError(f"unknown key impl {impl!r}; known impls: {', '.join(KINDS)}")
