"""Per-request keys: a row's random draw depends on its own key and step, never on the batch.

The claim (docs/distributed.md, "Per-request keys"; examples/per_request_sampling.py runs it
as a toy server): with a key array ``request_keys`` (one key per request) and token ``t`` of a
request drawn with ``fold_in(request_keys[r], t)``, a row's token is the same whatever else is
in the batch (which requests, in which order, how many), on NumPy, torch and JAX (the key array
moved with ``.to(torch)`` / ``.to(jax)``), and it equals ``jax.vmap`` of the same per-row
``jax.random`` sampling.  The one-key-per-batch pattern is shown to depend on the batch, so
the invariance is not an accident of the data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import unirand

VOCAB = 48
REQUESTS = 6
STEPS = 4
SERVER = unirand.key(77)
REQUEST_KEYS = unirand.split(unirand.fold_in(SERVER, 1), REQUESTS)  # key r = fold_in(.., r)
#: request r's logits (a fixed row per request: the model's part is not under test)
LOGITS = np.asarray(unirand.normal(unirand.fold_in(SERVER, 2), (REQUESTS, VOCAB)) * 2.0)
#: batch compositions: different members, orders and sizes
BATCHES = [[0, 1, 2, 3, 4, 5], [5, 3, 1], [2], [3, 2, 5, 0, 1, 4], [1, 1, 5], [4]]

#: (request keys of the batch, steps, logits) -> one token per row
RowSampler = Callable[[Any, np.ndarray, np.ndarray], list[int]]


def loop_rows(xp: Any) -> RowSampler:
    """NumPy and torch: a loop over the rows, each with its own single key (samplers take one
    key, as jax.random's do)."""

    def sample(keys: Any, steps: np.ndarray, logits: np.ndarray) -> list[int]:
        lg = unirand.backends.resolve(xp).from_numpy(np.ascontiguousarray(logits), None)
        return [
            int(unirand.categorical(unirand.fold_in(keys[i], int(t)), lg[i], xp=xp))
            for i, t in enumerate(steps)
        ]

    return sample


def _jax_rows() -> RowSampler:
    """JAX: the batch in one jit(vmap(...)) over the key array."""
    import jax
    import jax.numpy as jnp

    @jax.jit
    def batched(keys: Any, steps: Any, logits: Any) -> Any:
        return jax.vmap(lambda k, t, lg: unirand.categorical(unirand.fold_in(k, t), lg))(
            keys, steps, logits
        )

    def sample(keys: Any, steps: np.ndarray, logits: np.ndarray) -> list[int]:
        out = batched(keys, jnp.asarray(steps, jnp.uint32), jnp.asarray(logits))
        return [int(v) for v in np.asarray(out)]

    return sample


@functools.cache
def _jax_random_batched() -> Callable[..., Any]:
    """The specification: jax.vmap of jax.random's per-row sampling (compiled once per size)."""
    import jax

    def row(k: Any, t: Any, lg: Any) -> Any:
        return jax.random.categorical(jax.random.fold_in(k, t), lg)

    return jax.jit(jax.vmap(row))


def _jax_random_rows(keys: Any, steps: np.ndarray, logits: np.ndarray) -> list[int]:
    """jax.random's tokens for the rows, on the same keys (a JAX key array)."""
    import jax.numpy as jnp

    out = _jax_random_batched()(keys, jnp.asarray(steps, jnp.uint32), jnp.asarray(logits))
    return [int(v) for v in np.asarray(out)]


def _backend(name: str) -> tuple[Any, RowSampler]:
    """The request keys moved to library ``name`` and its row sampler (skips if missing)."""
    if name == "numpy":
        return REQUEST_KEYS, loop_rows(np)
    lib = pytest.importorskip(name)
    return REQUEST_KEYS.to(lib), (loop_rows(lib) if name == "torch" else _jax_rows())


def _alone() -> dict[int, list[int]]:
    """Each request served by itself (a batch of one), NumPy: its tokens at every step."""
    sample = loop_rows(np)
    return {
        r: [
            sample(REQUEST_KEYS[np.array([r])], np.array([t]), LOGITS[[r]])[0] for t in range(STEPS)
        ]
        for r in range(REQUESTS)
    }


ALONE = _alone()


@pytest.mark.parametrize("backend", ["numpy", "torch", "jax"])
def test_a_row_does_not_depend_on_the_batch(backend):
    keys, sample = _backend(backend)
    for batch in BATCHES:
        ids = np.asarray(batch)
        for t in range(STEPS):
            # rows at different steps in one batch too: row i is at step (t + i) % STEPS
            steps = (t + np.arange(len(ids))) % STEPS
            tokens = sample(keys[ids], steps, LOGITS[ids])
            expected = [ALONE[r][s] for r, s in zip(batch, steps, strict=True)]
            assert tokens == expected, (backend, batch, t)


def test_rows_equal_jax_random_vmap():
    pytest.importorskip("jax")
    jax_keys = REQUEST_KEYS.jax_key()  # the JAX key array with the same data
    for batch in BATCHES:
        ids = np.asarray(batch)
        steps = np.arange(len(ids)) % STEPS
        expected = [ALONE[r][s] for r, s in zip(batch, steps, strict=True)]
        assert _jax_random_rows(jax_keys[ids], steps, LOGITS[ids]) == expected, batch


def test_gumbel_noise_per_row_is_jax_random_vmap():
    """The noise under the tokens, bytes: each row's ``gumbel(fold_in(key, t), (VOCAB,))``."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    ids = np.asarray([4, 1, 3])
    steps = np.asarray([2, 0, 3], np.uint32)
    ours = np.stack(
        [
            np.asarray(unirand.gumbel(unirand.fold_in(REQUEST_KEYS[int(r)], int(t)), (VOCAB,)))
            for r, t in zip(ids, steps, strict=True)
        ]
    )
    traced = jax.vmap(lambda k, t: unirand.gumbel(unirand.fold_in(k, t), (VOCAB,)))(
        REQUEST_KEYS.to(jax)[ids], jnp.asarray(steps)
    )
    theirs = jax.vmap(lambda k, t: jax.random.gumbel(jax.random.fold_in(k, t), (VOCAB,)))(
        REQUEST_KEYS.jax_key()[ids], jnp.asarray(steps)
    )
    assert ours.tobytes() == np.asarray(traced).tobytes() == np.asarray(theirs).tobytes()


def test_one_key_per_batch_depends_on_the_batch():
    """The anti-pattern: ``categorical(step_key, logits_of_the_batch)`` gives row ``i`` the
    noise of position ``i``, so a request's token changes with its row and company."""
    seen: dict[int, set[int]] = {r: set() for r in range(REQUESTS)}
    step_key = unirand.fold_in(SERVER, 9)
    for batch in BATCHES:
        ids = np.asarray(batch)
        tokens = np.asarray(unirand.categorical(step_key, LOGITS[ids]))
        for r, tok in zip(batch, tokens, strict=True):
            seen[r].add(int(tok))
    assert sum(len(tokens) > 1 for tokens in seen.values()) >= 2, seen
