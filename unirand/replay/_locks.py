"""A lock for one replica's state that threads share and that survives ``os.fork``.

``torch.Generator``'s kernels hold ``generator->mutex_`` while they draw, so one generator
may be shared by threads.  The replicas do the same with :class:`StateLock`.  A plain lock
held by some thread at the moment another thread forks stays locked forever in the child (the
holder does not exist there); every :class:`StateLock` is therefore replaced by a fresh lock
in a forked child (``os.register_at_fork``).  Whatever the holder was doing is lost with it:
the replicas publish each new state in one assignment, so the child still sees a whole state.
"""

from __future__ import annotations

import os
import threading
import weakref
from types import TracebackType


class StateLock:
    """A reentrant lock (``with lock: ...``), fresh again in a forked child."""

    __slots__ = ("__weakref__", "_lock")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        _LIVE.add(self)

    def __enter__(self) -> StateLock:
        self._lock.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._lock.release()

    def _renew(self) -> None:
        self._lock = threading.RLock()


_LIVE: weakref.WeakSet[StateLock] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for lock in list(_LIVE):
        lock._renew()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
