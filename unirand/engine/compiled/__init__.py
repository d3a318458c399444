"""The compiled engine: every elementwise stream as one fused loop, machine code via Numba.

The vectorized engine (:mod:`unirand.engine.backend` and the NumPy backend's chunks) runs each
of Threefry's 20 rounds and each step of a transform as one array operation, a pass over memory
each.  Here the whole computation of one value (hash, mantissa float, ``erf_inv``, store) is one
loop body that LLVM vectorizes, writing straight into the output.  Same specification, same
bytes: the golden vectors and the cross-checks run on both engines.

Layout: :mod:`.status` (is it on, ``engine_info``), :mod:`.driver` (the entry points backends
call), :mod:`.threefry` and :mod:`.streams` (the kernels), :mod:`.elementary` and
:mod:`.float16` (the specification's functions, one value at a time), :mod:`.intrinsics` (FMA
and bitcasts), :mod:`.jit` (the compile options).  Only :mod:`.status` is imported without
Numba.
"""

from __future__ import annotations

from .status import active, engine_info, forced, warm_up

__all__ = ["active", "engine_info", "forced", "warm_up"]
