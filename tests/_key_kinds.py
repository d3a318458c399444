"""Every key kind as a factory, for tests that run the same code through all of them.

Each factory takes an int seed and returns a fresh key; missing libraries skip the test.
"""

from __future__ import annotations

import numpy as np
import pytest

import unirand


def _torch():
    return pytest.importorskip("torch")


def _jax():
    return pytest.importorskip("jax")


KINDS = {
    "portable": lambda s: unirand.key(s),
    "portable-on-jax": lambda s: unirand.as_key(_jax().random.key(s)),
    "numpy-seedsequence": lambda s: unirand.as_key(np.random.SeedSequence(s)),
    "numpy-mt19937": lambda s: unirand.as_key(np.random.Generator(np.random.MT19937(s))),
    "numpy-philox": lambda s: unirand.as_key(np.random.Philox(s)),
    "torch": lambda s: unirand.as_key(_torch().Generator().manual_seed(s)),
    "jax-rbg": lambda s: unirand.as_key(_jax().random.key(s, impl="rbg")),
    "jax-philox4x32": lambda s: unirand.as_key(_jax().random.key(s, impl="philox4x32")),
    "jax-threefry4x32": lambda s: unirand.as_key(_jax().random.key(s, impl="threefry4x32")),
}


def to_numpy(x):
    return unirand.backends.to_numpy(x)


def same_bits(a, b) -> bool:
    """Bitwise equality of two arrays of any library (dtype, shape and bytes)."""
    a, b = np.asarray(to_numpy(a)), np.asarray(to_numpy(b))
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
