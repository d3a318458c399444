"""Shards of a global draw (``unirand.distributed.shard``): rank ``r`` of ``n`` along ``dim``.

The claim: concatenating every rank's shard along ``dim`` gives the single-process draw byte
for byte, for any world size, dimension and sampler, on NumPy and torch; the cut is
``torch.chunk``'s (DTensor's ``Shard(dim)``).  The single-process draw itself is proven against
jax.random's golden vectors elsewhere (tests/backends/test_golden.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import unirand
from unirand.distributed import shard, shard_index

CALLS = [
    (unirand.bits, {"dtype": "uint32"}),
    (unirand.uniform, {"dtype": "float32", "minval": 0.1, "maxval": 0.7}),
    (unirand.normal, {"dtype": "bfloat16"}),
    (unirand.normal, {"dtype": "float64"}),
    (unirand.exponential, {"dtype": "float16"}),
    (unirand.gumbel, {"dtype": "float32"}),
    (unirand.bernoulli, {"p": 0.3}),
    (unirand.randint, {"minval": -5, "maxval": 1000, "dtype": "int64"}),
    (unirand.truncated_normal, {"lower": -1.0, "upper": 2.0}),
]


def _bytes(x: object) -> bytes:
    return np.ascontiguousarray(unirand.backends.to_numpy(x)).tobytes()


@pytest.mark.parametrize(("fn", "kwargs"), CALLS, ids=[f.__name__ for f, _ in CALLS])
@pytest.mark.parametrize("shape", [(7, 3), (4, 1, 5), (9,)])
def test_shards_concatenate_to_the_global_draw(fn, kwargs, shape):
    key = unirand.fold_in(unirand.key(11), 3)
    whole = fn(key, shape=shape, **kwargs)
    for dim in range(-len(shape), len(shape)):
        for world in (1, 2, 3, 4, 8):
            parts = [shard(fn, key, shape, r, world, dim, **kwargs) for r in range(world)]
            assert sum(p.shape[dim] for p in parts) == shape[dim]
            joined = np.concatenate(parts, axis=dim)
            assert joined.dtype == whole.dtype and joined.shape == whole.shape
            assert joined.tobytes() == whole.tobytes(), (fn.__name__, dim, world)


def test_the_cut_is_torch_chunk():
    torch = pytest.importorskip("torch")
    for n in range(0, 12):
        for world in range(1, 6):
            ours = [shard_index((n, 2), r, world)[0] for r in range(world)]
            theirs = [len(c) for c in torch.arange(n).chunk(world)] if n else []
            sizes = [s.stop - s.start for s in ours]
            assert sizes[: len(theirs)] == theirs and not any(sizes[len(theirs) :])


def test_torch_shards_on_the_tensor_backend():
    torch = pytest.importorskip("torch")
    key = unirand.key(5)
    whole = unirand.normal(key, (6, 4), xp=torch)
    parts = [shard(unirand.normal, key, (6, 4), r, 4, 1, xp=torch) for r in range(4)]
    assert all(isinstance(p, torch.Tensor) for p in parts)
    assert _bytes(torch.cat(parts, dim=1)) == _bytes(whole)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: shard(unirand.permutation, unirand.key(0), (4,), 0, 2), ValueError, "elementwise"),
        (lambda: shard(len, unirand.key(0), (4,), 0, 2), TypeError, "sampler must be"),
        (lambda: shard(unirand.normal, 3, (4,), 0, 2), TypeError, "portable key"),
        (
            lambda: shard(unirand.normal, unirand.split(unirand.key(0)), (4,), 0, 2),
            ValueError,
            "single key",
        ),
        (lambda: shard(unirand.normal, unirand.key(0), (4,), 2, 2), ValueError, "rank"),
        (lambda: shard(unirand.normal, unirand.key(0), (4,), 0, 0), ValueError, "world_size"),
        (lambda: shard(unirand.normal, unirand.key(0), (4,), 0, 2, 1), ValueError, "dim"),
        (lambda: shard(unirand.normal, unirand.key(0), (), 0, 1), ValueError, "dim"),
        (lambda: shard(unirand.normal, unirand.key(0), (4,), 0.5, 2), TypeError, "rank"),
        (
            lambda: shard(unirand.normal, unirand.key(0), (4,), 0, 2, dtype="int8"),
            TypeError,
            "dtype",
        ),
    ],
)
def test_errors_name_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_native_key_is_refused():
    import numpy.random

    with pytest.raises(TypeError, match="portable key"):
        shard(unirand.normal, unirand.as_key(numpy.random.default_rng(0)), (4,), 0, 2)
