"""Native keys whose batch elements are derived from one parent by flat index (NumPy, torch).

Their generators have no batch form, so ``split(num)`` keeps the parent's seed material and an
index array of the batch shape; element ``i`` is the parent's child ``i``, built when the
element is taken (``keys[i]``), and each kind says how a child's material is derived.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..payload import field_error, field_ints, field_shape
from ..validation import as_batch_shape, as_fold_in_data, check_index
from .base import NativeKey

__all__ = ["IndexedKey", "restore_index"]


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
        check_index(index, self.shape)  # one error for a bad index, on every kind
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


def restore_index(value: Any, limit: int = 2**63) -> np.ndarray | None:
    """The index array of a batch key from its payload's ``batch`` (None for a single key).

    ``batch`` must be null or ``{"shape": [...], "index": [...]}`` with ``prod(shape)`` child
    indices in ``[0, limit)`` (``ValueError`` naming the field otherwise).
    """
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"shape", "index"}:
        raise field_error("batch", 'null or {"shape": [...], "index": [...]}', value)
    shape = field_shape(value["shape"], "batch.shape")
    index = field_ints(value["index"], "batch.index", 0, limit)
    if len(index) != math.prod(shape):
        raise field_error(
            "batch.index", f"{math.prod(shape)} child indices (batch.shape {list(shape)})", index
        )
    idx = np.array(index, dtype=np.int64).reshape(shape)
    idx.flags.writeable = False
    return idx
