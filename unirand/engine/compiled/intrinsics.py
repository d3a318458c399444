"""LLVM operations Numba does not expose: the fused multiply-add and bit reinterpretation.

``fma32``/``fma64`` call ``llvm.fma.f32``/``llvm.fma.f64``, which LLVM lowers to the hardware
instruction (``vfmadd``) or, on a CPU without one, to the C library's ``fma``: one rounding
either way, the specification's FMA wherever XLA:CPU contracts a multiply-add.  Numba itself
never contracts (its functions carry no fast-math flags), so every other multiply and add is
rounded on its own, as the specification has it.  The bitcasts are LLVM ``bitcast``: the
scalar form of ``x.view(np.uint32)``.  Imported only when Numba is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, cast

from llvmlite import ir
from numba import types
from numba.extending import intrinsic as _numba_intrinsic

__all__ = ["fma32", "fma64", "f32_bits", "f32_from_bits", "f64_bits", "f64_from_bits"]

_P = ParamSpec("_P")


def intrinsic(fn: Callable[Concatenate[Any, _P], Any]) -> Callable[_P, Any]:
    """``numba.extending.intrinsic(fn)``, typed as kernels call it: without the typing context
    (Numba's stubs type the call with ``typingctx`` and as never returning, since it raises in
    pure Python; inside a kernel it is the LLVM code)."""
    return cast("Callable[_P, Any]", _numba_intrinsic(fn))


def _fma(llvm_type: ir.Type, name: str) -> Any:
    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        fnty = ir.FunctionType(llvm_type, [llvm_type] * 3)
        fn = builder.module.declare_intrinsic(name, fnty=fnty)
        return builder.call(fn, args)

    return codegen


@intrinsic
def fma32(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    """``RN(a*b + c)`` in float32, one rounding."""
    if not all(t == types.float32 for t in (a, b, c)):
        return None
    return types.float32(types.float32, types.float32, types.float32), _fma(
        ir.FloatType(), "llvm.fma.f32"
    )


@intrinsic
def fma64(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    """``RN(a*b + c)`` in float64, one rounding."""
    if not all(t == types.float64 for t in (a, b, c)):
        return None
    return types.float64(types.float64, types.float64, types.float64), _fma(
        ir.DoubleType(), "llvm.fma.f64"
    )


def _bitcast(to: ir.Type) -> Any:
    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.bitcast(args[0], to)

    return codegen


@intrinsic
def f32_bits(typingctx: Any, x: Any) -> Any:
    """The bits of a float32 as uint32."""
    if x != types.float32:
        return None
    return types.uint32(types.float32), _bitcast(ir.IntType(32))


@intrinsic
def f32_from_bits(typingctx: Any, x: Any) -> Any:
    """The float32 with the bits of a uint32."""
    if x != types.uint32:
        return None
    return types.float32(types.uint32), _bitcast(ir.FloatType())


@intrinsic
def f64_bits(typingctx: Any, x: Any) -> Any:
    """The bits of a float64 as uint64."""
    if x != types.float64:
        return None
    return types.uint64(types.float64), _bitcast(ir.IntType(64))


@intrinsic
def f64_from_bits(typingctx: Any, x: Any) -> Any:
    """The float64 with the bits of a uint64."""
    if x != types.uint64:
        return None
    return types.float64(types.uint64), _bitcast(ir.DoubleType())
