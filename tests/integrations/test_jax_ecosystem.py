"""A portable key beside the real JAX, flax and equinox: what takes it, and what it takes.

JAX 0.10 has no extension point that makes an object of another library a JAX key
(``unirand/keys/pytree.py`` says where its source decides), so none of these libraries takes a
portable key unchanged.  What is tested here, against the libraries themselves (pinned
by the ``test-integrations`` extra; a missing one is skipped):

* ``key.jax_key()`` gives every library exactly the numbers of the same call made with
  ``jax.random.wrap_key_data(unirand.key_data(key))`` (compared bit for bit), for single keys,
  batches (through ``jax.vmap``) and keys traced by ``jax.jit``;
* a key passed unchanged to ``jax.random`` or equinox raises unirand's ``TypeError``, which
  names ``key.jax_key()``; flax's own errors, which unirand cannot reach, are pinned with the
  text docs/keys.md quotes;
* portable keys still pass through ``jit``, ``vmap``, ``lax.scan`` and equinox's filtered
  transformations as pytrees.
"""

from __future__ import annotations

import numpy as np
import pytest

import unirand

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

SEEDS = [0, 42, 2**32 + 5, -1]
NAMES_JAX_KEY = r"jax_key\(\)"
X = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)


def reference(key):
    """The JAX key every comparison is made against: the key's data, wrapped by JAX."""
    return jax.random.wrap_key_data(jnp.asarray(unirand.key_data(key)), impl="threefry2x32")


def assert_bitwise(got, want):
    """Two pytrees of arrays with the same structure, dtypes, shapes and bytes."""
    got_leaves, got_tree = jax.tree_util.tree_flatten(got)
    want_leaves, want_tree = jax.tree_util.tree_flatten(want)
    assert got_tree == want_tree
    for a, b in zip(got_leaves, want_leaves, strict=True):
        if jax.dtypes.issubdtype(getattr(a, "dtype", None), jax.dtypes.prng_key):
            a, b = jax.random.key_data(a), jax.random.key_data(b)
        a, b = np.asarray(a), np.asarray(b)
        assert (a.dtype, a.shape) == (b.dtype, b.shape)
        assert a.tobytes() == b.tobytes()


# -- jax.random ------------------------------------------------------------------------------------
JAX_RANDOM = {
    "normal": lambda k: jax.random.normal(k, (5,)),
    "uniform": lambda k: jax.random.uniform(k, (5,), minval=-2.0, maxval=3.0),
    "bits": lambda k: jax.random.bits(k, (5,)),
    "randint": lambda k: jax.random.randint(k, (5,), 0, 10),
    "split": lambda k: jax.random.split(k, 3),
    "fold_in": lambda k: jax.random.fold_in(k, 7),
    "categorical": lambda k: jax.random.categorical(k, jnp.zeros((4, 3))),
    "permutation": lambda k: jax.random.permutation(k, 6),
    "gamma": lambda k: jax.random.gamma(k, 2.0, (3,)),
    "key_data": jax.random.key_data,
}


@pytest.mark.parametrize("fn", JAX_RANDOM)
def test_jax_random_refuses_a_portable_key_naming_jax_key(fn):
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):
        JAX_RANDOM[fn](unirand.key(0))
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):  # a key living on JAX too
        JAX_RANDOM[fn](unirand.key(0).to("jax"))


def test_a_traced_key_is_refused_naming_jax_key():
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):
        jax.jit(lambda k: jax.random.normal(k, (2,)))(unirand.key(0))


def test_a_batch_is_refused_naming_its_shape():
    with pytest.raises(TypeError, match=r"shape \(3,\).*jax_key\(\)"):
        jax.random.normal(unirand.split(unirand.key(0), 3))
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):  # vmapped: each key is single
        jax.vmap(jax.random.normal)(unirand.split(unirand.key(0), 3))


def test_jax_numpy_refuses_a_portable_key_naming_jax_key():
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):
        jnp.asarray(unirand.key(0))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fn", JAX_RANDOM)
def test_jax_key_gives_jax_random_the_same_numbers(fn, seed):
    k = unirand.key(seed)
    assert_bitwise(JAX_RANDOM[fn](k.jax_key()), JAX_RANDOM[fn](reference(k)))


def test_jax_key_is_unirands_own_stream():
    k = unirand.key(3)
    assert_bitwise(jax.random.normal(k.jax_key(), (6,)), jnp.asarray(unirand.normal(k, (6,))))
    assert_bitwise(
        jax.random.key_data(jax.random.split(k.jax_key(), 4)),
        jnp.asarray(unirand.key_data(unirand.split(k, 4))),
    )


def test_jax_key_of_a_batch_is_a_key_array_for_vmap():
    keys = unirand.split(unirand.key(1), 3)
    jkeys = keys.jax_key()
    assert jkeys.shape == (3,)
    assert jax.dtypes.issubdtype(jkeys.dtype, jax.dtypes.prng_key)
    f = jax.vmap(lambda k: jax.random.normal(k, (2,)))
    assert_bitwise(f(jkeys), f(reference(keys)))
    with pytest.raises(ValueError, match="accepts a single key"):  # JAX's own batch rule
        jax.random.normal(jkeys)


def test_jax_key_inside_jit_and_vmap():
    k = unirand.key(5)
    got = jax.jit(lambda k: jax.random.normal(k.jax_key(), (4,)))(k)  # k is a pytree here
    assert_bitwise(got, jax.random.normal(reference(k), (4,)))
    keys = unirand.split(k, 3)
    got = jax.vmap(lambda k: jax.random.uniform(k.jax_key(), (2,)))(keys)
    assert_bitwise(got, jax.vmap(lambda k: jax.random.uniform(k, (2,)))(reference(keys)))


def test_portable_keys_stay_pytrees():
    k = unirand.key(2)
    out = jax.jit(lambda k: unirand.split(k))(k)
    assert out == unirand.split(k)
    assert out.xp == "jax"

    def body(carry, _):  # a NumPy key as the carry: the structure in and out is the same
        carry, sub = unirand.split(carry)
        return carry, unirand.normal(sub, ())

    carry, xs = jax.lax.scan(body, k, None, length=3)
    want, draws = k, []
    for _ in range(3):
        want, sub = unirand.split(want)
        draws.append(unirand.normal(sub, ()))
    assert carry == want
    assert_bitwise(xs, jnp.asarray(np.stack(draws)))


# -- equinox ---------------------------------------------------------------------------------------
def test_equinox_refuses_a_portable_key_naming_jax_key():
    eqx = pytest.importorskip("equinox")
    with pytest.raises(TypeError, match=NAMES_JAX_KEY):
        eqx.nn.Linear(4, 3, key=unirand.key(0))


@pytest.mark.parametrize("seed", SEEDS)
def test_equinox_modules_from_jax_key_are_bitwise_those_of_the_jax_key(seed):
    eqx = pytest.importorskip("equinox")
    k = unirand.key(seed)
    for make in (
        lambda key: eqx.nn.Linear(4, 3, key=key),
        lambda key: eqx.nn.MLP(4, 2, width_size=5, depth=2, key=key),
        lambda key: eqx.nn.Conv1d(2, 3, kernel_size=3, key=key),
    ):
        assert_bitwise(
            eqx.filter(make(k.jax_key()), eqx.is_array),
            eqx.filter(make(reference(k)), eqx.is_array),
        )
    dropout = eqx.nn.Dropout(0.5)
    assert_bitwise(dropout(jnp.ones(16), key=k.jax_key()), dropout(jnp.ones(16), key=reference(k)))


def test_a_portable_key_in_an_equinox_module_passes_filter_jit_and_filter_vmap():
    eqx = pytest.importorskip("equinox")

    class Noisy(eqx.Module):
        key: unirand.ThreefryKey

        def __call__(self, x):
            return x + unirand.normal(self.key, x.shape)

    k = unirand.key(9)
    x = jnp.zeros(3)
    assert_bitwise(eqx.filter_jit(Noisy(k))(x), x + jnp.asarray(unirand.normal(k, (3,))))
    keys = unirand.split(k, 2)
    out = eqx.filter_vmap(lambda key: unirand.normal(key, (2,)))(keys)
    assert_bitwise(out, jnp.asarray(np.stack([unirand.normal(keys[i], (2,)) for i in range(2)])))


# -- flax linen ------------------------------------------------------------------------------------
def _linen_model(nn):
    class Model(nn.Module):
        @nn.compact
        def __call__(self, x, train: bool = False):
            x = nn.Dense(5)(x)
            return nn.Dropout(0.5, deterministic=not train)(x)

    return Model()


def test_linen_refuses_a_portable_key_with_its_own_errors():
    nn = pytest.importorskip("flax.linen")
    errors = pytest.importorskip("flax.errors")
    model, k = _linen_model(nn), unirand.key(0)
    # flax checks isinstance(key, (np.ndarray, jax.Array)) and never asks the key: these are
    # its own messages, quoted in docs/keys.md
    with pytest.raises(errors.InvalidRngError, match=r"RNGs should be of shape \(2,\) or PRNGKey"):
        model.init(k, X)
    with pytest.raises(ValueError, match="First argument passed to an init function should be"):
        model.init({"params": k}, X)
    variables = model.init(jax.random.key(0), X)
    with pytest.raises(ValueError, match="The ``rngs`` argument passed to an apply function"):
        model.apply(variables, X, train=True, rngs={"dropout": k})


@pytest.mark.parametrize("seed", SEEDS)
def test_linen_init_and_apply_with_jax_key_are_bitwise_those_of_the_jax_key(seed):
    nn = pytest.importorskip("flax.linen")
    model = _linen_model(nn)
    k = unirand.key(seed)
    params_key, dropout_key = unirand.split(k)
    got = model.init(params_key.jax_key(), X)
    want = model.init(reference(params_key), X)
    assert_bitwise(got, want)
    assert_bitwise(model.init({"params": params_key.jax_key()}, X), want)
    assert_bitwise(
        model.apply(got, X, train=True, rngs={"dropout": dropout_key.jax_key()}),
        model.apply(want, X, train=True, rngs={"dropout": reference(dropout_key)}),
    )


# -- flax nnx --------------------------------------------------------------------------------------
def test_nnx_refuses_a_portable_key_with_its_own_error():
    nnx = pytest.importorskip("flax.nnx")
    with pytest.raises(ValueError, match="Invalid rng value: ThreefryKey"):
        nnx.Rngs(unirand.key(0))
    with pytest.raises(ValueError, match="Invalid rng value: ThreefryKey"):
        nnx.Rngs(params=unirand.key(0))


@pytest.mark.parametrize("seed", SEEDS)
def test_nnx_rngs_from_jax_key_are_bitwise_those_of_the_jax_key(seed):
    nnx = pytest.importorskip("flax.nnx")
    k = unirand.key(seed)
    params, dropout = unirand.split(k)

    def run(rngs):
        model = nnx.Linear(4, 5, rngs=rngs)
        drop = nnx.Dropout(0.5, rngs=rngs)
        return nnx.state(model), drop(model(jnp.asarray(X))), rngs.params()

    got = run(nnx.Rngs(params=params.jax_key(), dropout=dropout.jax_key()))
    want = run(nnx.Rngs(params=reference(params), dropout=reference(dropout)))
    assert_bitwise(got, want)
    assert_bitwise(nnx.Rngs(k.jax_key())(), nnx.Rngs(reference(k))())
