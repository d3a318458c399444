"""Portable keys as JAX pytrees, registered the moment JAX is imported, without importing JAX.

``import unirand`` must not import JAX, yet a key made before ``import jax`` must still pass
through ``jax.jit``.  If JAX is already loaded the key class is registered at once; otherwise a
one-shot import hook waits for the ``jax`` module to finish executing, registers, and removes
itself.  The key data is the leaf and the backend the aux data; a key of another library that
enters ``jax.jit``/``jax.vmap`` comes back with JAX arrays (tracers) as data, living on JAX.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["ensure_registered", "register_when_jax_loads"]


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: Any, then: Callable[[], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        self._then()


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, then: Callable[[], None]) -> None:
        self._then = then

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "jax":
            return None
        sys.meta_path.remove(self)  # one shot; the real finders locate jax
        from importlib.util import find_spec

        spec = find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader, self._then)
        return spec


def _when_jax_is_imported(then: Callable[[], None]) -> None:
    """Call ``then`` now if JAX is loaded, else right after ``import jax`` completes."""
    if "jax" in sys.modules:
        then()
    else:
        sys.meta_path.insert(0, _Finder(then))


#: the classes to register, and those registered (a class is registered once)
_PENDING: list[type] = []
_DONE: set[type] = set()


def register_when_jax_loads(cls: type) -> None:
    """Make ``cls`` (a portable key class: ``_data``, ``_backend``, ``_from_parts``) a JAX
    pytree now if JAX is loaded, else as soon as it is."""
    _PENDING.append(cls)
    _when_jax_is_imported(ensure_registered)


def ensure_registered() -> None:
    """Register the pending classes if JAX is loaded (cheap when there is nothing to do)."""
    if not _PENDING or "jax" not in sys.modules:
        return
    while _PENDING:
        cls = _PENDING.pop()
        if cls not in _DONE:
            _DONE.add(cls)
            _register(cls)


def _register(cls: type) -> None:
    import jax

    def unflatten(backend: Any, children: Any) -> Any:
        (data,) = children
        if backend.name != "jax" and isinstance(data, jax.Array):
            from ..backends import by_name

            backend = by_name("jax")
        return cls._from_parts(data, backend)

    jax.tree_util.register_pytree_node(cls, lambda k: ((k._data,), k._backend), unflatten)
