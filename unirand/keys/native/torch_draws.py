"""torch's own draws: the sampler hooks of :class:`unirand.keys.native.torch.TorchKey`.

Each hook is one of torch's samplers called with the key's fresh generator (``gen``) on the
key's device (``self._m[0]``); :mod:`.methods` checks the common arguments and delivers the
result, :mod:`.derived` makes the samplers torch lacks (``gumbel``, ``categorical``) from these.
The key itself (seed material, ``split``/``fold_in``, payloads, bridges) is :mod:`.torch`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch

from ...backends import by_name
from ..validation import as_shape
from .arguments import (
    check_axis,
    check_bool,
    check_bounds,
    check_int_range,
    check_p,
    choice_plan,
    float_bounds,
    host_array,
    int_bounds,
    population,
    real_param,
    trunc_plan,
)

__all__ = ["DTYPES", "TorchDraws"]

DTYPES = {
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}
_DTYPES = DTYPES


class TorchDraws:
    """The hooks of torch's samplers, mixed into ``TorchKey`` (which holds ``_m``:
    ``(device, seed, state)``)."""

    __slots__ = ()
    _m: tuple[str, int, bytes | None]

    # -- the library's draws (NativeMethods defines the samplers over them) ------------------
    def _empty(self, shape: tuple[int, ...], name: str) -> torch.Tensor:
        return torch.empty(shape, dtype=_DTYPES[name], device=self._m[0])

    def _bits(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``random_(0, 2**w)`` on int64, cast; uint64: ``(hi << 32) | lo`` of two 32-bit draws."""
        w = min(int(name[4:]), 32)
        if name == "uint64":
            two = torch.empty((*shape, 2), dtype=torch.int64, device=self._m[0])
            two.random_(0, 2**32, generator=gen)
            return ((two[..., 0] << 32) | two[..., 1]).view(torch.uint64)
        out = torch.empty(shape, dtype=torch.int64, device=self._m[0])
        return out.random_(0, 2**w, generator=gen).to(_DTYPES[name])

    def _uniform(self, gen: Any, shape: tuple[int, ...], name: str, lo: Any, hi: Any) -> Any:
        """``Tensor.uniform_(minval, maxval)``; array bounds ``lo + (hi - lo) * uniform_(0, 1)``."""
        out = self._empty(shape, name)
        if _is_number(lo) and _is_number(hi):
            for arg, v in (("minval", lo), ("maxval", hi)):
                if not math.isfinite(float(v)):  # torch's RuntimeError names neither
                    raise ValueError(f"{arg} must be finite on a torch key; got {v!r}")
            return out.uniform_(float(lo), float(hi), generator=gen)
        lo, hi = (_tensor(v, out, a).to(out.dtype) for v, a in ((lo, "minval"), (hi, "maxval")))
        check_bounds(shape, lo, hi, names=("minval", "maxval"))
        return lo + (hi - lo) * out.uniform_(0.0, 1.0, generator=gen)

    def _normal(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``torch.randn(shape, generator=...)``."""
        return torch.randn(shape, generator=gen, dtype=_DTYPES[name], device=self._m[0])

    def _exponential(self, gen: Any, shape: tuple[int, ...], name: str) -> Any:
        """``Tensor.exponential_(1.0)``."""
        return self._empty(shape, name).exponential_(1.0, generator=gen)

    # gumbel: derived (torch has no Gumbel sampler), ``-log(exponential_(1.0))``
    # categorical: derived, Gumbel-max over that noise in the logits' dtype, ``torch.topk``

    def _bernoulli(self, gen: Any, p: Any, shape: Any, mode: str) -> Any:
        """``torch.bernoulli(p broadcast to shape)`` as bool; ``mode`` is unused."""
        parr = self._param(p, "p")
        shape = tuple(parr.shape) if shape is None else as_shape(shape)
        check_bounds(shape, parr, names=("p",))
        probs = torch.broadcast_to(parr, shape).contiguous()
        return torch.bernoulli(probs.clamp(0, 1).nan_to_num(0.0), generator=gen).bool()

    def _randint(
        self, gen: Any, shape: tuple[int, ...], minval: Any, maxval: Any, name: str
    ) -> Any:
        """``torch.randint(minval, maxval, shape, dtype=...)`` for integer bounds; array bounds
        (derived; torch.randint takes scalars): ``minval + r % (maxval - minval)`` with ``r``
        from ``torch.empty(shape, dtype=int64).random_()`` (``[0, 2**63)``), cast to ``dtype``.

        torch's (and NumPy's) rule, not JAX's clipping: bounds outside the dtype or
        ``minval >= maxval`` raise ``ValueError``.  torch.randint takes int64 bounds, so
        ``maxval`` must be below ``2**63`` (uint64 and int64 alike).
        """
        vmin, vmax = int_bounds(minval, "minval"), int_bounds(maxval, "maxval")
        check_bounds(shape, vmin, vmax, names=("minval", "maxval"))
        check_int_range(vmin, vmax, name)
        if np.any(vmax >= 2**63):
            raise ValueError(f"maxval must be below 2**63 on torch (int64 bounds); got {maxval!r}")
        where = self._m[0]
        if vmin.ndim == 0 and vmax.ndim == 0:
            return torch.randint(
                int(vmin), int(vmax), shape, generator=gen, dtype=_DTYPES[name], device=where
            )
        if np.any(vmax - vmin >= 2**63):
            raise ValueError("array bounds on torch need maxval - minval < 2**63")
        lo, span = (torch.as_tensor(v.astype(np.int64), device=where) for v in (vmin, vmax - vmin))
        r = torch.empty(shape, dtype=torch.int64, device=where).random_(generator=gen)
        return (lo + r % span).to(_DTYPES[name])

    def _permute(self, gen: Any, x: Any, axis: Any, independent: Any) -> torch.Tensor:
        """``torch.randperm(x)`` (``x`` an int); an array: ``x.index_select(axis,
        randperm(x.shape[axis]))``; ``independent=True`` on an n-d array (derived): each slice
        ordered by a stable ``argsort`` of float64 ``torch.rand(x.shape)`` along ``axis``."""
        independent = check_bool(independent, "independent")
        where = self._m[0]
        n = population(x, "x")
        if n is not None:
            check_axis(axis, 1)
            return torch.randperm(n, generator=gen, device=where)
        t = _array(x, where)
        if t.ndim == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        axis = check_axis(axis, t.ndim)
        if t.ndim == 1 or not independent:  # 1-d: independent changes nothing, as in JAX
            return t.index_select(axis, torch.randperm(t.shape[axis], generator=gen, device=where))
        noise = torch.rand(tuple(t.shape), generator=gen, dtype=torch.float64, device=where)
        return torch.take_along_dim(t, torch.argsort(noise, dim=axis, stable=True), dim=axis)

    def _choice(
        self, gen: Any, a: Any, shape: Any, replace: Any, p: Any, axis: Any, mode: Any
    ) -> Any:
        """Indices from torch's own samplers, then ``a.index_select(axis, ...)``: with ``p``
        ``torch.multinomial(p, k, replacement=replace)``; without, ``torch.randint(0, n, (k,))``
        (replace) or ``torch.randperm(n)[:k]``; ``k = prod(shape)``.  ``mode`` is not used."""
        where = self._m[0]
        n = population(a, "a")
        arr = None if n is not None else _array(a, where, "a")
        axis, shape, n_inputs, n_draws = choice_plan(
            None if arr is None else tuple(arr.shape), n, shape, replace, axis
        )
        probs = None
        if p is not None:
            check_p(host_array(p, "p"), n_inputs, n_draws, bool(replace))  # refuses integer p
            probs = self._param(p, "p")
        if n_draws == 0:
            idx = torch.zeros(0, dtype=torch.int64, device=where)
        elif probs is not None:
            idx = torch.multinomial(probs, n_draws, replacement=bool(replace), generator=gen)
        elif replace:
            idx = torch.randint(0, n_inputs, (n_draws,), generator=gen, device=where)
        else:
            idx = torch.randperm(n_inputs, generator=gen, device=where)[:n_draws]
        if arr is None:
            return idx.reshape(shape)
        out = arr.index_select(axis, idx)
        return out.reshape((*arr.shape[:axis], *shape, *arr.shape[axis + 1 :]))

    def _truncated_normal(self, gen: Any, lower: Any, upper: Any, shape: Any, name: str) -> Any:
        """Finite scalar bounds: ``torch.nn.init.trunc_normal_(empty, 0, 1, lower, upper)``
        (torch's rejection sampler).  Array or infinite bounds (derived; trunc_normal_ takes
        finite scalars): ``sqrt(2) * erfinv(a + (b - a) * u)`` in float64 with ``a, b =
        erf(bound / sqrt(2))`` and ``u = uniform_(0, 1)``, clamped to the bounds in ``dtype``
        (an infinite bound: the dtype's largest finite value).  Both clamp to the closed
        interval ``[lower, upper]``.
        """
        lo, up = float_bounds(lower, "lower"), float_bounds(upper, "upper")
        shape = trunc_plan(lo, up, shape, name)
        where = self._m[0]
        out = self._empty(shape, name)
        if lo.ndim == 0 and up.ndim == 0 and np.isfinite(lo) and np.isfinite(up):
            with warnings.catch_warnings():
                # torch's warning for bounds beyond 2 std predates its exact rejection sampler
                warnings.filterwarnings("ignore", "mean is more than 2 std", UserWarning)
                torch.nn.init.trunc_normal_(out, 0.0, 1.0, float(lo), float(up), generator=gen)
            return out
        dt = out.dtype
        lo_t, up_t = (
            torch.as_tensor(v, dtype=dt, device=where).to(torch.float64)
            for v in (lo.astype(np.float64), up.astype(np.float64))
        )
        a, b = torch.erf(lo_t / _SQRT2), torch.erf(up_t / _SQRT2)
        u = torch.empty(shape, dtype=torch.float64, device=where).uniform_(0.0, 1.0, generator=gen)
        z = _SQRT2 * torch.erfinv(a + (b - a) * u)
        big = torch.finfo(dt).max  # an infinite bound clamps to the dtype's finite range
        lo_c, up_c = (torch.nan_to_num(v, neginf=-big, posinf=big) for v in (lo_t, up_t))
        z = torch.minimum(torch.maximum(z, lo_c), up_c)
        return z.to(dt)

    # -- what the derivations need -------------------------------------------------------------
    def _param(self, value: Any, argument: str) -> torch.Tensor:
        return _tensor(value, self._empty((), "float32"), argument)

    def _logits(self, logits: Any) -> torch.Tensor:
        return self._param(logits, "logits")

    def _top_k(self, x: Any, k: int) -> torch.Tensor:
        return torch.topk(x, k, dim=-1).indices


_SQRT2 = math.sqrt(2.0)


def _array(value: Any, where: str, argument: str = "x") -> torch.Tensor:
    """``value`` (a tensor, a NumPy/JAX array or a list) as a tensor on the key's device."""
    if isinstance(value, torch.Tensor):
        return value.to(where)
    host = host_array(value, argument)
    if host.dtype.kind not in "biufc":  # torch's own error names no argument
        raise TypeError(f"{argument} must be an array of numbers; got dtype {host.dtype}")
    return by_name("torch").from_numpy(host, torch.device(where))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _tensor(value: Any, like: torch.Tensor, argument: str) -> torch.Tensor:
    """A float tensor of ``value`` on ``like``'s device.

    Tensors and float arrays keep their dtype; Python numbers, lists and integer arrays become
    ``like``'s dtype (float32), as ``p`` and ``logits`` are in JAX.
    """
    if isinstance(value, torch.Tensor):
        t = value.to(like.device)
        if t.dtype == torch.bool or t.is_complex():
            raise TypeError(f"{argument} must be a real number or array; got dtype {t.dtype}")
        return t if t.is_floating_point() else t.to(like.dtype)
    a = real_param(value, argument)
    floating = a.dtype.kind == "f" or a.dtype.name == "bfloat16"
    if floating and not isinstance(value, (int, float, list, tuple)):
        return by_name("torch").from_numpy(np.array(a, order="C"), like.device)  # writable
    return torch.as_tensor(a, dtype=like.dtype, device=like.device)
