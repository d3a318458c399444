"""Register keys as JAX pytrees the moment JAX is imported, without importing JAX ourselves.

``import unirand`` must not import JAX, yet a key made before ``import jax`` must still pass
through ``jax.jit``.  If JAX is already loaded we register at once; otherwise a one-shot import
hook waits for the ``jax`` module to finish executing, registers, and removes itself.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Callable
from typing import Any


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


def when_jax_is_imported(then: Callable[[], None]) -> None:
    """Call ``then`` now if JAX is loaded, else right after ``import jax`` completes."""
    if "jax" in sys.modules:
        then()
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder(then))
