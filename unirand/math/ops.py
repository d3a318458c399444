"""The arithmetic interface the exactly reproduced functions are written against.

Each function in :mod:`unirand.math` takes an ``ops`` object: exactly rounded IEEE operations of
one array library in one float dtype, with a fused multiply-add that rounds once.  The engine's
implementations (:mod:`unirand.engine.float_ops`, NumPy's fast one) satisfy these protocols.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Float32Ops", "Float64Ops"]


class Float32Ops(Protocol):
    """Exactly rounded float32 arithmetic of one backend (``fma`` rounds once)."""

    xp: Any

    def const(self, value: Any, like: Any) -> Any: ...
    def mul(self, a: Any, b: Any) -> Any: ...
    def fma(self, a: Any, b: Any, c: Any) -> Any: ...
    def sqrt(self, a: Any) -> Any: ...
    def bitcast(self, a: Any, name: str) -> Any: ...


class Float64Ops(Float32Ops, Protocol):
    """float64 arithmetic as for float32, plus the host C library's ``log`` (XLA:CPU calls it)."""

    def log(self, a: Any) -> Any: ...
