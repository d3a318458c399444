"""The whole-array loops of ``jax.random.poisson`` and ``binomial`` (jax 0.10.2), as XLA:CPU
runs them.

JAX draws these by ``while_loop`` over the *whole* array: every iteration splits the loop's key
and draws a uniform for every element, and the loop runs until the condition holds for no
element (``any``).  Knuth's Poisson and the binomial inversion only add to an element while it
is unfinished, so an element's value depends on its own draws alone.  The two rejection loops
(Hörmann's transformed rejection for Poisson, BTRS for binomial) do not mask: an element accepted
early is overwritten by any later acceptance, and the loop stops when every element has been
accepted at least once.  Such an element's value is the last accepted draw of a loop whose length
the other elements decide.  This module runs the same loops, in the same order, on any backend:
that dependence on the whole array is part of the specification, not fixed.

Arithmetic is the parameters' dtype as XLA:CPU computes it (:class:`Arith`): 16-bit operations in
float32, each result rounded to the 16-bit type; float32/float64 correctly rounded, with an FMA
wherever XLA:CPU's LLVM contracts a single-use product into its add (read off the loop bodies:
``b = 0.931 + 2.53 * sqrt(lam)``, ``(2a / us + b) * u + lam``, ``-lam + k * log(lam)``, and
BTRS's ``a``, ``c``, ``k`` and the first two products of its bound).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.backend import Backend
from ..engine.dtypes import numpy_dtype
from .dtype_arith import DtypeArith

__all__ = ["Arith", "binomial_loops", "float_cap", "int_cap", "poisson_loops", "to_float", "to_int"]

#: BTRS's Stirling-series tails for k = 0..9 (``_stirling_approx_tail``)
STIRLING_TAIL = (
    0.0810614667953272,
    0.0413406959554092,
    0.0276779256849983,
    0.02079067210376509,
    0.0166446911898211,
    0.0138761288230707,
    0.0118967099458917,
    0.0104112652619720,
    0.00925546218271273,
    0.00833056343336287,
)


class Arith:
    """Elementwise arithmetic in ``dtype`` as XLA:CPU does it, on flat arrays of one backend."""

    def __init__(self, backend: Backend, dtype: str) -> None:
        self.m = DtypeArith(backend, dtype)
        self.backend, self.xp, self.dtype = backend, backend.xp, dtype
        self.short = self.m.short
        self.host = np.float64 if dtype == "float64" else np.float32

    def c(self, value: float, like: Any) -> Any:
        """A Python float as JAX makes it (weak type: rounded once to the dtype), carried."""
        exact = np.asarray(value, dtype=numpy_dtype(self.dtype)).astype(self.host)
        return self.m.const(exact, like)

    def r(self, x: Any) -> Any:
        return self.m.round(x)

    def add(self, a: Any, b: Any) -> Any:
        return self.r(a + b)

    def sub(self, a: Any, b: Any) -> Any:
        return self.r(a - b)

    def mul(self, a: Any, b: Any) -> Any:
        return self.r(a * b)

    def div(self, a: Any, b: Any) -> Any:
        return self.r(a / b)

    def fma(self, a: Any, b: Any, c: Any) -> Any:
        """``a * b + c`` rounded once (16-bit types: XLA rounds the product, no FMA)."""
        if self.short:
            return self.add(self.mul(a, b), c)
        fused = self.m.ops.fma(a, b, c)
        # the exact emulation splits its operands and gives NaN for an infinite one; where the
        # plain result is not finite the fused one is the same inf or NaN
        plain = a * b + c
        return self.xp.where(self.xp.isfinite(plain), fused, plain)

    def sqrt(self, x: Any) -> Any:
        if self.dtype == "float64":
            return self.backend.sqrt_f64(x)
        return self.r(self.backend.sqrt_f32(x))

    def log(self, x: Any) -> Any:
        return self.m.log(x)

    def log1p(self, x: Any) -> Any:
        return self.m.log1p(x)

    def lgamma(self, x: Any) -> Any:
        fn = getattr(self.m, "lgamma", None)
        if fn is None:
            raise NotImplementedError("XLA's lgamma (DtypeArith.lgamma) is not available yet")
        return fn(x)

    def full(self, value: float, n: int, device: Any) -> Any:
        exact = float(np.asarray(value, dtype=numpy_dtype(self.dtype)).astype(self.host))
        return self.xp.full((n,), exact, dtype=self.m.carry, device=device)

    def uniform(self, data: Any, n: int, device: Any) -> Any:
        """``uniform(key, (n,), dtype)`` in [0, 1), carried."""
        return self.m.load(self.backend.uniform(data, (n,), self.dtype, 0.0, 1.0, device))

    def clamp(self, x: Any, lo: float, hi: float) -> Any:
        """``lax.clamp``: NaN stays NaN."""
        xp = self.xp
        return xp.minimum(xp.maximum(x, self.c(lo, x)), self.c(hi, x))


def _split(backend: Backend, data: Any, num: int) -> list[Any]:
    keys = backend.split(data, (num,))
    return [keys[i, ...] for i in range(num)]


def int_cap(dtype: str) -> int:
    """JAX's ``i < iinfo(dtype).max`` on the loop counter: the number of iterations allowed."""
    return int(np.iinfo(np.dtype(dtype)).max)


def float_cap(dtype: str) -> int | None:
    """``i < finfo(dtype).max`` with ``i`` converted to ``dtype``: the first ``i`` it fails at
    (float16: 65489, as 65489 rounds to 65504); None where no reachable count fails."""
    npd = numpy_dtype(dtype)
    top = float(np.finfo(npd).max) if dtype != "bfloat16" else 3.3895313892515355e38
    if top > 2.0**62:
        return None
    i = int(top) - 64
    while float(np.asarray(i, dtype=np.float64).astype(np.float32).astype(npd)) < top:
        i += 1
    return i


def to_int(backend: Backend, x: Any, dtype: str) -> Any:
    """float ``x`` (integral or non-finite values) to ``dtype`` as XLA converts: saturating at
    the dtype's bounds, NaN to 0."""
    xp = backend.xp
    info = np.iinfo(np.dtype(dtype))
    lo, hi = int(info.min), int(info.max)
    top = float(hi) + 1.0  # a power of two, exact in every float type
    nan = xp.isnan(x)
    over = x >= top
    under = x < float(lo) if lo < 0 else x < 0
    safe = xp.where(nan | over | under, xp.zeros_like(x), x)
    out = xp.astype(safe, backend.dtype(dtype))
    out = xp.where(over, xp.full_like(out, hi), out)
    return xp.where(under, xp.full_like(out, lo), out)


# --------------------------------------------------------------------------------------------
# poisson


def _knuth(f: Arith, data: Any, lam: Any, cap: int, device: Any) -> Any:
    """``_poisson_knuth``'s counts ``k`` (the result is ``k - 1``), float32 ``lam``."""
    xp, n = f.xp, int(lam.shape[0])
    k = xp.zeros((n,), dtype=xp.int32, device=device)
    log_prod = f.full(0.0, n, device)
    minus = -lam
    i, rng = 0, data
    while i < cap and bool(xp.any(log_prod > minus)):
        rng, subkey = _split(f.backend, rng, 2)
        k = xp.where(log_prod > minus, k + 1, k)
        log_prod = log_prod + f.log(f.uniform(subkey, n, device))
        i += 1
    return k


def _rejection(f: Arith, data: Any, lam: Any, cap: int, device: Any) -> Any:
    """``_poisson_rejection``'s float32 ``k_out`` (Hörmann's PTRS), ``lam >= 10``."""
    xp, n = f.xp, int(lam.shape[0])
    c = f.c
    log_lam = f.log(lam)
    b = f.fma(c(2.53, lam), f.sqrt(lam), c(0.931, lam))
    a = f.fma(c(0.02483, lam), b, c(-0.059, lam))
    inv_alpha = f.add(c(1.1239, lam), f.div(c(1.1328, lam), f.sub(b, c(3.4, lam))))
    v_r = f.sub(c(0.9277, lam), f.div(c(3.6224, lam), f.sub(b, c(2.0, lam))))
    two_a = f.mul(c(2.0, lam), a)
    k_out = f.full(-1.0, n, device)
    accepted = xp.zeros((n,), dtype=xp.bool, device=device)
    i, key = 0, data
    while i < cap and not bool(xp.all(accepted)):
        key, s0, s1 = _split(f.backend, key, 3)
        u = f.sub(f.uniform(s0, n, device), c(0.5, lam))
        v = f.uniform(s1, n, device)
        us = f.sub(c(0.5, lam), xp.abs(u))
        k = xp.floor(f.add(f.fma(f.add(f.div(two_a, us), b), u, lam), c(0.43, lam)))
        s = f.log(f.div(f.mul(v, inv_alpha), f.add(f.div(a, f.mul(us, us)), b)))
        t = f.sub(f.fma(k, log_lam, -lam), f.lgamma(f.add(k, c(1.0, lam))))
        accept1 = (us >= c(0.07, lam)) & (v <= v_r)
        reject = (k < c(0.0, lam)) | ((us < c(0.013, lam)) & (v > us))
        accept = accept1 | (~reject & (s <= t))
        k_out = xp.where(accept, k, k_out)
        accepted = accepted | accept
        i += 1
    return k_out


def poisson_loops(backend: Backend, data: Any, lam: Any, dtype: str, device: Any) -> Any:
    """``jax.random._poisson`` on flat float32 ``lam``: int ``dtype`` values, same shape."""
    xp = backend.xp
    f = Arith(backend, "float32")
    cap = int_cap(dtype)
    use_knuth = xp.isnan(lam) | (lam < f.c(10.0, lam))
    out = xp.zeros(lam.shape, dtype=backend.dtype(dtype), device=device)
    if bool(xp.any(use_knuth)):
        k = _knuth(f, data, xp.where(use_knuth, lam, xp.zeros_like(lam)), cap, device)
        # k - 1 in the dtype: -1 wraps for unsigned types (k <= cap fits the dtype)
        km1 = xp.astype(k, backend.dtype("int64") if _has(backend, "int64") else xp.int32) - 1
        if dtype.startswith("u"):
            top = xp.full_like(km1, int(np.iinfo(np.dtype(dtype)).max))
            out = xp.astype(xp.where(km1 < 0, top, km1), backend.dtype(dtype))
        else:
            out = xp.astype(km1, backend.dtype(dtype))
    if not bool(xp.all(use_knuth)):
        lam_r = xp.where(use_knuth, f.full(1e5, int(lam.shape[0]), device), lam)
        rejected = to_int(backend, _rejection(f, data, lam_r, cap, device), dtype)
        out = xp.where(use_knuth, out, rejected)
    return xp.where(lam == f.c(0.0, lam), xp.zeros_like(out), out)


def _has(backend: Backend, name: str) -> bool:
    try:
        backend.dtype(name)
    except TypeError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# binomial


def _inversion(f: Arith, data: Any, count: Any, q: Any, cap: int | None, device: Any) -> Any:
    """``_binomial_inversion``: ``k - 1`` in the parameters' dtype (sums of geometric draws)."""
    xp, n = f.xp, int(q.shape[0])
    log1mq = f.log1p(-q)
    one = f.c(1.0, q)
    num_geom = f.full(0.0, n, device)
    geom_sum = f.full(0.0, n, device)
    i, key = 0, data
    while (cap is None or i < cap) and bool(xp.any(geom_sum <= count)):
        subkey, key = _split(f.backend, key, 2)
        num_geom = xp.where(geom_sum <= count, f.add(num_geom, one), num_geom)
        geom = xp.ceil(f.div(f.log(f.uniform(subkey, n, device)), log1mq))
        geom_sum = f.add(geom_sum, geom)
        i += 1
    return f.sub(num_geom, one)


def _stirling(f: Arith, k: Any, table: Any) -> Any:
    """``_stirling_approx_tail``: the table below 10, else the series at ``clamp(k, 0, 9)``
    (JAX evaluates the series at the clamped value, so every k > 9 gets the series at 9)."""
    xp = f.xp
    c = f.c
    use_tail = k <= c(9.0, k)
    kc = f.clamp(k, 0.0, 9.0)
    kp1 = f.add(kc, c(1.0, k))
    kp1sq = f.mul(kp1, kp1)
    inner = f.sub(c(1.0 / 360, k), f.div(c(1.0 / 1260, k), kp1sq))
    approx = f.div(f.sub(c(1.0 / 12, k), f.div(inner, kp1sq)), kp1)
    index = xp.floor(xp.where(xp.isnan(kc), xp.zeros_like(kc), kc))
    tail = xp.take(table, xp.astype(index, xp.int32))
    return xp.where(use_tail, tail, approx)


def _btrs(f: Arith, data: Any, count: Any, p: Any, cap: int | None, device: Any) -> Any:
    """``_btrs`` (Hörmann's transformed rejection, 1993): ``k_out`` in the parameters' dtype."""
    xp, n = f.xp, int(p.shape[0])
    c = f.c
    one, half = c(1.0, p), c(0.5, p)
    table = xp.asarray(
        np.asarray(STIRLING_TAIL, dtype=numpy_dtype(f.dtype)).astype(f.host), device=device
    )
    q1 = f.sub(one, p)
    stddev = f.sqrt(f.mul(f.mul(count, p), q1))
    b = f.fma(c(2.53, p), stddev, c(1.15, p))
    a = f.fma(c(0.01, p), p, f.fma(c(0.0248, p), b, c(-0.0873, p)))
    cc = f.fma(count, p, half)
    v_r = f.sub(c(0.92, p), f.div(c(4.2, p), b))
    r = f.div(p, q1)
    alpha = f.mul(f.add(c(2.83, p), f.div(c(5.1, p), b)), stddev)
    m = xp.floor(f.mul(f.add(count, one), p))
    two_a = f.mul(c(2.0, p), a)
    count_m1 = f.add(f.sub(count, m), one)
    l1 = f.log(f.div(f.add(m, one), f.mul(r, count_m1)))
    m_half = f.add(m, half)
    count_p1 = f.add(count, one)
    s_m = _stirling(f, m, table)
    s_cm = _stirling(f, f.sub(count, m), table)
    k_out = f.full(-1.0, n, device)
    accepted = xp.zeros((n,), dtype=xp.bool, device=device)
    i, key = 0, data
    while (cap is None or i < cap) and not bool(xp.all(accepted)):
        key, s0, s1 = _split(f.backend, key, 3)
        u = f.uniform(s0, n, device)
        v = f.uniform(s1, n, device)
        u = f.sub(u, half)
        us = f.sub(half, xp.abs(u))
        accept1 = (us >= c(0.07, p)) & (v <= v_r)
        k = xp.floor(f.fma(f.add(f.div(two_a, us), b), u, cc))
        reject = (k < c(0.0, p)) | (k > count)
        v = f.log(f.div(f.mul(v, alpha), f.add(f.div(a, f.mul(us, us)), b)))
        count_k1 = f.add(f.sub(count, k), one)
        l2 = f.log(f.div(count_m1, count_k1))
        l3 = f.log(f.div(f.mul(r, count_k1), f.add(k, one)))
        ub = f.fma(m_half, l1, f.mul(count_p1, l2))
        ub = f.fma(f.add(k, half), l3, ub)
        ub = f.add(f.add(ub, s_m), s_cm)
        ub = f.sub(f.sub(ub, _stirling(f, k, table)), _stirling(f, f.sub(count, k), table))
        accept = accept1 | (~reject & (v <= ub))
        k_out = xp.where(accept, k, k_out)
        accepted = accepted | accept
        i += 1
    return k_out


def to_float(f: Arith, x: Any, out: Arith) -> Any:
    """A value carried for ``f.dtype`` converted to ``out.dtype`` (16-bit via float32, as
    XLA:CPU's ``fptrunc``), carried for ``out``."""
    if f.dtype == out.dtype:
        return x
    xp = f.xp
    if out.dtype == "float64":
        return xp.astype(x, xp.float64)
    return out.r(xp.astype(x, xp.float32))


def binomial_loops(
    backend: Backend, data: Any, count: Any, prob: Any, pdtype: str, dtype: str, device: Any
) -> Any:
    """``jax.random._binomial`` on flat ``count``/``prob`` of dtype ``pdtype`` (carried): float
    ``dtype`` values.  Raises ``ValueError`` where JAX's BTRS loop never ends (``n = inf`` with
    ``p`` 0 or 1: every bound is NaN, no element is ever accepted)."""
    xp = backend.xp
    f = Arith(backend, pdtype)
    o = Arith(backend, dtype)
    n = int(prob.shape[0])
    c = f.c
    p_lt_half = prob < c(0.5, prob)
    q = xp.where(p_lt_half, prob, f.sub(c(1.0, prob), prob))
    count_nan_or_neg = xp.isnan(count) | (count < c(0.0, count))
    count_inf = xp.isinf(count)
    q_is_nan = xp.isnan(q)
    q_l_0 = q < c(0.0, q)
    q = xp.where(q_is_nan | q_l_0, f.full(0.01, n, device), q)
    use_inv = count_nan_or_neg | (f.mul(count, q) <= c(10.0, q))
    count = xp.floor(count)
    cap = float_cap(pdtype)
    samples = o.full(0.0, n, device)
    if bool(xp.any(use_inv)):
        count_inv = xp.where(use_inv, count, xp.zeros_like(count))
        samples = to_float(f, _inversion(f, data, count_inv, q, cap, device), o)
    if not bool(xp.all(use_inv)):
        count_b = xp.where(use_inv, f.full(1e4, n, device), count)
        q_b = xp.where(use_inv, f.full(0.5, n, device), q)
        if bool(xp.any(xp.isinf(count_b) & (q_b == c(0.0, q_b)))):
            raise ValueError(
                "binomial: n=inf with p=0 or p=1 never finishes in jax.random.binomial (its "
                "BTRS loop sees only NaN bounds); unirand refuses it"
            )
        btrs = to_float(f, _btrs(f, data, count_b, q_b, cap, device), o)
        samples = xp.where(use_inv, samples, btrs)
    invalid = q_l_0 | q_is_nan | count_nan_or_neg
    samples = xp.where(invalid, o.full(float("nan"), n, device), samples)
    samples = xp.where(count_inf & ~invalid, o.full(float("inf"), n, device), samples)
    keep = p_lt_half | count_nan_or_neg | q_is_nan | count_inf
    return xp.where(keep, samples, o.sub(to_float(f, count, o), samples))
