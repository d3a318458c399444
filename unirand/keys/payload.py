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

Reading checks every field before a key is built (:func:`check_header` and the ``field_*``
helpers, used by every kind's reader, for JSON and pickles alike): a field of the wrong type
or out of range raises ``ValueError`` naming it and saying what was expected.  Integers must
be ints (never bools, floats or strings); sizes are bounded by what unirand writes:

* ``shape`` / ``batch.shape``: non-negative ints, total size below 2**63; ``data`` /
  ``batch.index``: exactly that many entries.
* ``data``: words in ``[0, 2**32)``; a portable key's ``shape`` ends with 2.
* NumPy: ``entropy`` and ``spawn_key`` non-negative ints; ``pool_size`` in
  ``[4, MAX_POOL_SIZE]`` (1024: SeedSequence mixes its pool in time quadratic in its size);
  ``offset`` and every ``batch.index`` below ``2**32 - 1`` (split indices).
* torch: ``seed`` in ``[0, 2**64)``; ``device`` a CPU or accelerator device; ``state`` null or
  the hex of exactly as many bytes as that device's ``get_state()``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = [
    "FORMAT",
    "KINDS",
    "MAX_POOL_SIZE",
    "READABLE",
    "VERSION",
    "check_header",
    "field",
    "field_error",
    "field_int",
    "field_ints",
    "field_shape",
    "field_words",
    "payload",
    "to_json",
]

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


# -- reading: every field checked before a key is built ------------------------------------------
#: the largest NumPy ``pool_size`` read or stored (NumPy's default is 4)
MAX_POOL_SIZE = 1024
_MAX_SIZE = 2**63 - 1


def field_error(name: str, expected: str, got: Any) -> ValueError:
    """``ValueError`` naming the payload field ``name``, what it must be and what it was."""
    text = repr(got)
    if len(text) > 80:
        text = text[:77] + "..."
    return ValueError(f"key payload field {name!r} must be {expected}; got {text}")


def check_header(p: Any, impl: str | None = None) -> dict[str, Any]:
    """``p`` as a payload dict with a readable ``version`` and a str ``impl`` (``impl`` when
    given: that tag or, ending in ``:``, a tag with that prefix)."""
    if not isinstance(p, dict):
        raise TypeError(f"a key payload must be a dict; got {type(p).__name__}")
    version = p.get("version")
    if type(version) is not int or version not in READABLE:
        raise ValueError(
            f"unsupported unirand key format version {version!r} (key payload field 'version'); "
            f"this unirand reads version {', '.join(map(str, READABLE))}"
        )
    tag = p.get("impl")
    if not isinstance(tag, str):
        raise ValueError(f"key payload has no impl tag; known impls: {', '.join(KINDS)}")
    if impl is not None and not (tag.startswith(impl) if impl.endswith(":") else tag == impl):
        raise field_error(
            "impl", f"{impl!r}" + (" followed by a name" if impl[-1:] == ":" else ""), tag
        )
    return p


def field(p: dict[str, Any], name: str) -> Any:
    """The field ``name`` of payload ``p`` (``ValueError`` naming it when it is missing)."""
    try:
        return p[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"key payload of impl {p.get('impl')!r} lacks the field {name!r}"
        ) from None


def _is_int(v: Any) -> bool:
    return (type(v) is int) or (isinstance(v, np.integer) and not isinstance(v, np.bool_))


def field_int(v: Any, name: str, lo: int, hi: int) -> int:
    """``v`` as a Python int in ``[lo, hi)`` (never a bool, float or str)."""
    if not _is_int(v) or not lo <= int(v) < hi:
        raise field_error(name, f"an integer in [{_bound(lo)}, {_bound(hi)})", v)
    return int(v)


def field_ints(v: Any, name: str, lo: int, hi: int | None = None) -> tuple[int, ...]:
    """``v`` (a list or tuple) as a tuple of Python ints in ``[lo, hi)`` (``hi`` None: any)."""
    what = f"a list of integers in [{_bound(lo)}, {'inf' if hi is None else _bound(hi)})"
    if not isinstance(v, (list, tuple)):
        raise field_error(name, what, v)
    out = []
    for x in v:
        if not _is_int(x) or int(x) < lo or (hi is not None and int(x) >= hi):
            raise field_error(name, what, v)
        out.append(int(x))
    return tuple(out)


def field_shape(v: Any, name: str, min_ndim: int = 0) -> tuple[int, ...]:
    """``v`` as a shape: non-negative ints, at least ``min_ndim`` of them, size below 2**63."""
    shape = field_ints(v, name, 0, _MAX_SIZE + 1)
    if len(shape) < min_ndim or math.prod(shape) > _MAX_SIZE:
        raise field_error(
            name, f"a shape of at least {min_ndim} non-negative integers, size below 2**63", v
        )
    return shape


def field_words(v: Any, name: str, shape: tuple[int, ...], shape_name: str) -> np.ndarray:
    """``v``, a flat list of ``prod(shape)`` words in ``[0, 2**32)``, as a uint32 array."""
    words = field_ints(v, name, 0, 2**32)
    n = math.prod(shape)
    if len(words) != n:
        raise field_error(name, f"{n} words (the size of {shape_name} {list(shape)})", v)
    return np.array(words, dtype=np.uint32).reshape(shape)


def _bound(b: int) -> str:
    for e in (32, 63, 64):
        if b in (2**e, 2**e - 1):
            return f"2**{e}" + ("" if b == 2**e else " - 1")
    return str(b)
