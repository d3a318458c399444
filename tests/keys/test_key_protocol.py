"""One Key protocol: every key kind runs the same code; as_key's cases; bridges."""

from __future__ import annotations

import math
import subprocess
import sys
from itertools import pairwise

import numpy as np
import pytest
from _key_kinds import KINDS, same_bits, to_numpy

import unirand


def init_mlp(key, sizes=(4, 8, 3)):
    """A model init written once against the protocol (functional forms and methods)."""
    params = []
    for k, (m, n) in zip(unirand.split(key, len(sizes) - 1), pairwise(sizes), strict=True):
        wk, bk = k.split()
        w = to_numpy(unirand.normal(wk, (m, n), "float32", xp="numpy")) * math.sqrt(2 / m)
        b = to_numpy(bk.uniform((n,), "float32", -0.1, 0.1))
        params.append((w, b))
    drop = unirand.fold_in(key, 7).bernoulli(0.5, (3,))
    return params, to_numpy(drop)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_satisfies_the_protocol_and_runs_the_same_init(kind):
    key = KINDS[kind](3)
    assert isinstance(key, unirand.Key)
    assert unirand.as_key(key) is key
    assert isinstance(key.impl, str) and key.shape == ()
    with unirand.debug_key_reuse():  # the init consumes each key once
        params, drop = init_mlp(key)
    assert [p[0].shape for p in params] == [(4, 8), (8, 3)]
    assert all(np.isfinite(w).all() and (abs(b) <= 0.1).all() for w, b in params)
    assert drop.dtype == np.bool_
    again, _ = init_mlp(key)  # keys are values: the same key gives the same parameters
    assert all(
        same_bits(a[0], b[0]) and same_bits(a[1], b[1]) for a, b in zip(params, again, strict=True)
    )
    other, _ = init_mlp(KINDS[kind](4))
    assert not same_bits(params[0][0], other[0][0])
    for name in ("exponential", "gumbel"):
        assert to_numpy(getattr(key, name)((2,))).shape == (2,)
    assert to_numpy(key.categorical(np.zeros(3, np.float32), shape=(4,))).shape == (4,)


def _later_samplers(keys):
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    return [
        to_numpy(keys[0].randint((3,), 0, 7)),
        to_numpy(keys[1].permutation(x, 1)),
        to_numpy(keys[2].shuffle(x, 1)),
        to_numpy(keys[3].choice(x, (2,), False, axis=1)),
        to_numpy(keys[4].truncated_normal(-1.0, 1.0, (4,))),
    ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_randint_permutation_shuffle_choice_truncated_normal(kind):
    keys = KINDS[kind](5).split(5)
    with unirand.debug_key_reuse():  # each consumes its key once
        ints, perm, shuf, pick, tn = _later_samplers(keys)
    assert ints.shape == (3,) and ints.dtype == np.int32 and ((ints >= 0) & (ints < 7)).all()
    rows = np.arange(12).reshape(3, 4)
    assert (np.sort(perm, axis=1) == rows).all() and (np.sort(shuf, axis=1) == rows).all()
    assert pick.shape == (3, 2) and pick[:, 0].tolist() != pick[:, 1].tolist()
    assert tn.shape == (4,) and tn.dtype == np.float32 and (np.abs(tn) <= 1).all()
    again = _later_samplers(KINDS[kind](5).split(5))  # keys are values
    assert all(same_bits(a, b) for a, b in zip([ints, perm, shuf, pick, tn], again, strict=True))


def test_kinds_differ_where_their_libraries_do():
    a = init_mlp(KINDS["portable"](3))[0][0][0]
    b = init_mlp(KINDS["portable-on-jax"](3))[0][0][0]
    assert same_bits(a, b)  # the portable stream does not depend on the library
    c = init_mlp(KINDS["numpy-seedsequence"](3))[0][0][0]
    assert not same_bits(a, c)


@pytest.mark.parametrize("kind", list(KINDS))
def test_bridges_are_deterministic_in_the_key(kind):
    torch = pytest.importorskip("torch")
    jax = pytest.importorskip("jax")
    k1, k2 = KINDS[kind](8), KINDS[kind](8)
    assert same_bits(k1.numpy_generator().random(4), k2.numpy_generator().random(4))
    t1, t2 = k1.torch_generator(), k2.torch_generator()
    assert isinstance(t1, torch.Generator) and t1.initial_seed() == t2.initial_seed()
    j1, j2 = k1.jax_key(), k2.jax_key()
    assert jax.dtypes.issubdtype(j1.dtype, jax.dtypes.prng_key)
    assert same_bits(jax.random.key_data(j1), jax.random.key_data(j2))


def test_derived_bridges_follow_the_documented_formula():
    torch = pytest.importorskip("torch")
    key = unirand.key(42)
    w = unirand.bits(key, (4,), "uint32")
    want = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(x) for x in w])))
    assert same_bits(key.numpy_generator().random(3), want.random(3))
    w0, w1 = (int(x) for x in unirand.bits(key, (2,), "uint32"))
    assert key.torch_generator().initial_seed() == (w0 << 32) | w1
    assert key.torch_generator("cpu").device == torch.device("cpu")
    tk = unirand.as_key(torch.Generator().manual_seed(2))
    w = tk.bits((4,), "uint32")
    want = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(x) for x in w])))
    assert same_bits(tk.numpy_generator().random(3), want.random(3))


def test_as_key_cases_and_errors():
    assert unirand.as_key(5) == unirand.key(5)
    assert unirand.as_key(np.int64(-1)) == unirand.key(-1)
    for bad in (True, 1.5, "5", None, [0, 1], np.zeros(2, np.uint32), object()):
        with pytest.raises(TypeError, match="SeedSequence, Generator or BitGenerator"):
            unirand.as_key(bad)


def test_functional_forms_dispatch_to_native_keys():
    key = KINDS["numpy-seedsequence"](1)
    assert same_bits(unirand.bits(key, (3,)), key.bits((3,)))
    assert same_bits(
        unirand.uniform(key, (3,), "float64", 1.0, 2.0), key.uniform((3,), "float64", 1.0, 2.0)
    )
    assert unirand.split(key, 3) == key.split(3)
    assert unirand.fold_in(key, 2) == key.fold_in(2)
    with pytest.raises(TypeError, match="no key data"):
        unirand.key_data(key)
    with pytest.raises(TypeError, match="unirand key"):
        unirand.normal(object(), (2,))


def test_as_key_imports_only_the_objects_library():
    code = (
        "import sys, numpy as np, unirand\n"
        "k = unirand.as_key(np.random.SeedSequence(1)); k.normal((2,)); k.split(2)\n"
        "unirand.as_key(np.random.default_rng(1)); unirand.as_key(3)\n"
        "try:\n    unirand.as_key(object())\nexcept TypeError:\n    pass\n"
        "bad = [m for m in ('torch', 'jax') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_adapter_docs_examples_run():
    """The Python blocks of the adapter pages run; the torch page's hash is the code's."""
    import re
    from pathlib import Path

    pytest.importorskip("torch")
    pytest.importorskip("jax")
    docs = Path(__file__).resolve().parents[2] / "docs"
    for page in ("adapter_numpy.md", "adapter_torch.md", "adapter_jax.md", "adapters.md"):
        for block in re.findall(r"```python\n(.*?)```", (docs / page).read_text(), re.S):
            scope: dict = {}
            exec(compile(block, page, "exec"), scope)
            if "derive_seed" in scope:
                from unirand.keys.native.torch import derive_seed

                for seed, op, n in [(11, b"split", 3), (2**64 - 1, b"fold_in", 7)]:
                    assert scope["derive_seed"](seed, op, n) == derive_seed(
                        ("cpu", seed, None), op, n
                    )
                state = bytes(range(40))
                assert scope["derive_seed"](0, b"split", 1, state) == derive_seed(
                    ("cpu", 0, state), b"split", 1
                )
