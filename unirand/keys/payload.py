"""Keys as plain data, written: the payload every key kind produces, and its JSON text.

Every key kind has one *payload*: a dict of JSON types with an ``impl`` tag, built by the key's
own ``_payload()``; :func:`payload` adds the format ``version``.  Writing needs no knowledge of
the kinds, so this module sits below all of them; reading a payload back (which must know every
kind) is :mod:`unirand.keys.serialize`.

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
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["FORMAT", "KINDS", "READABLE", "VERSION", "payload", "to_json"]

FORMAT = "unirand.key"
#: the payload version written; readers accept exactly the versions in READABLE
VERSION = 1
READABLE = (1,)
#: the impl tags, as error messages name them
KINDS = ("threefry2x32", "numpy:<BitGenerator>", "torch", "jax:<impl>")


def payload(key: Any) -> dict[str, Any]:
    """The plain-data form of any unirand key (its ``_payload()`` and the format version)."""
    body = getattr(key, "_payload", None)
    if body is None:
        raise TypeError(f"key must be a unirand key; got {type(key).__name__}")
    return {**body(), "version": VERSION}


def to_json(key: Any) -> str:
    """``key`` as JSON text: ``{"format": "unirand.key", "version": 1, "impl": ..., ...}``."""
    return json.dumps({"format": FORMAT, **payload(key)}, sort_keys=True)
