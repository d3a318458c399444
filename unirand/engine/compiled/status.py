"""Whether the compiled engine is in use, and why not: the one switch every backend reads.

The compiled engine (:mod:`unirand.engine.compiled`) needs Numba, an optional dependency
(``pip install unirand[fast]``).  It is used when Numba imports, unless ``UNIRAND_NUMBA=0`` is
set (read once per process; it also turns off the compiled ``randperm`` loops of the replay
generators) or a test
has switched it off with :func:`forced`.  Without it every backend runs the vectorized engine,
which gives the same bytes (the golden vectors run on both).  Numba is imported on the first
draw, never by ``import unirand``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from types import ModuleType
from typing import Any, cast

__all__ = ["active", "engine_info", "forced", "warm_up"]

_FORCED: ContextVar[bool | None] = ContextVar("unirand_compiled_forced", default=None)


@cache
def _load() -> tuple[ModuleType | None, str, float]:
    """(the driver module or None, why not, seconds the import took)."""
    start = time.perf_counter()
    try:
        import numba  # noqa: F401
    except ImportError:
        return None, "Numba is not installed (pip install 'unirand[fast]')", 0.0
    from . import driver as module

    return module, "", time.perf_counter() - start


@cache
def _disabled_by_env() -> bool:
    """``UNIRAND_NUMBA=0``, read once per process (a draw must not pay for ``os.environ``)."""
    return os.environ.get("UNIRAND_NUMBA", "1").strip() == "0"


def active() -> ModuleType | None:
    """The compiled engine's :mod:`.driver`, or ``None`` where the vectorized engine runs."""
    forced_value = _FORCED.get()
    if forced_value is False or (forced_value is None and _disabled_by_env()):
        return None
    module, _, _ = _load()
    if module is None and forced_value:
        raise RuntimeError("the compiled engine was forced on, but Numba is not installed")
    return module


def warm_up(part: int = 0, parts: int = 1) -> float:
    """Compile or load the kernels now (:func:`.driver.warm_up`, its share ``part`` of
    ``parts``) where the compiled engine runs; the seconds it took (0.0 without it)."""
    module = active()
    if module is None:
        return 0.0
    start = time.perf_counter()
    module.warm_up(part, parts)
    return time.perf_counter() - start


@contextmanager
def forced(enabled: bool) -> Iterator[None]:
    """Run the block on the compiled engine (``True``) or the vectorized one (``False``),
    whatever ``UNIRAND_NUMBA`` says (for tests and benchmarks; per thread and task)."""
    token = _FORCED.set(bool(enabled))
    try:
        yield
    finally:
        _FORCED.reset(token)


def engine_info() -> dict[str, Any]:
    """Which engine draws on NumPy and on torch CPU, and with what.

    ``engine``: ``"compiled"`` or ``"vectorized"``; ``reason``: why not compiled (empty when
    it is); ``compiler``: ``"numba <version>"`` or ``None``; ``threads``: worker threads a
    draw may use; ``cache_dir``: ``NUMBA_CACHE_DIR`` where it is set, else ``None``: Numba's
    default, the package's ``__pycache__``, or ``~/.cache/numba`` when that is read-only.
    """
    from ..parallel import workers

    module = active()
    compiler = None
    cache_dir = None
    if module is not None:
        import numba

        compiler = f"numba {numba.__version__}"
        cache_dir = cast(Any, numba.config).CACHE_DIR or None  # set at import, from the environment
    if module is not None:
        reason = ""
    elif _FORCED.get() is False:
        reason = "switched off for this block (unirand.engine.compiled.forced(False))"
    elif _disabled_by_env():
        reason = "switched off by UNIRAND_NUMBA=0"
    else:
        reason = _load()[1]
    return {
        "engine": "compiled" if module is not None else "vectorized",
        "reason": reason,
        "compiler": compiler,
        "threads": workers(),
        "cache_dir": cache_dir,
    }
