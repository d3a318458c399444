"""Keys as plain data: the JSON form (``key.to_json()``, ``key_from_json``) and pickles.

Every key kind has one *payload*: a dict of JSON types with an ``impl`` tag and the format
``version``.  ``to_json`` writes it with ``"format": "unirand.key"``; pickles of native keys
store the same dict and are restored by :func:`from_payload` (names, not classes, go into a
pickle, as ``numpy.random._pickle`` does).  Portable keys keep their own pickle form
(``unirand._key._unpickle``) and use the payload only for JSON.

========================  =====================================================================
impl                      payload fields (besides ``impl`` and ``version``)
========================  =====================================================================
``threefry2x32``          ``shape`` (batch shape + [2]), ``data`` (flat uint32 words),
                          ``xp`` (library), ``device`` (str or null)
``numpy:<BitGenerator>``  ``entropy`` (int or list), ``spawn_key``, ``pool_size``, ``offset``,
                          ``batch`` (null, or ``{"shape", "index"}``)
``torch``                 ``device``, ``seed``, ``state`` (hex of ``get_state()`` or null),
                          ``batch``
``jax:<impl>``            ``shape`` (of ``key_data``), ``data`` (flat uint32 words)
========================  =====================================================================

An unknown ``impl``, ``format`` or ``version`` raises ``ValueError`` naming what is known.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

__all__ = ["FORMAT", "VERSION", "to_json", "key_from_json", "payload", "from_payload"]

FORMAT = "unirand.key"
#: the payload version written; readers accept exactly the versions in _READABLE
VERSION = 1
_READABLE = (1,)
_KINDS = ("threefry2x32", "numpy:<BitGenerator>", "torch", "jax:<impl>")


def payload(key: Any) -> dict[str, Any]:
    """The plain-data form of any unirand key."""
    from ._key import ThreefryKey
    from .backends._native import NativeKey

    if isinstance(key, ThreefryKey):
        data = key._host()
        device = key.device
        body: dict[str, Any] = {
            "impl": key.impl,
            "shape": list(data.shape),
            "data": data.ravel().tolist(),
            "xp": key.xp,
            "device": None if device is None else str(device),
        }
    elif isinstance(key, NativeKey):
        body = key._payload()
    else:
        raise TypeError(f"key must be a unirand key; got {type(key).__name__}")
    return {**body, "version": VERSION}


def to_json(key: Any) -> str:
    """``key`` as JSON text: ``{"format": "unirand.key", "version": 1, "impl": ..., ...}``."""
    return json.dumps({"format": FORMAT, **payload(key)}, sort_keys=True)


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
    if version not in _READABLE:
        raise ValueError(
            f"unsupported unirand key format version {version!r}; this unirand reads version "
            f"{', '.join(map(str, _READABLE))}"
        )
    impl = p.get("impl")
    if not isinstance(impl, str):
        raise ValueError(f"key payload has no impl tag; known impls: {', '.join(_KINDS)}")
    try:
        if impl == "threefry2x32":
            from ._key import _unpickle

            data = np.array(p["data"], dtype=np.uint32).reshape(tuple(p["shape"]))
            return _unpickle(impl, data, p["xp"], p["device"])
        if impl.startswith("numpy:"):
            from .backends.native_numpy import NumpyKey

            return NumpyKey.from_payload(p)
        if impl == "torch":
            from .backends.native_torch import TorchKey

            return TorchKey.from_payload(p)
        if impl.startswith("jax:"):
            from .backends.native_jax import JaxKey

            return JaxKey.from_payload(p)
    except KeyError as e:
        raise ValueError(f"key payload of impl {impl!r} lacks the field {e.args[0]!r}") from None
    raise ValueError(f"unknown key impl {impl!r}; known impls: {', '.join(_KINDS)}")
