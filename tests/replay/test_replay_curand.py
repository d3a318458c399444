"""``unirand.replay._curand``: cuRAND's uniform transform at its edges, and its dtype casts.

``_curand_uniform`` maps a 32-bit word to (0, 1] in float32; PyTorch then maps a value that
rounds to 1 in the dtype back to 0.
"""

from __future__ import annotations

import numpy as np

from unirand.replay import TorchCUDAGenerator
from unirand.replay._curand import uniform_f32


def test_curand_uniform_edges() -> None:
    # (float)x rounds to nearest even, then x * 2**-32 + 2**-33 in float32: (0, 1]
    words = np.array([0, 1, 0xFFFFFF7F, 0xFFFFFF80, 0xFFFFFFFF], dtype=np.uint32)
    want = [2.0**-33, 2.0**-32 + 2.0**-33, 1 - 2.0**-24, 1.0, 1.0]
    np.testing.assert_array_equal(uniform_f32(words), np.array(want, np.float32))


def test_rand_float16_is_rounded_float32() -> None:
    a = TorchCUDAGenerator(3, sm_count=4).rand(5000, "float32").astype(np.float16)
    a[a == 1] = 0
    np.testing.assert_array_equal(TorchCUDAGenerator(3, sm_count=4).rand(5000, "float16"), a)
