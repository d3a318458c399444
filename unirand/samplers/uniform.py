"""``uniform``: ``jax.random.uniform``, bit for bit: mantissa bits, then the affine map with
XLA:CPU's fused multiply-add (:mod:`unirand.engine.affine`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backends import backend_of
from ..engine.dtypes import FLOAT_DTYPES, canonical
from ..keys.portable import PortableKey, destination, single
from ..keys.validation import as_shape
from .arguments import check_elements, uniform_bound
from .blocks import parse_block
from .jax_native import jax_call, native_jax
from .sampler import sampler

__all__ = ["uniform"]


@sampler
def uniform(
    key: PortableKey,
    shape: Any = (),
    dtype: Any = "float32",
    minval: Any = 0.0,
    maxval: Any = 1.0,
    *,
    xp: Any = None,
    device: Any = None,
    index: Any = None,
    offset: Any = None,
) -> Any:
    """Floats in ``[minval, maxval)``: ``jax.random.uniform`` bit for bit, XLA:CPU FMA included.

    ``index``/``offset``: one block of the draw (as :func:`unirand.bits`)."""
    single(key, "uniform")
    shape = as_shape(shape)
    name = canonical(dtype, FLOAT_DTYPES)
    block = parse_block(index, offset, shape)
    target, dev, data = destination(key, xp, device)
    target.dtype(name)
    check_elements(target, shape if block is None else block.full)
    minval = uniform_bound(minval, target, shape, "minval")
    maxval = uniform_bound(maxval, target, shape, "maxval")
    if block is not None:  # the bounds of the block's elements: the same values element-wise
        lo, hi = (
            v if not getattr(v, "shape", ()) else block.take_on(target, v, dev)
            for v in (minval, maxval)
        )
        out = target.uniform(data, block.full, name, lo, hi, dev, block.counters)
        return target.xp.reshape(out, block.shape)
    jb = native_jax(target, dev, "uniform", name)
    if jb is not None and name == "float16" and not (_finite(minval) and _finite(maxval)):
        jb = None  # XLA's float16 NaN signs depend on the vector lane: see _finite
    if jb is not None:
        return jax_call(jb, target, data, dev, "uniform", shape, target.dtype(name), minval, maxval)
    return target.uniform(data, shape, name, minval, maxval, dev)


def _finite(bound: Any) -> bool:
    """Whether a (concrete) bound is finite everywhere; a traced one counts as finite.

    ``jax.random.uniform`` in float16 with non-finite bounds is not one function of each
    element on XLA:CPU (jaxlib 0.10.2, x86 with F16C): the sign of a NaN made from a negative
    NaN or ``-inf`` bound differs between the lanes of its vectorized loop (``+nan``, from 32
    elements on) and its scalar loop (``-nan``, XLA's ``max`` rule).  unirand computes the
    scalar rule on every backend, so float16 with such bounds leaves native ``jax.random``.
    """
    if isinstance(bound, (int, float)) and not math.isfinite(bound):
        return False
    source = backend_of(bound)
    if source is not None and source.is_traced(bound):
        return True
    host = np.asarray(source.to_numpy(bound) if source is not None else bound)
    with np.errstate(over="ignore"):  # a bound beyond float16's range is infinite there
        return bool(np.isfinite(host.astype(np.float16)).all())
