"""bernoulli, exponential, gumbel and categorical: every golden case from JAX, bytes compared.

The vectors (``conformance/vectors/jax_distributions.v1.json``) were generated from jax.random
by conformance/generate_jax_distributions.py (jax 0.10.2, x64 on, partitionable threefry,
XLA:CPU with FMA); nothing here was produced by unirand.  Also: the argument rules, the errors,
and a few statistical sanity checks.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand

VECTORS = "jax_distributions.v1.json"
LARGE = 100_000
CASES = load_vectors(VECTORS)["cases"]
IDS = [c["name"] for c in CASES]


def _np_dtype(name: str):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return float(value) if isinstance(value, str) else value


def param_array(value, dtype: str) -> np.ndarray:
    return np.asarray(_decode(value), dtype=_np_dtype(dtype))


def run(case, key, xp=None, convert=None):
    """The case's call on a key that went through its ops; ``convert`` moves p/logits."""
    fn = case["fn"]
    params = dict(case["params"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    dtype = case["dtype"]
    convert = convert or (lambda a: a)
    if fn == "exponential":
        return unirand.exponential(key, shape, dtype, xp=xp, **params)
    if fn == "gumbel":
        return unirand.gumbel(key, shape, dtype, xp=xp, **params)
    if fn == "bernoulli":
        p = convert(param_array(params.pop("p"), dtype))
        return unirand.bernoulli(key, p, shape, xp=xp, **params)
    if fn == "categorical":
        logits = convert(param_array(params.pop("logits"), dtype))
        return unirand.categorical(key, logits, shape=shape, xp=xp, **params)
    raise ValueError(f"unknown fn {fn!r}")


def _key(case, xp=None):
    key = unirand.key(case["seed"])
    return apply_ops(key if xp is None else key.to(xp), case["ops"])


def _sample(step: int, offset: int = 0, cases=CASES):
    """Every ``step``-th case (sorted by name: every function and dtype is hit)."""
    return [c for i, c in enumerate(cases) if i % step == offset]


def _params(cases):
    return pytest.mark.parametrize("case", cases, ids=[c["name"] for c in cases])


# -- golden cases -----------------------------------------------------------------------------
def test_vectors_cover_every_function_dtype_and_size():
    header = load_vectors(VECTORS)["header"]
    assert header["jax_enable_x64"] and header["jax_threefry_partitionable"]
    seen = {(c["fn"], c["dtype"]) for c in CASES}
    assert seen == {
        (fn, dt)
        for fn in ("bernoulli", "exponential", "gumbel", "categorical")
        for dt in ("float16", "bfloat16", "float32", "float64")
    }
    for fn in ("bernoulli", "exponential", "gumbel", "categorical"):
        sizes = [math.prod(c["shape"] or [1]) for c in CASES if c["fn"] == fn]
        if fn == "categorical":  # 10**5 Gumbel values: 1000 draws over 100 categories
            sizes = [
                math.prod(c["shape"] or [1]) * len(c["params"]["logits"])
                for c in CASES
                if c["fn"] == fn
            ]
        assert max(sizes) >= 10**5, fn


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("backend", ["numpy", "torch", "array_api_strict"])
def test_array_backends(case, backend):
    xp = load(backend)
    key = _key(case, xp)
    if backend == "array_api_strict" and case["dtype"] in ("float16", "bfloat16"):
        with pytest.raises(TypeError, match=f"no dtype {case['dtype']}"):
            run(case, key)
        return
    # torch's float64 included: its log is glibc's, emulated, so no allowance
    assert_matches(case, to_numpy(run(case, key)))


def _torch_from_numpy(a):
    import torch

    if a.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


@_params(_sample(3))
def test_numpy_key_computed_elsewhere(case):
    """A NumPy key asked for torch output (``xp=``), p/logits given as torch tensors."""
    torch = load("torch")
    assert_matches(case, to_numpy(run(case, _key(case), xp=torch, convert=_torch_from_numpy)))


#: JAX compiles per shape: its paths replay the cases that share a few shapes (257, 1000,
#: 10**5 values, 3x7 logits), plus a spread of the others
_SHARED = [
    c for c in CASES if c["shape"] in ([257], [1000], [LARGE]) or "logits=3x7/axis=-1/" in c["name"]
]
_NATIVE = (
    [(c, True) for c in _SHARED]
    + [(c, True) for c in _sample(8) if c not in _SHARED]
    + [(c, False) for c in _sample(2, 1, _SHARED)]
)


@pytest.mark.parametrize(
    ("case", "x64"),
    _NATIVE,
    ids=[f"{'x64-on' if x64 else 'x64-off'}-{c['name']}" for c, x64 in _NATIVE],
)
def test_jax_native(case, x64):
    with jax_x64(x64) as jax:
        key = _key(case, jax)
        if case["dtype"] == "float64" and not x64:
            with pytest.raises(TypeError, match="jax_enable_x64"):
                run(case, key)
            return
        got = to_numpy(run(case, key, convert=jax.numpy.asarray))
        if case["fn"] == "categorical" and not x64 and case["params"].get("replace", True):
            assert got.dtype == np.int32  # jnp.argmax's index type without x64
            got = got.astype(np.int64)
        assert_matches(case, got)


@_params(_sample(10, 2))
def test_jax_native_under_jit(case):
    with jax_x64(True) as jax:
        key = unirand.key(case["seed"]).to(jax)
        out = jax.jit(lambda k: run(case, apply_ops(k, case["ops"])))(key)
        assert_matches(case, to_numpy(out))


#: the reference engine runs op by op on JAX, each op compiled once per shape
_REF_CASES = [c for c in _SHARED if c["shape"] != [1000]]


@_params(_REF_CASES)
def test_jax_reference_engine(case):
    """The array-API code itself (not jax.random) on jax.numpy, eagerly."""
    with jax_x64(True):
        from unirand.backends.jax import REFERENCE

        assert_matches(case, to_numpy(run(case, _key(case, REFERENCE))))


@_params(_sample(2, 0, [c for c in _REF_CASES if c["dtype"] != "float64"]))
def test_jax_reference_engine_withoutjax_x64(case):
    """float32 FMA emulation in float32 alone, int32 indices: JAX without 64-bit types."""
    with jax_x64(False):
        from unirand.backends.jax import REFERENCE

        got = to_numpy(run(case, _key(case, REFERENCE)))
        if got.dtype == np.int32 and case["expected"]["dtype"] == "int64":
            got = got.astype(np.int64)
        assert_matches(case, got)


@pytest.mark.parametrize("fn", ["bernoulli", "exponential", "gumbel", "categorical"])
def test_vmap_over_split_keys(fn):
    jax = load("jax") and pytest.importorskip("jax")
    calls = {
        "bernoulli": lambda k: unirand.bernoulli(k, np.float32(0.3), (6,)),
        "exponential": lambda k: unirand.exponential(k, (6,)),
        "gumbel": lambda k: unirand.gumbel(k, (6,), mode="high"),
        "categorical": lambda k: unirand.categorical(
            k, np.linspace(-1, 1, 5, dtype=np.float32), shape=(6,)
        ),
    }
    keys = unirand.split(unirand.key(3), 4)
    with jax_x64(True):
        batched = jax.vmap(calls[fn])(keys.to(jax))
    one_by_one = np.stack([np.asarray(calls[fn](k)) for k in keys])
    assert np.asarray(batched).tobytes() == one_by_one.tobytes()


# -- arguments as JAX takes them ----------------------------------------------------------------
def test_python_floats_are_float32():
    key = unirand.key(5)
    a = unirand.bernoulli(key, 0.3, (100,))
    assert a.dtype == np.bool_ and a.shape == (100,)
    assert a.tobytes() == unirand.bernoulli(key, np.float32(0.3), (100,)).tobytes()
    logits = [0.5, -1.0, 2.0]
    got = unirand.categorical(key, logits, shape=(50,))
    assert got.dtype == np.int64
    assert got.tobytes() == unirand.categorical(key, np.float32(logits), shape=(50,)).tobytes()


def test_bernoulli_p_shape_and_extremes():
    key = unirand.key(11)
    assert unirand.bernoulli(key).shape == ()
    assert unirand.bernoulli(key, np.full((2, 3), 0.5, np.float32)).shape == (2, 3)
    assert unirand.bernoulli(key, np.float32([0.1, 0.9]), (4, 2)).shape == (4, 2)
    assert unirand.bernoulli(key, 1.5, (1000,)).all()  # p outside [0, 1] is allowed, as in JAX
    assert not unirand.bernoulli(key, -0.5, (1000,)).any()
    assert not unirand.bernoulli(key, float("nan"), (1000,)).any()
    assert not unirand.bernoulli(key, 0.0, (1000,)).any()
    assert unirand.bernoulli(key, 1.0, (1000,)).all()


def test_results_live_where_asked():
    torch = load("torch")
    key = unirand.key(2)
    assert isinstance(unirand.exponential(key, (3,), xp=torch), torch.Tensor)
    assert unirand.gumbel(key.to(torch), (3,), "bfloat16").dtype == torch.bfloat16
    assert unirand.bernoulli(key.to(torch), torch.tensor([0.2, 0.8])).dtype == torch.bool
    assert unirand.categorical(key.to(torch), torch.zeros(4, 3)).dtype == torch.int64


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda k: unirand.bernoulli(k, 1), TypeError, "p must have a floating dtype"),
        (lambda k: unirand.bernoulli(k, True), TypeError, "p must have a floating dtype"),
        (
            lambda k: unirand.bernoulli(k, np.array([0, 1])),
            TypeError,
            "p must have a floating dtype",
        ),
        (lambda k: unirand.bernoulli(k, [1, 0]), TypeError, "p must have a floating dtype"),
        (lambda k: unirand.bernoulli(k, "0.5"), TypeError, "p must"),
        (lambda k: unirand.bernoulli(k, 0.5, (-1,)), ValueError, "shape"),
        (
            lambda k: unirand.bernoulli(k, np.float32([0.1, 0.2, 0.3]), (2,)),
            ValueError,
            "broadcast",
        ),
        (lambda k: unirand.bernoulli(k, np.float32([0.1, 0.2]), ()), ValueError, "broadcast"),
        (lambda k: unirand.bernoulli(k, 0.5, mode="highest"), ValueError, "mode"),
        (lambda k: unirand.exponential(k, (2,), "int32"), TypeError, "dtype must be one of"),
        (lambda k: unirand.exponential(k, (2,), np.uint8), TypeError, "dtype must be one of"),
        (lambda k: unirand.exponential(k, 2.5), TypeError, "shape"),
        (lambda k: unirand.gumbel(k, (2,), "int64"), TypeError, "dtype must be one of"),
        (lambda k: unirand.gumbel(k, (2,), mode="medium"), ValueError, "mode"),
        (
            lambda k: unirand.categorical(k, [1, 2, 3]),
            TypeError,
            "logits must have a floating dtype",
        ),
        (lambda k: unirand.categorical(k, np.arange(3)), TypeError, "logits must have a floating"),
        (lambda k: unirand.categorical(k, 1.0), ValueError, "at least one dimension"),
        (lambda k: unirand.categorical(k, np.zeros((2, 3)), axis=2), ValueError, "axis"),
        (lambda k: unirand.categorical(k, np.zeros((2, 3)), axis=1.0), TypeError, "axis"),
        (lambda k: unirand.categorical(k, np.zeros((2, 3)), shape=(3,)), ValueError, "broadcast"),
        (
            lambda k: unirand.categorical(k, np.zeros(3), shape=(4,), replace=False),
            ValueError,
            "exceed",
        ),
        (lambda k: unirand.categorical(k, np.zeros(3), replace=None), TypeError, "replace"),
        (lambda k: unirand.categorical(k, np.zeros(3), mode="x"), ValueError, "mode"),
        (lambda k: unirand.categorical(k, np.zeros((2, 0))), ValueError, "category"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call(unirand.key(0))


@pytest.mark.parametrize(
    "call",
    [
        lambda k: unirand.bernoulli(k),
        lambda k: unirand.exponential(k),
        lambda k: unirand.gumbel(k),
        lambda k: unirand.categorical(k, np.zeros(3)),
    ],
)
def test_keys_checked(call):
    with pytest.raises(ValueError, match="single key"):
        call(unirand.split(unirand.key(0), 2))
    with pytest.raises(TypeError, match="unirand key"):
        call(np.array([0, 1], np.uint32))


def test_float64_needs_x64_on_jax():
    with jax_x64(False) as jax:
        key = unirand.key(0).to(jax)
        with pytest.raises(TypeError, match="jax_enable_x64"):
            unirand.exponential(key, (2,), "float64")
        with pytest.raises(TypeError, match="jax_enable_x64"):
            unirand.bernoulli(key, np.float64(0.5))
        assert unirand.categorical(key, [0.0, 1.0]).dtype == np.int32


def test_array_api_strict_lacks_16_bit():
    xps = load("array_api_strict")
    key = unirand.key(0).to(xps)
    with pytest.raises(TypeError, match="no dtype float16"):
        unirand.bernoulli(key, np.float16(0.5))
    with pytest.raises(TypeError, match="no dtype bfloat16"):
        unirand.gumbel(key, (2,), "bfloat16")


# -- statistics (fixed keys: deterministic) ----------------------------------------------------
N = 200_000
SE = 1 / math.sqrt(N)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exponential_moments(dtype):
    x = unirand.exponential(unirand.key(101), (N,), dtype).astype(np.float64)
    assert x.min() >= 0
    assert abs(x.mean() - 1) < 5 * SE  # sd 1
    assert abs(x.var() - 1) < 5 * math.sqrt(8) * SE  # sd of the sample variance: sqrt(8/N)


@pytest.mark.parametrize("mode", ["low", "high", "highest"])
def test_gumbel_moments(mode):
    x = unirand.gumbel(unirand.key(102), (N,), mode=mode).astype(np.float64)
    assert abs(x.mean() - np.euler_gamma) < 5 * (math.pi / math.sqrt(6)) * SE
    assert abs(x.var() - math.pi**2 / 6) < 0.05


@pytest.mark.parametrize("mode", ["low", "high"])
def test_bernoulli_mean(mode):
    x = unirand.bernoulli(unirand.key(103), 0.3, (N,), mode=mode)
    assert abs(x.mean() - 0.3) < 5 * math.sqrt(0.21) * SE


def test_categorical_frequencies():
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    x = unirand.categorical(unirand.key(104), logits, shape=(N,))
    freq = np.bincount(x, minlength=4) / N
    assert np.abs(freq - [0.1, 0.2, 0.3, 0.4]).max() < 5 * 0.5 * SE
    picked = unirand.categorical(unirand.key(105), logits, shape=(4,), replace=False)
    assert sorted(picked.tolist()) == [0, 1, 2, 3]
