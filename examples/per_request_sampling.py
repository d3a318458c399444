"""Per-request token sampling, as in an LLM server: tokens that do not depend on the batch.

What it shows: each request carries its own key (``request_keys = unirand.split(server_key,
n)``, so request ``i``'s key is ``fold_in(server_key, i)``) and token ``t`` of a request is
drawn with ``fold_in(request_key, t)``, one row at a time: its tokens are a function of its own
key, position and logits only, whatever else the server batches with it.

Why: a server batches requests together (continuous batching: requests join and leave the
batch at every step, in whatever order the scheduler picks).  If the batch draws its randomness
from one key (``categorical(step_key, logits_of_the_whole_batch)``), a request's tokens depend
on which other requests happen to share its batch, and on its row: the same request with the
same seed gives different text under different load, which makes sampling neither reproducible
nor debuggable.

The script serves the same requests three ways (each alone; all in one static batch; continuous
batching with staggered arrivals, a batch limit and a shuffled row order at every step) on
NumPy, torch and JAX, and checks that every request gets the same tokens in every case and on
every backend, and that they equal ``jax.random.categorical`` on the same keys.  On NumPy and
torch the rows are sampled in a loop (unirand's samplers take one key, as ``jax.random``'s
do); on JAX the batch of keys goes through ``jax.jit(jax.vmap(...))``, padded to a fixed
batch size so that it compiles once (the padding rows are ignored, and cannot change the real
rows either).  It also runs the one-key-per-batch anti-pattern and counts the requests whose
tokens changed with the batch composition.

The "model" is a fixed random bigram table (logits of the next token given the last one) divided
by each request's temperature: per-row arithmetic only, so the logits themselves do not depend
on the batch either (a real model's batched matmuls can, which is a separate problem).

Run: ``python examples/per_request_sampling.py`` (torch and jax are used when installed).  Exit
0 means every check held; the last line is ``OK: per_request_sampling ...``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import array_api_compat
import numpy as np

import unirand

VOCAB = 64
LOGIT_SCALE = 1.5  # the bigram table's logits: N(0, 1.5**2)
MAX_BATCH = 3  # the continuous-batching scheduler's batch limit
PAD_ROWS = 8  # JAX pads every batch to this many rows, so jax.jit compiles once
SEED = 2024


@dataclass(frozen=True)
class Request:
    """One generation request: its prompt's last token, sampling temperature, length, arrival."""

    rid: int
    prompt_token: int
    temperature: float
    max_new_tokens: int
    arrival: int  # the scheduler tick at which it arrives (continuous batching only)


REQUESTS = [
    Request(0, 5, 1.0, 10, 0),
    Request(1, 17, 0.7, 6, 0),
    Request(2, 5, 1.0, 12, 1),  # same prompt and temperature as request 0: different key
    Request(3, 40, 1.5, 8, 2),
    Request(4, 63, 0.5, 9, 2),
    Request(5, 0, 1.2, 7, 5),
]

#: ``sampler(request_keys, positions, logits) -> tokens``: one token per row, row i drawn with
#: ``fold_in(request_keys[i], positions[i])``.
Sampler = Callable[[unirand.ThreefryKey, np.ndarray, Any], list[int]]


def loop_sampler(xp: Any) -> Sampler:
    """Row by row with unirand in library ``xp`` (NumPy, torch): a key per row."""

    def sample(keys: unirand.ThreefryKey, positions: np.ndarray, logits: Any) -> list[int]:
        return [
            int(unirand.categorical(unirand.fold_in(keys[i], int(t)), logits[i], xp=xp))
            for i, t in enumerate(positions)
        ]

    return sample


def jax_sampler() -> Sampler:
    """The whole batch in one ``jax.jit(jax.vmap(...))`` call, padded to ``PAD_ROWS`` rows."""
    import jax
    import jax.numpy as jnp

    @jax.jit
    def batched(keys: unirand.ThreefryKey, positions: Any, logits: Any) -> Any:
        def row(key: unirand.ThreefryKey, t: Any, lg: Any) -> Any:
            return unirand.categorical(unirand.fold_in(key, t), lg)

        return jax.vmap(row)(keys, positions, logits)

    def sample(keys: unirand.ThreefryKey, positions: np.ndarray, logits: Any) -> list[int]:
        n = len(positions)
        pad = PAD_ROWS - n
        rows = np.concatenate([np.arange(n), np.zeros(pad, np.int64)])  # repeat row 0
        padded_keys = keys.to(jax)[rows]
        padded_pos = jnp.asarray(np.concatenate([positions, np.zeros(pad)]).astype(np.uint32))
        padded_logits = jnp.concatenate([logits, jnp.repeat(logits[:1], pad, axis=0)])
        out = batched(padded_keys, padded_pos, padded_logits)
        return [int(v) for v in np.asarray(out)[:n]]

    return sample


def one_key_per_batch_sampler(server_key: unirand.ThreefryKey) -> Sampler:
    """The anti-pattern: one key per scheduler step for the whole batch (NumPy)."""
    tick = iter(range(10**9))

    def sample(keys: unirand.ThreefryKey, positions: np.ndarray, logits: Any) -> list[int]:
        step_key = unirand.fold_in(server_key, next(tick))
        return [int(v) for v in unirand.categorical(step_key, logits)]

    return sample


def logits_for(table: Any, batch: list[Request], last: dict[int, int]) -> Any:
    """Row i: the bigram logits after request i's last token, divided by its temperature."""
    xp = array_api_compat.array_namespace(table)
    idx = xp.asarray([last[r.rid] for r in batch], dtype=xp.int32)
    temps = xp.asarray([[r.temperature] for r in batch], dtype=xp.float32)
    return xp.take(table, idx, axis=0) / temps


def serve(
    requests: list[Request],
    table: Any,
    request_keys: unirand.ThreefryKey,
    sampler: Sampler,
    *,
    max_batch: int,
    staggered: bool,
    shuffle_key: unirand.ThreefryKey | None,
) -> dict[int, list[int]]:
    """A toy continuous-batching scheduler; returns each request's generated tokens.

    At each tick, arrived requests join while there is room, the batch's rows are permuted (by
    ``shuffle_key``, if given), one token is sampled per row, and finished requests leave.
    """
    pending = sorted(requests, key=lambda r: (r.arrival if staggered else 0, r.rid))
    active: list[Request] = []
    out: dict[int, list[int]] = {r.rid: [] for r in requests}
    last = {r.rid: r.prompt_token for r in requests}
    tick = 0
    while pending or active:
        while pending and len(active) < max_batch and (not staggered or pending[0].arrival <= tick):
            active.append(pending.pop(0))
        if not active:
            tick += 1
            continue
        if shuffle_key is not None:
            order = unirand.permutation(unirand.fold_in(shuffle_key, tick), len(active))
            active = [active[int(i)] for i in order]
        ids = np.asarray([r.rid for r in active])
        positions = np.asarray([len(out[r.rid]) for r in active])
        tokens = sampler(request_keys[ids], positions, logits_for(table, active, last))
        for r, tok in zip(active, tokens, strict=True):
            out[r.rid].append(tok)
            last[r.rid] = tok
        active = [r for r in active if len(out[r.rid]) < r.max_new_tokens]
        tick += 1
    return out


SCENARIOS: dict[str, dict[str, Any]] = {
    "alone": {"max_batch": 1, "staggered": False, "shuffle": False},
    "static batch": {"max_batch": len(REQUESTS), "staggered": False, "shuffle": False},
    "continuous+shuffled": {"max_batch": MAX_BATCH, "staggered": True, "shuffle": True},
}


def run_all(
    xp: Any, sampler: Sampler, server_key: unirand.ThreefryKey
) -> dict[str, dict[int, list[int]]]:
    """Serves REQUESTS in every scenario with one backend's table and sampler."""
    model_key, requests_key, sched_key = unirand.split(server_key, 3)
    table = unirand.normal(model_key, (VOCAB, VOCAB), xp=xp) * LOGIT_SCALE
    request_keys = unirand.split(requests_key, len(REQUESTS))  # request i: fold_in(.., i)
    results = {}
    for name, sc in SCENARIOS.items():
        results[name] = serve(
            REQUESTS,
            table,
            request_keys,
            sampler,
            max_batch=sc["max_batch"],
            staggered=sc["staggered"],
            shuffle_key=sched_key if sc["shuffle"] else None,
        )
    return results


def jax_random_reference(server_key: unirand.ThreefryKey, tokens: dict[int, list[int]]) -> None:
    """Replays each request with ``jax.random`` itself: the same tokens, one by one."""
    import jax
    import jax.numpy as jnp

    model_key, requests_key, _ = unirand.split(server_key, 3)
    table = unirand.normal(model_key, (VOCAB, VOCAB), xp=jnp) * LOGIT_SCALE
    keys = jax.random.wrap_key_data(jnp.asarray(unirand.key_data(requests_key)))
    request_keys = jax.random.split(keys, len(REQUESTS))
    for r in REQUESTS:
        last = r.prompt_token
        for t, expected in enumerate(tokens[r.rid]):
            logits = table[last] / jnp.float32(r.temperature)
            tok = int(jax.random.categorical(jax.random.fold_in(request_keys[r.rid], t), logits))
            assert tok == expected, (r.rid, t, tok, expected)
            last = tok


def main() -> int:
    """Serves the requests on every backend and scenario and checks the claims."""
    start = time.perf_counter()
    server_key = unirand.key(SEED)
    samplers: dict[str, tuple[Any, Sampler]] = {"numpy": (np, loop_sampler(np))}
    if importlib.util.find_spec("torch"):
        import torch

        samplers["torch"] = (torch, loop_sampler(torch))
    has_jax = importlib.util.find_spec("jax") is not None
    if has_jax:
        import jax.numpy as jnp

        samplers["jax"] = (jnp, jax_sampler())

    results = {name: run_all(xp, s, server_key) for name, (xp, s) in samplers.items()}
    reference = results["numpy"]["alone"]
    print(f"{len(REQUESTS)} requests, vocabulary {VOCAB}, server key unirand.key({SEED})")
    for r in REQUESTS:
        print(f"  request {r.rid} (T={r.temperature}): " + " ".join(map(str, reference[r.rid])))
    for backend, by_scenario in results.items():
        for scenario, tokens in by_scenario.items():
            assert tokens == reference, f"{backend}/{scenario}: tokens depend on the batch"
    print(
        f"  per-request keys: identical tokens in {len(SCENARIOS)} batchings "
        f"({', '.join(SCENARIOS)}) on {', '.join(results)}"
    )
    if has_jax:
        jax_random_reference(server_key, reference)
        print("  and equal to jax.random.categorical(jax.random.fold_in(request_key, t), ...)")

    model_key, requests_key, sched_key = unirand.split(server_key, 3)
    table = unirand.normal(model_key, (VOCAB, VOCAB)) * LOGIT_SCALE
    request_keys = unirand.split(requests_key, len(REQUESTS))
    shared = {
        name: serve(
            REQUESTS,
            table,
            request_keys,
            one_key_per_batch_sampler(server_key),
            max_batch=sc["max_batch"],
            staggered=sc["staggered"],
            shuffle_key=sched_key if sc["shuffle"] else None,
        )
        for name, sc in SCENARIOS.items()
    }
    changed = sum(shared["alone"][r.rid] != shared["continuous+shuffled"][r.rid] for r in REQUESTS)
    assert changed > 0, "the anti-pattern happened to give batch-independent tokens"
    print(
        f"  one key per batch instead: {changed} of {len(REQUESTS)} requests get other tokens "
        "when the batch changes"
    )
    elapsed = time.perf_counter() - start
    print(
        f"OK: per_request_sampling: {len(REQUESTS)} requests, tokens independent of the batch "
        f"on {len(results)} backends ({elapsed:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
