"""Sharded ``jax.Array`` draws (``unirand.distributed.jax_array``) against JAX's own.

The claim: ``jax_array(sampler, key, shape, sharding, ...)`` equals ``jax.jit(lambda k:
jax.random.<sampler>(k, shape, ...), out_shardings=sharding)(key.jax_key())`` byte for byte,
assembled and on every device (the same index and the same bytes per shard), for 1-d and 2-d
meshes, sharded, partly replicated and replicated specs, and every kind of sampler (those with
two uniforms per value and ``categorical`` included).  The layouts that JAX cannot represent
are refused before anything is drawn.

JAX fixes its device count when it starts, and the pytest process has one CPU device, so every
case runs in one subprocess with ``--xla_force_host_platform_device_count=8`` and x64 on; it
prints one JSON line per case, which the tests below read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import json, sys
import numpy as np
import jax, jax.numpy as jnp
jax.config.update("jax_enable_x64", True)
from jax.sharding import NamedSharding, PartitionSpec as P, SingleDeviceSharding
import unirand
from unirand.distributed import jax_array, jax_sharding

assert jax.device_count() == 8, jax.devices()
key = unirand.fold_in(unirand.key(2026), 14)
jk = key.jax_key()
COL = np.linspace(0.5, 4.0, 8)  # a per-column parameter of the whole draw
LOGITS = np.linspace(-2.0, 2.0, 8 * 5).reshape(8, 5).astype(np.float32)

# name -> (unirand sampler, its kwargs, the jax.random call on a key)
SAMPLERS = {
    "normal-f64": (unirand.normal, {"dtype": "float64"},
                   lambda k, s: jax.random.normal(k, s, jnp.float64)),
    "normal-bf16": (unirand.normal, {"dtype": "bfloat16"},
                    lambda k, s: jax.random.normal(k, s, jnp.bfloat16)),
    "uniform-f32-cols": (unirand.uniform, {"dtype": "float32", "minval": -1.0, "maxval": COL},
                         lambda k, s: jax.random.uniform(k, s, jnp.float32, -1.0,
                                                         jnp.asarray(COL, jnp.float32))),
    "bits-u64": (unirand.bits, {"dtype": "uint64"},
                 lambda k, s: jax.random.bits(k, s, jnp.uint64)),
    "bits-u8": (unirand.bits, {"dtype": "uint8"}, lambda k, s: jax.random.bits(k, s, jnp.uint8)),
    # p as float32 on both sides: a Python float is float32 for unirand, float64 for x64 JAX
    "bernoulli-high": (unirand.bernoulli, {"p": np.float32(0.3), "mode": "high"},
                       lambda k, s: jax.random.bernoulli(k, jnp.float32(0.3), s, mode="high")),
    "gumbel-f16-high": (unirand.gumbel, {"dtype": "float16", "mode": "high"},
                        lambda k, s: jax.random.gumbel(k, s, jnp.float16, mode="high")),
    "exponential-f32": (unirand.exponential, {"dtype": "float32"},
                        lambda k, s: jax.random.exponential(k, s, jnp.float32)),
    "truncated_normal-f64": (unirand.truncated_normal,
                             {"lower": -1.0, "upper": 2.0, "dtype": "float64"},
                             lambda k, s: jax.random.truncated_normal(k, -1.0, 2.0, s,
                                                                      jnp.float64)),
    "randint-i64": (unirand.randint, {"minval": -5, "maxval": 10**12, "dtype": "int64"},
                    lambda k, s: jax.random.randint(k, s, -5, 10**12, jnp.int64)),
    "randint-i32-cols": (unirand.randint, {"minval": 0, "maxval": (COL * 100).astype(np.int32)},
                         lambda k, s: jax.random.randint(
                             k, s, 0, jnp.asarray((COL * 100).astype(np.int32)), jnp.int32)),
    "categorical": (unirand.categorical, {"logits": LOGITS},
                    lambda k, s: jax.random.categorical(k, jnp.asarray(LOGITS), shape=s)),
}

MESHES = {
    "8": jax.make_mesh((8,), ("x",)),
    "4x2": jax.make_mesh((4, 2), ("x", "y")),
    "2x4": jax.make_mesh((2, 4), ("x", "y")),
}

# (mesh, spec, shape, sampler)
CASES = [
    ("8", P("x"), (16, 8), "normal-f64"),
    ("8", P(None, "x"), (6, 8), "uniform-f32-cols"),
    ("8", P(), (5, 8), "bits-u64"),
    ("8", P("x", None), (8, 8), "categorical"),
    ("4x2", P("x", "y"), (16, 8), "normal-bf16"),
    ("4x2", P("y", "x"), (6, 8), "bernoulli-high"),
    ("4x2", P(("x", "y")), (16, 8), "gumbel-f16-high"),
    ("4x2", P("x"), (12, 8), "truncated_normal-f64"),
    ("4x2", P(None, "y"), (3, 8), "randint-i32-cols"),
    ("4x2", P("x", None, "y"), (4, 3, 2), "exponential-f32"),
    ("2x4", P("x", "y"), (4, 8), "randint-i64"),
    ("2x4", P("y"), (8, 8), "categorical"),
    ("2x4", P(None, ("y", "x")), (3, 8), "bits-u8"),
    ("2x4", P(), (), "normal-f64"),
]


def nbytes(a):
    return np.ascontiguousarray(np.asarray(a)).tobytes()


def compare(ours, theirs):
    """'' when ours is theirs: sharding, assembled bytes, and every device's index and bytes."""
    if ours.dtype != theirs.dtype or ours.shape != theirs.shape:
        return f"dtype/shape {ours.dtype}{ours.shape} != {theirs.dtype}{theirs.shape}"
    if not ours.sharding.is_equivalent_to(theirs.sharding, ours.ndim):
        return f"sharding {ours.sharding} != {theirs.sharding}"
    if nbytes(ours) != nbytes(theirs):
        return "assembled bytes differ"
    mine = {s.device: s for s in ours.addressable_shards}
    for s in theirs.addressable_shards:
        m = mine.get(s.device)
        if m is None or m.index != s.index:
            return f"device {s.device}: index {m and m.index} != {s.index}"
        if nbytes(m.data) != nbytes(s.data):
            return f"device {s.device} (index {s.index}): bytes differ"
    return ""


def report(case, error=""):
    print(json.dumps({"case": case, "error": error}), flush=True)


def run_case(name, sharding, shape, sampler, **extra):
    fn, kwargs, reference = SAMPLERS[sampler]
    try:
        ours = jax_array(fn, key, shape, sharding, **kwargs, **extra)
        theirs = jax.jit(lambda k: reference(k, shape), out_shardings=sharding)(jk)
        report(name, compare(ours, theirs))
    except Exception as e:  # reported, so that one case does not hide the others
        report(name, f"{type(e).__name__}: {e}")


for mesh, spec, shape, sampler in CASES:
    run_case(f"{mesh}-{spec}-{shape}-{sampler}", NamedSharding(MESHES[mesh], spec), shape,
             sampler)

# blocks computed on another backend, then moved to the devices
import torch
run_case("xp=torch", NamedSharding(MESHES["4x2"], P("x", "y")), (8, 8), "normal-f64", xp=torch)
run_case("xp=jax", NamedSharding(MESHES["2x4"], P("y", "x")), (8, 8), "uniform-f32-cols", xp=jnp)
run_case("one device", SingleDeviceSharding(jax.devices()[3]), (5, 3), "truncated_normal-f64")

# a block replicated on several devices is computed once (JAX asks once per device)
calls = []
original = jax_sharding.elementwise
def counting(k, **kw):
    calls.append(kw.get("index"))
    return unirand.normal(k, **kw)
jax_sharding.elementwise = lambda s: counting
try:
    jax_array("normal", key, (8, 8), NamedSharding(MESHES["4x2"], P("x")))  # y replicates
finally:
    jax_sharding.elementwise = original
blocks = [c for c in calls if c is not None]
report("replicas computed once",
       "" if len(blocks) == 4 and len(set(map(str, blocks))) == 4 else f"blocks drawn: {blocks}")

# refused, with errors naming the problem
def refused(name, call, error, words):
    try:
        call()
    except error as e:
        report(name, "" if words in str(e) else f"message {str(e)!r} lacks {words!r}")
    except Exception as e:
        report(name, f"raised {type(e).__name__}: {e}")
    else:
        report(name, "not refused")

m42 = MESHES["4x2"]
refused("uneven", lambda: jax_array(unirand.normal, key, (10, 3), NamedSharding(m42, P("x"))),
        ValueError, "cannot be sharded evenly")
refused("uneven 2-axis", lambda: jax_array(
    unirand.normal, key, (8, 4), NamedSharding(MESHES["8"], P(None, "x"))),
    ValueError, "partitioned 8 times")
refused("spec longer than shape", lambda: jax_array(
    unirand.normal, key, (8,), NamedSharding(m42, P("x", "y"))), ValueError, "does not fit")
refused("not a sharding", lambda: jax_array(unirand.normal, key, (8,), P("x")),
        TypeError, "jax.sharding.Sharding")
refused("index= given", lambda: jax_array(
    unirand.normal, key, (8,), NamedSharding(m42, P("x")), index=np.s_[:2]), TypeError, "index=")
refused("not elementwise", lambda: jax_array(
    unirand.permutation, key, (8,), NamedSharding(m42, P("x"))), ValueError, "elementwise")
refused("native key", lambda: jax_array(
    unirand.normal, np.random.default_rng(0), (8,), NamedSharding(m42, P("x"))),
    TypeError, "portable key")
refused("bad sampler argument", lambda: jax_array(
    unirand.normal, key, (8,), NamedSharding(m42, P("x")), dtype="int8"), Exception, "dtype")
jax.config.update("jax_enable_x64", False)
refused("float64 without x64", lambda: jax_array(
    unirand.normal, key, (8,), NamedSharding(m42, P("x")), dtype="float64"),
    ValueError, "jax_enable_x64")
'''

N_CASES = 14 + 3 + 1 + 9


@pytest.fixture(scope="module")
def results() -> dict[str, str]:
    """Runs SCRIPT once; case name -> '' (held) or what went wrong."""
    pytest.importorskip("jax")
    pytest.importorskip("torch")
    env = {
        **os.environ,
        "XLA_FLAGS": "--xla_force_host_platform_device_count=8",
        "PYTHONPATH": str(ROOT),
        "JAX_PLATFORMS": "cpu",
        # the layout is under test, not the engine (tests/samplers/test_blocks.py runs blocks on
        # both): a fresh process would load or compile every Numba kernel, up to minutes
        "UNIRAND_NUMBA": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    rows: list[dict[str, Any]] = [
        json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")
    ]
    return {row["case"]: row["error"] for row in rows}


def test_every_case_ran(results: dict[str, str]) -> None:
    assert len(results) == N_CASES, sorted(results)


def test_sharded_draws_equal_jax_random(results: dict[str, str]) -> None:
    failed = {case: error for case, error in results.items() if error}
    assert not failed, json.dumps(failed, indent=1)
