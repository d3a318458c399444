"""``unirand.replay._libstdcxx_sort``: libstdc++'s selection and sorting, as ``torch.topk`` runs it.

Which index ``torch.topk`` returns first among equal values is an accident of libstdc++'s
introselect/introsort; the transcription must reproduce it.  Against live torch on tie-heavy
rows (both of topk's branches: ``partial_sort`` when ``64 k <= n``, else ``nth_element`` and
``sort``), and, without torch, against NumPy where there are no ties.
"""

from __future__ import annotations

import numpy as np
import pytest

from unirand.replay._libstdcxx_sort import topk, topk_row


def _rows(rng: np.random.Generator) -> tuple[np.ndarray, int]:
    n = int(rng.choice([1, 2, 3, 4, 5, 16, 17, 33, 64, 65, 128, 129, 200, 1000, 3000]))
    rows = int(rng.integers(1, 4))
    if rng.random() < 0.6:
        x = rng.integers(0, int(rng.integers(1, 6)), (rows, n)).astype(np.float32)
    else:
        x = rng.random((rows, n)).astype(np.float32)
    for value, share in ((np.nan, 0.1), (-0.0, 0.1), (np.inf, 0.05)):
        if rng.random() < 0.2:
            x[rng.random(x.shape) < share] = value
    k = int(rng.integers(1, n + 1))
    if rng.random() < 0.3:
        k = max(1, n // 64)  # the partial_sort branch
    return x, k


def test_topk_ties_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for _ in range(1500):
        x, k = _rows(rng)
        want = torch.topk(torch.from_numpy(x), k).indices.numpy()
        assert np.array_equal(topk(x.astype(np.float64), k), want), (x.shape, k)


def test_topk_without_ties_is_the_descending_order():
    rng = np.random.default_rng(1)
    for n, k in ((10, 3), (1000, 15), (1000, 16), (1000, 999), (5, 5)):
        x = rng.permutation(n).astype(np.float64)[None, :]
        assert topk(x, k)[0].tolist() == np.argsort(-x[0])[:k].tolist()
        assert topk_row(x[0].tolist(), k) == np.argsort(-x[0])[:k].tolist()


def test_topk_nan_first_then_descending():
    x = np.array([[1.0, np.nan, 3.0, -np.inf, np.inf, 2.0]])
    assert topk(x, 6)[0].tolist() == [1, 4, 2, 5, 0, 3]
