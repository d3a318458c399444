"""Key-reuse checking: ``debug_key_reuse`` and ``KeyReuseError``.

A key is *consumed* by sampling (``bits``, ``uniform``, ``normal``, the other samplers), by
``split`` and by the generator bridges (``numpy_generator``, ``torch_generator``).  ``fold_in``,
``key_data``, ``jax_key``, ``to_json``, ``clone``, pickling, indexing and comparing do not
consume.  With checking on, consuming a key object a second time raises :class:`KeyReuseError`.

Reuse is tracked **per key object**, as JAX's own checker does (``jax_debug_key_reuse``): the
object carries a ``_consumed`` flag.  Two keys with equal data made separately
(``unirand.key(0)`` twice) are two objects and are not flagged, although they are the same
stream; a copy (``key.to(...)``, a pickle or JSON round trip, ``wrap_key_data(key_data(k))``,
``clone(key)``) is a fresh object too.  Inside ``jax.jit``/``vmap``/``scan`` the keys are
fresh objects built from tracers on every trace: reuse within one trace is seen, reuse across
calls of a compiled function is not; for that use JAX's checker
(``jax.config.update("jax_debug_key_reuse", True)``), which sees jaxprs.  Keys indexed out of
a batch (``keys[0]``) are new objects, so ``keys[0]`` consumed twice is not seen either (JAX
behaves the same).

When checking is off the only cost is reading the module-level flag ``ENABLED``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["KeyReuseError", "debug_key_reuse", "ENABLED", "transaction", "transactional"]

F = TypeVar("F", bound=Callable[..., Any])

#: the consumptions of the current call, recorded only when it succeeds (None: no call open)
_PENDING: ContextVar[list[tuple[Any, str]] | None] = ContextVar("unirand_pending", default=None)

#: True while reuse checking is on (read by every consuming operation; written only here)
ENABLED = False


class KeyReuseError(RuntimeError):
    """A key was consumed (sampled from, split, or bridged to a generator) a second time."""


class debug_key_reuse:  # lower case: used like a function
    """Turn key-reuse checking on (or off with ``False``); also a context manager.

    ``unirand.debug_key_reuse(True)`` switches checking on until ``debug_key_reuse(False)``;
    ``with unirand.debug_key_reuse():`` switches it on for the block and then restores what
    was set before.  The switch is process-wide (not per thread).
    """

    __slots__ = ("_previous",)

    def __init__(self, enabled: bool = True) -> None:
        global ENABLED
        if not isinstance(enabled, bool):
            raise TypeError(f"enabled must be a bool; got {type(enabled).__name__}")
        self._previous = ENABLED
        ENABLED = enabled

    def __enter__(self) -> debug_key_reuse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global ENABLED
        ENABLED = self._previous


def consume(key: Any, what: str) -> None:
    """Mark ``key`` consumed by ``what``; raise if it already was.  Call only when ENABLED.

    Inside a :func:`transaction` the check is made at once but the mark waits for the call to
    succeed, so a call rejected for a bad argument leaves the key fresh for the corrected
    retry."""
    previous = getattr(key, "_consumed", None)
    pending = _PENDING.get()
    if previous is None and pending is not None:
        previous = next((w for k, w in pending if k is key), None)
    if previous is not None:
        raise KeyReuseError(
            f"{what}: this key was already consumed by {previous}. Split it (or fold_in) to "
            "get fresh keys; every key should be used for one sampling call or one split"
        )
    if pending is not None:
        pending.append((key, what))
    else:
        _mark(key, what)


def _mark(key: Any, what: str) -> None:
    try:
        key._consumed = what
    except AttributeError:  # a third-party Key without the slot: it cannot be tracked
        pass


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """One public call: its keys are marked consumed only if it returns (validate first,
    consume after).  Nested calls join the outermost one."""
    if not ENABLED or _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[Any, str]] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    for key, what in pending:  # reached only when the block raised nothing
        _mark(key, what)


def transactional(fn: F) -> F:
    """``fn`` run as one :func:`transaction`."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if not ENABLED:
            return fn(*args, **kwargs)
        with transaction():
            return fn(*args, **kwargs)

    return call  # type: ignore[return-value]
