"""The samplers added after the engine, against jitted ``jax.random`` and NumPy's ``Generator``
(a script, not a test).

Why: the issue that asked for gamma, the discrete samplers and the transforms of ``jax.random``
also asked that the benchmark report each of them against ``jax.random`` and NumPy, and set one
target: unirand's ``gamma`` should beat jitted ``jax.random.gamma`` on the CPU (jax-ml/jax#18984
measured 689 ms per 10**6 draws there).  ``bench_engine.py`` covers the engine's elementwise
samplers; this script covers the rest, with the same measurement, tables and bit check (it
reuses ``bench_engine``'s runner).  Tasks (float32 unless named, parameters as float32 on
every side):

* gamma (a = 0.5 and 2), loggamma (a = 0.5);
* poisson (lam = 3, JAX's Knuth loop; lam = 30, its rejection loop), binomial (n = 8, p = 0.3:
  inversion; n = 400, p = 0.6: BTRS), multinomial (20 trials, 4 categories);
* cauchy, pareto, lognormal, weibull_min; rademacher, laplace, logistic, rayleigh, geometric,
  triangular, wald, maxwell, double_sided_maxwell;
* beta, dirichlet, chisquare, f, t, generalized_normal, ball: when they are implemented (a
  sampler that raises is reported as failed and skipped).

Rows: ``jax.random, jax.jit`` (the baseline: shape static, compile excluded by a warm-up call,
``block_until_ready``), ``unirand numpy`` (the default engine), ``unirand torch`` (``xp=torch``,
CPU) and ``numpy PCG64`` (``np.random.Generator(PCG64)``'s equivalent, where one exists: a
different stream, for context).  Each row is the best of ``--repeat`` interleaved samples after
a warm-up (see ``bench_engine.py``); "bits = jax" says whether the row's output has the dtype,
shape and bytes of the jitted ``jax.random`` output of the same run (x64 on, as the golden
vectors).  Multi-value samplers (multinomial, dirichlet, ball) draw ``n / 4`` vectors of 4, so
every row has ``n`` values and ns/value compares across rows.

Usage (from the repository root)::

    python benchmarks/bench_samplers.py [--sizes 100000,1000000] [--repeat 3]
        [--min-time 0.02] [--task gamma] [--label numpy] [--memory] [--profile gamma]

``--profile TASK`` runs ``cProfile`` over one ``unirand numpy`` call of each task whose name
contains TASK at the largest size, and prints where the time goes.  ``--memory`` adds the peak
extra memory of the NumPy rows (one more call each, under ``tracemalloc``).  torch and jax are
optional: what needs a missing one is skipped.  It reports and never asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's unirand

from _common import load, optional, wait
from bench_engine import BASELINE, Impl, Result, _run_task, header, notes, ratio_matrix, table

import unirand

DEFAULT_SIZES = "100000,1000000"
#: the vector length of the multi-value samplers (multinomial, dirichlet, ball)
K = 4
#: jax-ml/jax#18984: jitted jax.random.gamma, ms per 10**6 draws on a CPU
JAX_GAMMA_ISSUE_MS = 689

f32 = np.float32
P4 = np.array([0.1, 0.2, 0.3, 0.4], f32)
ALPHA4 = np.array([1.0, 2.0, 3.0, 4.0], f32)
#: parameters passed to the jitted function as traced arguments, not folded in as constants:
#: with a constant ``a``, XLA simplifies ``pow(x, 1/a)`` (``a = 0.5``: ``x*x``) and jitted
#: gamma differs from eager ``jax.random.gamma`` (and from unirand, which equals eager) in
#: about 1 value in 1000 by one ulp
TRACED = {"gamma a=0.5": (f32(0.5),), "gamma a=2": (f32(2.0),), "loggamma a=0.5": (f32(0.5),)}


def _tasks(jr: Any, jnp: Any) -> list[tuple[str, Any, Callable[..., Any], Any, str]]:
    """(task, jax_fn(key, n) or None, unirand_fn(key, n, **kw), numpy_fn(gen, n) or None,
    note on the NumPy row)."""
    j = jr is not None
    F, I = (jnp.float32, jnp.int32) if j else (None, None)  # noqa: E741
    u = unirand
    f64 = "float64 output"

    def vec(n: int) -> tuple[int, int]:
        return (n // K, K)

    return [
        (
            "gamma a=0.5",
            j and (lambda k, n, a: jr.gamma(k, a, (n,), F)),
            lambda k, n, **kw: u.gamma(k, f32(0.5), (n,), "float32", **kw),
            lambda g, n: g.standard_gamma(0.5, n, dtype=f32),
            "",
        ),
        (
            "gamma a=2",
            j and (lambda k, n, a: jr.gamma(k, a, (n,), F)),
            lambda k, n, **kw: u.gamma(k, f32(2.0), (n,), "float32", **kw),
            lambda g, n: g.standard_gamma(2.0, n, dtype=f32),
            "",
        ),
        (
            "loggamma a=0.5",
            j and (lambda k, n, a: jr.loggamma(k, a, (n,), F)),
            lambda k, n, **kw: u.loggamma(k, f32(0.5), (n,), "float32", **kw),
            lambda g, n: np.log(g.standard_gamma(0.5, n, dtype=f32)),
            "log of standard_gamma",
        ),
        (
            "int32 poisson lam=3",
            j and (lambda k, n: jr.poisson(k, f32(3.0), (n,), I)),
            lambda k, n, **kw: u.poisson(k, f32(3.0), (n,), "int32", **kw),
            lambda g, n: g.poisson(3.0, n),
            "int64 output",
        ),
        (
            "int32 poisson lam=30",
            j and (lambda k, n: jr.poisson(k, f32(30.0), (n,), I)),
            lambda k, n, **kw: u.poisson(k, f32(30.0), (n,), "int32", **kw),
            lambda g, n: g.poisson(30.0, n),
            "int64 output",
        ),
        (
            "binomial n=8 p=0.3",
            j and (lambda k, n: jr.binomial(k, f32(8.0), f32(0.3), (n,), F)),
            lambda k, n, **kw: u.binomial(k, f32(8.0), f32(0.3), (n,), "float32", **kw),
            lambda g, n: g.binomial(8, 0.3, n),
            "int64 output",
        ),
        (
            "binomial n=400 p=0.6",
            j and (lambda k, n: jr.binomial(k, f32(400.0), f32(0.6), (n,), F)),
            lambda k, n, **kw: u.binomial(k, f32(400.0), f32(0.6), (n,), "float32", **kw),
            lambda g, n: g.binomial(400, 0.6, n),
            "int64 output",
        ),
        (
            "multinomial 20 trials, 4 cat.",
            j and (lambda k, n: jr.multinomial(k, f32(20.0), P4, shape=vec(n), dtype=F)),
            lambda k, n, **kw: u.multinomial(k, f32(20.0), P4, shape=vec(n), dtype="float32", **kw),
            lambda g, n: g.multinomial(20, P4.astype(np.float64), n // K),
            "int64 output",
        ),
        (
            "cauchy",
            j and (lambda k, n: jr.cauchy(k, (n,), F)),
            lambda k, n, **kw: u.cauchy(k, (n,), "float32", **kw),
            lambda g, n: g.standard_cauchy(n),
            f64,
        ),
        (
            "pareto b=2.5",
            j and (lambda k, n: jr.pareto(k, f32(2.5), (n,), F)),
            lambda k, n, **kw: u.pareto(k, f32(2.5), (n,), "float32", **kw),
            lambda g, n: g.pareto(2.5, n) + 1.0,
            "Lomax + 1, float64 output",
        ),
        (
            "lognormal sigma=0.7",
            j and (lambda k, n: jr.lognormal(k, f32(0.7), (n,), F)),
            lambda k, n, **kw: u.lognormal(k, f32(0.7), (n,), "float32", **kw),
            lambda g, n: g.lognormal(0.0, 0.7, n),
            f64,
        ),
        (
            "weibull_min 1.5, 2",
            j and (lambda k, n: jr.weibull_min(k, f32(1.5), f32(2.0), (n,), F)),
            lambda k, n, **kw: u.weibull_min(k, f32(1.5), f32(2.0), (n,), "float32", **kw),
            lambda g, n: 1.5 * g.weibull(2.0, n),
            f64,
        ),
        (
            "int32 rademacher",
            j and (lambda k, n: jr.rademacher(k, (n,), I)),
            lambda k, n, **kw: u.rademacher(k, (n,), "int32", **kw),
            lambda g, n: 2 * g.integers(0, 2, n, dtype=np.int32) - 1,
            "",
        ),
        (
            "laplace",
            j and (lambda k, n: jr.laplace(k, (n,), F)),
            lambda k, n, **kw: u.laplace(k, (n,), "float32", **kw),
            lambda g, n: g.laplace(size=n),
            f64,
        ),
        (
            "logistic",
            j and (lambda k, n: jr.logistic(k, (n,), F)),
            lambda k, n, **kw: u.logistic(k, (n,), "float32", **kw),
            lambda g, n: g.logistic(size=n),
            f64,
        ),
        (
            "rayleigh scale=2",
            j and (lambda k, n: jr.rayleigh(k, f32(2.0), (n,), F)),
            lambda k, n, **kw: u.rayleigh(k, f32(2.0), (n,), "float32", **kw),
            lambda g, n: g.rayleigh(2.0, n),
            f64,
        ),
        (
            "int32 geometric p=0.3",
            j and (lambda k, n: jr.geometric(k, f32(0.3), (n,), I)),
            lambda k, n, **kw: u.geometric(k, f32(0.3), (n,), "int32", **kw),
            lambda g, n: g.geometric(0.3, n),
            "int64 output",
        ),
        (
            "triangular -1, 0.5, 2",
            j and (lambda k, n: jr.triangular(k, f32(-1.0), f32(0.5), f32(2.0), (n,), F)),
            lambda k, n, **kw: u.triangular(k, f32(-1), f32(0.5), f32(2), (n,), "float32", **kw),
            lambda g, n: g.triangular(-1.0, 0.5, 2.0, n),
            f64,
        ),
        (
            "wald mean=1.5",
            j and (lambda k, n: jr.wald(k, f32(1.5), (n,), F)),
            lambda k, n, **kw: u.wald(k, f32(1.5), (n,), "float32", **kw),
            lambda g, n: g.wald(1.5, 1.0, n),
            f64,
        ),
        (
            "maxwell",
            j and (lambda k, n: jr.maxwell(k, (n,), F)),
            lambda k, n, **kw: u.maxwell(k, (n,), "float32", **kw),
            None,
            "",
        ),
        (
            "double_sided_maxwell 1, 2",
            j and (lambda k, n: jr.double_sided_maxwell(k, f32(1.0), f32(2.0), (n,), F)),
            lambda k, n, **kw: u.double_sided_maxwell(k, f32(1), f32(2), (n,), "float32", **kw),
            None,
            "",
        ),
        (
            "beta 2, 3",
            j and (lambda k, n: jr.beta(k, f32(2.0), f32(3.0), (n,), F)),
            lambda k, n, **kw: u.beta(k, f32(2.0), f32(3.0), (n,), "float32", **kw),
            lambda g, n: g.beta(2.0, 3.0, n),
            f64,
        ),
        (
            "dirichlet 1..4",
            j and (lambda k, n: jr.dirichlet(k, ALPHA4, (n // K,), F)),
            lambda k, n, **kw: u.dirichlet(k, ALPHA4, (n // K,), "float32", **kw),
            lambda g, n: g.dirichlet(ALPHA4.astype(np.float64), n // K),
            f64,
        ),
        (
            "chisquare df=3",
            j and (lambda k, n: jr.chisquare(k, f32(3.0), (n,), F)),
            lambda k, n, **kw: u.chisquare(k, f32(3.0), (n,), "float32", **kw),
            lambda g, n: g.chisquare(3.0, n),
            f64,
        ),
        (
            "f 3, 5",
            j and (lambda k, n: jr.f(k, f32(3.0), f32(5.0), (n,), F)),
            lambda k, n, **kw: u.f(k, f32(3.0), f32(5.0), (n,), "float32", **kw),
            lambda g, n: g.f(3.0, 5.0, n),
            f64,
        ),
        (
            "t df=4",
            j and (lambda k, n: jr.t(k, f32(4.0), (n,), F)),
            lambda k, n, **kw: u.t(k, f32(4.0), (n,), "float32", **kw),
            lambda g, n: g.standard_t(4.0, n),
            f64,
        ),
        (
            "generalized_normal p=1.5",
            j and (lambda k, n: jr.generalized_normal(k, 1.5, (n,), F)),
            lambda k, n, **kw: u.generalized_normal(k, 1.5, (n,), "float32", **kw),
            None,
            "",
        ),
        (
            "ball d=4 p=2",
            j and (lambda k, n: jr.ball(k, K, 2, (n // K,), F)),
            lambda k, n, **kw: u.ball(k, K, 2, (n // K,), "float32", **kw),
            None,
            "",
        ),
    ]


def build_impls(torch: ModuleType | None, jax: ModuleType | None, memory: bool) -> list[Impl]:
    """Every (task, implementation) pair the installed libraries allow."""
    key = unirand.key(0)
    jr = jnp = jkey = None
    if jax is not None:
        import jax.numpy as jnp

        jr, jkey = jax.random, jax.random.key(0)
    impls: list[Impl] = []
    for task, jax_fn, unirand_fn, numpy_fn, note in _tasks(jr, jnp):
        try:  # a sampler not implemented yet (a scaffold) is skipped with its whole task
            unirand_fn(key, K)
        except Exception as exc:
            print(f"  {task}: unirand's sampler fails ({exc!r}), skipped", file=sys.stderr)
            continue
        if jax is not None and jax_fn:
            jitted = jax.jit(jax_fn, static_argnums=1)
            traced = TRACED.get(task, ())
            impls.append(
                Impl(
                    task,
                    BASELINE,
                    lambda n, f=jitted, p=traced: functools.partial(f, jkey, n, *p),
                    "baseline",
                )
            )
        impls.append(
            Impl(
                task,
                "unirand numpy",
                lambda n, f=unirand_fn: functools.partial(f, key, n),
                "unirand",
                memory=memory,
            )
        )
        if torch is not None:
            impls.append(
                Impl(
                    task,
                    "unirand torch",
                    lambda n, f=unirand_fn: functools.partial(f, key, n, xp=torch),
                    "unirand",
                )
            )
        if numpy_fn is not None:
            impls.append(
                Impl(
                    task,
                    "numpy PCG64",
                    lambda n, f=numpy_fn: functools.partial(
                        f, np.random.Generator(np.random.PCG64(0)), n
                    ),
                    "native",
                    memory=memory,
                    note=note,
                )
            )
    return impls


def gamma_verdict(results: list[Result]) -> list[str]:
    """The issue's target: unirand's gamma (NumPy engine) faster than jitted jax.random.gamma."""
    best = {(r.impl.task, r.impl.label, r.n): r.best for r in results}
    lines = []
    for task, label, n in sorted(best):
        if not task.startswith("gamma") or label != "unirand numpy":
            continue
        jax_t = best.get((task, BASELINE, n))
        if jax_t is None:
            continue
        ours = best[(task, label, n)]
        verdict = "met" if ours < jax_t else "NOT met"
        lines.append(
            f"gamma target ({task}, n = {n:,}): unirand numpy {ours * 1e3:.4g} ms, jitted "
            f"jax.random.gamma {jax_t * 1e3:.4g} ms ({ours / jax_t:.2f}x): {verdict}"
        )
    if lines:
        lines.append(
            f"(jax-ml/jax#18984 measured {JAX_GAMMA_ISSUE_MS} ms per 10**6 draws for jitted "
            "jax.random.gamma on its CPU)"
        )
    return lines


def profile(impls: list[Impl], task: str, n: int, top: int = 25) -> list[str]:
    """cProfile of one unirand-numpy call (after a warm-up) of each task containing ``task``."""
    lines = []
    for impl in impls:
        if task not in impl.task or impl.label != "unirand numpy":
            continue
        fn = impl.make(n)
        try:
            wait(fn())
        except Exception as exc:  # a sampler not implemented yet
            lines.append(f"profile {impl.task}: failed: {exc!r}")
            continue
        prof = cProfile.Profile()
        prof.enable()
        wait(fn())
        prof.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).strip_dirs().sort_stats(order).print_stats(top)
            lines.append(f"profile of unirand numpy, {impl.task}, n = {n:,}, by {order}:")
            lines.extend(out.getvalue().rstrip().splitlines())
    return lines


def run(impls: list[Impl], n: int, repeat: int, min_time: float) -> list[Result]:
    """``bench_engine``'s runner at one size, task by task, saying on stderr when each is
    done (the slow samplers take minutes at n = 10**6)."""
    results: list[Result] = []
    for task in dict.fromkeys(i.task for i in impls):
        results += _run_task([i for i in impls if i.task == task], n, repeat, min_time)
        print(f"  n = {n:,}, {task} done ({load('load')})", file=sys.stderr, flush=True)
    return results


def _sizes(text: str) -> list[int]:
    sizes = [int(float(s)) for s in text.split(",") if s.strip()]
    if not sizes or min(sizes) < K:
        raise argparse.ArgumentTypeError(f"sizes must be integers >= {K}")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=_sizes(DEFAULT_SIZES), help=f"(default {DEFAULT_SIZES})"
    )
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
    parser.add_argument("--memory", action="store_true", help="peak extra memory of NumPy rows")
    parser.add_argument(
        "--profile", metavar="TASK", help="cProfile unirand numpy on tasks containing TASK"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.min_time < 0:
        parser.error("--repeat must be positive and --min-time not negative")
    if any(n % K for n in args.sizes):
        parser.error(f"sizes must be multiples of {K} (the multi-value samplers draw n/{K} of {K})")
    sizes = sorted(set(args.sizes))

    libs = {"torch": optional("torch"), "jax": optional("jax")}
    if libs["jax"] is not None:
        libs["jax"].config.update("jax_enable_x64", True)
    print("\n".join(header(args, libs)).replace("engine benchmark", "samplers benchmark"))

    impls = build_impls(libs["torch"], libs["jax"], args.memory)
    if args.task:
        impls = [i for i in impls if any(t in i.task for t in args.task)]
    if args.label:
        impls = [i for i in impls if i.kind == "baseline" or any(t in i.label for t in args.label)]
    results: list[Result] = []
    for n in sizes:  # each size's tables as soon as it is done (a long run shows progress)
        done = run(impls, n, args.repeat, args.min_time)
        print()
        print("\n".join(table(done, n)))
        print()
        print("\n".join(ratio_matrix(done, n)), flush=True)
        results += done
    print()
    print("\n".join(notes(results)))
    verdict = gamma_verdict(results)
    if verdict:
        print("\n".join(verdict))
    if args.profile:
        print()
        print("\n".join(profile(impls, args.profile, sizes[-1])))
    print(load("load average at end"))
    print(
        "\nns/value and us/call: best sample; vs jax.jit: row / jitted jax.random of the same "
        "task and n\n(in parentheses for NumPy's Generator: a different stream, context only); "
        "cpu/wall: CPU time\nover wall time; bits = jax: output dtype, shape and bytes equal "
        "jitted jax.random's."
    )


if __name__ == "__main__":
    main()
