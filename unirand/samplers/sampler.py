"""How a sampler is written once and registered once.

A sampler is one function ``name(key, ...)`` in its family's module (``samplers/normal.py``),
written for portable keys against the engine (:class:`unirand.engine.backend.Backend`) and
decorated with :func:`sampler`.  The decorator does the two things every sampler needs and no
sampler should repeat:

* a key that is not portable (a native key, a third-party :class:`unirand.Key`) gets the call
  as its method, ``key.name(...)``, with every argument bound as the function's signature
  binds it (its library then decides the numbers);
* the function is recorded in :data:`REGISTRY`, from which ``unirand`` exports it and
  :class:`unirand.ThreefryKey` binds it as a method, so ``unirand.normal(key, ...)`` and
  ``key.normal(...)`` are one definition.

Adding a sampler: write its module here (a ``*_values(backend, data, ...)`` function and the
public function decorated with ``@sampler``), then register it: one line in
``unirand/threefry_key.py`` (the method), one re-export in ``unirand/__init__.py``, one stub in
the Key protocol (``unirand/keys/protocol.py``) and, for native keys, one method in
``unirand/keys/native/methods.py``.  ``tests/samplers/test_registry.py`` fails until all are
there.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

from ..keys import reuse
from ..keys.operations import other
from ..keys.portable import PortableKey

__all__ = ["BLOCK_ARGUMENTS", "REGISTRY", "sampler"]

P = ParamSpec("P")
R = TypeVar("R")

#: the keyword arguments that select a block of a draw (``samplers/blocks.py``)
BLOCK_ARGUMENTS = ("index", "offset")

#: every sampler by name, in the order they were registered
REGISTRY: dict[str, Callable[..., Any]] = {}

_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def sampler(fn: Callable[P, R]) -> Callable[P, R]:
    """Register ``fn(key, ...)`` as the sampler ``fn.__name__`` (see the module docstring)."""
    name = fn.__name__
    if name in REGISTRY:
        raise ValueError(f"a sampler named {name!r} is registered already")
    signature = inspect.signature(fn)
    first, *rest = signature.parameters.values()
    positional = [p.name for p in rest if p.kind is _POSITIONAL]
    keywords = [p.name for p in rest if p.kind is _KEYWORD]

    @functools.wraps(fn)
    @reuse.transactional
    def dispatch(*args: P.args, **kwargs: P.kwargs) -> R:
        if args and isinstance(args[0], PortableKey):
            return fn(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)  # a bad call raises TypeError, as fn would
        key = bound.arguments[first.name]
        if isinstance(key, PortableKey):
            return fn(*args, **kwargs)
        bound.apply_defaults()
        call = getattr(other(key), name)
        values = bound.arguments
        # a block argument reaches another key only when given: its method then decides (a
        # native key refuses it with unirand's ValueError); keys without blocks keep working
        given = {
            n: values[n] for n in keywords if n not in BLOCK_ARGUMENTS or values[n] is not None
        }
        return cast(R, call(*(values[n] for n in positional), **given))

    REGISTRY[name] = dispatch
    return dispatch
