"""The compiled engine next to the vectorized one, jitted ``jax.random``, NumPy and torch
(a script, not a test).

Why: the compiled engine (:mod:`unirand.engine.compiled`, Numba) draws every elementwise stream
as one fused loop instead of one array pass per Threefry round.  The issue that introduced it
asked for every elementwise sampler to be timed against jitted ``jax.random``, NumPy's
``Generator`` (PCG64 and Philox) and torch, at sizes from 1 to 10**8, as nanoseconds per value
and microseconds per call, with the threads used and the peak extra memory, plus a plot.

This script measures all of it in one run and prints tables.  It reports and never asserts:
timings depend on the machine (and on what else runs on it), so nothing here fails.  Tasks:
uint32 bits, float32 uniforms on [0, 1) and [0.1, 0.7), float32 and float64 normals, float32
exponentials, float32 Gumbels (modes "low" and "high"), float32 Bernoullis (p = 0.3, modes
"low" and "high"), int32 and int64 ``randint`` and float32 ``truncated_normal`` (NumPy's rows for
the last: a clipped normal, context only).  Each task is run by

* ``jax.random, jax.jit``: the baseline, with the shape static, waited for with
  ``block_until_ready``;
* ``unirand numpy``: the default engine on NumPy (compiled where Numba imports);
* ``unirand numpy (vectorized)``: the same call under ``unirand.engine.compiled.forced(False)``;
* ``unirand torch``: ``xp=torch`` on the CPU (the compiled engine writes into the tensor);
* ``numpy PCG64`` / ``numpy Philox``: ``np.random.Generator`` with those bit generators, and
  ``torch native``: torch's own sampler where one exists.  Other streams: context only.

Every row is timed as the best (minimum) of ``--repeat`` samples after one warm-up call (which
compiles the jitted functions and the Numba kernels, or loads them from Numba's cache).  A
sample repeats the call until it has run about ``--min-time`` seconds and divides, so the
microseconds of a one-value call are not lost in the clock's resolution.  Every unirand row is
checked against the bytes of the jitted ``jax.random`` output of the same task and size, so a
fast wrong path cannot hide.  ``cpu/wall`` is the process's CPU time over the wall time of the
best sample: the cores the call kept busy (the threads it used, less any waits).

Peak extra memory is measured with ``tracemalloc``, to which NumPy reports its array
allocations (in every thread); it is the traced peak during one call minus the output, as a
multiple of the output size (for n >= 10**4: below that, Python objects dominate).  PyTorch,
XLA and Numba-runtime allocations are not visible to ``tracemalloc``, so only NumPy rows have
it.

A second table gives microseconds per call at the small sizes (1 and 100), where the fixed
cost of a call dominates, with ``split(key)`` and ``fold_in(key, 3)`` next to
``jax.random.split``/``fold_in`` (jitted and eager).  ``--plot PATH.png`` draws nanoseconds per
value against size, log-log, for the float32 normal and uniform tasks (needs matplotlib).

Usage (from the repository root)::

    python benchmarks/bench_engine.py [--sizes 1,100,10000,1000000,10000000] [--big]
        [--repeat 3] [--min-time 0.02] [--task normal] [--label numpy] [--plot engine.png]

``--big`` adds n = 10**8 (float64 outputs of 800 MB each: several GB of memory in all).
``--task`` keeps the tasks whose name contains the text, ``--label`` the implementations (the
jitted baseline stays; both repeatable).  ``UNIRAND_THREADS=1`` before the command runs the
compiled engine on one thread.  torch, jax and matplotlib are optional: what needs a missing
one is skipped with a note.  JAX runs with ``jax_enable_x64`` on (for the float64 task; float32
tasks pass their dtype, and p of the Bernoulli task is a float32 on both sides).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gc
import importlib
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

from _common import commit, host, load, optional, peak_extra, wait

import unirand
from unirand.engine import compiled

BASELINE = "jax.random, jax.jit"
#: implementation labels, in table order (a row's label is one of these)
LABELS = (
    BASELINE,
    "unirand numpy",
    "unirand numpy (vectorized)",
    "unirand torch",
    "numpy PCG64",
    "numpy Philox",
    "torch native",
    "jax.random (eager)",
)
#: short column names for the summary matrices
SHORT = {
    BASELINE: "jax.jit",
    "unirand numpy": "ur numpy",
    "unirand numpy (vectorized)": "ur vect.",
    "unirand torch": "ur torch",
    "numpy PCG64": "PCG64",
    "numpy Philox": "Philox",
    "torch native": "torch",
    "jax.random (eager)": "jax eager",
}
DEFAULT_SIZES = "1,100,10000,1000000,10000000"
#: the sizes of the overhead table
SMALL_SIZES = (1, 100)
#: the smallest n whose peak extra memory is reported
MEMORY_MIN_N = 10**4
#: the tasks drawn in --plot
PLOT_TASKS = ("float32 normal", "float32 uniform [0, 1)")
#: the key tasks of the overhead table (one call, no size)
KEY_TASKS = ("split(key)", "fold_in(key, 3)")
#: Bernoulli's p, a float32 on every side (with x64 on, JAX would draw float64 uniforms for a
#: Python float)
P = 0.3


@dataclass
class Impl:
    """One implementation of one task: ``make(n)`` returns the zero-argument call to time."""

    task: str
    label: str
    make: Callable[[int], Callable[[], Any]]
    #: "baseline" (jitted jax.random), "unirand" (checked against it), or "native" (context)
    kind: str
    #: measure tracemalloc peak (NumPy-allocating rows only)
    memory: bool = False
    #: a note printed under the table (e.g. "float64 output"), or ""
    note: str = ""


@dataclass
class Result:
    impl: Impl
    n: int
    best: float  # seconds per call
    median: float
    cpu_ratio: float  # process CPU time / wall time of the best sample
    same_bits: bool | None
    extra_memory: float | None  # peak extra bytes / output bytes


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Same dtype, shape and bytes."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _calls_per_sample(fn: Callable[[], Any], min_time: float) -> int:
    """One warm-up call (compiles), then how many calls make a sample of about ``min_time``."""
    wait(fn())
    t0 = time.perf_counter()
    wait(fn())
    one = time.perf_counter() - t0
    return max(1, min(100_000, math.ceil(min_time / max(one, 1e-7))))


def _sample(fn: Callable[[], Any], k: int) -> tuple[float, float, Any]:
    """``k`` calls: (seconds per call, CPU/wall, the last output)."""
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(k):
        out = wait(fn())
    wall = time.perf_counter() - t0
    return wall / k, (time.process_time() - c0) / wall if wall > 0 else float("nan"), out


def _vectorized(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` on the vectorized engine."""

    def call() -> Any:
        with compiled.forced(False):
            return fn()

    return call


def build_impls(torch: ModuleType | None, jax: ModuleType | None) -> list[Impl]:
    """Every (task, implementation) pair the installed libraries allow, for the sampler tasks."""
    key = unirand.key(0)
    impls: list[Impl] = []
    pcg = np.random.Generator(np.random.PCG64(0))
    philox = np.random.Generator(np.random.Philox(0))
    gen = torch.Generator().manual_seed(0) if torch is not None else None
    jnp = jkey = None
    if jax is not None:
        import jax.numpy as jnp

        jkey = jax.random.key(0)

    def add(
        task: str,
        jax_fn: Callable[..., Any] | None,
        unirand_fn: Callable[..., Any],
        numpy_fn: Callable[[np.random.Generator, int], Any],
        numpy_note: str = "",
        torch_fn: Callable[[int], Any] | None = None,
    ) -> None:
        """``jax_fn(key, shape)`` (jitted, shape static); ``unirand_fn(key, n, **kw)``;
        ``numpy_fn(generator, n)``; ``torch_fn(n)``."""
        if jax is not None and jax_fn is not None:
            jitted = jax.jit(jax_fn, static_argnums=1)
            impls.append(
                Impl(task, BASELINE, lambda n: functools.partial(jitted, jkey, (n,)), "baseline")
            )
        impls.append(
            Impl(
                task,
                "unirand numpy",
                lambda n: functools.partial(unirand_fn, key, n),
                "unirand",
                memory=True,
            )
        )
        impls.append(
            Impl(
                task,
                "unirand numpy (vectorized)",
                lambda n: _vectorized(functools.partial(unirand_fn, key, n)),
                "unirand",
                memory=True,
            )
        )
        if torch is not None:
            impls.append(
                Impl(
                    task,
                    "unirand torch",
                    lambda n: functools.partial(unirand_fn, key, n, xp=torch),
                    "unirand",
                )
            )
        for label, g in (("numpy PCG64", pcg), ("numpy Philox", philox)):
            impls.append(
                Impl(
                    task,
                    label,
                    lambda n, g=g: functools.partial(numpy_fn, g, n),
                    "native",
                    memory=True,
                    note=numpy_note,
                )
            )
        if torch is not None and torch_fn is not None:
            impls.append(
                Impl(task, "torch native", lambda n: functools.partial(torch_fn, n), "native")
            )

    f32 = np.float32
    jr = jax.random if jax is not None else None
    t = torch

    add(
        "uint32 bits",
        jr and (lambda k, s: jr.bits(k, s, jnp.uint32)),
        lambda k, n, **kw: unirand.bits(k, (n,), "uint32", **kw),
        lambda g, n: g.integers(0, 2**32, n, dtype=np.uint32),
        torch_fn=t and _torch_bits(t, gen),
    )
    add(
        "float32 uniform [0, 1)",
        jr and (lambda k, s: jr.uniform(k, s, jnp.float32)),
        lambda k, n, **kw: unirand.uniform(k, (n,), "float32", **kw),
        lambda g, n: g.random(n, dtype=f32),
        torch_fn=t and (lambda n: t.rand(n, generator=gen)),
    )
    add(
        "float32 uniform [0.1, 0.7)",
        jr and (lambda k, s: jr.uniform(k, s, jnp.float32, 0.1, 0.7)),
        lambda k, n, **kw: unirand.uniform(k, (n,), "float32", 0.1, 0.7, **kw),
        lambda g, n: g.uniform(0.1, 0.7, n),
        numpy_note="float64 output (Generator.uniform has no dtype)",
        torch_fn=t and (lambda n: t.empty(n).uniform_(0.1, 0.7, generator=gen)),
    )
    add(
        "float32 normal",
        jr and (lambda k, s: jr.normal(k, s, jnp.float32)),
        lambda k, n, **kw: unirand.normal(k, (n,), "float32", **kw),
        lambda g, n: g.standard_normal(n, dtype=f32),
        torch_fn=t and (lambda n: t.randn(n, generator=gen)),
    )
    add(
        "float64 normal",
        jr and (lambda k, s: jr.normal(k, s, jnp.float64)),
        lambda k, n, **kw: unirand.normal(k, (n,), "float64", **kw),
        lambda g, n: g.standard_normal(n),
        torch_fn=t and (lambda n: t.randn(n, dtype=t.float64, generator=gen)),
    )
    add(
        "float32 exponential",
        jr and (lambda k, s: jr.exponential(k, s, jnp.float32)),
        lambda k, n, **kw: unirand.exponential(k, (n,), "float32", **kw),
        lambda g, n: g.standard_exponential(n, dtype=f32),
        torch_fn=t and (lambda n: t.empty(n).exponential_(generator=gen)),
    )
    add(
        "float32 gumbel",
        jr and (lambda k, s: jr.gumbel(k, s, jnp.float32)),
        lambda k, n, **kw: unirand.gumbel(k, (n,), "float32", **kw),
        lambda g, n: g.gumbel(size=n),
        numpy_note="float64 output (Generator.gumbel has no dtype)",
    )
    add(
        "float32 bernoulli p=0.3",
        jr and (lambda k, s: jr.bernoulli(k, jnp.float32(P), s)),
        lambda k, n, **kw: unirand.bernoulli(k, f32(P), (n,), **kw),
        lambda g, n: g.random(n, dtype=f32) < f32(P),
        torch_fn=t and (lambda n: t.empty(n, dtype=t.bool).bernoulli_(P, generator=gen)),
    )
    add(
        "float32 bernoulli p=0.3 high",
        jr and (lambda k, s: jr.bernoulli(k, jnp.float32(P), s, mode="high")),
        lambda k, n, **kw: unirand.bernoulli(k, f32(P), (n,), mode="high", **kw),
        lambda g, n: g.random(n, dtype=f32) < f32(P),
    )
    add(
        "float32 gumbel high",
        jr and (lambda k, s: jr.gumbel(k, s, jnp.float32, mode="high")),
        lambda k, n, **kw: unirand.gumbel(k, (n,), "float32", mode="high", **kw),
        lambda g, n: g.gumbel(size=n),
        numpy_note="float64 output (Generator.gumbel has no dtype)",
    )
    add(
        "int32 randint [0, 1000)",
        jr and (lambda k, s: jr.randint(k, s, 0, 1000, jnp.int32)),
        lambda k, n, **kw: unirand.randint(k, (n,), 0, 1000, "int32", **kw),
        lambda g, n: g.integers(0, 1000, n, dtype=np.int32),
        torch_fn=t and (lambda n: t.randint(0, 1000, (n,), dtype=t.int32, generator=gen)),
    )
    add(
        "int64 randint [-2**40, 2**40)",
        jr and (lambda k, s: jr.randint(k, s, -(2**40), 2**40, jnp.int64)),
        lambda k, n, **kw: unirand.randint(k, (n,), -(2**40), 2**40, "int64", **kw),
        lambda g, n: g.integers(-(2**40), 2**40, n, dtype=np.int64),
        torch_fn=t and (lambda n: t.randint(-(2**40), 2**40, (n,), generator=gen)),
    )
    add(
        "float32 truncated_normal (-1, 1)",
        jr and (lambda k, s: jr.truncated_normal(k, -1.0, 1.0, s, jnp.float32)),
        lambda k, n, **kw: unirand.truncated_normal(k, -1.0, 1.0, (n,), "float32", **kw),
        lambda g, n: np.clip(g.standard_normal(n, dtype=f32), -1, 1),
    )
    return impls


def build_key_impls(torch: ModuleType | None, jax: ModuleType | None) -> list[Impl]:
    """``split(key)`` and ``fold_in(key, 3)``: one call, no size (``n`` is ignored)."""
    key = unirand.key(0)
    impls: list[Impl] = []
    tkey = None
    if torch is not None:
        tkey = unirand.wrap_key_data(torch.from_numpy(np.array(unirand.key_data(key))))
    for task, fn in zip(
        KEY_TASKS, (lambda k: unirand.split(k), lambda k: unirand.fold_in(k, 3)), strict=True
    ):
        if jax is not None:
            jkey = jax.random.key(0)
            native = (
                (lambda k: jax.random.split(k))
                if task.startswith("split")
                else (lambda k: jax.random.fold_in(k, 3))
            )
            jitted = jax.jit(native)
            impls.append(Impl(task, BASELINE, _const(functools.partial(jitted, jkey)), "baseline"))
            impls.append(
                Impl(task, "jax.random (eager)", _const(functools.partial(native, jkey)), "native")
            )
        impls.append(Impl(task, "unirand numpy", _const(functools.partial(fn, key)), "unirand"))
        impls.append(
            Impl(
                task,
                "unirand numpy (vectorized)",
                _const(_vectorized(functools.partial(fn, key))),
                "unirand",
            )
        )
        if tkey is not None:
            impls.append(
                Impl(task, "unirand torch", _const(functools.partial(fn, tkey)), "unirand")
            )
    return impls


def _const(fn: Callable[[], Any]) -> Callable[[int], Callable[[], Any]]:
    return lambda n: fn


def _torch_bits(torch: ModuleType, gen: Any) -> Callable[[int], Any]:
    """torch's 32 random bits per element: uint32 randint where supported, else int64."""
    try:
        torch.randint(0, 2**32, (1,), dtype=torch.uint32, generator=gen)
        dtype = torch.uint32
    except (RuntimeError, TypeError, AttributeError):
        dtype = torch.int64
    return lambda n: torch.randint(0, 2**32, (n,), dtype=dtype, generator=gen)


def run(
    impls: list[Impl], sizes: list[int], repeat: int, min_time: float, *, verbose: bool = True
) -> list[Result]:
    """Each size, each task: the baseline first (its output is the reference), then the rest."""
    results: list[Result] = []
    for n in sizes:
        tasks = list(dict.fromkeys(impl.task for impl in impls))
        for task in tasks:
            results.extend(_run_task([i for i in impls if i.task == task], n, repeat, min_time))
        gc.collect()
        if verbose:
            print(f"  n = {n:,} done ({load('load')})", file=sys.stderr)
    return results


def _run_task(impls: list[Impl], n: int, repeat: int, min_time: float) -> list[Result]:
    """One task's implementations, their samples interleaved (round ``r`` takes sample ``r`` of
    each in turn): a transient load, or the state one library leaves behind, falls on every row
    alike instead of on the row that happens to follow it.  The baseline comes first (its
    output is the reference)."""
    fns: dict[int, Callable[[], Any]] = {}
    ks: dict[int, int] = {}
    for i, impl in enumerate(impls):
        fn = impl.make(n)
        try:
            ks[i] = _calls_per_sample(fn, min_time)
        except Exception as exc:  # a library that cannot do this (reported, not fatal)
            print(f"  {impl.task}, {impl.label}, n = {n:,}: failed: {exc!r}", file=sys.stderr)
            continue
        fns[i] = fn
    times: dict[int, list[float]] = {i: [] for i in fns}
    cpus: dict[int, list[float]] = {i: [] for i in fns}
    outs: dict[int, Any] = {}
    for _ in range(repeat):
        for i, fn in fns.items():
            outs.pop(i, None)
            t, c, outs[i] = _sample(fn, ks[i])
            times[i].append(t)
            cpus[i].append(c)
    reference = None
    results = []
    for i, fn in fns.items():
        impl = impls[i]
        out = host(outs.pop(i))
        same: bool | None = None
        if impl.kind == "baseline":
            reference = out
        elif impl.kind == "unirand" and reference is not None:
            same = _same(out, reference)
        del out
        extra = peak_extra(fn) if impl.memory and n >= MEMORY_MIN_N else None
        best = min(range(repeat), key=times[i].__getitem__)
        results.append(
            Result(impl, n, times[i][best], statistics.median(times[i]), cpus[i][best], same, extra)
        )
    return results


def header(args: argparse.Namespace, libs: dict[str, ModuleType | None]) -> list[str]:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"unirand {unirand.__version__}{commit()} engine benchmark, {now}: "
        f"best of {args.repeat} samples (each >= {args.min_time:g} s, interleaved across rows) "
        "after 1 warm-up",
        f"python {platform.python_version()} on {platform.machine()} "
        f"({platform.processor() or platform.system()}), os.cpu_count() = {os.cpu_count()}",
        f"numpy {np.__version__}",
        f"unirand.engine.compiled.engine_info() = {compiled.engine_info()}",
        load("load average at start"),
    ]
    torch, jax = libs["torch"], libs["jax"]
    if torch is None:
        lines.append("torch: not installed, torch rows skipped")
    else:
        lines.append(
            f"torch {torch.__version__}: torch.get_num_threads() = {torch.get_num_threads()}"
        )
    if jax is None:
        lines.append("jax: not installed, jax rows and ratios skipped")
    else:
        lines.append(
            f"jax {jax.__version__}, jaxlib {importlib.import_module('jaxlib').__version__} "
            f"(devices: {', '.join(str(d) for d in jax.devices())}; "
            f"x64 {'on' if jax.config.jax_enable_x64 else 'off'})"
        )
    return lines


def _fmt_table(cols: tuple[str, ...], body: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [
        max(len(c), *(len(b[i]) for b in body)) if body else len(c) for i, c in enumerate(cols)
    ]

    def fmt(cells: tuple[str, ...]) -> str:
        padded = (
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return [fmt(cols), fmt(tuple("-" * w for w in widths)), *(fmt(b) for b in body)]


def _baselines(results: list[Result]) -> dict[tuple[str, int], float]:
    return {(r.impl.task, r.n): r.best for r in results if r.impl.kind == "baseline"}


def _ratio(r: Result, baseline: dict[tuple[str, int], float]) -> str:
    base = baseline.get((r.impl.task, r.n))
    if r.impl.kind == "baseline" or base is None:
        return ""
    text = f"{r.best / base:.2f}x"
    return f"({text})" if r.impl.kind == "native" else text


def _bits(r: Result) -> str:
    if r.impl.kind == "baseline":
        return "(ref)"
    return {None: "", True: "yes", False: "NO"}[r.same_bits]


def table(results: list[Result], n: int) -> list[str]:
    """One size: every row."""
    baseline = _baselines(results)
    cols = (
        "task",
        "implementation",
        "ns/value",
        "us/call",
        "vs jax.jit",
        "cpu/wall",
        "bits = jax",
        "peak extra mem",
    )
    body: list[tuple[str, ...]] = []
    task = None
    for r in results:
        if r.n != n:
            continue
        mem = "" if r.extra_memory is None else f"{r.extra_memory:.2f}x output"
        label = r.impl.label + (" *" if r.impl.note else "")
        body.append(
            (
                r.impl.task if r.impl.task != task else "",
                label,
                f"{r.best / n * 1e9:.3g}" if n > 1 else f"{r.best * 1e9:.4g}",
                f"{r.best * 1e6:.4g}",
                _ratio(r, baseline),
                f"{r.cpu_ratio:.2f}",
                _bits(r),
                mem,
            )
        )
        task = r.impl.task
    return [f"n = {n:,}", *_fmt_table(cols, body, {2, 3, 4, 5})]


def _matrix(
    results: list[Result],
    keys: list[tuple[str, int]],
    cell: Callable[[Result], str],
    first: str,
    name: Callable[[tuple[str, int]], str],
) -> list[str]:
    labels = [lab for lab in LABELS if any(r.impl.label == lab for r in results)]
    by = {(r.impl.task, r.n, r.impl.label): r for r in results}
    body = []
    for k in keys:
        row = [name(k)]
        for lab in labels:
            r = by.get((*k, lab))
            row.append("" if r is None else cell(r))
        body.append(tuple(row))
    return _fmt_table(
        (first, *(SHORT[lab] for lab in labels)), body, set(range(1, len(labels) + 1))
    )


def ratio_matrix(results: list[Result], n: int) -> list[str]:
    """Best time over jitted jax.random, per task and implementation, at one size."""
    baseline = _baselines(results)
    tasks = list(dict.fromkeys(r.impl.task for r in results if r.n == n))
    lines = [f"ratio to jitted jax.random at n = {n:,} (in parentheses: other streams)"]
    return lines + _matrix(
        [r for r in results if r.n == n],
        [(t, n) for t in tasks],
        lambda r: "1.00x" if r.impl.kind == "baseline" else _ratio(r, baseline),
        "task",
        lambda k: k[0],
    )


def overhead_matrix(results: list[Result]) -> list[str]:
    """Microseconds per call where the fixed cost dominates."""
    tasks = list(dict.fromkeys(r.impl.task for r in results))
    keys = sorted(
        dict.fromkeys((r.impl.task, r.n) for r in results),
        key=lambda k: (k[0] in KEY_TASKS, k[1], tasks.index(k[0])),
    )
    lines = ["microseconds per call, small sizes (split/fold_in: one key in, keys out)"]
    return lines + _matrix(
        results,
        keys,
        lambda r: f"{r.best * 1e6:.3g}" + ("" if r.same_bits is not False else " NO"),
        "task, n",
        lambda k: k[0] if k[0] in KEY_TASKS else f"{k[0]}, n={k[1]:,}",
    )


def notes(results: list[Result]) -> list[str]:
    lines = []
    seen = {r.impl.note for r in results if r.impl.note}
    for note in sorted(seen):
        tasks = sorted({r.impl.task for r in results if r.impl.note == note})
        lines.append(f"* {', '.join(tasks)}: numpy rows: {note}")
    failed = [r for r in results if r.same_bits is False]
    for r in failed:
        lines.append(f"WARNING: {r.impl.task}, {r.impl.label}, n = {r.n:,}: differs from jax")
    if not failed and any(r.same_bits for r in results):
        checked = sum(1 for r in results if r.same_bits)
        lines.append(f"bit check: all {checked} unirand rows equal jitted jax.random")
    return lines


def plot(results: list[Result], path: str) -> str:
    """ns/value against n, log-log, one panel per task of PLOT_TASKS."""
    try:
        import matplotlib
    except ImportError:
        return f"--plot {path}: matplotlib is not installed (pip install matplotlib); no plot"
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(PLOT_TASKS), figsize=(6 * len(PLOT_TASKS), 4.5), sharey=True)
    for ax, task in zip(np.atleast_1d(axes), PLOT_TASKS, strict=True):
        for label in LABELS:
            pts = sorted(
                (r.n, r.best / r.n * 1e9)
                for r in results
                if r.impl.task == task and r.impl.label == label
            )
            if pts:
                xs, ys = zip(*pts, strict=True)
                style = "k-o" if label == BASELINE else "-o"
                ax.plot(xs, ys, style, label=label, markersize=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(task)
        ax.set_xlabel("values per call (n)")
        ax.grid(True, which="both", alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("ns per value (best)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(f"unirand engines vs jax.random, NumPy, torch ({os.cpu_count()} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return f"plot written to {path}"


def _sizes(text: str) -> list[int]:
    sizes = [int(float(s)) for s in text.split(",") if s.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=_sizes(DEFAULT_SIZES), help=f"(default {DEFAULT_SIZES})"
    )
    parser.add_argument("--big", action="store_true", help="also n = 10**8")
    parser.add_argument("--repeat", type=int, default=3, help="samples per row (default 3)")
    parser.add_argument(
        "--min-time", type=float, default=0.02, help="seconds per sample, at least (default 0.02)"
    )
    parser.add_argument(
        "--task", action="append", default=[], help="only tasks whose name contains this"
    )
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        help="only implementations whose label contains this (the baseline is always kept)",
    )
    parser.add_argument("--plot", metavar="PATH.png", help="write a log-log plot (matplotlib)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.min_time < 0:
        parser.error("--repeat must be positive and --min-time not negative")
    sizes = sorted(set(args.sizes) | ({10**8} if args.big else set()))

    libs = {"torch": optional("torch"), "jax": optional("jax")}
    if libs["jax"] is not None:
        libs["jax"].config.update("jax_enable_x64", True)
    print("\n".join(header(args, libs)))

    def keep(impls: list[Impl]) -> list[Impl]:
        if args.task:
            impls = [i for i in impls if any(t in i.task for t in args.task)]
        if args.label:
            impls = [
                i for i in impls if i.kind == "baseline" or any(t in i.label for t in args.label)
            ]
        return impls

    impls = keep(build_impls(libs["torch"], libs["jax"]))
    results = run(impls, sizes, args.repeat, args.min_time)
    small = [n for n in SMALL_SIZES if n not in sizes]
    extra = run(impls, small, args.repeat, args.min_time) if small else []
    keys = run(keep(build_key_impls(libs["torch"], libs["jax"])), [1], args.repeat, args.min_time)

    for n in sizes:
        print()
        print("\n".join(table(results, n)))
    for n in sizes:
        print()
        print("\n".join(ratio_matrix(results, n)))
    print()
    overhead = [r for r in results + extra if r.n in SMALL_SIZES] + keys
    print("\n".join(overhead_matrix(overhead)))
    print()
    print("\n".join(notes(results + extra + keys)))
    if args.plot:
        print(plot(results, args.plot))
    print(load("load average at end"))
    print(
        "\nns/value and us/call: best sample; vs jax.jit: row / jitted jax.random of the same "
        "task and n\n(in parentheses for other generators: different streams, context only); "
        "cpu/wall: CPU time\nover wall time (about the threads kept busy); bits = jax: output "
        "bytes equal jitted jax.random's."
    )


if __name__ == "__main__":
    main()
