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
import sys
from typing import Any

from .payload import FORMAT, KINDS, check_header, field_error, field_shape, field_words

__all__ = ["from_payload", "key_from_json"]


def key_from_json(text: str | bytes) -> Any:
    """The key written by ``key.to_json()`` (in its library when that is installed)."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"text must be a JSON str or bytes; got {type(text).__name__}")
    try:
        obj = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise ValueError(f"text is not valid JSON: {e}") from e
    except RecursionError:  # nesting deeper than the parser's stack: never a key
        raise ValueError("text is not a unirand key: JSON nested too deeply") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"text is not valid JSON: {e}") from e
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ValueError(
            f'text is not a unirand key: expected a JSON object with "format": {FORMAT!r}'
        )
    return from_payload(obj)


class _LongInteger:
    """A JSON integer literal longer than Python converts (``sys.get_int_max_str_digits()``).

    ``int()`` of such a literal raises a ``ValueError`` that names no field ("Exceeds the
    limit (4300 digits) ..."), so the parser keeps this placeholder instead and the field's
    own check refuses it, naming the field (no field of a key holds such a number).
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<an integer of {self.digits} digits>"


def _parse_int(literal: str) -> int | _LongInteger:
    limit = sys.get_int_max_str_digits()
    digits = len(literal.lstrip("-"))
    return _LongInteger(digits) if limit and digits > limit else int(literal)


def from_payload(p: dict[str, Any]) -> Any:
    """The key of a payload (from JSON or a pickle); every field is checked (``ValueError``
    naming the field and what it must be)."""
    impl = check_header(p)["impl"]
    try:
        if impl == "threefry2x32":
            from .portable import _unpickle

            shape = field_shape(p["shape"], "shape", min_ndim=1)
            if shape[-1] != 2:
                raise field_error("shape", "a key batch shape followed by 2", p["shape"])
            data = field_words(p["data"], "data", shape, "shape")
            xp, device = p["xp"], p["device"]
            if not isinstance(xp, str):
                raise field_error("xp", "the name of an array library", xp)
            if device is not None and not isinstance(device, str):
                raise field_error("device", "a device name or null", device)
            return _unpickle(impl, data, xp, device)
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
