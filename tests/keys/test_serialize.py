"""Every key kind pickles and round-trips through JSON exactly; bad input is named."""

from __future__ import annotations

import json
import pickle

import pytest
from _key_kinds import KINDS, same_bits, to_numpy

import unirand


def _variants(kind):
    key = KINDS[kind](17)
    return {
        "single": key,
        "batch": key.split((2, 3)),
        "child": key.split(4)[3],
        "folded": key.fold_in(12),
        "empty": key.split(0),
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_pickle_and_json_round_trip_exactly(kind):
    for name, key in _variants(kind).items():
        for back in (pickle.loads(pickle.dumps(key)), unirand.key_from_json(key.to_json())):
            assert type(back) is type(key), name
            assert back == key and hash(back) == hash(key), name
            assert back.shape == key.shape and back.impl == key.impl
            if key.shape == ():
                assert same_bits(to_numpy(back.normal((3,))), to_numpy(key.normal((3,))))
                assert back.split(2) == key.split(2)
    doc = json.loads(KINDS[kind](1).to_json())
    assert doc["format"] == "unirand.key" and doc["version"] == 1
    assert doc["impl"] == KINDS[kind](1).impl


def test_json_fields_of_each_kind():
    assert json.loads(unirand.key(5).to_json()) == {
        "format": "unirand.key",
        "version": 1,
        "impl": "threefry2x32",
        "shape": [2],
        "data": [0, 5],
        "xp": "numpy",
        "device": "cpu",
    }
    import numpy as np

    doc = json.loads(unirand.as_key(np.random.SeedSequence(5)).split(2)[1].to_json())
    assert doc["impl"] == "numpy:PCG64" and doc["entropy"] == 5 and doc["spawn_key"] == [1]


def test_unknown_impl_version_or_format_is_a_clear_error():
    doc = json.loads(unirand.key(1).to_json())
    with pytest.raises(ValueError, match=r"unknown key impl 'numpy-legacy'.*known impls"):
        unirand.key_from_json(json.dumps({**doc, "impl": "numpy-legacy"}))
    with pytest.raises(ValueError, match=r"version 2.*reads version 1"):
        unirand.key_from_json(json.dumps({**doc, "version": 2}))
    with pytest.raises(ValueError, match="version None"):
        unirand.key_from_json(json.dumps({k: v for k, v in doc.items() if k != "version"}))
    with pytest.raises(ValueError, match="not a unirand key"):
        unirand.key_from_json(json.dumps({**doc, "format": "other"}))
    with pytest.raises(ValueError, match="lacks the field 'data'"):
        unirand.key_from_json(json.dumps({k: v for k, v in doc.items() if k != "data"}))
    with pytest.raises(ValueError, match="not valid JSON"):
        unirand.key_from_json("{")
    with pytest.raises(TypeError, match="JSON str"):
        unirand.key_from_json(5)
    with pytest.raises(ValueError, match="unknown NumPy bit generator"):
        unirand.key_from_json(
            json.dumps(
                {
                    "format": "unirand.key",
                    "version": 1,
                    "impl": "numpy:Nope",
                    "entropy": 1,
                    "spawn_key": [],
                    "pool_size": 4,
                    "offset": 0,
                    "batch": None,
                }
            )
        )
    pytest.importorskip("jax")
    with pytest.raises(ValueError, match="unknown JAX PRNG impl 'nope'"):
        unirand.key_from_json(
            json.dumps(
                {
                    "format": "unirand.key",
                    "version": 1,
                    "impl": "jax:nope",
                    "shape": [2],
                    "data": [0, 1],
                }
            )
        )


def test_torch_snapshot_keys_round_trip():
    torch = pytest.importorskip("torch")
    g = torch.Generator().manual_seed(3)
    torch.rand(10, generator=g)
    key = unirand.as_key(g)
    assert json.loads(key.to_json())["state"] is not None
    back = unirand.key_from_json(key.to_json())
    assert back == key and same_bits(back.normal((4,)), key.normal((4,)))
