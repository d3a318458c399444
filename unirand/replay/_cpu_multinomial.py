"""``torch.multinomial`` on CPU, with and without replacement.

Without replacement, and for a single sample with replacement too (``multinomial_out`` in
``ATen/native/Distributions.cpp``; measured: one sample draws one uniform per category), it is
the exponential race: ``q = empty_like(p).exponential_(1)`` (one double uniform per element, in
``p``'s dtype), ``q = p / q`` in that dtype, then ``argmax`` of each row for one sample or
``topk`` for more.  ``topk``'s order among equal values is libstdc++'s (``_libstdcxx_sort``).

With replacement and more than one sample (``ATen/native/cpu/MultinomialKernel.cpp``), row
by row: the running sum of
the row in ``p``'s dtype (float for Half and BFloat16), each entry divided by the total, the
last set to 1; then per sample one double uniform ``u`` and a binary search for the first
entry ``>= u`` (the comparison in double).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._cpu_args import FLOATS, dtype_of, np_dtype, to_dtype
from ._cpu_continuous import exponential
from ._cpu_uniform import doubles
from ._libstdcxx_sort import topk
from ._mt19937 import MT19937


def weights(p: Any, dtype: Any) -> tuple[np.ndarray, str]:
    """The weight tensor torch would get, ``torch.tensor(p, dtype=dtype)``: values rounded to
    ``dtype`` (default: ``p``'s own float dtype, else float32), and the dtype's name."""
    if dtype is not None:
        name = dtype_of(dtype, FLOATS, "multinomial")
    else:
        try:
            name = dtype_of(getattr(p, "dtype", None), FLOATS, "multinomial")
        except TypeError:
            name = "float32"
    try:
        probs = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"p must be an array of numbers; got {p!r}") from None
    return to_dtype(probs, name), name


def sample(
    eng: MT19937, probs: np.ndarray, n_sample: int, replacement: bool, name: str
) -> np.ndarray:
    """``torch.multinomial``: one sample, or no replacement, is the exponential race."""
    if replacement and n_sample > 1:
        return with_replacement(eng, probs, n_sample, name)
    return without_replacement(eng, probs, n_sample, name)


def check_probs(probs: np.ndarray, n_sample: int, replacement: bool) -> None:
    """``multinomial_out``'s checks, as ``ValueError`` naming ``p`` or ``num_samples``."""
    if probs.ndim not in (1, 2):
        raise ValueError(f"multinomial: p must be 1-d or 2-d; got shape {probs.shape}")
    n_categories = probs.shape[-1]
    if n_categories == 0 or (probs.ndim == 2 and probs.shape[0] == 0):
        raise ValueError(f"multinomial: p must have at least one category; got {probs.shape}")
    if n_categories > 2**24:
        raise ValueError(f"multinomial: p has {n_categories} categories; at most 2**24")
    if n_sample <= 0:
        raise ValueError(f"multinomial: num_samples must be > 0; got {n_sample}")
    if not replacement and n_sample > n_categories:
        raise ValueError(
            f"multinomial: num_samples={n_sample} > {n_categories} categories without replacement"
        )
    wide = probs.astype(np.float64)
    if not (np.all(np.isfinite(wide)) and np.all(wide >= 0)):
        raise ValueError("multinomial: p must be finite and >= 0")
    if np.any(wide.reshape(-1, n_categories).sum(axis=1) == 0):
        raise ValueError("multinomial: every row of p must have a positive sum")


def without_replacement(eng: MT19937, probs: np.ndarray, n_sample: int, name: str) -> np.ndarray:
    rows = probs.reshape(-1, probs.shape[-1])
    q = exponential(eng, rows.size, 1.0, name).reshape(rows.shape)
    with np.errstate(all="ignore"):  # q == 0 (u == 0, or an underflow in half) gives inf/NaN
        if name in ("float32", "float64"):
            keys = rows / q
        else:  # Half and BFloat16 divide in float and round back
            keys = (rows.astype(np.float32) / q.astype(np.float32)).astype(np_dtype(name))
    keys = keys.astype(np.float64)  # exact: topk compares in float (opmath)
    if n_sample == 1:
        nan = np.isnan(keys)
        # argmax: the first maximum, NaN counting as the largest
        out = np.where(nan.any(axis=1), nan.argmax(axis=1), keys.argmax(axis=1))[:, None]
    else:
        out = topk(keys, n_sample)
    return out.reshape(*probs.shape[:-1], n_sample)


def with_replacement(eng: MT19937, probs: np.ndarray, n_sample: int, name: str) -> np.ndarray:
    rows = probs.reshape(-1, probs.shape[-1])
    acc = np.float64 if name == "float64" else np.float32
    out = np.empty((rows.shape[0], n_sample), dtype=np.int64)
    for r, row in enumerate(rows):
        cum = np.cumsum(row.astype(acc), dtype=acc)  # sequential, as the C loop
        cum = cum / cum[-1]
        cum[-1] = 1
        u = doubles(eng, n_sample)
        out[r] = np.searchsorted(cum.astype(np.float64), u, side="left")
    return out.reshape(*probs.shape[:-1], n_sample)
