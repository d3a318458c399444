"""How every compiled function is compiled: one set of Numba options, in one place.

``nogil``: chunks of a draw run on the worker threads of :mod:`unirand.engine.parallel`, so the
compiled engine needs no Numba threading layer (some are neither thread- nor fork-safe).
``cache``: machine code is written to disk on first use (next to the module, or in Numba's
per-user cache directory when the package directory is read-only).  ``error_model="numpy"``:
IEEE semantics for division (no Python exceptions, no extra branches).  No ``fastmath``: every
operation is rounded on its own, and fused only where :mod:`.intrinsics` says so.
"""

from __future__ import annotations

from numba import njit

__all__ = ["jit", "inline"]

_OPTIONS = {"nogil": True, "cache": True, "error_model": "numpy", "boundscheck": False}

#: a kernel: a loop over one chunk of a draw
jit = njit(**_OPTIONS)
#: a scalar function used by kernels, inlined into them by Numba before LLVM sees the loop
#: (a call left in the loop body keeps LLVM from vectorizing it: 0.7 ns instead of 6.9 ns per
#: uint32 on one AVX-512 core, measured)
inline = njit(inline="always", **_OPTIONS)
