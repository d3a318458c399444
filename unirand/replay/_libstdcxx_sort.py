"""libstdc++'s ``std::nth_element``, ``std::sort`` and ``std::partial_sort``, step for step.

``torch.topk`` on CPU (``ATen/native/TopKImpl.h``) orders ``(value, index)`` pairs by value
alone with ``std::partial_sort`` (when ``64 k <= n``) or ``std::nth_element`` followed by
``std::sort`` of the first ``k - 1``.  None of these is stable, so where values tie, which
index comes first is whatever GCC's implementation does: ``multinomial`` without replacement
ends in ``topk``, and its zero-probability categories tie.  This module transcribes
libstdc++'s introselect/introsort (``bits/stl_algo.h``: median-of-three pivot moved to the
front, unguarded Hoare partition, insertion sort below 16 elements, heap select/sort at the
depth limit, ``bits/stl_heap.h``), so the tie order is the one torch's binary produces
(checked against ``torch.topk`` on thousands of tie-heavy rows).

Pure Python over lists: :func:`topk` uses it only for rows whose top ``k`` actually tie.
"""

from __future__ import annotations

import math

import numpy as np

_THRESHOLD = 16  # libstdc++'s _S_threshold


def _before(a: float, b: float) -> bool:
    """topk's ``largest`` comparator: NaN first, then greater values."""
    return (math.isnan(a) and not math.isnan(b)) or a > b


class _Pairs:
    """The ``std::pair<value, index>`` vector, as two parallel lists."""

    __slots__ = ("i", "v")

    def __init__(self, values: list[float]) -> None:
        self.v = values
        self.i = list(range(len(values)))

    def swap(self, a: int, b: int) -> None:
        v, i = self.v, self.i
        v[a], v[b] = v[b], v[a]
        i[a], i[b] = i[b], i[a]

    def move(self, dst: int, src: int) -> None:
        self.v[dst] = self.v[src]
        self.i[dst] = self.i[src]


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _move_median_to_first(s: _Pairs, result: int, a: int, b: int, c: int) -> None:
    v = s.v
    if _before(v[a], v[b]):
        if _before(v[b], v[c]):
            s.swap(result, b)
        elif _before(v[a], v[c]):
            s.swap(result, c)
        else:
            s.swap(result, a)
    elif _before(v[a], v[c]):
        s.swap(result, a)
    elif _before(v[b], v[c]):
        s.swap(result, c)
    else:
        s.swap(result, b)


def _unguarded_partition(s: _Pairs, first: int, last: int, pivot: int) -> int:
    v = s.v
    while True:
        while _before(v[first], v[pivot]):
            first += 1
        last -= 1
        while _before(v[pivot], v[last]):
            last -= 1
        if not first < last:
            return first
        s.swap(first, last)
        first += 1


def _partition_pivot(s: _Pairs, first: int, last: int) -> int:
    mid = first + (last - first) // 2
    _move_median_to_first(s, first, first + 1, mid, last - 1)
    return _unguarded_partition(s, first + 1, last, first)


def _linear_insert(s: _Pairs, last: int) -> None:
    """``__unguarded_linear_insert``."""
    v, ix = s.v, s.i
    val, vi = v[last], ix[last]
    nxt = last - 1
    while _before(val, v[nxt]):
        s.move(last, nxt)
        last = nxt
        nxt -= 1
    v[last], ix[last] = val, vi


def _insertion_sort(s: _Pairs, first: int, last: int) -> None:
    if first == last:
        return
    v, ix = s.v, s.i
    for i in range(first + 1, last):
        if _before(v[i], v[first]):
            val, vi = v[i], ix[i]
            v[first + 1 : i + 1] = v[first:i]  # move_backward
            ix[first + 1 : i + 1] = ix[first:i]
            v[first], ix[first] = val, vi
        else:
            _linear_insert(s, i)


def _push_heap(s: _Pairs, first: int, hole: int, top: int, val: float, vi: int) -> None:
    parent = (hole - 1) // 2
    while hole > top and _before(s.v[first + parent], val):
        s.move(first + hole, first + parent)
        hole = parent
        parent = (hole - 1) // 2
    s.v[first + hole], s.i[first + hole] = val, vi


def _adjust_heap(s: _Pairs, first: int, hole: int, length: int, val: float, vi: int) -> None:
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _before(s.v[first + child], s.v[first + child - 1]):
            child -= 1
        s.move(first + hole, first + child)
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        s.move(first + hole, first + child - 1)
        hole = child - 1
    _push_heap(s, first, hole, top, val, vi)


def _make_heap(s: _Pairs, first: int, last: int) -> None:
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(s, first, parent, length, s.v[first + parent], s.i[first + parent])
        if parent == 0:
            return
        parent -= 1


def _pop_heap(s: _Pairs, first: int, last: int, result: int) -> None:
    val, vi = s.v[result], s.i[result]
    s.move(result, first)
    _adjust_heap(s, first, 0, last - first, val, vi)


def _heap_select(s: _Pairs, first: int, middle: int, last: int) -> None:
    _make_heap(s, first, middle)
    for i in range(middle, last):
        if _before(s.v[i], s.v[first]):
            _pop_heap(s, first, middle, i)


def _sort_heap(s: _Pairs, first: int, last: int) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(s, first, last, last)


def partial_sort(s: _Pairs, first: int, middle: int, last: int) -> None:
    _heap_select(s, first, middle, last)
    _sort_heap(s, first, middle)


def _introsort_loop(s: _Pairs, first: int, last: int, depth: int) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(s, first, last, last)
            return
        depth -= 1
        cut = _partition_pivot(s, first, last)
        _introsort_loop(s, cut, last, depth)
        last = cut


def sort(s: _Pairs, first: int, last: int) -> None:
    if first == last:
        return
    _introsort_loop(s, first, last, _lg(last - first) * 2)
    if last - first > _THRESHOLD:  # __final_insertion_sort
        _insertion_sort(s, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(s, i)
    else:
        _insertion_sort(s, first, last)


def nth_element(s: _Pairs, first: int, nth: int, last: int) -> None:
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:  # __introselect
        if depth == 0:
            _heap_select(s, first, nth + 1, last)
            s.swap(first, nth)
            return
        depth -= 1
        cut = _partition_pivot(s, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(s, first, last)


def topk_row(values: list[float], k: int) -> list[int]:
    """``topk_impl_loop`` (largest, sorted) on one row: the indices of the top ``k``."""
    n = len(values)
    s = _Pairs(values)
    if k * 64 <= n:
        partial_sort(s, 0, k, n)
    else:
        nth_element(s, 0, k - 1, n)
        sort(s, 0, k - 1)
    return s.i[:k]


def topk(rows: np.ndarray, k: int) -> np.ndarray:
    """``torch.topk(rows, k).indices`` along the last axis of a 2-d array, ties as torch.

    A row whose ``k`` largest values (and the next one) are all distinct has one answer, the
    descending order, which NumPy gives; only rows with ties there run the transcription.
    """
    nan = np.isnan(rows)
    # NaN ranks above everything in topk's comparator; the rest descend
    order = np.lexsort((-np.where(nan, 0.0, rows), ~nan), axis=-1)
    out = order[:, :k].astype(np.int64)
    head = np.take_along_axis(rows, order[:, : min(k + 1, rows.shape[1])], axis=1)
    ties = (head[:, 1:] == head[:, :-1]) | (np.isnan(head[:, 1:]) & np.isnan(head[:, :-1]))
    for r in np.flatnonzero(ties.any(axis=1)):
        out[r] = topk_row(rows[r].tolist(), k)
    return out
