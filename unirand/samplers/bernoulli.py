"""``bernoulli``: ``jax.random.bernoulli``, bit for bit: ``uniform(key, shape, p.dtype) < p``."""

from __future__ import annotations

from typing import Any

from ..engine.backend import Backend
from ..engine.dtypes import MANTISSA
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import broadcast_to_shape, check_mode, float_array
from .blocks import parse_block, second_half
from .dtype_arith import DtypeArith
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["BERNOULLI_MODES", "bernoulli", "bernoulli_values"]


BERNOULLI_MODES = ("low", "high")


def bernoulli_values(
    backend: Backend,
    data: Any,
    p: Any,
    shape: tuple[int, ...],
    dtype: str,
    mode: str,
    device: Any,
    counters: Any = None,
    total: int | None = None,
) -> Any:
    """``uniform(key, shape, dtype) < p`` (mode "low"), or "high":
    ``u1, u2 = uniform(key, (2, *shape), dtype)``; ``u2 * 2**-nmant < p - u1``.

    ``p`` is an array of ``dtype`` in ``backend``, broadcastable to ``shape``.  ``counters``: a
    block's (``shape`` is its), ``total`` the whole draw's size (mode "high" follows it).
    """
    jb = native_jax(backend, device, "bernoulli", dtype, mode) if counters is None else None
    if jb is not None:
        return jax_call(jb, backend, data, device, "bernoulli", p, shape, mode)
    if backend.compiled_available(data, device):
        probability = backend.host_param(p, dtype, shape)
        block = {} if counters is None else {"counters": counters, "total": total}
        fast = backend.compiled("bernoulli", data, shape, dtype, device, probability, mode, **block)
        if fast is not None:
            return fast
    m = DtypeArith(backend, dtype)
    pc = m.load(p)
    if mode == "low":
        u = m.load(backend.uniform(data, shape, dtype, 0.0, 1.0, device, counters))
        return u < pc
    both = None if counters is None else second_half(counters, total)
    u = m.load(backend.uniform(data, (2, *shape), dtype, 0.0, 1.0, device, both))
    u1, u2 = u[0, ...], u[1, ...]
    u2 = u2 * m.const(2.0 ** -MANTISSA[dtype], u2)  # exact: a power of two
    return u2 < m.round(pc - u1)


@sampler
def bernoulli(
    key: PortableKey,
    p: Any = 0.5,
    shape: Any = None,
    *,
    mode: str = "low",
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Booleans that are True with probability ``p``: ``jax.random.bernoulli`` bit for bit.

    ``uniform(key, shape, p.dtype) < p``; ``p`` may be any value (outside [0, 1] the result is
    all False or all True, NaN gives False, as in JAX).  The uniforms have ``p``'s dtype: a
    Python float (or list) is float32, an array keeps its float dtype.  ``shape`` defaults to
    ``p``'s shape; ``p`` must broadcast to it.  ``mode="high"`` draws two uniforms per value
    for small ``p`` (JAX's ``mode``).  ``index``/``offset``: one block of the draw (as
    :func:`unirand.bits`; ``p`` is read at the block's elements only).
    """
    single(key, "bernoulli")
    mode = check_mode(mode, BERNOULLI_MODES)
    if shape is not None:
        shape = as_shape(shape)
    target, dev, data = destination(key, xp, device)
    parr, name = float_array(p, target, dev, "p")
    if shape is None:
        shape = tuple(parr.shape)
    else:
        broadcast_to_shape("bernoulli p", shape, tuple(parr.shape))
    block = parse_block(index, offset, shape)
    if block is None:
        return bernoulli_values(target, data, parr, shape, name, mode, dev)
    pb = block.take_on(target, parr, dev) if len(parr.shape) else parr
    c, n = block.counters, block.total
    out = bernoulli_values(target, data, pb, block.full, name, mode, dev, c, n)
    return target.xp.reshape(out, block.shape)
