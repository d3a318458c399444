"""PyTorch's CPU engine: MT19937 (Matsumoto & Nishimura) with ATen's ``(left, next)`` bookkeeping.

ATen's ``at::mt19937`` (``ATen/core/MT19937RNGEngine.h``) is the textbook ``genrand_int32``:
``init_genrand`` seeding from 32 bits, the 624-word twist, the usual tempering.  Its position is
kept as ``next`` (index of the next state word) and ``left`` (words until the next twist, plus
one): a fresh seed has ``left = 1, next = 0`` so the first draw twists; after a twist and ``k``
draws, ``left = 625 - k, next = k``.  Both numbers are part of ``torch.Generator.get_state()``,
so the replica keeps them verbatim.

Two engines give the same words: :func:`twist` (the twist as four NumPy slices; the reference)
and NumPy's own C MT19937 bit generator, loaded through its documented ``state`` dict (the fast
path for long draws).  The tests check one against the other.
"""

from __future__ import annotations

import numpy as np

N = 624
M = 397
MATRIX_A = np.uint32(0x9908B0DF)
UPPER = np.uint32(0x80000000)
LOWER = np.uint32(0x7FFFFFFF)


def seed_state(seed: int) -> np.ndarray:
    """``init_genrand(seed & 0xffffffff)``: the 624 state words (sequential, so a plain loop)."""
    state = [seed & 0xFFFFFFFF]
    prev = state[0]
    for j in range(1, N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF
        state.append(prev)
    return np.array(state, dtype=np.uint32)


def _mix(u: np.ndarray, v: np.ndarray, far: np.ndarray) -> np.ndarray:
    y = (u & UPPER) | (v & LOWER)
    return far ^ (y >> np.uint32(1)) ^ ((v & np.uint32(1)) * MATRIX_A)


def twist(state: np.ndarray) -> np.ndarray:
    """The next 624 words, vectorised.

    Word ``i`` needs old words ``i, i+1`` and word ``i+397`` (old for ``i < 227``, already new
    for ``i >= 227``): slices ``[0, 227)``, ``[227, 454)``, ``[454, 623)`` each depend only on
    words finished before them, and word 623 needs the new word 0.
    """
    old = state
    new = np.empty_like(old)
    new[0:227] = _mix(old[0:227], old[1:228], old[397:624])
    new[227:454] = _mix(old[227:454], old[228:455], new[0:227])
    new[454:623] = _mix(old[454:623], old[455:624], new[227:396])
    new[623:624] = _mix(old[623:624], new[0:1], new[396:397])
    return new


def temper(y: np.ndarray) -> np.ndarray:
    """MT19937's output tempering, elementwise on uint32 words."""
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


class MT19937:
    """The engine state ``(state[624], left, next)`` and draws of 32-bit words."""

    __slots__ = ("left", "next", "state")

    def __init__(self, state: np.ndarray, left: int, next_: int) -> None:
        self.state = np.array(state, dtype=np.uint32)
        self.left = int(left)
        self.next = int(next_)

    @classmethod
    def seeded(cls, seed: int) -> MT19937:
        return cls(seed_state(seed), 1, 0)

    def copy(self) -> MT19937:
        return MT19937(self.state, self.left, self.next)

    def words(self, n: int, *, reference: bool = False) -> np.ndarray:
        """The next ``n`` outputs as uint32, advancing the engine exactly as ATen does."""
        out = np.empty(n, dtype=np.uint32)
        # Words readable before ATen twists: the `left - 1` after `next` (624 - next normally).
        k = min(n, self.left - 1)
        if k > 0:
            out[:k] = temper(self.state[self.next : self.next + k])
            self.next += k
            self.left -= k
        rest = n - k
        if rest == 0:
            return out
        if reference:
            state, pos = self.state, N
            done = k
            while done < n:
                if pos == N:
                    state, pos = twist(state), 0
                take = min(N - pos, n - done)
                out[done : done + take] = temper(state[pos : pos + take])
                pos += take
                done += take
        else:
            state, pos = _numpy_words(self.state, out[k:])
        self.state = np.array(state, dtype=np.uint32)
        self.next = pos
        self.left = N + 1 - pos
        return out


def _numpy_words(state: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, int]:
    """Fill ``out`` from NumPy's C MT19937, started with a twist pending (``pos = 624``).

    ``Generator.integers(0, 2**32, dtype=uint32)`` returns the raw ``next_uint32`` words (its
    full-range shortcut); ``MT19937.state`` is NumPy's public way to load and read the state.
    """
    bit_generator = np.random.MT19937(0)
    bit_generator.state = {
        "bit_generator": "MT19937",
        "state": {"key": np.asarray(state, dtype=np.uint32), "pos": N},
    }
    out[:] = np.random.Generator(bit_generator).integers(0, 2**32, size=out.size, dtype=np.uint32)
    after = bit_generator.state["state"]
    return np.asarray(after["key"], dtype=np.uint32), int(after["pos"])
