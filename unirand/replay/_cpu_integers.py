"""Integer draws: ``randint`` and every form of ``Tensor.random_``.

Three kernels of ``ATen/native/cpu/DistributionTemplates.h``, each one draw per element in
memory order, over ``ATen/core/DistributionsHelper.h``/``TransformationHelper.h``:

* ``random_()``: ``uniform_int_distribution<T>``: int64 and double take ``random64()``, other
  dtypes ``random()``; the value is ``draw % (max(T) + 1)`` for integers (``2**63`` for
  int64), ``draw % (2**digits(T) + 1)`` for floats, ``draw & 1`` for bool.
* ``random_(from, to)``, ``random_(to)``, ``random_(from, None)`` and ``randint``:
  ``uniform_int_from_to_distribution``: ``random64()`` if the range is at least ``2**28``,
  else ``random()``; the value is ``(draw % range) + from`` as int64, cast to the dtype.
  For float dtypes ``from`` and ``to`` are first moved inward to values the dtype holds
  (``update_from``/``update_to`` in ``ATen/native/DistributionTemplates.h``).
* ``random_(-2**63, None)``: ``uniform_int_full_range``: ``random64()`` as int64, cast.
"""

from __future__ import annotations

import numpy as np

from ._cpu_args import DIGITS, FLOAT_MAX, FLOATS, int64_to_dtype
from ._mt19937 import MT19937

_U64 = 2**64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def random64(eng: MT19937, n: int) -> np.ndarray:
    """``n`` draws of ``random64() = (w0 << 32) | w1`` as uint64."""
    w = eng.words(2 * n).astype(np.uint64)
    return (w[0::2] << np.uint64(32)) | w[1::2]


def from_to(eng: MT19937, n: int, span: int, base: int, name: str) -> np.ndarray:
    """``uniform_int_from_to_distribution(range=span, base)``, cast to ``name``."""
    draws = random64(eng, n) if span >= 1 << 28 else eng.words(n).astype(np.uint64)
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps, as C++'s
        v = draws % np.uint64(span) + np.uint64(base % _U64)
    return int64_to_dtype(v.view(np.int64), name)


def full_range(eng: MT19937, n: int, name: str) -> np.ndarray:
    """``random_(-2**63, None)``: ``static_cast<T>(static_cast<int64_t>(random64()))``."""
    return int64_to_dtype(random64(eng, n).view(np.int64), name)


def no_bounds(eng: MT19937, n: int, name: str) -> np.ndarray:
    """``random_()``: ``uniform_int_distribution<T>``."""
    if name == "bool":
        return (eng.words(n) & np.uint32(1)).astype(bool)
    if name in ("int64", "float64"):
        draws = random64(eng, n)
    else:
        draws = eng.words(n).astype(np.uint64)
    if name in FLOATS:
        v = draws % np.uint64((1 << DIGITS[name]) + 1)
        return int64_to_dtype(v.astype(np.int64), name)
    v = draws % np.uint64(int(np.iinfo(name).max) + 1)
    return v.astype(np.int64).astype(name)


def _digits_shift(value: int, digits: int) -> int:
    """``1LL << (n - digits + 1)`` with ``n`` the index of the top bit of ``value``."""
    top = max(abs(value).bit_length() - 1, 0)
    return 1 << (top - digits + 1)


def _round_trip(value: int, name: str) -> int:
    """``static_cast<int64_t>(static_cast<scalar_t>(value))`` for a float dtype."""
    if not INT64_MIN <= value <= INT64_MAX:
        return value  # int64 overflow in C++; the range check that follows rejects it
    back = float(int64_to_dtype(np.array([value], dtype=np.int64), name).astype(np.float64)[0])
    return int(back) if abs(back) < 2.0**63 else INT64_MIN  # cvttsd2si's indefinite value


def update_from(low: int, name: str) -> int:
    """``update_from<scalar_t>``: the next ``from`` whose cast back stays >= it."""
    from_plus_1 = _round_trip(low + 1, name)
    if from_plus_1 < low:
        low = from_plus_1 + _digits_shift(low + 1, DIGITS[name])
    return low


def update_to(high: int, name: str) -> int:
    """``update_to<scalar_t>``: the previous ``to`` whose ``to - 1`` cast stays below it."""
    to_minus_1 = _round_trip(high - 1, name)
    if to_minus_1 >= high:
        high = to_minus_1 - _digits_shift(high - 1, DIGITS[name])
    return high


def bounds(low: int | None, high: int | None, name: str) -> tuple[int, int] | None:
    """``random_from_to_impl``'s checks: ``(range, from)`` for the kernel, or ``None`` for the
    full 64-bit range; raises ``ValueError`` where torch raises."""
    low = 0 if low is None else low
    if not INT64_MIN <= low <= INT64_MAX:
        raise ValueError(f"random: low must fit int64; got {low}")
    if high is not None:
        if not INT64_MIN <= high <= INT64_MAX:
            raise ValueError(f"random: high must fit int64; got {high}")
        if low >= high:
            raise ValueError(f"random: low must be < high; got low={low}, high={high}")
        if name in FLOATS:
            low, high = update_from(low, name), update_to(high, name)
            if low >= high:
                raise ValueError(
                    f"random: [low, high) holds no {name} value after rounding "
                    f"(low={low}, high={high})"
                )
        _check_in_range(low, high - 1, name)
        return high - low, low
    if low == INT64_MIN:
        if name not in ("int64", "float64", "float32", "bfloat16"):
            raise TypeError(
                "random: the full 64-bit range (low=-2**63, high=None) takes int64, float64, "
                f"float32 or bfloat16; got {name}"
            )
        return None
    if name in FLOATS:
        to_inc = min(1 << DIGITS[name], INT64_MAX)
        low = update_from(low, name)
        if low >= to_inc:
            raise ValueError(f"random: low must be < 2**{DIGITS[name]} for {name}; got {low}")
    else:
        to_inc = 1 if name == "bool" else int(np.iinfo(name).max)
    _check_in_range(low, to_inc, name)
    return to_inc - low + 1, low


def _check_in_range(low: int, high_inclusive: int, name: str) -> None:
    """``check_from_to_in_range``: ``from`` and ``to - 1`` must be values of the dtype."""
    if name in FLOATS:
        lo, hi = -FLOAT_MAX[name], FLOAT_MAX[name]
    elif name == "bool":
        lo, hi = 0, 1
    else:
        info = np.iinfo(name)
        lo, hi = int(info.min), int(info.max)
    for value, what in ((low, "low"), (high_inclusive, "high - 1")):
        if not lo <= value <= hi:
            raise ValueError(f"random: {what} = {value} is out of bounds for {name}")
