"""randint, permutation, shuffle, choice, truncated_normal: every golden case from JAX, bytes
compared on every installed backend.

The vectors (``conformance/vectors/jax_samplers.v1.json``) were generated from jax.random,
called eagerly, by conformance/generate_jax_samplers.py (jax 0.10.2, x64 on, partitionable
threefry, XLA:CPU with FMA); nothing here was produced by unirand.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy
from golden import apply_ops, assert_matches, load as load_vectors

import unirand
from unirand.samplers.randint import INT_DTYPES

VECTORS = "jax_samplers.v1.json"
CASES = load_vectors(VECTORS)["cases"]


def _np_dtype(name):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def _decode(v):
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return float(v) if isinstance(v, str) else v


def _ints(v, dtype):
    return v if isinstance(v, int) else np.asarray(v, dtype)


def run(case, key, xp=None):
    fn = case["fn"]
    params = dict(case["params"])
    shape = None if case["shape"] is None else tuple(case["shape"])
    if fn == "randint":
        bd = params.pop("bound_dtype", "int64")
        lo, hi = _ints(params["minval"], bd), _ints(params["maxval"], bd)
        return unirand.randint(key, shape, lo, hi, case["dtype"], xp=xp)
    if fn == "permutation":
        x = _ints(params.pop("x"), params.pop("x_dtype", "int64"))
        return unirand.permutation(key, x, **params, xp=xp)
    if fn == "choice":
        a = _ints(params.pop("a"), params.pop("a_dtype", "int64"))
        if "p" in params:
            params["p"] = np.asarray(_decode(params["p"]), _np_dtype(case["dtype"]))
        return unirand.choice(key, a, shape, **params, xp=xp)
    if fn == "truncated_normal":
        dt = case["dtype"]

        def bound(v):
            return np.asarray(_decode(v), _np_dtype(dt)) if isinstance(v, list) else float(v)

        return unirand.truncated_normal(
            key, bound(params["lower"]), bound(params["upper"]), shape, dt, xp=xp
        )
    raise ValueError(fn)


def _key(case, xp=None):
    key = unirand.key(case["seed"])
    return apply_ops(key if xp is None else key.to(xp), case["ops"])


def _check(case, got, backend):
    # every backend bitwise, torch's float64 included (its log is glibc's, emulated)
    assert_matches(case, got)


def _params(cases):
    return pytest.mark.parametrize("case", cases, ids=[c["name"] for c in cases])


def test_vectors_cover_every_function_and_dtype():
    header = load_vectors(VECTORS)["header"]
    assert header["jax_enable_x64"] and header["jax_threefry_partitionable"]
    fns = {c["fn"] for c in CASES}
    assert fns == {"randint", "permutation", "choice", "truncated_normal"}
    assert {c["dtype"] for c in CASES if c["fn"] == "randint"} == set(INT_DTYPES)
    for fn in ("randint", "truncated_normal", "choice"):
        assert any(c["shape"] == [100_000] for c in CASES if c["fn"] == fn), fn
    assert any(c["params"].get("x") == 100_000 for c in CASES if c["fn"] == "permutation")


@_params(CASES)
@pytest.mark.parametrize("backend", ["numpy", "torch", "array_api_strict"])
def test_array_backends(case, backend):
    xp = load(backend)
    if backend == "array_api_strict" and case["dtype"] in ("float16", "bfloat16"):
        pytest.skip("array-api-strict has no 16-bit floats")
    _check(case, to_numpy(run(case, _key(case, xp))), backend)


_JAX = [c for i, c in enumerate(CASES) if i % 3 == 0 or c["shape"] == [100_000]]


@_params(_JAX)
def test_jax_native(case):
    with jax_x64(True) as jax:
        assert_matches(case, to_numpy(run(case, _key(case, jax))))


_REF = [c for i, c in enumerate(CASES) if i % 5 == 1]


@_params(_REF)
def test_jax_reference_engine(case):
    with jax_x64(True):
        from unirand.backends.jax import REFERENCE

        _check(case, to_numpy(run(case, _key(case, REFERENCE))), "jax")


def test_shuffle_is_independent_permutation():
    key = unirand.key(9)
    x = np.arange(60).reshape(3, 4, 5)
    for axis in (0, 1, 2):
        a = unirand.shuffle(key, x, axis)
        b = unirand.permutation(key, x, axis, independent=True)
        assert a.tobytes() == b.tobytes()
        assert (np.sort(a, axis=axis) == x).all()


def test_jit_jax_native():
    with jax_x64(True) as jax:
        key = unirand.key(3).to(jax)
        out = jax.jit(lambda k: unirand.permutation(k, 50))(key)
        assert to_numpy(out).tobytes() == unirand.permutation(unirand.key(3), 50).tobytes()
        out = jax.jit(lambda k: unirand.randint(k, (20,), 0, 7))(key)
        assert to_numpy(out).tobytes() == unirand.randint(unirand.key(3), (20,), 0, 7).tobytes()


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (
            lambda k: unirand.randint(k, (2,), 0.0, 5),
            TypeError,
            "minval must have an integer dtype",
        ),
        (
            lambda k: unirand.randint(k, (2,), 0, 5.5),
            TypeError,
            "maxval must have an integer dtype",
        ),
        (
            lambda k: unirand.randint(k, (2,), 0, 5, "float32"),
            TypeError,
            "dtype must be an integer",
        ),
        (lambda k: unirand.randint(k, (2,), 0, 2**63), OverflowError, "maxval"),
        (lambda k: unirand.randint(k, (2,), np.zeros(3, int), 5), ValueError, "broadcast"),
        (lambda k: unirand.randint(k, (2,), True, 5), TypeError, "minval"),
        (lambda k: unirand.permutation(k, 2.5), TypeError, "x must be an integer"),
        (lambda k: unirand.permutation(k, np.zeros(3), axis=1), ValueError, "axis"),
        (lambda k: unirand.permutation(k, 5, independent=1), TypeError, "independent"),
        (lambda k: unirand.shuffle(k, 5), TypeError, "shuffle takes an array"),
        (lambda k: unirand.choice(k, 3, (4,), replace=False), ValueError, "larger sample"),
        (lambda k: unirand.choice(k, 0, (1,)), ValueError, "greater than 0"),
        (lambda k: unirand.choice(k, 3, 2), TypeError, "shape must be a sequence"),
        (lambda k: unirand.choice(k, 3, (2,), p=[1, 0, 0]), TypeError, "p must have a floating"),
        (lambda k: unirand.choice(k, 3, (2,), p=[0.5, 0.6, -0.1]), ValueError, "non-negative"),
        (lambda k: unirand.choice(k, 3, (2,), p=[0.5, 0.6, 0.1]), ValueError, "sum to 1"),
        (lambda k: unirand.choice(k, 3, (2,), p=[0.5, 0.5]), ValueError, "1-d array"),
        (lambda k: unirand.choice(k, 3, (2,), p=[0.5, float("nan"), 0.5]), ValueError, "finite"),
        (lambda k: unirand.choice(k, 3, (2,), False, [1.0, 0.0, 0.0]), ValueError, "non-zero"),
        (lambda k: unirand.truncated_normal(k, 1.0, 1.0), ValueError, "lower must be < upper"),
        (lambda k: unirand.truncated_normal(k, 2.0, -1.0), ValueError, "lower must be < upper"),
        (lambda k: unirand.truncated_normal(k, float("nan"), 1.0), ValueError, "NaN"),
        (lambda k: unirand.truncated_normal(k, True, 1.0), TypeError, "lower must be a number"),
        (lambda k: unirand.truncated_normal(k, -1.0, 1.0, (2,), "int32"), TypeError, "dtype"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call(unirand.key(0))


def test_choice_with_replacement_without_p_needs_x64_on_jax():
    with jax_x64(False) as jax:
        key = unirand.key(0).to(jax)
        with pytest.raises(TypeError, match="jax_enable_x64"):
            unirand.choice(key, 5, (3,))
        assert to_numpy(unirand.permutation(key, 5)).dtype == np.int32


def test_integer_bounds_are_converted_as_jax_does():
    """``jax.random.truncated_normal(key, -1, 2)`` converts integer bounds to the dtype."""
    key = unirand.key(3)
    a = unirand.truncated_normal(key, -1, 2, (50,))
    assert a.tobytes() == unirand.truncated_normal(key, -1.0, 2.0, (50,)).tobytes()
    b = unirand.truncated_normal(key, np.array([-1, 0]), 2, (2,))
    assert b.tobytes() == unirand.truncated_normal(key, np.array([-1.0, 0.0]), 2.0, (2,)).tobytes()
    jax = pytest.importorskip("jax")
    want = jax.random.truncated_normal(
        jax.random.wrap_key_data(unirand.key_data(key)), -1, 2, (50,)
    )
    assert a.tobytes() == np.asarray(want).tobytes()


def test_uniform_bounds_of_another_library_are_converted_by_value():
    """Issue 11, item 2: float64 JAX bounds with xp=torch were read as float32 bytes."""
    torch = pytest.importorskip("torch")
    with jax_x64(True) as jax:
        k = unirand.key(0)
        hi = [2.0, 4.0, 2.0, 4.0]
        want = to_numpy(unirand.uniform(k, (3, 4), "float32", 0.0, np.array(hi), xp="numpy"))
        for xp, bound in (
            ("torch", jax.numpy.array(hi)),
            ("jax", torch.tensor(hi, dtype=torch.float64)),
            ("numpy", torch.tensor(hi, dtype=torch.float64)),
            ("numpy", jax.numpy.array(hi)),
        ):
            got = to_numpy(unirand.uniform(k, (3, 4), "float32", 0.0, bound, xp=xp))
            assert got.tobytes() == want.tobytes(), (xp, type(bound))


@pytest.mark.parametrize("xp", ["numpy", "torch", "jax"])
@pytest.mark.parametrize("bad", ["0", None, object(), b"1"])
def test_uniform_refuses_bounds_that_are_not_numbers(xp, bad):
    """Issue 11, item 11: NumPy accepted minval="0" and None (all NaN)."""
    load(xp)
    with pytest.raises(TypeError, match="minval must be a number"):
        unirand.uniform(unirand.key(0), (3,), "float32", bad, xp=xp)


@pytest.mark.parametrize("xp", ["numpy", "torch", "jax"])
def test_uniform_bounds_must_broadcast_to_shape(xp):
    """Issue 11, item 11: bounds with more dimensions than shape changed the result's shape."""
    load(xp)
    with pytest.raises(ValueError, match="must broadcast to the shape argument"):
        unirand.uniform(unirand.key(0), (3,), "float32", 0.0, np.ones((2, 3)), xp=xp)


# -- shape () with scalar parameters: shape () everywhere, as jax.random ------------------------
_SCALAR_CALLS = {
    "truncated_normal": lambda k, xp: unirand.truncated_normal(k, -1.0, 1.0, (), xp=xp),
    "truncated_normal_none": lambda k, xp: unirand.truncated_normal(k, -1.0, 1.0, xp=xp),
    "truncated_normal_f16": lambda k, xp: unirand.truncated_normal(
        k, -1.0, 1.0, (), "float16", xp=xp
    ),
    "bernoulli": lambda k, xp: unirand.bernoulli(k, 0.3, (), xp=xp),
    "bernoulli_none": lambda k, xp: unirand.bernoulli(k, 0.3, xp=xp),
    "categorical": lambda k, xp: unirand.categorical(k, np.zeros(3, np.float32), shape=(), xp=xp),
    "exponential": lambda k, xp: unirand.exponential(k, (), xp=xp),
    "gumbel": lambda k, xp: unirand.gumbel(k, (), xp=xp),
    "randint": lambda k, xp: unirand.randint(k, (), 0, 10, xp=xp),
    "choice": lambda k, xp: unirand.choice(k, 5, (), replace=False, xp=xp),
}


@pytest.mark.parametrize("name", list(_SCALAR_CALLS))
@pytest.mark.parametrize("xp", ["numpy", "torch", "jax", "jax:portable"])
def test_scalar_shape_gives_scalar_result(xp, name):
    load(xp.split(":")[0])
    out = _SCALAR_CALLS[name](unirand.key(3), xp)
    assert tuple(out.shape) == ()


@pytest.mark.parametrize("xp", ["numpy", "torch", "jax", "jax:portable"])
def test_truncated_normal_scalar_is_the_first_of_one(xp):
    load(xp.split(":")[0])
    k = unirand.key(3)
    one = to_numpy(unirand.truncated_normal(k, -1.0, 1.0, (1,), xp=xp))
    scalar = to_numpy(unirand.truncated_normal(k, -1.0, 1.0, (), xp=xp))
    assert scalar.shape == () and scalar.tobytes() == one[0].tobytes()
