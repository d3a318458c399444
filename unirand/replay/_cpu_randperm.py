"""``torch.randperm`` on CPU (``randperm_cpu``, ``ATen/native/TensorFactories.cpp``), fast.

Two shuffles, by ``n``:

* ``n < SMALL_N_LIMIT`` (``UINT32_MAX / 20``): ``r = 0..n-1``; for ``i < n - 1``,
  ``z = random() % (n - i)`` and swap ``r[i]``, ``r[i + z]``: ``n - 1`` words.
* larger ``n``: the "inside-out" shuffle: for ``i < n``, ``z = random64() % (i + 1)``,
  ``r[i] = r[z]``, ``r[z] = i``: ``2 n`` words.

The draws are vectorised (NumPy's MT19937); the swaps are a sequential chain.  With Numba the
chain runs compiled (``_numba_kernels``).  Without it, the forward shuffle runs as an exact
NumPy formulation (:func:`forward_numpy`, a few array passes) and the inside-out one as a
Python loop (minutes for ``n = 214748364``).  Tiny ``n`` use a Python loop (no compile).
"""

from __future__ import annotations

import array

import numpy as np

from ._cpu_integers import random64
from ._mt19937 import MT19937
from ._numba_kernels import kernels

#: ``randperm_cpu`` shuffles with 32-bit draws for ``n`` below this (uint32 max / 20)
SMALL_N_LIMIT = 0xFFFFFFFF // 20
#: below this, a Python loop beats compiling or the NumPy passes
_LOOP_MAX = 4096
#: draws per chunk of the inside-out shuffle (bounds the memory beside the output)
_CHUNK = 1 << 22


def randperm(eng: MT19937, n: int) -> np.ndarray:
    """The permutation ``torch.randperm(n)`` draws, as int64 (the caller casts)."""
    if n < SMALL_N_LIMIT:
        if n <= 1:
            return np.arange(n, dtype=np.int64)
        words = eng.words(n - 1)
        if n <= _LOOP_MAX:
            return forward_loop(words)
        compiled = kernels()
        if compiled is None:
            return forward_numpy(words)
        out = np.empty(n, dtype=np.int64)
        compiled.forward(words, out)
        return out
    return inside_out(eng, n)


def forward_loop(words: np.ndarray) -> np.ndarray:
    """The forward shuffle as the C loop, in Python."""
    n = words.size + 1
    r = list(range(n))
    for i, w in enumerate(words.tolist()):
        k = i + w % (n - i)
        r[i], r[k] = r[k], r[i]
    return np.array(r, dtype=np.int64)


def forward_numpy(words: np.ndarray) -> np.ndarray:
    """The forward shuffle without a sequential loop, exactly.

    Step ``t`` swaps positions ``t`` and ``j_t = t + z_t >= t``, so position ``t`` is final
    after step ``t``: ``out[t]`` is what position ``j_t`` held just before, i.e. the value
    moved there by the last earlier step with the same target (``q(t)``), or ``j_t`` itself
    if none.  The value step ``p`` moves is ``A[p]``, what position ``p`` held before step
    ``p``: by the same argument ``A[p] = A[prev(p)]`` for ``prev(p)`` the last step before
    ``p`` that targeted ``p``, or ``p``.  A virtual last step ``j = n - 1`` covers the last
    position.  Sorting the steps by (target, step) gives ``q`` and ``prev``; ``A`` is a forest
    of pointers to earlier steps, resolved by pointer doubling.  The test suite checks this
    against :func:`forward_loop` and torch.
    """
    n = words.size + 1
    idx = np.int32 if n < 2**31 else np.int64
    key = np.empty(n, dtype=np.int64)  # target * n + step: distinct, so a plain sort orders
    key[:-1] = np.arange(n, 1, -1, dtype=np.int64)  # n - step
    np.remainder(words, key[:-1], out=key[:-1])  # z
    key[:-1] += np.arange(n - 1, dtype=np.int64)  # target = step + z
    key[-1] = n - 1  # the virtual last step
    target = key.astype(idx)
    key *= n
    key += np.arange(n, dtype=np.int64)
    key.sort()
    st = (key % n).astype(idx)  # steps in (target, step) order
    key //= n
    grp = key.astype(idx)  # their targets
    del key
    same = grp[1:] == grp[:-1]  # st[k + 1] follows st[k] in the same target group
    q: np.ndarray = np.full(n, -1, dtype=idx)
    q[st[1:][same]] = st[:-1][same]
    # prev(x): the last step < x in target group x (the group's last member, unless that is
    # step x itself, then the one before it)
    ends = np.flatnonzero(np.append(~same, True))
    last, x = st[ends], grp[ends]
    before = np.where(np.append(False, same)[ends], st[ends - 1], -1)
    del st, grp, same, ends
    prev = np.where(last == x, before, last)
    ptr = np.arange(n, dtype=idx)
    has = prev >= 0
    ptr[x[has]] = prev[has]
    del last, x, before, prev, has
    active = np.flatnonzero(ptr != np.arange(n, dtype=idx)).astype(idx)
    while active.size:  # pointer doubling to the roots: A = ptr
        hop = ptr[ptr[active]]
        moved = hop != ptr[active]
        ptr[active] = hop
        active = active[moved]
    out = np.where(q >= 0, ptr[np.maximum(q, 0)], target)
    return out.astype(np.int64, copy=False)


def inside_out(eng: MT19937, n: int) -> np.ndarray:
    """The inside-out shuffle, drawing ``random64()`` in chunks."""
    compiled = kernels()
    if compiled is not None:
        out = np.empty(n, dtype=np.int64)
        for start in range(0, n, _CHUNK):
            compiled.inside_out(random64(eng, min(_CHUNK, n - start)), out, start)
        return out
    r = array.array("q", bytes(8 * n))
    for start in range(0, n, _CHUNK):
        draws = random64(eng, min(_CHUNK, n - start)).tolist()
        for i, d in enumerate(draws, start):
            z = d % (i + 1)
            r[i] = r[z]
            r[z] = i
    return np.frombuffer(r, dtype=np.int64)
