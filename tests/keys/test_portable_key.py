"""Semantics of the public API and its errors (values themselves are covered by the goldens)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _backends import load, to_numpy

import unirand


# -- seeds ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seed", "data"),
    [
        (0, [0, 0]),
        (42, [0, 42]),
        (-1, [0xFFFFFFFF, 0xFFFFFFFF]),
        (2**32 + 5, [1, 5]),
        (-(2**63), [0x80000000, 0]),
        (2**64 - 1, [0xFFFFFFFF, 0xFFFFFFFF]),
        (np.int64(-7), [0xFFFFFFFF, 0xFFFFFFF9]),
        (np.uint64(2**63), [0x80000000, 0]),
        (np.int32(-1), [0xFFFFFFFF, 0xFFFFFFFF]),  # by value (JAX would give [0, 0xFFFFFFFF])
    ],
)
def test_seed_is_two_complement_split(seed, data):
    assert unirand.key_data(unirand.key(seed)).tolist() == data


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_seed_out_of_range(seed):
    with pytest.raises(ValueError, match="seed must be in"):
        unirand.key(seed)


@pytest.mark.parametrize("seed", [1.0, "3", None, True, np.float32(2), [1]])
def test_seed_not_an_integer(seed):
    with pytest.raises(TypeError, match="seed must be"):
        unirand.key(seed)


def test_unknown_impl():
    with pytest.raises(ValueError, match="impl must be"):
        unirand.key(0, impl="rbg")


# -- split / fold_in -----------------------------------------------------------------------------
def test_split_shapes_and_unpacking():
    k = unirand.key(1)
    assert unirand.split(k).shape == (2,)
    assert unirand.split(k, (2, 3)).shape == (2, 3)
    assert unirand.split(k, 0).shape == (0,)
    a, b = unirand.split(k)
    assert a.shape == () and a != b
    assert list(unirand.split(k, 3)) == [unirand.split(k, 3)[i] for i in range(3)]
    assert unirand.split(k, (2, 3))[1, 2] == unirand.split(k, (2, 3))[1][2]
    assert len(unirand.split(k, 5)) == 5


def test_split_i_equals_fold_in_i():
    k = unirand.key(9)
    keys = unirand.split(k, 7)
    for i in range(7):
        assert keys[i] == unirand.fold_in(k, i)


@pytest.mark.parametrize("num", [-1, 2.0, "2", (2, -1), None])
def test_split_bad_num(num):
    with pytest.raises((TypeError, ValueError), match="num"):
        unirand.split(unirand.key(0), num)


@pytest.mark.parametrize(
    ("data", "exc"), [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("1", TypeError)]
)
def test_fold_in_bad_data(data, exc):
    with pytest.raises(exc, match="data must be"):
        unirand.fold_in(unirand.key(0), data)


def test_batched_keys_are_refused_by_samplers():
    keys = unirand.split(unirand.key(0), 3)
    for fn in (unirand.bits, unirand.uniform, unirand.split):
        with pytest.raises(ValueError, match="single key"):
            fn(keys)
    with pytest.raises(ValueError, match="single key"):
        unirand.fold_in(keys, 1)


def test_scalar_key_cannot_be_indexed_or_iterated():
    k = unirand.key(0)
    with pytest.raises(TypeError):
        k[0]
    with pytest.raises(TypeError):
        iter(k).__next__()
    with pytest.raises(IndexError):
        unirand.split(k, 2)[5]


def test_non_key_is_refused():
    for fn in (unirand.split, unirand.bits, unirand.uniform, unirand.key_data):
        with pytest.raises(TypeError, match="key must be a unirand key"):
            fn(np.array([0, 1], np.uint32))


# -- shapes and dtypes -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(-1,), (2.0,), "3", None, (1, "a")])
def test_bad_shape(shape):
    with pytest.raises((TypeError, ValueError), match="shape"):
        unirand.bits(unirand.key(0), shape)


def test_int_shape_is_one_dimensional():
    assert unirand.bits(unirand.key(0), 4).shape == (4,)


@pytest.mark.parametrize("dtype", ["int32", "float32", np.int64, "uint128"])
def test_bits_bad_dtype(dtype):
    with pytest.raises(TypeError, match="dtype must be one of"):
        unirand.bits(unirand.key(0), (2,), dtype)


@pytest.mark.parametrize("dtype", ["int32", "uint32", np.int64, "complex64"])
def test_uniform_bad_dtype(dtype):
    with pytest.raises(TypeError, match="dtype must be one of"):
        unirand.uniform(unirand.key(0), (2,), dtype)


def test_dtype_objects_from_each_library():
    import ml_dtypes

    k = unirand.key(5)
    ref = unirand.uniform(k, (4,), "bfloat16")
    assert unirand.uniform(k, (4,), ml_dtypes.bfloat16).tobytes() == ref.tobytes()
    assert unirand.uniform(k, (4,), np.dtype(ml_dtypes.bfloat16)).tobytes() == ref.tobytes()
    assert unirand.bits(k, (3,), np.uint16).dtype == np.uint16
    torch = load("torch")
    assert unirand.uniform(k, (4,), torch.bfloat16).tobytes() == ref.tobytes()
    assert unirand.bits(k, (3,), torch.uint8, xp=torch).dtype == torch.uint8


# -- xp / device -----------------------------------------------------------------------------------
@pytest.mark.parametrize("xp", ["tensorflow", 3, object()])
def test_unknown_xp(xp):
    with pytest.raises(ValueError, match="xp must be"):
        unirand.bits(unirand.key(0), (2,), xp=xp)


def test_numpy_device():
    assert unirand.bits(unirand.key(0), (2,), device="cpu").shape == (2,)
    with pytest.raises(ValueError, match="device for numpy"):
        unirand.bits(unirand.key(0), (2,), device="cuda:0")


def test_xp_names_and_modules():
    torch = load("torch")
    k = unirand.key(3)
    for xp in ("torch", "pytorch", torch):
        out = unirand.bits(k, (3,), xp=xp)
        assert isinstance(out, torch.Tensor)
    jnp = load("jax")
    import jax

    for xp in ("jax", "jax.numpy", jax, jnp):
        assert isinstance(unirand.bits(k, (3,), xp=xp), jax.Array)


def test_torch_device_kept():
    torch = load("torch")
    k = unirand.key(0).to(torch, device="cpu")
    assert unirand.key_data(k).device.type == "cpu"
    assert unirand.uniform(k, (3,)).device.type == "cpu"
    with pytest.raises(ValueError, match="device"):
        unirand.key(0).to(torch, device="no-such-device")


# -- key values: data, wrap, to, hash, pickle ------------------------------------------------------
def test_key_data_round_trip_every_library():
    k = unirand.split(unirand.key(2**40 + 3), (2, 2))
    ref = unirand.key_data(k)
    assert ref.dtype == np.uint32 and ref.shape == (2, 2, 2)
    for name in ("torch", "jax", "array_api_strict"):
        xp = load(name)
        moved = k.to(xp)
        assert to_numpy(unirand.key_data(moved)).tobytes() == ref.tobytes()
        again = unirand.wrap_key_data(unirand.key_data(moved))
        assert again.xp == moved.xp and again == k


def test_wrap_key_data_checks_values():
    assert unirand.wrap_key_data([0, 42]) == unirand.key(42)
    assert unirand.wrap_key_data(np.array([0, 42], np.int64)) == unirand.key(42)
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        unirand.wrap_key_data(np.array([0, 2**32], np.int64))
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        unirand.wrap_key_data([-1, 0])
    with pytest.raises(ValueError, match="last axis of size 2"):
        unirand.wrap_key_data(np.zeros(3, np.uint32))
    with pytest.raises(TypeError, match="integer"):
        unirand.wrap_key_data(np.zeros(2, np.float32))
    with pytest.raises(ValueError, match="impl"):
        unirand.wrap_key_data([0, 1], impl="philox4x32")


def test_keys_are_hashable_values():
    a, b = unirand.key(7), unirand.key(7)
    assert a == b and hash(a) == hash(b)
    assert len({a, b, unirand.key(8)}) == 2
    torch = load("torch")
    assert a.to(torch) == a and hash(a.to(torch)) == hash(a)


@pytest.mark.parametrize("name", ["numpy", "torch", "jax", "array_api_strict"])
def test_pickle_round_trip(name):
    xp = load(name)
    k = unirand.split(unirand.key(-5), 3).to(xp)
    back = pickle.loads(pickle.dumps(k))
    assert back == k and back.xp == k.xp
    assert (
        to_numpy(unirand.bits(back[1], (4,))).tobytes()
        == to_numpy(unirand.bits(k[1], (4,))).tobytes()
    )


def test_methods_mirror_functions():
    k = unirand.key(11)
    assert k.split(3) == unirand.split(k, 3)
    assert k.fold_in(4) == unirand.fold_in(k, 4)
    assert k.bits((5,), "uint16").tobytes() == unirand.bits(k, (5,), "uint16").tobytes()
    assert (
        k.uniform((5,), "float32", 0.1, 0.7).tobytes()
        == unirand.uniform(k, (5,), "float32", 0.1, 0.7).tobytes()
    )


def test_key_is_a_key():
    assert isinstance(unirand.key(0), unirand.Key)
    assert not isinstance(3, unirand.Key)


# -- uniform ranges ------------------------------------------------------------------------------
def test_uniform_array_bounds_broadcast():
    k = unirand.key(4)
    lo = np.array([0.0, 0.1, -2.0], np.float32)
    hi = np.array([1.0, 0.7, 3.0], np.float32)
    out = unirand.uniform(k, (5, 3), "float32", lo, hi)
    assert out.shape == (5, 3)
    assert ((out >= lo) & (out < hi)).all()
    # each column equals the scalar-bounds stream restricted to that column
    col = unirand.uniform(k, (5, 3), "float32", 0.1, 0.7)[:, 1]
    assert out[:, 1].tobytes() == col.tobytes()


def test_uniform_bounds_as_torch_tensors():
    torch = load("torch")
    k = unirand.key(4).to(torch)
    out = unirand.uniform(k, (4,), "float64", torch.tensor(0.1, dtype=torch.float64), 0.7)
    ref = unirand.uniform(unirand.key(4), (4,), "float64", 0.1, 0.7)
    assert to_numpy(out).tobytes() == ref.tobytes()


def test_jax_fold_in_with_traced_index():
    load("jax")
    import jax
    import jax.numpy as jnp

    k = unirand.key(0).to(jax)

    @jax.jit
    def f(key, i):
        return unirand.bits(unirand.fold_in(key, i), (3,))

    for i in (0, 5):
        want = unirand.bits(unirand.fold_in(unirand.key(0), i), (3,))
        assert np.asarray(f(k, jnp.uint32(i))).tobytes() == want.tobytes()


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_uniform_mixed_scalar_and_array_bounds_on_torch(dtype):
    torch = load("torch")
    k = unirand.key(8)
    lo = unirand.key(8).to(torch)  # keys and bounds on torch; one bound a tensor, one a float
    out = unirand.uniform(lo, (6,), dtype, torch.tensor(-3.3, dtype=getattr(torch, dtype)), 5.1)
    ref = unirand.uniform(k, (6,), dtype, -3.3, 5.1)
    assert to_numpy(out).tobytes() == ref.tobytes()


def test_numpy_key_enters_jit_and_vmap():
    load("jax")
    import jax

    k = unirand.key(6)
    want = unirand.uniform(k, (3,), minval=0.1, maxval=0.7)
    got = jax.jit(lambda key: unirand.uniform(key, (3,), minval=0.1, maxval=0.7))(k)
    assert np.asarray(got).tobytes() == want.tobytes()
    keys = unirand.split(k, 4)  # NumPy keys, batched by vmap
    out = jax.vmap(lambda key: unirand.bits(key, (2,)))(keys)
    assert np.asarray(out).tobytes() == np.stack([unirand.bits(x, (2,)) for x in keys]).tobytes()
    back = jax.jit(lambda key: unirand.split(key, 2))(k)  # keys come out of jit on JAX
    assert back.xp == "jax" and back == unirand.split(k, 2)


@pytest.mark.parametrize("name", ["numpy", "jax", "jax:portable"])
def test_keys_carry_through_lax_scan(name):
    """A key's tree structure is the same outside a transformation and inside it, where it
    lives on JAX: scan compares the carry in and out (the backend as aux data broke that)."""
    load("jax")
    import jax

    from unirand.backends import by_name

    k = unirand.key(6).to(name)

    def body(carry, _):
        carry, sub = unirand.split(carry)
        return carry, unirand.bits(sub, ())

    carry, out = jax.lax.scan(body, k, None, length=3)
    want, bits = k, []
    for _ in range(3):
        want, sub = unirand.split(want)
        bits.append(int(unirand.bits(sub, ())))
    assert carry == want and to_numpy(out).tolist() == bits
    # inside, every key lived on JAX; a "jax:portable" key stayed one
    assert carry._backend is (k._backend if name == "jax:portable" else by_name("jax"))
    total = jax.lax.fori_loop(0, 2, lambda i, kk: unirand.split(kk)[0], k)
    assert total == unirand.split(unirand.split(k)[0])[0]
    if name != "jax:portable":
        assert jax.tree_util.tree_structure(k) == jax.tree_util.tree_structure(k.to("jax"))


def test_tree_map_keeps_the_leafs_library():
    load("jax")
    torch = load("torch")
    import jax

    k = unirand.key(2).to(torch)
    same = jax.tree_util.tree_map(lambda x: x, k)
    assert same.xp == "torch" and same == k
    host = jax.tree_util.tree_map(lambda x: x.numpy(), k)
    assert host.xp == "numpy" and host == k
    keys = unirand.split(unirand.key(2), 2)
    spec = jax.tree_util.tree_map(lambda x: 0, keys)  # a prefix tree of in_axes: a NumPy key
    out = jax.vmap(lambda kk: unirand.bits(kk, ()), in_axes=(spec,))(keys)
    assert to_numpy(out).tolist() == [int(unirand.bits(x, ())) for x in keys]


def test_a_key_used_as_a_jax_key_or_array_names_jax_key():
    """JAX looks ``__jax_array__`` up on whatever it is given in place of a key or an array; a
    portable key answers with the TypeError that says to pass ``key.jax_key()`` (no JAX import:
    the lookup is JAX's, the error unirand's; tests/integrations try it through JAX itself)."""
    with pytest.raises(TypeError, match=r"a unirand key is not a JAX key.*Pass key\.jax_key\(\)"):
        getattr(unirand.key(0), "__jax_array__", None)
    with pytest.raises(TypeError, match=r"keys of shape \(2, 3\) are not JAX keys.*jax_key\(\)"):
        getattr(unirand.split(unirand.key(0), (2, 3)), "__jax_array__", None)


def test_keys_cannot_be_mutated_through_their_data():
    k = unirand.key(1)
    data = unirand.key_data(k)
    with pytest.raises(ValueError):
        data[0] = 5  # read-only view
    raw = np.array([0, 7], np.uint32)
    w = unirand.wrap_key_data(raw)
    raw[1] = 8  # the key took a copy
    assert w == unirand.key(7)
    torch = load("torch")
    t = unirand.key(1).to(torch)
    unirand.key_data(t)[1] = 99  # a copy: the key keeps its value
    assert t == unirand.key(1)


def test_default_device_is_where_the_key_lives():
    strict = load("array_api_strict")
    dev = strict.Device("device1")
    k = unirand.key(3).to(strict, device=dev)
    out = unirand.bits(k, (4,))
    assert out.device == dev and unirand.uniform(k, (2,), minval=0.1, maxval=0.7).device == dev
    assert unirand.split(k).device == dev


def test_indexing_into_the_key_data_is_refused():
    keys = unirand.split(unirand.key(0), 3)
    with pytest.raises(IndexError, match="reaches into the key data"):
        keys[0, 0]


def test_unpickle_falls_back_when_the_device_is_missing():
    from unirand.keys.portable import _unpickle

    load("torch")
    k = _unpickle("threefry2x32", np.array([0, 5], np.uint32), "torch", "cuda:7")
    assert k == unirand.key(5)


def test_key_made_before_jax_import_enters_jit():
    import subprocess
    import sys

    load("jax")
    code = (
        "import unirand, numpy as np; k = unirand.key(0); import jax;"
        "out = jax.jit(lambda kk: unirand.bits(kk, (3,)))(k);"
        "assert np.asarray(out).tolist() == unirand.bits(k, (3,)).tolist()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    for xp in ("jax", "jax:portable"):  # JAX first imported by unirand itself
        code = (
            "import unirand, numpy as np; k = unirand.key(0);"
            f"out = unirand.normal(k, (3,), xp={xp!r});"
            "assert np.asarray(out).tobytes() == unirand.normal(k, (3,)).tobytes();"
            "import jax; jax.jit(lambda kk: unirand.bits(kk, (3,)))(k)"
        )
        subprocess.run([sys.executable, "-c", code], check=True)


def test_xp_jax_portable_forces_the_array_api_engine():
    load("jax")
    k = unirand.key(3)
    out = unirand.normal(k, (64,), xp="jax:portable")
    assert np.asarray(out).tobytes() == unirand.normal(k, (64,)).tobytes()
    from unirand.backends import resolve
    from unirand.backends.jax import REFERENCE

    assert resolve("jax:portable") is REFERENCE


def test_traced_key_can_switch_to_the_jax_portable_engine():
    load("jax")
    import jax

    k = unirand.key(4).to(jax)
    out = jax.jit(lambda kk: unirand.normal(kk, (8,), xp="jax:portable"))(k)
    assert np.asarray(out).tobytes() == unirand.normal(unirand.key(4), (8,)).tobytes()


# -- indexing: out-of-range indices raise on every library (JAX would clamp) ----------------------
@pytest.mark.parametrize("name", ["numpy", "torch", "jax"])
@pytest.mark.parametrize(
    "index",
    [5, 2, -3, (0, 3), (1, -4), (..., 3), (slice(None), 7), np.int64(2), [0, 2], np.array([-3])],
    ids=repr,
)
def test_out_of_range_index_raises(name, index):
    load(name)
    keys = unirand.split(unirand.key(1), (2, 3)).to(name)
    with pytest.raises(IndexError, match="out of range"):
        keys[index]


@pytest.mark.parametrize("name", ["numpy", "torch", "jax"])
def test_valid_indices_and_slices_unchanged(name):
    load(name)
    keys = unirand.split(unirand.key(1), (2, 3)).to(name)
    host = unirand.split(unirand.key(1), (2, 3))
    assert keys[1] == host[1] and keys[-2] == host[0] and keys[-1, -3] == host[1, 0]
    assert keys[1:9].shape == (1, 3) and keys[5:].shape == (0, 3)
    assert keys[..., 2] == host[:, 2] and keys[None].shape == (1, 2, 3)
    assert keys[[1, 0]] == host[[1, 0]]


def test_jax_scalar_array_index_is_checked():
    jnp = load("jax")
    keys = unirand.split(unirand.key(1), 2).to("jax")
    with pytest.raises(IndexError, match="out of range"):
        keys[jnp.int32(5)]


def test_traced_index_keeps_jax_semantics():
    load("jax")
    import jax

    keys = unirand.split(unirand.key(1), 4).to("jax")
    f = jax.jit(lambda k, i: unirand.key_data(k[i]))
    assert to_numpy(f(keys, 7)).tolist() == to_numpy(unirand.key_data(keys[3])).tolist()
    assert to_numpy(f(keys, 1)).tolist() == to_numpy(unirand.key_data(keys[1])).tolist()


def test_unclear_errors_made_clear():
    """Issue 11, item 13: ValueErrors that name the argument, not library internals."""
    with pytest.raises(ValueError, match=r"data values must be in \[0, 2\*\*32\)"):
        unirand.wrap_key_data([2**64, 0])
    torch = pytest.importorskip("torch")
    key = unirand.key(0)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"'cuda'.*no CUDA device"):
            unirand.uniform(key, (3,), xp="torch", device="cuda")
        with pytest.raises(ValueError, match="no CUDA device"):
            key.to("torch", "cuda:0")
    with pytest.raises(ValueError, match="meta tensor holds no numbers"):
        key.to("torch", "meta")
