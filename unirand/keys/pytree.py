"""Portable keys beside JAX: pytrees registered when JAX is imported, and the error where a JAX
key is expected.  Nothing here imports JAX.

**Pytrees.** ``import unirand`` must not import JAX, yet a key made before ``import jax`` must
still pass through ``jax.jit``.  If JAX is already loaded the key class is registered at once;
otherwise a one-shot import hook waits for the ``jax`` module to finish executing, registers, and
removes itself.  The key data is the leaf, and the key's library is the leaf's own (the aux data
is None, except for a ``"jax:portable"`` key: see :func:`_aux`); a key of another library that
enters ``jax.jit``/``jax.vmap`` comes back with JAX arrays (tracers) as data, living on JAX.

**Not a JAX key.** A portable key has the data of a JAX threefry2x32 key, so a user expects to
hand it to ``jax.random.normal``, ``flax.linen.Module.init``, ``flax.nnx.Rngs`` or
``eqx.nn.Linear(key=)``.  JAX 0.10.2 has no extension point through which an object of another
library can be taken as a key (read in its source):

* ``jax.random`` checks every key in ``jax/_src/random/core.py`` ``_check_prng_key``: a
  ``jax.Array`` whose dtype is a ``prng_key`` dtype, or else anything ``_arraylike`` (an array,
  a scalar, or an object with a ``__jax_array__`` attribute) taken as *raw uint32 key data*
  through ``prng.random_wrap``.  ``jax.Array`` is a C++ class (``use_cpp_class(xc.Array)`` in
  ``basearray.py``) with no virtual-subclass registration.  The raw-data path checks the object
  itself for ``ndim``, ``shape`` ending in ``(2,)`` and ``dtype == uint32``
  (``prng._check_prng_key_data``); a key's ``shape`` is its batch shape (the ``Key`` protocol),
  and past that check ``random_wrap_p.bind`` would abstractify the object, where JAX 0.10
  raises "Triggering __jax_array__() during abstractification is no longer supported"
  (``core.shaped_abstractify``, ``dtypes.canonicalize_value``).  A ``__jax_array__`` method
  returning ``jax.random.wrap_key_data(data)`` therefore makes ``jnp.asarray(key)`` a JAX key
  but turns ``jax.random``'s error into "expected key_data to have ndim, shape, and dtype
  attributes" and accepts nothing more.
* flax linen (``flax/core/scope.py`` ``_is_valid_rng``) and nnx (``flax/nnx/rnglib.py``
  ``RngStream.__init__``) test ``isinstance(key, (np.ndarray, jax.Array))`` and nothing else;
  equinox passes its ``key=`` straight to ``jax.random.split``.

So no library can take a portable key unchanged, and ``key.jax_key()`` is the conversion (the
JAX typed key with the same data: the same numbers, under ``jit``/``vmap`` too).  What unirand
can do is make the error name it.  ``_check_prng_key`` (so every ``jax.random`` function, and
equinox through it) and the ``jax.numpy``/``lax`` conversions all look the key up with
``getattr(key, "__jax_array__", None)``; :class:`~unirand.keys.portable.PortableKey` answers
that lookup with the ``TypeError`` of :func:`not_a_jax_key`.  It is a ``TypeError``, not an
``AttributeError``, so that the lookup does not swallow it.  flax never looks at the key except
through ``isinstance``, so its errors stay its own (docs/keys.md records their text).

Pytrees are unaffected: ``jax.jit``, ``jax.vmap``, ``lax.scan`` and ``eqx.filter_jit`` flatten a
key to its data before any such lookup.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import backends

if TYPE_CHECKING:
    from .portable import PortableKey

__all__ = ["ensure_registered", "not_a_jax_key", "register_when_jax_loads"]


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
_PENDING: list[type[PortableKey]] = []
_DONE: set[type[PortableKey]] = set()


def register_when_jax_loads(cls: type[PortableKey]) -> None:
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


def _aux(key: Any) -> Any:
    """The aux data of ``key``: its backend only where the leaf cannot tell it, a key on a JAX
    backend other than the default one (``"jax:portable"``); None for every other key.

    So a NumPy key and the JAX key it becomes inside a transformation have the same tree
    structure: ``lax.scan``/``fori_loop``/``while_loop`` compare the carry going in
    with the carry coming out, and ``jax.vmap`` and ``eqx.filter_vmap`` compare a prefix tree
    (``in_axes``) with the arguments.  With the backend as aux data, a NumPy key carried
    through ``lax.scan`` was refused ("carry input and carry output must have the same pytree
    structure").
    """
    backend = key._backend
    if backend.name == "jax" and backend is not backends.by_name("jax"):
        return backend
    return None


def _register(cls: type[PortableKey]) -> None:
    import jax

    def unflatten(aux: Any, children: Any) -> Any:
        (data,) = children
        if aux is not None and isinstance(data, jax.Array):  # a jax:portable key stays one
            return cls._from_parts(data, aux)
        # the leaf's own library; a leaf that is no array (None, an int of in_axes, a
        # ShapeDtypeStruct) is a placeholder in a tree of specs: the default backend
        backend = backends.backend_of(data) or aux or backends.by_name("numpy")
        return cls._from_parts(data, backend)

    jax.tree_util.register_pytree_node(cls, lambda k: ((k._data,), _aux(k)), unflatten)


def not_a_jax_key(key: Any) -> TypeError:
    """The error for a portable key used as a JAX key or array: pass ``key.jax_key()``."""
    shape = tuple(key.shape)
    if shape == ():
        what, convert = "a unirand key is not a JAX key", "key.jax_key()"
    else:
        what = f"unirand keys of shape {shape} are not JAX keys"
        convert = f"keys.jax_key() (a JAX key array of shape {shape})"
    return TypeError(
        f"{what}: jax.random, flax and equinox take JAX keys only. Pass {convert}, the JAX "
        "threefry2x32 key with the same data and numbers (it works inside jax.jit and "
        "jax.vmap too), or draw with unirand itself (unirand.normal(key, shape), ...)"
    )
