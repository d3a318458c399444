"""JAX keys of the other PRNG impls behind the ``unirand.Key`` protocol.

A :class:`JaxKey` wraps a typed JAX key array (``jax.random.key(s, impl=...)``) of any impl
but threefry2x32 (``as_key`` turns those into portable keys living on JAX): ``rbg``,
``unsafe_rbg``, ``threefry4x32``, ``philox2x32``, ``philox4x32`` in jax 0.10.2.  Every
operation is ``jax.random``'s own on the wrapped key, so the numbers are exactly JAX's; split
and fold_in are ``jax.random.split``/``fold_in`` (their semantics are the impl's).  A JaxKey is
a pytree (the key array is the leaf), so it passes through ``jax.jit`` and ``jax.vmap``.
"""

from __future__ import annotations

import math
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np

from ...backends import by_name
from ...backends.jax.backend import check_elements
from ..payload import check_header, field, field_error, field_shape, field_words
from ..validation import as_batch_shape, as_fold_in_data, as_shape, check_index
from .arguments import (
    categorical_plan,
    check_axis,
    check_bool,
    check_bounds,
    check_p,
    choice_plan,
    float_bounds,
    host_array,
    int_bounds,
    population,
    real_param,
    trunc_plan,
)
from .base import NativeKey

__all__ = ["JaxKey", "impls"]


def impls() -> tuple[str, ...]:
    """The PRNG impls this JAX has registered (``jax.random.key(0, impl=name)``)."""
    from jax._src.random.prng import prngs

    return tuple(prngs)


def _impl_name(k: Any) -> str:
    return str(jax.random.key_impl(k))


class JaxKey(NativeKey):
    """A native JAX key (final): a typed key array and ``jax.random``'s operations."""

    __slots__ = ("_k",)
    library = "jax"

    def __init__(self, k: Any) -> None:
        if not (isinstance(k, jax.Array) and jnp.issubdtype(k.dtype, jax.dtypes.prng_key)):
            raise TypeError(f"k must be a typed JAX key array; got {type(k).__name__}")
        self._k = k

    @classmethod
    def _wrap(cls, k: Any) -> JaxKey:
        key = object.__new__(cls)
        key._k = k
        return key

    @property
    def impl(self) -> str:
        return f"jax:{_impl_name(self._k)}"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._k.shape)

    def __getitem__(self, index: Any) -> JaxKey:
        if not self.shape:
            raise TypeError("a single key (shape ()) cannot be indexed")
        check_index(index, self.shape)  # JAX would clamp: a duplicated key
        if isinstance(index, list):  # NumPy's list index; JAX takes only arrays and tuples
            index = jnp.asarray(index, jnp.int32 if not index else None)
        return JaxKey._wrap(self._k[index])

    def key_data(self) -> Any:
        """``jax.random.key_data`` of the key (uint32, ``shape + impl key shape``)."""
        return jax.random.key_data(self._k)

    def jax_key(self) -> Any:
        """The wrapped typed key itself (does not consume: the same stream)."""
        return self._k

    def _words(self, n: int) -> np.ndarray:
        return np.asarray(jax.random.bits(self._k, (n,), jnp.uint32))

    def _payload(self) -> dict[str, Any]:
        if isinstance(self._k, jax.core.Tracer):
            raise TypeError("a key traced by jax.jit/vmap has no concrete value to store")
        data = np.asarray(jax.random.key_data(self._k))
        return {"impl": self.impl, "shape": list(data.shape), "data": data.ravel().tolist()}

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> JaxKey:
        """The key of a payload; every field is checked (``ValueError`` naming it)."""
        name = check_header(p, "jax:")["impl"].split(":", 1)[1]
        if name not in impls():
            raise ValueError(
                f"unknown JAX PRNG impl {name!r} in key impl {p['impl']!r}; this JAX has "
                f"{', '.join(impls())}"
            )
        words = tuple(jax.random.key_data(jax.random.key(0, impl=name)).shape)
        shape = field_shape(field(p, "shape"), "shape", min_ndim=len(words))
        if shape[len(shape) - len(words) :] != words:
            raise field_error(
                "shape", f"a key batch shape followed by {list(words)} ({name} keys)", p["shape"]
            )
        data = field_words(field(p, "data"), "data", shape, "shape")
        return cls._wrap(jax.random.wrap_key_data(jnp.asarray(data), impl=name))

    def __repr__(self) -> str:
        if isinstance(self._k, jax.core.Tracer):
            return f"JaxKey({self.impl}, shape={self.shape}, traced)"
        data = np.asarray(jax.random.key_data(self._k))
        body = data.tolist() if data.size <= 8 else f"<{self.size} keys>"
        return f"JaxKey({self.impl}, shape={self.shape}, data={body})"

    # -- jax.random's operations ------------------------------------------------------------
    def split(self, num: Any = 2) -> JaxKey:
        """``jax.random.split(key, num)``."""
        self._single("split")
        shape = as_batch_shape(num)
        check_elements(shape, "num")  # XLA aborts the process from 2**60 keys
        return JaxKey._wrap(jax.random.split(self._k, shape))

    def fold_in(self, data: Any) -> JaxKey:
        """``jax.random.fold_in(key, data)`` (does not consume)."""
        self._single("fold_in", consume=False)
        if isinstance(data, jax.Array) and data.shape == () and data.dtype == jnp.uint32:
            value: Any = data  # a traced loop index
        else:
            value = np.uint32(as_fold_in_data(data))
        return JaxKey._wrap(jax.random.fold_in(self._k, value))

    # -- jax.random's samplers: every one is the library's own ------------------------------
    def _source(self) -> Any:
        return self._k

    def _bits(self, k: Any, shape: tuple[int, ...], name: str) -> Any:
        """``jax.random.bits``."""
        check_elements(shape)  # every hook: XLA aborts the process from 2**60 values
        return jax.random.bits(k, shape, _dtype(name))

    def _uniform(self, k: Any, shape: tuple[int, ...], name: str, lo: Any, hi: Any) -> Any:
        """``jax.random.uniform``; bounds checked first (see ``_param``)."""
        lo, hi = _param(lo, "minval", shape), _param(hi, "maxval", shape)
        check_elements(shape)
        return jax.random.uniform(k, shape, _dtype(name), lo, hi)

    def _normal(self, k: Any, shape: tuple[int, ...], name: str) -> Any:
        """``jax.random.normal``."""
        check_elements(shape)
        return jax.random.normal(k, shape, _dtype(name))

    def _exponential(self, k: Any, shape: tuple[int, ...], name: str) -> Any:
        """``jax.random.exponential``."""
        check_elements(shape)
        return jax.random.exponential(k, shape, _dtype(name))

    def _gumbel(self, k: Any, shape: tuple[int, ...], name: str, mode: str) -> Any:
        """``jax.random.gumbel`` (mode "high" draws two uniforms per value)."""
        check_elements((2, *shape) if mode == "high" else shape)
        return jax.random.gumbel(k, shape, _dtype(name), mode=mode)

    def _bernoulli(self, k: Any, p: Any, shape: Any, mode: str) -> Any:
        """``jax.random.bernoulli``; ``p`` checked first (see ``_param``)."""
        shape = None if shape is None else as_shape(shape)
        p = _param(p, "p", shape)
        if shape is not None:
            check_elements((2, *shape) if mode == "high" else shape)
        return jax.random.bernoulli(k, p, shape, mode=mode)

    def _categorical(
        self, k: Any, logits: Any, axis: Any, shape: Any, replace: Any, mode: str
    ) -> Any:
        """``jax.random.categorical``; ``logits``, ``axis``, ``shape`` and ``replace`` checked
        first, with JAX's shape rules (``categorical_plan``: JAX's own errors name nothing,
        an ``IndexError`` for a float axis or for 0-d logits)."""
        shape = None if shape is None else as_shape(shape)
        logits = _param(logits, "logits")
        # JAX's own ValueError for integers names its gumbel (an array's dtype read as such:
        # NumPy deprecates taking an array for a dtype)
        dtype = logits.dtype if hasattr(logits, "dtype") else np.result_type(logits)
        if not jnp.issubdtype(dtype, jnp.floating):
            raise TypeError(
                "logits must have a floating dtype (float16, bfloat16, float32, float64); got "
                f"dtype {dtype}"
            )
        n_axis = categorical_plan(tuple(np.shape(logits)), axis, shape, replace)[0]
        if shape is not None:  # Gumbel noise for every category of every draw
            size = np.shape(logits)[n_axis]
            check_elements(math.prod(shape) * (2 if mode == "high" else 1) * size)
        return jax.random.categorical(k, logits, axis, shape, replace, mode=mode)

    def _randint(self, k: Any, shape: tuple[int, ...], minval: Any, maxval: Any, name: str) -> Any:
        """``jax.random.randint`` (JAX's rules: bounds clipped to the dtype, ``maxval <=
        minval`` gives ``minval``); float and bool bounds are refused (JAX truncates floats)."""
        dt = _int_dtype(name)
        minval, maxval = _int_bound(minval, "minval"), _int_bound(maxval, "maxval")
        check_bounds(shape, minval, maxval, names=("minval", "maxval"))
        check_elements(shape)
        return jax.random.randint(k, shape, minval, maxval, dt)

    def _permute(self, k: Any, x: Any, axis: Any, independent: Any) -> Any:
        """``jax.random.permutation`` (shuffle: ``independent=True``; JAX removed
        ``jax.random.shuffle``, this is what it computed)."""
        independent = check_bool(independent, "independent")
        n = population(x, "x", _index_top())
        if n is None:
            x = _array(x, "x")
        check_axis(axis, 1 if n is not None else max(np.ndim(x), 1))
        if n is None and np.ndim(x) == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        if n is not None:
            check_elements((n,), "x")  # arange(x)
        return jax.random.permutation(k, x, axis, independent)

    def _choice(
        self, k: Any, a: Any, shape: Any, replace: Any, p: Any, axis: Any, mode: Any
    ) -> Any:
        """``jax.random.choice``; a concrete ``p`` is checked first (see ``check_p``)."""
        n = population(a, "a", _index_top())
        if n is None:
            a = _array(a, "a")
        a_shape = None if n is not None else tuple(np.shape(a))
        _, shape, n_inputs, n_draws = choice_plan(a_shape, n, shape, replace, axis)
        check_elements(shape)
        if n is not None and not replace and p is None:
            check_elements((n,), "a")  # a permutation of arange(a)
        if p is not None and not isinstance(p, jax.core.Tracer):
            check_p(host_array(p, "p"), n_inputs, n_draws, bool(replace))
        if p is not None:
            p = _param(p, "p")  # another library's array: JAX takes none
        return jax.random.choice(k, a, shape, bool(replace), p, axis, mode=mode)

    def _truncated_normal(self, k: Any, lower: Any, upper: Any, shape: Any, name: str) -> Any:
        """``jax.random.truncated_normal``; concrete bounds must be floats, not NaN, and
        ``lower < upper`` in ``dtype`` (JAX returns clipped garbage there)."""
        shape = None if shape is None else as_shape(shape)
        if shape is not None:
            check_elements(shape)
        if not any(isinstance(v, jax.core.Tracer) for v in (lower, upper)):
            lo, up = float_bounds(lower, "lower"), float_bounds(upper, "upper")
            trunc_plan(lo, up, shape, name)
        return jax.random.truncated_normal(k, lower, upper, shape, _dtype(name))


def _param(value: Any, argument: str, shape: tuple[int, ...] | None = None) -> Any:
    """A real parameter (``minval``, ``p``, ``logits``) for ``jax.random``, checked as the
    portable samplers check it (``real_param``): JAX's own errors name no argument ("Invalid
    argument to dtype: None", an ``IndexError`` for 0-d complex logits).

    JAX arrays (traced ones too) and Python numbers pass as they are, so JAX's dtype rules
    and tracing are unchanged; lists and other libraries' arrays become host arrays.
    """
    if isinstance(value, jax.Array):
        if not (
            jnp.issubdtype(value.dtype, jnp.floating) or jnp.issubdtype(value.dtype, jnp.integer)
        ):
            raise TypeError(f"{argument} must be a real number or array; got dtype {value.dtype}")
        if shape is not None:
            check_bounds(shape, value, names=(argument,))
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return real_param(value, argument, shape)


def _array(value: Any, argument: str) -> Any:
    """An array to permute or choose from, as ``jax.random`` takes it: JAX arrays (traced
    ones too) as they are; lists and other libraries' arrays as NumPy arrays (JAX refused
    them, and NumPy's error for a ragged list names nothing).

    Without ``jax_enable_x64`` JAX narrows 64-bit integer arrays to 32 bits, wrapping values
    that do not fit (``permutation(key, np.array([2**40, 1]))`` gave ``[1, 0]``): those
    raise ``ValueError`` naming the argument.
    """
    if isinstance(value, jax.Array):
        return value
    host = host_array(value, argument)
    if host.dtype.kind not in "biufc" and host.dtype.name != "bfloat16":
        raise TypeError(f"{argument} must be an array of numbers; got dtype {host.dtype}")
    if (
        host.dtype.kind in "iu"
        and host.dtype.itemsize == 8
        and not cast(Any, jax.config).jax_enable_x64
    ):
        info = np.iinfo(np.int32 if host.dtype.kind == "i" else np.uint32)
        if host.size and (host.min() < info.min or host.max() > info.max):
            raise ValueError(
                f"{argument} has {host.dtype} values outside {info.dtype}, which JAX narrows "
                f"them to without jax_enable_x64 (wrapping them); enable x64 or pass "
                f"{info.dtype} values"
            )
    return host


def _index_top() -> int:
    """The largest ``arange(n)`` of JAX's default int: int64, int32 without x64."""
    return 2**63 - 1 if cast(Any, jax.config).jax_enable_x64 else 2**31 - 1


def _int_dtype(name: str) -> Any:
    if name in ("int64", "uint64") and not cast(Any, jax.config).jax_enable_x64:
        return _dtype(name)  # raises, naming jax_enable_x64
    return getattr(jnp, name)


def _int_bound(value: Any, argument: str) -> Any:
    """A ``randint`` bound as ``jax.random.randint`` takes it, its value checked first.

    JAX reads Python ints and lists as its default int (int32 without ``jax_enable_x64``,
    int64 with) and narrows 64-bit NumPy arrays to 32 bits without x64: an int that does not
    fit raised ``OverflowError``, and ``np.int64(2**33 + 5)`` silently became 5.  Such values
    raise ``ValueError`` naming the argument; lists and other libraries' arrays become NumPy
    arrays (JAX refused them); JAX arrays, traced ones too, pass as they are.
    """
    if isinstance(value, jax.Array):
        if not jnp.issubdtype(value.dtype, jnp.integer):
            raise TypeError(f"{argument} must have an integer dtype; got {value.dtype}")
        if not isinstance(value, jax.core.Tracer):
            int_bounds(value, argument)
        return value
    exact = int_bounds(value, argument)  # refuses bools, floats, strings
    x64 = cast(Any, jax.config).jax_enable_x64
    listed = isinstance(value, (int, list, tuple))
    host = None if listed else host_array(value, argument)
    if host is None:
        kind, bits = "i", 64 if x64 else 32  # JAX's default int
    else:
        kind, bits = host.dtype.kind, 32 if host.dtype.itemsize == 8 and not x64 else 0
    if bits:
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1)) if kind == "i" else (0, 2**bits)
        if exact.size and (exact.min() < lo or exact.max() >= hi):
            where = "" if x64 else " without jax_enable_x64"
            raise ValueError(
                f"{argument} must be in [{lo}, {hi}): JAX reads it as {'u' * (kind == 'u')}int"
                f"{bits}{where}; got {exact.tolist()}"
            )
    if isinstance(value, int):
        return value  # a weak-typed Python int, as JAX takes it
    return exact.astype(np.int64) if host is None else host


def _dtype(name: str) -> Any:
    return by_name("jax").dtype(name)


jax.tree_util.register_pytree_node(
    JaxKey, lambda k: ((k._k,), None), lambda _, c: JaxKey._wrap(c[0])
)
