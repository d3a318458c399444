"""Reference Threefry-2x32, written once against the array API.

This module is the specification in code: the block function of Random123's Threefry-2x32
(the function ``jax.random`` uses) and the partitionable counter layout of ``jax.random``.
It is pure, traceable (no data-dependent Python control flow) and imports no array library;
each backend passes a :class:`Words` that says how a 32-bit word is carried in its library.

Words are carried either as ``uint32`` with wrap-around (NumPy, JAX, array-api-strict, CuPy)
or as ``int64`` holding values in ``[0, 2**32)`` and masked after each add and shift (PyTorch,
which has no uint32 add or shift kernels).  Both give the same words; the KATs prove it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ROTATIONS", "PARITY", "Words", "threefry2x32", "counters", "hash_pair", "as_indices"]

#: rotation constants of Threefry-2x32, rounds 0..7 (repeating)
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)
#: Skein key-schedule parity constant
PARITY = 0x1BD11BDA
MASK32 = 0xFFFFFFFF


class Words:
    """32-bit word arithmetic in one array namespace.

    ``masked=False``: words are ``dtype`` (uint32) arrays and wrap by themselves.
    ``masked=True``: words are ``dtype`` (a signed type of >= 64 bits) arrays in [0, 2**32),
    masked after every operation that can leave that range.
    """

    def __init__(self, xp: Any, dtype: Any, *, masked: bool, device: Any = None) -> None:
        self.xp = xp
        self.dtype = dtype
        self.masked = masked
        self.device = device

    def const(self, value: int) -> Any:
        """A 0-d word array (constants are arrays: some namespaces reject large int scalars)."""
        return self.xp.asarray(value & MASK32, dtype=self.dtype, device=self.device)

    def add(self, a: Any, b: Any) -> Any:
        s = a + b
        return s & self.const(MASK32) if self.masked else s

    def rotl(self, v: Any, r: int) -> Any:
        left = v << self.const(r)
        if self.masked:
            left = left & self.const(MASK32)
        return left | (v >> self.const(32 - r))

    def iota(self, n: int) -> tuple[Any, Any]:
        """(hi, lo) words of the row-major flat index 0..n-1."""
        xp = self.xp
        if self.masked:
            idx = xp.arange(n, dtype=self.dtype, device=self.device)
            return idx >> self.const(32), idx & self.const(MASK32)
        if n > 2**32:
            wide = getattr(xp, "int64", None)
            if wide is None:
                raise ValueError(
                    f"this array library carries 32-bit words without a 64-bit integer type, so "
                    f"at most 2**32 values can be drawn at once; asked for {n}"
                )
            idx = xp.arange(n, dtype=wide, device=self.device)
            hi = xp.astype(idx >> xp.asarray(32, dtype=wide), self.dtype)
            return hi, xp.astype(idx & xp.asarray(MASK32, dtype=wide), self.dtype)
        lo = xp.arange(n, dtype=self.dtype, device=self.device)
        return xp.zeros(n, dtype=self.dtype, device=self.device), lo

    def of_indices(self, idx: Any) -> tuple[Any, Any]:
        """(hi, lo) words of the given flat indices (a host int64 NumPy array: a block's)."""
        import numpy as np  # the host form of a block's counters; the words are the library's

        idx = as_indices(idx)
        host = np.int64 if self.masked else np.uint32
        hi = np.ascontiguousarray((idx >> 32).astype(host))
        lo = np.ascontiguousarray((idx & MASK32).astype(host))
        xp = self.xp
        return (
            xp.asarray(hi, dtype=self.dtype, device=self.device),
            xp.asarray(lo, dtype=self.dtype, device=self.device),
        )


def as_indices(idx: Any) -> Any:
    """A block's counters as a flat host int64 NumPy array: ``idx`` is one already, or the
    ``range`` of a contiguous block (which the fast paths count instead of reading)."""
    import numpy as np

    if isinstance(idx, range):
        return np.arange(idx.start, idx.stop, dtype=np.int64)
    return np.asarray(idx, np.int64).reshape(-1)


def threefry2x32(
    words: Words, k0: Any, k1: Any, x0: Any, x1: Any, *, rounds: int = 20
) -> tuple[Any, Any]:
    """Threefry-2x32 block function: encrypt counters ``(x0, x1)`` under key ``(k0, k1)``.

    All arguments are word arrays (broadcastable); ``rounds`` is 20 for ``jax.random``
    (Random123 also publishes answers for 13).  The key is injected after every fourth round.
    """
    ks = (k0, k1, k0 ^ k1 ^ words.const(PARITY))
    x0 = words.add(x0, ks[0])
    x1 = words.add(x1, ks[1])
    for r in range(rounds):
        x0 = words.add(x0, x1)
        x1 = words.rotl(x1, ROTATIONS[r % 8]) ^ x0
        if r % 4 == 3:
            i = r // 4
            x0 = words.add(x0, ks[(i + 1) % 3])
            x1 = words.add(x1, words.add(ks[(i + 2) % 3], words.const(i + 1)))
    return x0, x1


def counters(words: Words, n: int, idx: Any = None) -> tuple[Any, Any]:
    """Counters of the partitionable layout: element ``i`` is hashed with ``(i >> 32, i & M)``.

    ``idx``: the flat indices of a block of a draw (a host int64 NumPy array of ``n`` values)
    instead of ``0..n-1``: the words of a block are its elements' words in the whole draw.
    """
    return words.iota(n) if idx is None else words.of_indices(idx)


def hash_pair(words: Words, k0: Any, k1: Any, x0: Any, x1: Any) -> tuple[Any, Any]:
    """``jax.random``'s ``threefry2x32`` with 20 rounds: one block per counter pair."""
    return threefry2x32(words, k0, k1, x0, x1, rounds=20)
