"""What the conformance report runs: its options, its columns and the cases of each cell.

Columns come from the golden vectors (:func:`unirand.report.golden.column`); which cases a cell
replays depends on the target (JAX compiles per shape, so its rows replay a few shapes, at most
:data:`JAX_MAX_CASES` cases per sampler column, unless ``full``) and on ``quick``.  The pytest
suite in ``conformance/`` selects with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import golden as _golden
from .claims import claim
from .targets import Target

__all__ = [
    "DEFAULT_SIZE",
    "JAX_MAX_CASES",
    "JAX_SHAPES",
    "QUICK_SIZE",
    "Options",
    "absent",
    "keep",
    "plan",
    "select",
]

#: 2**17 + 1: crosses the 2**16-element chunks of the NumPy and torch engines twice, and is odd
DEFAULT_SIZE = 131_073
QUICK_SIZE = 4_099
#: JAX compiles every kernel once per shape, which dominates the report's time.  By default JAX
#: rows replay the cases of these shapes (every function, dtype, seed, range and key chain has
#: some) and every key-data case, and the portable engine runs with x64 on only (as in the
#: tests); ``full`` replays all cases on all four JAX rows.  Other libraries always replay all.
JAX_SHAPES = ((), (0,), (3, 5), (9,))
#: sampler cases per column a JAX row replays by default, spread over the shapes of JAX_SHAPES
#: (key-data columns keep all theirs: they are cheap).  Each case is a long chain of eager
#: ``jax.numpy`` operations or a compilation; NumPy, torch and array_api_strict replay every
#: case, and the JAX row's cross-check draws ``size`` elements against NumPy besides
JAX_MAX_CASES = 4
#: golden cases per column in --quick mode, of QUICK_SHAPE where the column has it; JAX rows
#: (one per device in --quick: native, x64 on) replay one case and skip the cross-check, since
#: every new shape is a compilation: --quick is a smoke test in seconds, the default is the proof
QUICK_CASES = 4
QUICK_JAX_CASES = 1
QUICK_SHAPE = (3, 5)


@dataclass
class Options:
    backends: list[str] | None = None
    devices: list[str] | None = None
    quick: bool = False
    #: every golden case on every row, JAX included (slow: JAX compiles per shape)
    full: bool = False
    size: int | None = None
    #: worker processes; 0: one per CPU (at most 4), 1: in this process
    jobs: int = 0
    #: also require bitwise where the docs claim nothing (devices without a measurement)
    strict: bool = False

    @property
    def cross_size(self) -> int:
        if self.size is not None:
            return self.size
        return QUICK_SIZE if self.quick else DEFAULT_SIZE

    def cell_size(self, target: Target) -> int:
        """Cross-check elements on ``target`` (none on JAX rows in --quick)."""
        if self.quick and self.size is None and target.backend == "jax":
            return 0
        return self.cross_size


def plan(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Cases by column, columns in a stable order: key operations, then samplers by dtype.

    Columns of functions this unirand does not have (vectors generated ahead of the API) are
    left out; :func:`absent` names them.
    """
    import unirand

    by_column: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        if hasattr(unirand, case["fn"]):
            by_column.setdefault(_golden.column(case), []).append(case)
    return dict(sorted(by_column.items(), key=lambda kv: _column_order(kv[0])))


def absent(cases: list[dict[str, Any]]) -> list[str]:
    """Functions that have golden vectors but are not (yet) in unirand's public API."""
    import unirand

    return sorted({c["fn"] for c in cases if not hasattr(unirand, c["fn"])})


def select(target: Target, cases: list[dict[str, Any]], options: Options) -> list[dict[str, Any]]:
    """The golden cases of one column that ``target`` replays under ``options``: not those
    whose array parameters have a dtype the library lacks (documented; see
    :func:`unirand.report.golden.param_dtypes`)."""
    cases = [c for c in cases if not _lacks(target, c)]
    if not cases:
        return []
    if options.quick:
        return _sample(cases)[: QUICK_JAX_CASES if target.backend == "jax" else QUICK_CASES]
    if options.full or target.backend != "jax":
        return cases
    keys = [c for c in cases if c["fn"] in _golden.KEY_FNS]
    chosen = keys or _spread([c for c in cases if _shape(c) in JAX_SHAPES], JAX_MAX_CASES)
    return chosen or [min(cases, key=_golden.elements)]


def _lacks(target: Target, case: dict[str, Any]) -> bool:
    return any(
        claim(target, f"{case['fn']}/{d}").kind == "unsupported" for d in _golden.param_dtypes(case)
    )


def keep(target: Target, options: Options) -> bool:
    """Whether the report has a row for ``target`` (JAX's portable engine with x64 off: only
    with ``full``; --quick: one JAX row per device, native with x64 on)."""
    if options.quick and target.backend == "jax":
        return target.path == "native" and target.x64 is True
    return options.full or not (target.path == "portable" and target.x64 is False)


def _shape(case: dict[str, Any]) -> tuple[int, ...]:
    return _golden.result_shape(case)


def _spread(cases: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """At most ``most`` of ``cases``, taken in turn from each shape (in order of first
    appearance), so that every shape is replayed before any shape twice; file order kept."""
    by_shape: dict[tuple[int, ...], list[int]] = {}
    for i, c in enumerate(cases):
        by_shape.setdefault(_shape(c), []).append(i)
    picked: list[int] = []
    rank = 0
    while len(picked) < min(most, len(cases)):
        picked += [group[rank] for group in by_shape.values() if rank < len(group)]
        rank += 1
    return [cases[i] for i in sorted(picked[:most])]


def _sample(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """QUICK_CASES cases of the column, of one shape where possible (JAX compiles per shape)."""
    common = [c for c in cases if c["fn"] in _golden.KEY_FNS or _shape(c) == QUICK_SHAPE]
    pool = common or sorted(cases, key=_golden.elements)
    step = max(1, len(pool) // QUICK_CASES)
    return pool[::step][:QUICK_CASES]


_KEY_ORDER = ("key", "split", "fold_in")
_DTYPE_ORDER = ("uint8", "uint16", "uint32", "uint64", "float16", "bfloat16", "float32", "float64")


def _column_order(column: str) -> tuple[int, str, int, str]:
    if column in _KEY_ORDER:
        return (0, "", _KEY_ORDER.index(column), column)
    fn, _, dtype = column.partition("/")
    rank = _DTYPE_ORDER.index(dtype) if dtype in _DTYPE_ORDER else len(_DTYPE_ORDER)
    return (1, {"bits": "0", "uniform": "1"}.get(fn, "2" + fn), rank, column)
