"""``unirand.replay._torch_avx2``: the fast evaluation of ``avx_mathfun.h`` against the literal one.

The literal transcription uses exactly rounded FMAs (round-to-odd); the fast one float64 sums.
They must agree on every float32 input the Box-Muller transform can produce.
"""

from __future__ import annotations

import os

import numpy as np

from unirand.replay import _torch_avx2


def test_avx2_fast_path_equals_exact_fma_reference():
    """The fast float64 evaluation of log256_ps/sincos256_ps equals the literal one with exact
    FMAs on a spread of the 2**24 inputs (all of them with UNIRAND_EXHAUSTIVE=1)."""
    if os.environ.get("UNIRAND_EXHAUSTIVE"):
        for start in range(0, 2**24, 2**20):
            assert _torch_avx2.mismatches(np.arange(start, start + 2**20)) == (0, 0)
    else:
        k = np.concatenate(
            [np.arange(0, 2**24, 97), np.arange(2**24 - 4096, 2**24), np.arange(4096)]
        )
        assert _torch_avx2.mismatches(k) == (0, 0)
