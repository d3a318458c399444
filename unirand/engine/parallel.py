"""The process's worker threads: one fork-safe pool shared by every engine that runs chunks.

NumPy ufuncs and the compiled kernels (:mod:`unirand.engine.compiled`) release the GIL, so
chunks of one draw run on several cores from plain Python threads.  Owning the threads here,
rather than in a compiler's threading layer, keeps the engines safe to call from many threads
at once and after ``os.fork()``: a forked child inherits the executor object but none of its
threads, so the fork hook drops the parent's pool (and its lock, which another thread may have
held at the fork) in the child, and the pid check covers forks the hook does not see.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["parallel_map", "workers"]


def workers() -> int:
    """Threads a draw may use: the cores, at most four (``UNIRAND_THREADS`` overrides)."""
    given = os.environ.get("UNIRAND_THREADS", "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(f"UNIRAND_THREADS must be a positive integer; got {given!r}")
        return int(given)
    return min(4, os.cpu_count() or 1)


def parallel_map(work: Callable[[int], None], starts: Iterable[int], *, min_tasks: int = 4) -> None:
    """``work(s)`` for every ``s``: on the pool when there are ``min_tasks`` or more, else
    inline.  Exceptions propagate; every task has finished when it returns."""
    starts = list(starts)
    if len(starts) >= min_tasks and workers() > 1:
        list(_pool().map(work, starts))
    else:
        for s in starts:
            work(s)


_POOL: ThreadPoolExecutor | None = None
_POOL_PID = 0
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL, _POOL_PID
    pid = os.getpid()
    with _POOL_LOCK:
        if _POOL is None or _POOL_PID != pid:
            _POOL = ThreadPoolExecutor(workers(), thread_name_prefix="unirand")
            _POOL_PID = pid
        return _POOL


def _reset_after_fork() -> None:
    global _POOL, _POOL_PID, _POOL_LOCK
    _POOL, _POOL_PID, _POOL_LOCK = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
