"""``unirand.replay._mt19937``: the engine against the reference MT19937 and against itself.

The vectorised twist (the reference) and NumPy's C bit generator (the fast path) must give the
same words and the same ``(left, next)`` bookkeeping at every position around a twist.
"""

from __future__ import annotations

import pytest
from replay_golden import raw

from unirand.replay import _mt19937


@pytest.mark.parametrize("n", [0, 1, 623, 624, 625, 1247, 1248, 5000])
def test_numpy_engine_equals_vectorised_twist(n):
    a, b = _mt19937.MT19937.seeded(7), _mt19937.MT19937.seeded(7)
    a.words(5)
    b.words(5)
    assert raw(a.words(n)) == raw(b.words(n, reference=True))
    assert (a.left, a.next) == (b.left, b.next) and raw(a.state) == raw(b.state)
    assert raw(a.words(700)) == raw(b.words(700, reference=True))


def test_mt19937_matches_reference_implementation():
    """init_genrand(5489): the first output of mt19937ar and the 10000th that C++ requires."""
    w = _mt19937.MT19937.seeded(5489).words(10000)
    assert int(w[0]) == 3499211612 and int(w[-1]) == 4123659995  # C++ [rand.predef]
