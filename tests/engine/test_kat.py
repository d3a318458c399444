"""Random123 known answers for Threefry-2x32 (13, 20, 32 rounds) on every word representation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _backends import backend_params, load, to_numpy

from unirand.backends import resolve
from unirand.engine.threefry import threefry2x32

KAT = Path(__file__).resolve().parents[2] / "conformance" / "vectors" / "random123_threefry2x32.kat"


def _rows():
    rows = []
    for line in KAT.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, rounds, *words = line.split()
        assert name == "threefry2x32"
        c0, c1, k0, k1, e0, e1 = (int(w, 16) for w in words)
        rows.append(
            pytest.param(int(rounds), (c0, c1), (k0, k1), (e0, e1), id=f"R{rounds}-{words[0]}")
        )
    return rows


ROWS = _rows()


def test_kat_file_has_the_jax_variant():
    assert {r.values[0] for r in ROWS} >= {13, 20}


@pytest.mark.parametrize(("rounds", "ctr", "key", "expected"), ROWS)
@pytest.mark.parametrize("name", backend_params())
def test_known_answers(name, rounds, ctr, key, expected):
    load(name)
    backend = resolve(name)
    w = backend.words(None)
    k0, k1 = (w.const(v) for v in key)
    xp = backend.xp
    x0 = xp.asarray([ctr[0]], dtype=w.dtype)
    x1 = xp.asarray([ctr[1]], dtype=w.dtype)
    y0, y1 = threefry2x32(w, k0, k1, x0, x1, rounds=rounds)
    got = [int(to_numpy(backend.words_to_u32(y))[0]) for y in (y0, y1)]
    assert got == list(expected)


def test_numpy_fast_block_matches_kat():
    from unirand.backends.numpy.chunks import block as _block

    for p in ROWS:
        rounds, ctr, key, expected = p.values
        if rounds != 20:
            continue
        x0 = np.array([ctr[0]], np.uint32)
        x1 = np.array([ctr[1]], np.uint32)
        _block(key[0], key[1], x0, x1, np.empty(1, np.uint32))
        assert [int(x0[0]), int(x1[0])] == list(expected)
