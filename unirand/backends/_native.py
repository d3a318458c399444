"""What the native adapters (NumPy, torch, JAX keys) share; imports no optional library.

A native key wraps a library's own generator the way unirand wraps Threefry: it is an
immutable value holding *seed material* (never a live generator), and every sampling call
builds a fresh native generator from that material.  So sampling twice from one key gives the
same numbers, as in JAX.  Adapters (``native_numpy``, ``native_torch``, ``native_jax``) are
final classes over :class:`NativeKey`; each imports its library at module top and is itself
imported only by :func:`unirand.as_key` or when a key is unpickled / read from JSON.

Bridges to libraries other than the key's own are *derived from the key's bits* (one
definition for every key kind, portable keys included):

* ``numpy_generator()``: ``Generator(PCG64(SeedSequence([w0, w1, w2, w3])))`` with
  ``w = key.bits((4,), "uint32")``;
* ``torch_generator(device)``: ``torch.Generator(device).manual_seed((w0 << 32) | w1)`` with
  ``w = key.bits((2,), "uint32")``;
* ``jax_key()``: ``jax.random.wrap_key_data(key.bits((2,), "uint32"), impl="threefry2x32")``.

A bridge to the key's own library gives the key's own stream instead (see each adapter).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import _reuse
from .._validation import _is_integer, as_batch_shape, as_fold_in_data, as_shape
from ..engine.dtypes import FLOAT_DTYPES, UINT_DTYPES, canonical

__all__ = [
    "NativeKey",
    "IndexedKey",
    "convert",
    "derived_numpy_generator",
    "derived_torch_generator",
    "derived_jax_key",
    "INT_DTYPES",
    "int_name",
    "int_bounds",
    "float_bounds",
    "check_p",
    "choice_plan",
    "P_SUM_ATOL",
]

_MODES = {
    "bernoulli": ("low", "high"),
    "gumbel": ("low", "high", "highest"),
    "choice": ("low", "high"),
}


def check_mode(mode: Any, what: str) -> str:
    if mode is None and what == "choice":
        return "low"
    allowed = _MODES[what]
    if mode not in allowed:
        raise ValueError(f"mode must be one of {', '.join(map(repr, allowed))}; got {mode!r}")
    return mode


def uint_name(dtype: Any) -> str:
    return canonical(dtype, UINT_DTYPES)


def float_name(dtype: Any) -> str:
    return canonical(dtype, FLOAT_DTYPES)


INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def int_name(dtype: Any) -> str:
    return canonical(dtype, INT_DTYPES)


def convert(x: Any, own: str, xp: Any, device: Any) -> Any:
    """Move a native result to library ``xp`` / ``device`` (the numbers stay the native ones)."""
    if xp is None and device is None:
        return x
    from . import by_name, resolve

    src = by_name(own)
    target = src if xp is None else resolve(xp)
    if target.xp is src.xp:
        return x if device is None else target.to_device(x, target.resolve_device(device))
    return target.from_numpy(src.to_numpy(x), target.resolve_device(device))


# -- bridges derived from a key's bits ----------------------------------------------------------
def derived_numpy_generator(words: np.ndarray) -> Any:
    """``Generator(PCG64(SeedSequence(4 uint32 words)))``: NumPy's recommended seeding."""
    entropy = [int(w) for w in np.asarray(words, np.uint32).ravel()]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def derived_torch_generator(words: np.ndarray, device: Any) -> Any:
    """``torch.Generator(device).manual_seed((w0 << 32) | w1)``."""
    import torch

    w0, w1 = (int(w) for w in np.asarray(words, np.uint32).ravel())
    gen = torch.Generator(device=device if device is not None else "cpu")
    return gen.manual_seed((w0 << 32) | w1)


def derived_jax_key(words: Any) -> Any:
    """The JAX threefry2x32 typed key with data ``words`` (uint32[2], or a JAX array)."""
    import jax
    import jax.numpy as jnp

    return jax.random.wrap_key_data(jnp.asarray(words, jnp.uint32), impl="threefry2x32")


# -- the base class -----------------------------------------------------------------------------
class NativeKey:
    """Abstract base of the native adapters: a ``unirand.Key`` over a library's own generator.

    Subclasses are final and define ``shape``, ``impl``, ``library``, the samplers, ``split``,
    ``fold_in``, ``_words`` (uint32 words of the key's stream, without consuming; used by the
    derived bridges) and ``_payload`` (the plain-data form used by pickle and JSON).
    """

    __slots__ = ("_consumed",)

    #: the library whose generator this key wraps ("numpy", "torch", "jax")
    library: str = ""

    @property
    def shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    @property
    def impl(self) -> str:
        raise NotImplementedError

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    # -- helpers for the subclasses ------------------------------------------------------------
    def _single(self, what: str, consume: bool = True) -> None:
        if self.shape != ():
            raise ValueError(
                f"{what} takes a single key (shape ()); got keys of shape {self.shape}. Use "
                "key[i] or iterate"
            )
        if consume and _reuse.ENABLED:
            _reuse.consume(self, what)

    def _words(self, n: int) -> np.ndarray:
        raise NotImplementedError

    def _payload(self) -> dict[str, Any]:
        raise NotImplementedError

    # -- bridges ----------------------------------------------------------------------------------
    def numpy_generator(self) -> Any:
        """A ``numpy.random.Generator`` deterministic in the key (consumes the key)."""
        self._single("numpy_generator")
        return derived_numpy_generator(self._words(4))

    def torch_generator(self, device: Any = None) -> Any:
        """A ``torch.Generator`` deterministic in the key (consumes the key)."""
        self._single("torch_generator")
        return derived_torch_generator(self._words(2), device)

    def jax_key(self) -> Any:
        """A JAX typed key deterministic in the key (consumes the key: a derived stream)."""
        self._single("jax_key")
        return derived_jax_key(self._words(2))

    def key_data(self) -> Any:
        raise TypeError(
            f"{self.impl} keys have no key data array; use pickle or key.to_json() to store them"
        )

    def to_json(self) -> str:
        """The key as JSON text with its impl tag and format version (``key_from_json``)."""
        from .._serialize import to_json

        return to_json(self)

    # -- value semantics --------------------------------------------------------------------------
    def _identity(self) -> Any:
        return _freeze(self._payload())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NativeKey):
            return NotImplemented
        return type(self) is type(other) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __reduce__(self) -> Any:
        from .._serialize import from_payload, payload

        return (from_payload, (payload(self),))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a single key (shape ()); only split keys have a length")
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError


def _freeze(x: Any) -> Any:
    if isinstance(x, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in x.items()))
    if isinstance(x, list):
        return tuple(_freeze(v) for v in x)
    return x


class IndexedKey(NativeKey):
    """A native key whose batch elements are derived from one parent by flat index.

    ``split(num)`` keeps the parent material and an index array of the batch shape; element
    ``i`` is ``_child(i)``.  Used by the NumPy and torch adapters (their generators have no
    batch form); indexing a batch gives single keys as values.
    """

    __slots__ = ("_idx", "_m")

    _m: Any
    _idx: np.ndarray | None

    @classmethod
    def _make(cls, material: Any, idx: np.ndarray | None = None) -> Any:
        key = object.__new__(cls)
        key._m = material
        key._idx = idx
        return key

    def _child(self, i: int) -> Any:
        """Material of split child ``i`` of this single key."""
        raise NotImplementedError

    def _fold(self, d: int) -> Any:
        """Material of ``fold_in(d)`` of this single key."""
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, ...]:
        return () if self._idx is None else tuple(self._idx.shape)

    def split(self, num: Any = 2) -> Any:
        """``num`` keys (an int or a shape); element ``i`` (flat) is the parent's child ``i``."""
        self._single("split")
        shape = as_batch_shape(num)
        idx = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
        idx.flags.writeable = False
        return type(self)._make(self._m, idx)

    def fold_in(self, data: Any) -> Any:
        """A new key from this key and an integer in ``[0, 2**32)`` (does not consume)."""
        self._single("fold_in", consume=False)
        return type(self)._make(self._fold(as_fold_in_data(data)))

    def __getitem__(self, index: Any) -> Any:
        if self._idx is None:
            raise TypeError("a single key (shape ()) cannot be indexed")
        try:
            sub = self._idx[index]
        except IndexError as e:
            raise IndexError(f"index {index!r} out of range for keys of shape {self.shape}") from e
        if np.ndim(sub) == 0:
            return type(self)._make(self._child(int(sub)))
        return type(self)._make(self._m, sub)

    def _batch_payload(self) -> Any:
        if self._idx is None:
            return None
        return {"shape": list(self._idx.shape), "index": self._idx.ravel().tolist()}


def restore_index(value: Any) -> np.ndarray | None:
    """The index array of a batch key from its payload (None for a single key)."""
    if value is None:
        return None
    idx = np.array(value["index"], dtype=np.int64).reshape(tuple(value["shape"]))
    idx.flags.writeable = False
    return idx


def sampler_args(shape: Any, dtype: Any, kind: Callable[[Any], str]) -> tuple[tuple[int, ...], str]:
    return as_shape(shape), kind(dtype)


def categorical_plan(
    logits_shape: tuple[int, ...], axis: Any, shape: Any, replace: Any
) -> tuple[int, tuple[int, ...], tuple[int, ...], int]:
    """JAX's shape rules for ``categorical``: ``(axis, prefix, gumbel_shape, k)``.

    With ``replace`` the Gumbel noise has shape ``prefix + logits shape (batch broadcast to
    shape's tail)`` and the argmax runs over ``len(prefix) + axis``; without, the noise has the
    logits' shape and the top ``k = prod(prefix)`` indices are taken.
    """
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not _is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    ndim = len(logits_shape)
    if ndim == 0:
        raise ValueError("logits must have at least one dimension (the categories)")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for logits of shape {logits_shape}")
    axis %= ndim
    n = logits_shape[axis]
    if n == 0:
        raise ValueError("logits must have at least one category along axis")
    batch = tuple(d for i, d in enumerate(logits_shape) if i != axis)
    shape = batch if shape is None else as_shape(shape)
    try:
        ok = np.broadcast_shapes(shape, batch) == shape
    except ValueError:
        ok = False
    if not ok or len(shape) < len(batch):
        raise ValueError(f"categorical: shape {shape} is not broadcast-compatible with {batch}")
    prefix = shape[: len(shape) - len(batch)]
    if replace:
        tail = list(shape[len(shape) - len(batch) :])
        tail.insert(axis, n)
        return axis, prefix, (*prefix, *tail), 0
    if shape[len(prefix) :] != batch:
        raise ValueError(
            f"categorical with replace=False: shape {shape} must end with the batch shape "
            f"{batch} of logits"
        )
    k = math.prod(prefix)
    if k > n:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of categories ({n})"
        )
    return axis, prefix, tuple(logits_shape), k


def check_bounds(shape: tuple[int, ...], *arrays: Any) -> None:
    """Parameters (``minval``, ``p``, ...) must broadcast to ``shape`` without growing it."""
    for a in arrays:
        try:
            ok = np.broadcast_shapes(shape, tuple(np.shape(a))) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"a parameter of shape {tuple(np.shape(a))} does not broadcast to shape {shape}"
            )


# -- argument checks of randint, choice and truncated_normal (one wording for every adapter) ----
def host_array(value: Any) -> np.ndarray:
    """``value`` (a number, list or array of any supported library) as a host NumPy array."""
    from . import to_numpy

    return np.asarray(to_numpy(value))


def int_bounds(value: Any, argument: str) -> np.ndarray:
    """An integer bound as an object array of exact Python ints; bools and floats are refused
    (``jax.random.randint`` would truncate floats)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be an integer or an integer array; got bool")
    if isinstance(value, int):
        return np.asarray(value, dtype=object)
    host = host_array(value)
    if host.dtype.kind not in "iu":
        raise TypeError(
            f"{argument} must be an integer or an integer array; got dtype {host.dtype}"
        )
    return host.astype(object)


def check_int_range(vmin: np.ndarray, vmax: np.ndarray, dtype: str) -> None:
    """NumPy's and torch's rule (no clipping, unlike ``jax.random.randint``): ``minval`` and
    ``maxval - 1`` must be values of ``dtype`` and ``minval < maxval`` everywhere."""
    info = np.iinfo(dtype)
    lo, hi = int(info.min), int(info.max) + 1
    if np.any(vmin < lo) or np.any(vmin >= hi):
        raise ValueError(f"minval must be in [{lo}, {hi}) for dtype {dtype}; got {vmin.tolist()}")
    if np.any(vmax <= lo) or np.any(vmax > hi):
        raise ValueError(f"maxval must be in ({lo}, {hi}] for dtype {dtype}; got {vmax.tolist()}")
    if np.any(vmin >= vmax):
        raise ValueError(
            f"minval must be < maxval everywhere (the range [minval, maxval) is empty); got "
            f"minval {vmin.tolist()}, maxval {vmax.tolist()}"
        )


def float_bounds(value: Any, argument: str) -> np.ndarray:
    """A ``truncated_normal`` bound as a host float array (every key kind uses this check).

    Integers are taken as JAX takes them (converted to the dtype), as float64 when exact:
    ``|value| <= 2**53``, so the conversion to the sampling dtype rounds once.  Bools are
    refused.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a number or an array of numbers; got {value!r}")
    host = host_array(value)
    if host.dtype.kind in "iu":
        if host.size and max(abs(int(v)) for v in host.reshape(-1).tolist()) > 2**53:
            raise ValueError(f"{argument}: integer bounds must be within 2**53 in magnitude")
        return host.astype(np.float64)
    if host.dtype.kind != "f" and host.dtype.name != "bfloat16":
        raise TypeError(
            f"{argument} must be a number or an array of numbers; got dtype {host.dtype}"
        )
    return host


def trunc_plan(lower: np.ndarray, upper: np.ndarray, shape: Any, dtype: str) -> tuple[int, ...]:
    """The result shape (default: the bounds' broadcast shape); bounds in ``dtype`` must not be
    NaN and must satisfy ``lower < upper`` everywhere."""
    bshape = tuple(np.broadcast_shapes(lower.shape, upper.shape))
    shape = bshape if shape is None else as_shape(shape)
    check_bounds(shape, lower, upper)
    npd = _np_dtype(dtype)
    lo, up = (v.astype(npd).astype(np.float64) for v in (lower, upper))
    if np.isnan(lo).any() or np.isnan(up).any():
        raise ValueError("truncated_normal: lower and upper must not be NaN")
    if np.any(lo >= up):
        raise ValueError(
            f"truncated_normal: lower must be < upper everywhere (in {dtype}); got lower "
            f"{lower.tolist()}, upper {upper.tolist()}"
        )
    return shape


def _np_dtype(name: str) -> Any:
    from . import by_name

    return by_name("numpy").dtype(name)


#: ``p`` must sum to 1 within ``max(P_SUM_ATOL, sqrt(eps(p.dtype)))``: NumPy's ``choice`` rule
P_SUM_ATOL = float(np.sqrt(np.finfo(np.float64).eps))
_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


def check_p(p: np.ndarray, n_inputs: int, n_draws: int, replace: bool) -> None:
    """``choice``'s ``p``: shape ``(n,)``, finite, non-negative, summing to 1 (see
    ``P_SUM_ATOL``), and without replacement at least ``n_draws`` non-zero entries."""
    if p.dtype.kind != "f" and p.dtype.name != "bfloat16":
        raise TypeError(f"p must be a float array; got dtype {p.dtype}")
    if p.shape != (n_inputs,):
        raise ValueError(
            f"p must be None or a 1-d array with the size of a.shape[axis] ({n_inputs}); got "
            f"shape {p.shape}"
        )
    host = p.astype(np.float64)
    if not np.all(np.isfinite(host)):
        raise ValueError("p must be finite")
    if np.any(host < 0):
        raise ValueError("p must be non-negative")
    total = float(host.sum())
    tol = max(P_SUM_ATOL, math.sqrt(_EPS.get(p.dtype.name, _EPS["float64"])))
    if abs(total - 1.0) > tol:
        raise ValueError(f"p must sum to 1 (within {tol:.3g} for {p.dtype}); it sums to {total!r}")
    nonzero = int(np.count_nonzero(host))
    if not replace and nonzero < n_draws:
        raise ValueError(
            f"choice with replace=False: p has {nonzero} non-zero entries, fewer than the "
            f"{n_draws} draws"
        )


def choice_plan(
    a_shape: tuple[int, ...] | None, n: int | None, shape: Any, replace: Any, axis: Any
) -> tuple[int, tuple[int, ...], int, int]:
    """``choice``'s checks (JAX's rules): ``(axis, shape, n_inputs, n_draws)``.

    ``a`` is ``arange(n)`` (``a_shape`` None) or an array of shape ``a_shape``.
    """
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"replace must be a bool; got {type(replace).__name__}")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a sequence (tuple or list); got {shape!r}")
    shape = as_shape(shape)
    if a_shape is None:
        assert n is not None
        axis, n_inputs = 0, n
    else:
        if len(a_shape) == 0:
            raise TypeError("a must be an integer or at least 1-dimensional")
        axis = check_axis(axis, len(a_shape))
        n_inputs = a_shape[axis]
    n_draws = math.prod(shape)
    if n_draws and n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) "
            "when replace=False"
        )
    return axis, shape, n_inputs, n_draws


def population(value: Any, argument: str) -> int | None:
    """``n`` when ``value`` is an integer (meaning ``arange(n)``), None for an array."""
    if _is_integer(value):
        n = operator.index(value)
        if n < 0:
            raise ValueError(f"{argument} must be non-negative when an integer; got {n}")
        return n
    if isinstance(value, (bool, np.bool_, float, complex)) or (
        getattr(value, "shape", None) == () and not _is_integer(value)
    ):
        raise TypeError(
            f"{argument} must be an integer or an array with at least one dimension; got "
            f"{type(value).__name__} {value!r}"
        )
    return None


def check_axis(axis: Any, ndim: int) -> int:
    if not _is_integer(axis):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def check_bool(value: Any, argument: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument} must be a bool; got {type(value).__name__}")
    return bool(value)
