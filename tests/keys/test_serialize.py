"""Every key kind pickles and round-trips through JSON exactly; bad input is named."""

from __future__ import annotations

import json
import pickle

import numpy as np
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


# -- forged payloads: every field is checked when a key is read (JSON or pickle) -----------------
def _doc(kind: str, variant: str = "single") -> dict:
    if kind == "torch-state":
        torch = pytest.importorskip("torch")
        gen = torch.Generator().manual_seed(5)
        torch.rand(3, generator=gen)  # drawn from: the key snapshots its state
        key = unirand.as_key(gen)
    else:
        key = _variants(kind)[variant]
    return json.loads(key.to_json())


class _Forged:
    """An object that pickles as ``reader(*args)``: a pickle written by hand."""

    def __init__(self, reader, *args):
        self.reader, self.args = reader, args

    def __reduce__(self):
        return (self.reader, self.args)


def _native_pickle(kind: str, doc: dict) -> bytes:
    cls = type(unirand.key_from_json(json.dumps(_doc(kind))))
    body = {k: v for k, v in doc.items() if k != "format"}
    return pickle.dumps(_Forged(cls.from_payload, body))


def _portable_pickle(data, xp="numpy", device="cpu") -> bytes:
    from unirand.keys.portable import _unpickle

    return pickle.dumps(_Forged(_unpickle, "threefry2x32", data, xp, device))


# (kind, variant, changes, the field the error must name)
_BAD_JSON = [
    ("portable", "single", {"shape": [3], "data": [1, 2, 3]}, "shape"),
    ("portable", "single", {"shape": [], "data": [5]}, "shape"),
    ("portable", "single", {"data": [1.5, 2]}, "data"),
    ("portable", "single", {"data": ["1", "2"]}, "data"),
    ("portable", "single", {"data": [True, False]}, "data"),
    ("portable", "single", {"data": [2**32, 0]}, "data"),
    ("portable", "single", {"data": [-1, 0]}, "data"),
    ("portable", "single", {"data": [1, 2, 3]}, "data"),
    ("portable", "single", {"shape": [2.0]}, "shape"),
    ("portable", "single", {"xp": 5}, "xp"),
    ("portable", "single", {"xp": "nope"}, "xp"),
    ("portable", "single", {"device": 0}, "device"),
    ("portable", "single", {"version": True}, "version"),
    ("numpy-seedsequence", "single", {"pool_size": 100_000_000}, "pool_size"),
    ("numpy-seedsequence", "single", {"pool_size": 0}, "pool_size"),
    ("numpy-seedsequence", "single", {"pool_size": 2.5}, "pool_size"),
    ("numpy-seedsequence", "single", {"pool_size": True}, "pool_size"),
    ("numpy-seedsequence", "single", {"pool_size": "4"}, "pool_size"),
    ("numpy-seedsequence", "single", {"entropy": -1}, "entropy"),
    ("numpy-seedsequence", "single", {"entropy": [-1]}, "entropy"),
    ("numpy-seedsequence", "single", {"entropy": "17"}, "entropy"),
    ("numpy-seedsequence", "single", {"entropy": 1.5}, "entropy"),
    ("numpy-seedsequence", "single", {"entropy": True}, "entropy"),
    ("numpy-seedsequence", "single", {"spawn_key": [-1]}, "spawn_key"),
    ("numpy-seedsequence", "single", {"spawn_key": [1.5]}, "spawn_key"),
    ("numpy-seedsequence", "single", {"spawn_key": "0"}, "spawn_key"),
    ("numpy-seedsequence", "single", {"offset": -1}, "offset"),
    ("numpy-seedsequence", "single", {"offset": 2**40}, "offset"),
    ("numpy-seedsequence", "single", {"version": True}, "version"),
    ("numpy-seedsequence", "batch", {"batch": {"shape": [2, 3], "index": [0]}}, "batch.index"),
    ("numpy-seedsequence", "batch", {"batch": {"shape": [-1], "index": []}}, "batch.shape"),
    ("numpy-seedsequence", "batch", {"batch": {"shape": [1], "index": [-1]}}, "batch.index"),
    ("numpy-seedsequence", "batch", {"batch": {"shape": [1], "index": [2**32]}}, "batch.index"),
    ("numpy-seedsequence", "batch", {"batch": [1]}, "batch"),
    ("torch", "single", {"device": "meta"}, "device"),
    ("torch", "single", {"device": 0}, "device"),
    ("torch", "single", {"seed": -1}, "seed"),
    ("torch", "single", {"seed": 2**64}, "seed"),
    ("torch", "single", {"seed": 1.5}, "seed"),
    ("torch", "single", {"seed": "3"}, "seed"),
    ("torch", "single", {"seed": True}, "seed"),
    ("torch", "single", {"state": "00" * 16}, "state"),
    ("torch", "single", {"state": "zz"}, "state"),
    ("torch", "single", {"state": 5}, "state"),
    ("torch", "single", {"version": True}, "version"),
    ("torch", "batch", {"batch": {"shape": [1], "index": [-1]}}, "batch.index"),
    ("torch-state", "single", {"state": "00" * 100}, "state"),
    ("jax-rbg", "single", {"shape": [2]}, "shape"),
    ("jax-rbg", "single", {"data": [1.5, 2, 3, 4]}, "data"),
    ("jax-rbg", "single", {"data": [True, 2, 3, 4]}, "data"),
    ("jax-rbg", "single", {"data": [-1, 2, 3, 4]}, "data"),
    ("jax-rbg", "single", {"shape": [], "data": []}, "shape"),
    ("jax-rbg", "single", {"version": True}, "version"),
]


@pytest.mark.parametrize(("kind", "variant", "changes", "name"), _BAD_JSON)
def test_forged_payload_is_rejected_naming_the_field(kind, variant, changes, name):
    doc = {**_doc(kind, variant), **changes}
    with pytest.raises(ValueError, match=repr(name) if "." not in name else name) as e:
        unirand.key_from_json(json.dumps(doc))
    assert "key payload" in str(e.value) or name == "version"
    if not kind.startswith("portable"):  # the same payload in a pickle
        with pytest.raises(ValueError, match=repr(name) if "." not in name else name):
            pickle.loads(_native_pickle(kind, doc))


def test_forged_pool_size_is_rejected_at_once():
    """A JSON key with a huge pool_size used to load and hang on first use (O(pool_size**2))."""
    doc = {**_doc("numpy-seedsequence"), "pool_size": 100_000_000}
    with pytest.raises(ValueError, match=r"'pool_size'.*1025"):
        unirand.key_from_json(json.dumps(doc))
    with pytest.raises(ValueError, match="pool_size"):
        pickle.loads(_native_pickle("numpy-seedsequence", doc))
    with pytest.raises(ValueError, match="pool_size"):  # and unirand never writes one
        unirand.as_key(np.random.SeedSequence(1, pool_size=2048))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(np.array([1, 2, 3], "uint32"), id="shape-3"),
        pytest.param(np.array(5, "uint32"), id="0-d"),
        pytest.param(np.array([1.5, 2.0]), id="float"),
        pytest.param(np.array([True, False]), id="bool"),
        pytest.param(np.array(["1", "2"]), id="str"),
        pytest.param(np.array([2**40, 0], "int64"), id="int64-wraps"),
        pytest.param(np.array([-1, 0], "int64"), id="negative"),
        pytest.param([1, 2], id="list"),
    ],
)
def test_forged_portable_pickle_data_is_rejected(data):
    with pytest.raises(ValueError, match="'data'"):
        pickle.loads(_portable_pickle(data))


def test_forged_portable_pickle_library_and_device_are_checked():
    good = np.array([0, 7], np.uint32)
    with pytest.raises(ValueError, match="'xp'"):
        pickle.loads(_portable_pickle(good, xp=5))
    with pytest.raises(ValueError, match="'xp'"):
        pickle.loads(_portable_pickle(good, xp="nope"))
    with pytest.raises(ValueError, match="'device'"):
        pickle.loads(_portable_pickle(good, device=0))
    assert pickle.loads(_portable_pickle(np.array([0, 7], np.int64))) == unirand.key(7)


@pytest.mark.parametrize("where", ["top", "field"])
def test_deeply_nested_json_is_a_value_error(where):
    deep = "[" * 200_000 + "]" * 200_000
    text = deep if where == "top" else '{"format": "unirand.key", "data": ' + deep + "}"
    with pytest.raises(ValueError):
        unirand.key_from_json(text)


# -- fuzzing: a mutated payload is rejected naming a field, or gives a key that works ------------
_FIELDS = (
    "impl", "version", "format", "shape", "data", "xp", "device", "entropy", "spawn_key",
    "pool_size", "offset", "batch", "seed", "state",
)  # fmt: skip


def _junk(rng):
    pool = [
        0, 1, -1, 2, 3, 4, 5, 2**31, 2**32 - 1, 2**32, 2**63, 2**64, -(2**63), 10**8,
        1.5, 0.0, -2.5, float("inf"), float("nan"), True, False, None, "", "0", "cpu",
        "meta", "cuda:0", "numpy", "zz", "00" * 16, [], [0], [0, 1], [-1], [1.5], ["1"],
        [True], [[0, 1]], {}, {"shape": [1], "index": [0]}, {"shape": [2], "index": [0, 1]},
    ]  # fmt: skip
    return pool[rng.randrange(len(pool))]


def _mutate(doc, rng):
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        name = rng.choice(list(doc))
        value = doc[name]
        r = rng.random()
        if r < 0.1:
            del doc[name]
        elif isinstance(value, list) and value and r < 0.5:
            i = rng.randrange(len(value))
            choice = rng.random()
            if choice < 0.3:
                del value[i]
            elif choice < 0.5:
                value.append(_junk(rng))
            else:
                value[i] = _junk(rng)
        elif isinstance(value, dict) and value and r < 0.6:
            sub = rng.choice(list(value))
            value[sub] = _junk(rng)
        elif isinstance(value, int) and not isinstance(value, bool) and r < 0.5:
            doc[name] = value + rng.choice((-1, 1, 2**32, -(2**32), 2**64))
        else:
            doc[name] = _junk(rng)
    return doc


def _works(key):
    one = key
    if key.shape:
        if not key.size:
            key.to_json()
            return
        one = key[(0,) * key.ndim]
    one.uniform((3,))
    assert unirand.key_from_json(key.to_json()) == key
    assert pickle.loads(pickle.dumps(key)) == key


@pytest.mark.parametrize(
    ("kind", "variant"),
    [
        ("portable", "single"),
        ("portable", "batch"),
        ("numpy-seedsequence", "single"),
        ("numpy-seedsequence", "batch"),
        ("numpy-mt19937", "child"),
        ("torch", "batch"),
        ("torch-state", "single"),
        ("jax-rbg", "batch"),
    ],
)
def test_fuzzed_payloads_are_rejected_or_work(kind, variant):
    import random

    rng = random.Random(f"{kind}/{variant}")
    base = _doc(kind, variant)
    for trial in range(300):
        doc = _mutate(base, rng)
        try:
            key = unirand.key_from_json(json.dumps(doc))
        except (ValueError, TypeError) as e:
            assert any(name in str(e) for name in _FIELDS), (trial, doc, e)
            continue
        try:
            _works(key)
        except Exception as e:  # a key was built that does not work
            pytest.fail(f"trial {trial}: {doc} built {key!r}, which fails: {e!r}")
