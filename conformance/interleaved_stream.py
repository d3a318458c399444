"""Write unirand's uint32 streams to stdout for PractRand or TestU01 (run outside CI).

Why: statistical batteries test one long stream, but users draw from many keys at once (one per
worker, layer or step).  randomgen publishes its results on *interleaved* streams for that
reason, and so do we: with ``--children K`` the output is word 0 of each of ``K`` child keys,
then word 1 of each, and so on, the children made by ``split(key, K)`` or by ``fold_in(key, j)``
for ``j < K``.  Without ``--children`` it is the default stream: ``bits(key, (N,), "uint32")``
for an unbounded ``N``.

Element ``i`` of a partitionable draw is the Threefry hash of counter ``i`` (docs/streams.md), so
the stream is produced in blocks of counters ``[start, start + block)`` from the engine's
reference hash (:mod:`unirand.engine.threefry`) on NumPy: the bytes are exactly those of
``unirand.bits(key, (N,), "uint32")`` for every ``N``, a fact the ``--check`` option verifies
against the public function before writing anything.

Usage::

    python conformance/interleaved_stream.py [--seed 0] [--children K] [--how split|fold_in]
        | RNG_test stdin32 -tlmax 8GB
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

import unirand
from unirand.engine.threefry import Words, hash_pair

BLOCK = 1 << 20


def _words(data: np.ndarray, start: int, n: int) -> np.ndarray:
    """uint32 bits at counters ``start .. start+n-1`` of each key in ``data`` (shape (K, 2))."""
    w = Words(np, np.uint32, masked=False)
    i = np.arange(start, start + n, dtype=np.uint64)
    hi = (i >> np.uint64(32)).astype(np.uint32)[None, :]
    lo = (i & np.uint64(0xFFFFFFFF)).astype(np.uint32)[None, :]
    k0, k1 = data[:, 0:1], data[:, 1:2]
    y0, y1 = hash_pair(w, k0, k1, hi, lo)
    return np.asarray(y0 ^ y1, dtype=np.uint32)


def children(seed: int, k: int, how: str) -> np.ndarray:
    key = unirand.key(seed)
    if k == 0:
        return unirand.key_data(key).reshape(1, 2)
    if how == "split":
        return np.asarray(unirand.key_data(unirand.split(key, k))).reshape(k, 2)
    return np.stack([np.asarray(unirand.key_data(unirand.fold_in(key, j))) for j in range(k)])


def check(seed: int) -> None:
    """The block construction equals the public ``bits`` (default stream and children)."""
    key = unirand.key(seed)
    want = np.asarray(unirand.bits(key, (3000,), "uint32"))
    got = np.concatenate([_words(children(seed, 0, "split"), s, 1000)[0] for s in (0, 1000, 2000)])
    assert got.tobytes() == want.tobytes(), "default stream differs from unirand.bits"
    data = children(seed, 4, "split")
    for j, child in enumerate(unirand.split(key, 4)):
        assert (
            _words(data[j : j + 1], 0, 64)[0].tobytes()
            == np.asarray(unirand.bits(child, (64,), "uint32")).tobytes()
        ), "split child differs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--children", type=int, default=0, help="interleave K child keys")
    parser.add_argument("--how", choices=("split", "fold_in"), default="split")
    parser.add_argument("--words", type=int, default=0, help="stop after this many (0: never)")
    args = parser.parse_args()
    check(args.seed)
    data = children(args.seed, args.children, args.how)
    k = data.shape[0]
    per_child = max(1, BLOCK // k)
    out = sys.stdout.buffer
    written, start = 0, 0
    try:
        while args.words == 0 or written < args.words:
            block = _words(data, start, per_child)  # (K, per_child)
            out.write(np.ascontiguousarray(block.T).tobytes())  # word t of every child, in turn
            start += per_child
            written += block.size
    except BrokenPipeError:  # the battery stopped reading
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
