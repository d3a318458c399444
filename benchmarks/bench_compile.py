"""What the compiled engine's Numba compilation costs a process (a script, not a test).

Why: the compiled engine (:mod:`unirand.engine.compiled`) compiles each kernel the first time a
stream is drawn, with ``cache=True`` so that later processes load the machine code from disk.
``import unirand`` must stay cheap (Numba is imported on the first draw, never by the import),
and a user's first draw should cost a cache load, not a compile, once the cache is warm.  This
script measures, each in a fresh interpreter:

* **cold**: the first call of each compiled stream with an empty temporary ``NUMBA_CACHE_DIR``
  (everything compiled), in the order of the table;
* **warm**: the same in a second fresh process reusing that cache directory (machine code
  loaded from disk);
* **import**: the time of ``import unirand``, of loading the engine (``import numba`` and the
  driver's modules) and of the first draw, with the cache Numba uses by default here (next to
  the package, or ``NUMBA_CACHE_DIR`` if set) and, for comparison, with ``UNIRAND_NUMBA=0``
  (the vectorized engine, no Numba at all).

Every first call draws ``--n`` values (default 1,000: below the driver's ``SERIAL``, so one
kernel call on the calling thread); "again" is a second call of the same stream in the same
process, the cost left once the kernel is in memory.  The first row of the cold column also
pays for work shared by later kernels (Numba's typing and LLVM set-up), so read the column as a
sum as much as row by row.  With ``--rounds K`` every measurement is repeated K times (each
cold round in a new empty directory) and the table gives the median (and the minimum).  It
reports and never asserts: compile times depend on the machine and on how busy it is, so the
load average is printed at start and end.

Usage (from the repository root)::

    python benchmarks/bench_compile.py [--rounds 1] [--n 1000]

Numba is needed for the cold and warm columns; without it only the import rows are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (row label, the draw's source: ``unirand``, ``key`` and ``n`` are in scope)
STREAMS = [
    ("bits uint32", "unirand.bits(key, (n,), 'uint32')"),
    ("uniform float32", "unirand.uniform(key, (n,), 'float32')"),
    ("normal float32", "unirand.normal(key, (n,), 'float32')"),
    ("normal float64", "unirand.normal(key, (n,), 'float64')"),
    ("normal float16", "unirand.normal(key, (n,), 'float16')"),
    ("exponential float32", "unirand.exponential(key, (n,), 'float32')"),
    ("gumbel float32", "unirand.gumbel(key, (n,), 'float32')"),
    ("bernoulli float32", "unirand.bernoulli(key, 0.3, (n,))"),
    ("split", "unirand.split(key, n)"),
    ("fold_in", "unirand.fold_in(key, n)"),
]

# The child: times its own import, the engine's load and each first call; prints one JSON line.
CHILD = """
import json, sys, time
t0 = time.perf_counter()
import unirand
t1 = time.perf_counter()
from unirand.engine import compiled
engine = compiled.active()
t2 = time.perf_counter()
n = int(sys.argv[1])
streams = json.loads(sys.argv[2])
key = unirand.key(0)
first, again = {}, {}
for label, source in streams:
    draw = eval("lambda: " + source)
    t = time.perf_counter()
    draw()
    first[label] = time.perf_counter() - t
    t = time.perf_counter()
    draw()
    again[label] = time.perf_counter() - t
where = None
if engine is not None:
    try:  # Numba's own record of where a kernel's machine code lives (private; may change)
        where = engine.streams.normal_f32._cache._cache_path
    except AttributeError:
        pass
print(json.dumps({
    "import": t1 - t0,
    "load": t2 - t1,
    "first": first,
    "again": again,
    "info": unirand.engine_info(),
    "cache_path": where,
    "numba_loaded": "numba" in sys.modules,
}))
"""


def child(env_changes: dict[str, str | None], n: int, streams: list[tuple[str, str]]) -> dict:
    """One fresh interpreter: its timings, plus its wall time (interpreter start included)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )  # the checkout's unirand
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), json.dumps(streams)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"the child failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def _has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _files(directory: str) -> int:
    return sum(1 for p in Path(directory).rglob("*") if p.suffix in (".nbi", ".nbc"))


def _load(when: str) -> str:
    """Other processes on a small machine skew timings; say how busy it was."""
    if not hasattr(os, "getloadavg"):
        return f"{when}: unknown"
    one, five, _ = os.getloadavg()
    return f"{when}: {one:.2f} (1 min), {five:.2f} (5 min)"


def _cell(values: list[float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.median(values):.3f} ({min(values):.3f})"


def _table(cols: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(cols)]

    def fmt(cells: tuple[str, ...]) -> str:
        padded = (
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return [fmt(cols), fmt(tuple("-" * w for w in widths)), *(fmt(b) for b in body)]


def compile_rounds(rounds: int, n: int) -> tuple[list[dict], list[dict], list[str]]:
    """(cold results, warm results, notes): each round in a new empty cache directory."""
    cold, warm, notes = [], [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="unirand-numba-cache-") as cache:
            env = {"NUMBA_CACHE_DIR": cache, "UNIRAND_NUMBA": None}
            cold.append(child(env, n, STREAMS))
            written = _files(cache)
            warm.append(child(env, n, STREAMS))
            if _files(cache) != written:
                notes.append(
                    f"the warm process wrote {_files(cache) - written} cache files "
                    "(a kernel was compiled again: the cache did not match)"
                )
            notes.append(f"cold process wrote {written} cache files to NUMBA_CACHE_DIR")
    for result in cold + warm:
        if result["info"]["engine"] != "compiled":
            notes.append(f"WARNING: a child ran the {result['info']['engine']} engine")
    return cold, warm, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="repeat every process (default 1)")
    parser.add_argument("--n", type=int, default=1000, help="values per first call (default 1000)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.n < 1:
        parser.error("--rounds and --n must be positive")

    numba_version = "not installed"
    if _has_numba():
        import numba

        numba_version = numba.__version__
    print(
        f"unirand compile-time benchmark: n = {args.n:,} per first call, "
        f"{args.rounds} round(s); seconds" + (", median (min)" if args.rounds > 1 else "")
    )
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}, numba {numba_version}"
    )
    print(_load("load average at start"))
    print()

    notes: list[str] = []
    if _has_numba():
        cold, warm, notes = compile_rounds(args.rounds, args.n)
        body = [
            (
                "engine load (import numba + driver)",
                _cell([r["load"] for r in cold]),
                _cell([r["load"] for r in warm]),
                "",
            )
        ]
        for label, _ in STREAMS:
            body.append(
                (
                    f"first {label}",
                    _cell([r["first"][label] for r in cold]),
                    _cell([r["first"][label] for r in warm]),
                    _cell([r["again"][label] for r in warm]),
                )
            )
        body.append(
            (
                "sum of first calls",
                _cell([sum(r["first"].values()) for r in cold]),
                _cell([sum(r["first"].values()) for r in warm]),
                _cell([sum(r["again"].values()) for r in warm]),
            )
        )
        body.append(
            (
                "process wall (interpreter start included)",
                _cell([r["wall"] for r in cold]),
                _cell([r["wall"] for r in warm]),
                "",
            )
        )
        print("compiled streams: empty cache (cold) and the same cache in a new process (warm)")
        print("\n".join(_table(("", "cold", "warm", "again"), body)))
        print()
    else:
        print("numba is not installed: no cold/warm rows")
        print()

    draw = [("normal float32", "unirand.normal(key, (n,), 'float32')")]
    default = [child({"UNIRAND_NUMBA": None}, args.n, draw) for _ in range(args.rounds)]
    vectorized = [child({"UNIRAND_NUMBA": "0"}, args.n, draw) for _ in range(args.rounds)]
    body = [
        ("import unirand", *(_cell([r["import"] for r in rs]) for rs in (default, vectorized))),
        (
            "engine load (import numba + driver)",
            *(_cell([r["load"] for r in rs]) for rs in (default, vectorized)),
        ),
        (
            "first draw: normal float32",
            *(_cell([r["first"]["normal float32"] for r in rs]) for rs in (default, vectorized)),
        ),
        (
            "second draw: normal float32",
            *(_cell([r["again"]["normal float32"] for r in rs]) for rs in (default, vectorized)),
        ),
        (
            "process wall (interpreter start included)",
            *(_cell([r["wall"] for r in rs]) for rs in (default, vectorized)),
        ),
    ]
    print("a fresh process: import and first draw, default cache vs UNIRAND_NUMBA=0")
    print("\n".join(_table(("", "default", "UNIRAND_NUMBA=0"), body)))
    info = default[-1]["info"]
    print()
    print(f"default engine: {info['engine']} {info['compiler'] or ''}".rstrip())
    print(f"  engine_info()['cache_dir']: {info['cache_dir']!r}")
    print(f"  where Numba keeps normal float32 (its cache locator): {default[-1]['cache_path']}")
    if any(r["numba_loaded"] for r in vectorized):
        notes.append("note: numba was imported under UNIRAND_NUMBA=0")
    for note in dict.fromkeys(notes):
        print(note)
    print(_load("load average at end"))


if __name__ == "__main__":
    main()
