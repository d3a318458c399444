"""The conformance report: golden vectors and a cross-check on every target, as one matrix.

Rows are targets (:mod:`unirand.report.targets`), columns are functions/dtypes found in the golden
vectors (:func:`unirand.report.golden.column`), a cell is measured by :mod:`unirand.report.cell` and
judged against what the docs claim (:mod:`unirand.report.claims`).  Cells are independent jobs;
they run in worker processes when more than one CPU is available (compiling JAX's kernels for
every shape dominates the run time) and the result is the same either way.  The report is a
plain dict whose layout is ``SCHEMA`` (documented in docs/conformance.md).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from .._version import __version__
from ..engine.compiled import engine_info, warm_up as compiled_warm_up
from . import golden as _golden
from .cell import failed_cell, run_cell, template
from .claims import Claim, claim
from .host import host_info
from .plan import JAX_SHAPES, Options, absent, keep, plan, select
from .targets import KNOWN, Target, discover, installed, version

__all__ = ["SCHEMA", "Options", "build_report"]

SCHEMA = "unirand.conformance.v1"


def _worker_init() -> None:
    """Workers share the machine: no JAX GPU preallocation, one BLAS/OpenMP pool each."""
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


# -- the whole report --------------------------------------------------------------------------


def _cost(target: Target, column: str) -> int:
    """Rough cost, to start the slow jobs first: JAX compiles per shape, and samplers beyond
    bits and uniform (normal) are long chains of operations."""
    base = {"jax": 2, "torch": 1, "cupy": 1}.get(target.backend, 0)
    base += target.path == "portable"
    return 2 * base + (column.split("/")[0] not in ("key", "split", "fold_in", "bits", "uniform"))


def _verdict(cell: dict[str, Any], c: Claim, strict: bool) -> tuple[str, bool]:
    """The cell's status and whether it keeps the documented claim."""
    error, cross = cell["error"], cell["cross_check"] or {}
    g = cell["golden"]
    ulps = [u for u in (g["max_ulp"], cross.get("max_ulp", 0)) if u is not None]
    unknown = g["max_ulp"] is None or (cross and cross.get("max_ulp") is None)
    cell["max_ulp"] = None if unknown else max(ulps, default=0)
    errs = [g.get("max_err", 0.0), cross.get("max_err", 0.0)]
    cell["max_err"] = None if None in errs else max(e or 0.0 for e in errs)
    cell["elements"] = g["elements"] + cross.get("elements", 0)
    cell["elements_bitwise"] = g["elements_bitwise"] + cross.get("elements_bitwise", 0)
    cell["share_bitwise"] = cell["elements_bitwise"] / cell["elements"] if cell["elements"] else 1.0
    if error:
        status = (
            "unsupported" if error["type"] == "TypeError" and c.kind == "unsupported" else "error"
        )
    elif cell["elements_bitwise"] == cell["elements"] and g["cases_bitwise"] == g["cases"]:
        status = "bitwise"
    else:
        status = "differs"
    if c.kind == "bitwise" or (c.kind == "none" and strict):
        ok = status == "bitwise"
    elif c.kind == "ulp":
        ok = status == "bitwise" or (
            status == "differs" and not unknown and cell["max_ulp"] <= c.ulp
        )
    elif c.kind == "err":
        ok = status == "bitwise" or (
            status == "differs" and cell["max_err"] is not None and cell["max_err"] <= c.err
        )
    elif c.kind == "unsupported":
        ok = status in ("unsupported", "bitwise")
    else:
        ok = True
    return status, ok


def _warm(names: list[str]) -> None:
    """Import the slow libraries in a fresh worker while the parent still finds the devices."""
    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _workers(options: Options) -> int:
    """Worker processes: several only when a slow library (JAX, torch) has rows to run."""
    if options.jobs:
        return options.jobs
    slow = [
        n for n in ("jax", "torch", "cupy") if n in (options.backends or KNOWN) and installed(n)
    ]
    return max(1, min(4, os.cpu_count() or 1)) if slow else 1


@contextlib.contextmanager
def _pool(workers: int, warm: list[str]) -> Iterator[ProcessPoolExecutor | None]:
    if workers <= 1:
        yield None
        return
    ctx = multiprocessing.get_context("spawn")  # forking a process that loaded JAX is unsafe
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init)
    try:
        for _ in range(workers - 1):  # the first worker finds the devices (_discover)
            pool.submit(_warm, warm)
        # the compiled engine's kernels, each compiled by one worker (the others then load it
        # from the disk cache instead of compiling it again)
        for part in range(workers):
            pool.submit(compiled_warm_up, part, workers)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _discover(
    options: Options, pool: ProcessPoolExecutor | None
) -> tuple[list[Target], dict[str, str]]:
    """Targets, found in a worker when there are workers: this process never imports JAX."""
    args = (options.backends, options.devices)
    if pool is None:
        return discover(*args, jax_variants=True)
    return pool.submit(discover, *args, jax_variants=True).result()


def _run_jobs(
    jobs: list[tuple[Target, str, list[dict[str, Any]], dict[str, Any] | None, int]],
    pool: ProcessPoolExecutor | None,
    progress: Callable[[str, str], None],
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = [{}] * len(jobs)
    if pool is None:
        for i, job in enumerate(jobs):
            results[i] = run_cell(*job)
            progress(f"{job[0].label} {job[1]}", job[0].label)
        return results
    order = sorted(range(len(jobs)), key=lambda i: -_cost(*jobs[i][:2]))
    futures = {pool.submit(run_cell, *jobs[i]): i for i in order}
    for future in as_completed(futures):
        i = futures[future]
        try:
            results[i] = future.result()
        except Exception as e:  # a worker died (BrokenProcessPool): the cell says so
            results[i] = failed_cell(jobs[i][2], e)
        progress(f"{jobs[i][0].label} {jobs[i][1]}", jobs[i][0].label)
    return results


def build_report(
    options: Options,
    progress_factory: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Run everything ``options`` select and return the report (see ``SCHEMA``)."""
    start = time.perf_counter()
    headers, cases = _golden.load_all()
    columns = plan(cases)
    size = options.cross_size
    workers = _workers(options)
    with _pool(workers, [n for n in ("torch", "jax") if n in (options.backends or KNOWN)]) as pool:
        targets, missing = _discover(options, pool)
        targets = [t for t in targets if keep(t, options)]
        jobs = [
            (t, col, select(t, cases, options), template(cases), options.cell_size(t))
            for t in targets
            for col, cases in columns.items()
        ]
        per_row = {t.label: len(columns) for t in targets}
        bar = progress_factory(len(jobs), rows=per_row) if progress_factory else None
        try:
            results = _run_jobs(jobs, pool, bar.update if bar else lambda _, __: None)
        finally:
            if bar:
                bar.close()
    rows: list[dict[str, Any]] = []
    for t_index, target in enumerate(targets):
        cells: dict[str, Any] = {}
        for c_index, col in enumerate(columns):
            cell = results[t_index * len(columns) + c_index]
            c = claim(target, col)
            cell["claim"] = {
                "kind": c.kind,
                "max_ulp": c.ulp,
                "max_err": c.err,
                "reason": c.reason,
            }
            cell["status"], cell["ok"] = _verdict(cell, c, options.strict)
            cells[col] = {k: cell[k] for k in CELL_FIELDS}
        rows.append(
            {
                "id": target.id,
                "label": target.label,
                "backend": target.backend,
                "device": target.device_name,
                "path": target.path,
                "x64": target.x64,
                "claimed": any(claim(target, col).claimed for col in columns),
                "cells": cells,
            }
        )
    ok = all(cell["ok"] for row in rows for cell in row["cells"].values())
    return {
        "schema": SCHEMA,
        "ok": ok,
        "exit_code": 0 if ok else 1,
        "unirand": __version__,
        "vectors": [
            {
                "file": name,
                **{k: head.get(k) for k in _HEADER_FIELDS},
                "cases": head["cases"],
            }
            for name, head in headers.items()
        ],
        "cases": len(cases),
        "absent_functions": absent(cases),
        "host": host_info(),
        "engine": engine_info(),
        "libraries": {name: version(name) for name in ("numpy", *_LIBRARIES)},
        "options": {
            "backends": options.backends,
            "devices": options.devices,
            "quick": options.quick,
            "full": options.full,
            "jax_shapes": None if options.full or options.quick else [list(s) for s in JAX_SHAPES],
            "size": size,
            "jobs": workers,
            "strict": options.strict,
        },
        "columns": list(columns),
        "rows": rows,
        "missing": [{"backend": b, "reason": r} for b, r in missing.items()],
        "seconds": round(time.perf_counter() - start, 2),
    }


#: the fields of a cell, in the order the JSON shows them
CELL_FIELDS = (
    "status",
    "ok",
    "claim",
    "max_ulp",
    "max_err",
    "share_bitwise",
    "elements",
    "elements_bitwise",
    "golden",
    "cross_check",
    "error",
    "first_difference",
    "jax_path",
    "seconds",
    "cpu_seconds",
)
#: what the report repeats of each vector file's header
_HEADER_FIELDS = (
    "schema",
    "jax",
    "platform",
    "cpu_has_fma",
    "jax_enable_x64",
    "jax_threefry_partitionable",
)
_LIBRARIES = ("torch", "jax", "array_api_strict", "cupy")
