"""Every sampler method of a native key, defined once for all kinds.

A native kind states only what its library draws: one hook per sampler, ``_normal(src, shape,
dtype)`` and so on, called with the fresh source of the call (``self._source()``: a generator
rebuilt from the key's seed material, or the JAX key) and with arguments already checked and
canonical (shapes as tuples, dtypes as names), returning an array of the key's library.  Where
the library has no such sampler, the hook is derived here from the others
(:mod:`.derived`): ``gumbel`` from ``exponential``, ``bernoulli`` from a float64 ``uniform``,
``categorical`` by Gumbel-max (top-k without replacement), ``truncated_normal`` by inverting
XLA's ``erf_inv``.  A kind overrides a derived hook only with its library's own sampler.

The public methods below are what every kind shares: consume the key, check the common
arguments, call the hook, move the result to ``xp``/``device`` (the numbers stay the library's).
"""

from __future__ import annotations

from typing import Any

from .. import reuse
from ..validation import as_shape
from . import derived
from .arguments import check_mode, float_name, int_name, population, uint_name

__all__ = ["NativeMethods"]


class NativeMethods:
    """The samplers of ``unirand.Key`` over a library's hooks (mixed into ``NativeKey``)."""

    __slots__ = ()

    # -- what each kind provides -------------------------------------------------------------
    def _single(self, what: str, consume: bool = True) -> None:
        raise NotImplementedError

    def _source(self) -> Any:
        """A fresh generator of this (single) key, or its JAX key: one per sampling call."""
        raise NotImplementedError

    def _deliver(self, x: Any, xp: Any, device: Any) -> Any:
        raise NotImplementedError

    def _bits(self, src: Any, shape: tuple[int, ...], name: str) -> Any:
        raise NotImplementedError

    def _uniform(self, src: Any, shape: tuple[int, ...], name: str, lo: Any, hi: Any) -> Any:
        raise NotImplementedError

    def _normal(self, src: Any, shape: tuple[int, ...], name: str) -> Any:
        raise NotImplementedError

    def _exponential(self, src: Any, shape: tuple[int, ...], name: str) -> Any:
        raise NotImplementedError

    def _randint(
        self, src: Any, shape: tuple[int, ...], minval: Any, maxval: Any, name: str
    ) -> Any:
        raise NotImplementedError

    def _permute(self, src: Any, x: Any, axis: Any, independent: Any) -> Any:
        raise NotImplementedError

    def _choice(
        self, src: Any, a: Any, shape: Any, replace: Any, p: Any, axis: Any, mode: Any
    ) -> Any:
        raise NotImplementedError

    # -- what the derivations need of a kind that uses them ----------------------------------
    def _param(self, value: Any, argument: str) -> Any:
        """A float parameter (``p``) as an array of the library, in JAX's dtype rules."""
        raise NotImplementedError

    def _logits(self, logits: Any) -> Any:
        """``logits`` as an array of the library, in the dtype its Gumbel noise is drawn in."""
        raise NotImplementedError

    def _top_k(self, x: Any, k: int) -> Any:
        """Indices of the ``k`` largest values along the last axis, largest first."""
        raise NotImplementedError

    # -- derived unless the library has its own ---------------------------------------------
    _gumbel = derived.gumbel_from_exponential
    _bernoulli = derived.bernoulli_from_uniform
    _categorical = derived.categorical_by_gumbel_max
    _truncated_normal = derived.truncated_normal_by_inversion

    # -- the samplers (the ``unirand.Key`` protocol) -------------------------------------------
    def bits(
        self,
        shape: Any = (),
        dtype: Any = "uint32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Random bits of ``dtype`` (uint8/16/32/64) from the library (the kind's ``_bits``)."""
        _no_block(index, offset)
        self._single("bits")
        shape, name = as_shape(shape), uint_name(dtype)
        return self._deliver(self._bits(self._source(), shape, name), xp, device)

    def uniform(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        minval: Any = 0.0,
        maxval: Any = 1.0,
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Floats in ``[minval, maxval)`` from the library's uniform sampler."""
        _no_block(index, offset)
        self._single("uniform")
        shape, name = as_shape(shape), float_name(dtype)
        out = self._uniform(self._source(), shape, name, minval, maxval)
        return self._deliver(out, xp, device)

    def normal(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Standard normals from the library's normal sampler."""
        _no_block(index, offset)
        self._single("normal")
        shape, name = as_shape(shape), float_name(dtype)
        return self._deliver(self._normal(self._source(), shape, name), xp, device)

    def exponential(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Standard exponentials from the library's exponential sampler."""
        _no_block(index, offset)
        self._single("exponential")
        shape, name = as_shape(shape), float_name(dtype)
        return self._deliver(self._exponential(self._source(), shape, name), xp, device)

    def gumbel(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Standard Gumbel values: the library's, or ``-log(exponential)``; ``mode`` is JAX's
        (checked on every kind, used by JAX keys)."""
        _no_block(index, offset)
        self._single("gumbel")
        shape, name = as_shape(shape), float_name(dtype)
        mode = check_mode(mode, "gumbel")
        return self._deliver(self._gumbel(self._source(), shape, name, mode), xp, device)

    def bernoulli(
        self,
        p: Any = 0.5,
        shape: Any = None,
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Booleans, True with probability ``p``: the library's, or ``uniform(float64) < p``."""
        _no_block(index, offset)
        self._single("bernoulli")
        mode = check_mode(mode, "bernoulli")
        return self._deliver(self._bernoulli(self._source(), p, shape, mode), xp, device)

    def categorical(
        self,
        logits: Any,
        axis: int = -1,
        shape: Any = None,
        *,
        replace: bool = True,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Indices drawn with probabilities ``softmax(logits, axis)`` (JAX's shape rules):
        the library's, or Gumbel-max over its Gumbel noise; int64 indices."""
        _no_block(index, offset)
        self._single("categorical")
        mode = check_mode(mode, "gumbel")
        out = self._categorical(self._source(), logits, axis, shape, replace, mode)
        return self._deliver(out, xp, device)

    def randint(
        self,
        shape: Any,
        minval: Any,
        maxval: Any,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Integers in ``[minval, maxval)`` from the library's integer sampler (its bound rules:
        NumPy's and torch's raise outside the dtype, JAX's clip)."""
        _no_block(index, offset)
        self._single("randint")
        shape, name = as_shape(shape), int_name(dtype)
        out = self._randint(self._source(), shape, minval, maxval, name)
        return self._deliver(out, xp, device)

    def permutation(
        self,
        x: Any,
        axis: int = 0,
        independent: bool = False,
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """A random permutation of ``arange(x)`` or of ``x`` along ``axis`` (``independent``:
        every 1-d slice on its own), from the library's permutation."""
        _no_block(index, offset)
        self._single("permutation")
        return self._deliver(self._permute(self._source(), x, axis, independent), xp, device)

    def shuffle(
        self,
        x: Any,
        axis: int = 0,
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """``permutation(x, axis, independent=True)``."""
        _no_block(index, offset)
        self._single("shuffle")
        if population(x, "x") is not None:
            raise TypeError(
                f"shuffle takes an array x, not an integer ({x!r}); use permutation(n) for "
                "arange(n)"
            )
        return self._deliver(self._permute(self._source(), x, axis, True), xp, device)

    def choice(
        self,
        a: Any,
        shape: Any = (),
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        *,
        mode: str | None = None,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """A random sample of ``arange(a)`` or of ``a``'s slices along ``axis`` (``p``: weights,
        checked with NumPy's tolerance) from the library's choice; ``mode`` is JAX's."""
        _no_block(index, offset)
        self._single("choice")
        check_mode(mode, "choice")
        out = self._choice(self._source(), a, shape, replace, p, axis, mode)
        return self._deliver(out, xp, device)

    def truncated_normal(
        self,
        lower: Any,
        upper: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
        index: Any = None,
        offset: Any = None,
    ) -> Any:
        """Standard normals truncated to ``(lower, upper)``: the library's sampler, or the
        inverse of a float64 uniform in ``[erf(lower/sqrt2), erf(upper/sqrt2))``."""
        _no_block(index, offset)
        self._single("truncated_normal")
        name = float_name(dtype)
        out = self._truncated_normal(self._source(), lower, upper, shape, name)
        return self._deliver(out, xp, device)


def _no_block(index: Any, offset: Any) -> None:
    """A native key's stream is its library's generator, read in order: it has no counter per
    element, so no block of a draw can be computed on its own (portable keys can)."""
    if index is not None or offset is not None:
        arg = "index" if index is not None else "offset"
        raise ValueError(
            f"{arg}: a block of a draw needs a portable key (unirand.key(...)): this native "
            "key's stream is its library's generator, which is not counter-based; draw the "
            "whole array and index it"
        )


def _checked_first() -> None:
    """Every public method is one reuse transaction: validate first, consume after."""
    for name, fn in list(vars(NativeMethods).items()):
        if not name.startswith("_") and callable(fn):
            setattr(NativeMethods, name, reuse.transactional(fn))


_checked_first()
